//! The dashboard end to end in headless Chromium: `web/e2e/run.mjs` (playwright-core
//! driving Debian's chromium) against a live server on a free local port. Loads the
//! overview and the map, filters the projects table, opens a project page and finds its
//! claims with sources, the country page's debt card and a loan's collateral mark; the
//! overview's and the map's filters, the map's port layer, the Problems and Countries
//! pages, each with the values on screen checked against the API; checks
//! there are no console errors and that a project named
//! `<script>alert(1)</script>` renders as text. Screenshots go to
//! `test-artifacts/e2e/`.
//!
//! Needs node, web/node_modules (npm ci in web/) and chromium: under CI=true their absence
//! fails the test; elsewhere it skips with a message.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

fn missing(what: &str) {
    if in_ci() {
        panic!("end-to-end test needs {what} (CI=true makes this a failure; .ci/run installs it)");
    }
    eprintln!("SKIP: end-to-end test needs {what}");
}

#[test]
fn dashboard_in_headless_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let web = root.join("web");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if Command::new("node")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        return missing("node");
    }
    if !web.join("node_modules/playwright-core").is_dir() {
        return missing("playwright-core (run `npm ci` in web/)");
    }
    if !std::path::Path::new(&chromium).exists() {
        return missing("chromium (apt-get install chromium)");
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let db = common::build_db(dir.path());
    // Loans with terms and collateral, and the World Bank's reported debt service, for the
    // debt card and the collateral mark (when the shared data is there).
    {
        let mut store = ruta_store::Store::open(&db, ruta_store::Access::ReadWrite).expect("open");
        for (kind, rel) in [
            (ruta_ingest::Kind::Gcdf, "gcdf3/lac_ports_fullschema.csv"),
            // The map's port layer.
            (
                ruta_ingest::Kind::Ports,
                "ports/lac_ports_chinese_firms.csv",
            ),
            (
                ruta_ingest::Kind::WbIds,
                "debt/ids_DT.AMT.BLAT.CD_2000-2025_LAC_all_creditors.csv",
            ),
            (
                ruta_ingest::Kind::WbIds,
                "debt/ids_DT.INT.BLAT.CD_2000-2025_LAC_all_creditors.csv",
            ),
        ] {
            if let Some(f) = ruta_testdata::shared_file(rel) {
                let r = ruta_ingest::import_file(
                    &mut store,
                    kind,
                    &f,
                    &ruta_ingest::Options::default(),
                    &ruta_ingest::Quiet,
                );
                assert_eq!(r.outcome, "imported", "{}", r.summary());
            }
        }
    }
    let cfg = ruta_server::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        db,
        read_only: true,
        admin_token: None,
        cache: true,
        limits: Default::default(),
    };
    let state = ruta_server::state(&cfg).expect("state");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(async move {
        axum::serve(listener, ruta_server::router(state))
            .await
            .expect("serve");
    });
    std::thread::sleep(Duration::from_millis(100));

    let shots = root.join("test-artifacts/e2e");
    let out = Command::new("node")
        .arg(web.join("e2e/run.mjs"))
        .arg(format!("http://{addr}"))
        .arg(&shots)
        .arg(common::XSS_ID)
        .env("CHROMIUM", &chromium)
        .current_dir(&web)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "dashboard checks failed:\n{stdout}\n{stderr}"
    );
    for page in [
        "overview",
        "map",
        "projects",
        "project",
        "xss",
        "country",
        "debt",
        "organization",
        "filters",
        "map-ports",
        "problems",
        "countries",
    ] {
        assert!(
            shots.join(format!("{page}.png")).is_file(),
            "no screenshot of {page}"
        );
    }
}
