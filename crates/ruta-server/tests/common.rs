//! A test database: the registry, the seed articles ingested, the shared BU CGEF sample and
//! a project whose name is markup (`<script>alert(1)</script>`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const XSS_ID: &str = "cgef-per-2019-script-alert-1-script";

pub fn build_db(dir: &Path) -> PathBuf {
    let db = dir.join("ruta.db");
    let mut store = ruta_store::Store::open(&db, ruta_store::Access::ReadWrite).expect("open");
    ruta_ingest::registry::load(&mut store).expect("registry");
    if let Some(seeds) = ruta_testdata::seeds_dir() {
        let mut arts = Vec::new();
        for p in ruta_extract::input::expand(&[seeds]) {
            arts.extend(
                ruta_extract::input::read(&p.expect("seed file"))
                    .into_iter()
                    .flatten(),
            );
        }
        ruta_ingest::news::ingest(&mut store, &arts, None, None).expect("ingest seeds");
    }
    let xss = dir.join("xss.csv");
    std::fs::write(
        &xss,
        "Date,Country,CountryCode,Region,Location,EnergySource,EnergySubSector,Borrower,Lender,Amount ($m),Description,BRI Membership\n\
         2019,Peru,PER,Latin America,Lima,Solar,Power Generation,Government,CDB,100,<script>alert(1)</script>,1\n\
         2018,Peru,PER,Latin America,Lima,Solar,Power Generation,Government,CDB,50,Planta \u{202E}fdp.exe,1\n",
    )
    .expect("write");
    let opts = ruta_ingest::Options::default();
    let r = ruta_ingest::import_file(
        &mut store,
        ruta_ingest::Kind::BuCgef,
        &xss,
        &opts,
        &ruta_ingest::Quiet,
    );
    assert!(!r.failed(), "{}", r.summary());
    if let Some(cgef) = ruta_testdata::shared_file("bu_cgef/bu_cgef_2020.csv") {
        let r = ruta_ingest::import_file(
            &mut store,
            ruta_ingest::Kind::BuCgef,
            &cgef,
            &opts,
            &ruta_ingest::Quiet,
        );
        assert!(!r.failed(), "{}", r.summary());
    }
    db
}

/// The API router over `db`, read-only, with the response cache on.
pub fn read_only_router(db: PathBuf) -> axum::Router {
    let cfg = ruta_server::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        db,
        read_only: true,
        admin_token: None,
        cache: true,
        limits: Default::default(),
    };
    ruta_server::router(ruta_server::state(&cfg).expect("state"))
}

/// GET `uri` through `app`: the status and the JSON body (asserting a JSON content type).
pub async fn get_json(
    app: &axum::Router,
    uri: &str,
) -> (axum::http::StatusCode, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let resp = app
        .clone()
        .oneshot(
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(ct.starts_with("application/json"), "{uri}: {ct}");
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}
