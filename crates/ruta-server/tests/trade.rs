//! `/api/trade` and `/api/trade/totals` through the router (no network), on the shared
//! DOTS and Comtrade files and the seed articles.

mod common;

use axum::http::StatusCode;
use serde_json::Value;
use std::sync::OnceLock;

struct Fixture {
    _dir: tempfile::TempDir,
    app: axum::Router,
    /// Whether the shared trade files were there to import.
    data: bool,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = common::build_db(dir.path());
        let mut data = false;
        {
            let mut store =
                ruta_store::Store::open(&db, ruta_store::Access::ReadWrite).expect("open");
            for (kind, rel) in [
                (
                    ruta_ingest::Kind::Dots,
                    "trade/imf_dots_TradeData_BRA_CHN_MEX_URY_IND_RUS_1948-2020.csv",
                ),
                (
                    ruta_ingest::Kind::Comtrade,
                    "trade/comtrade_cipf_china_plp_TOTAL_2019-2021_semicolon.csv",
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
                    data = true;
                }
            }
        }
        let app = common::read_only_router(db);
        Fixture {
            _dir: dir,
            app,
            data,
        }
    })
}

async fn get(uri: &str) -> (StatusCode, Value) {
    common::get_json(&fixture().app, uri).await
}

#[tokio::test]
async fn trade_rows_both_sides_of_the_mirror() {
    if !fixture().data {
        return;
    }
    let (s, rows) = get("/api/trade?country=BRA&year=2019").await;
    assert_eq!(s, StatusCode::OK);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let find = |flow: &str, reporter: &str| {
        rows.iter()
            .find(|r| r["flow"] == flow && r["reporter"] == reporter)
            .unwrap()
    };
    let m = find("import", "CHN");
    assert_eq!(m["value_usd"], 79_962_547_047.0);
    assert_eq!(m["displayed"], true);
    assert_eq!(m["mirror_usd"], 62_265_865_817.0);
    assert!(m["hs2"].is_null());
    let srcs = m["sources"].as_array().unwrap();
    assert_eq!(srcs.len(), 2);
    assert_eq!(srcs[1]["dataset"], "IMF DOTS");
    assert_eq!(srcs[1]["value"], 79_203_568_560.0);
    assert_eq!(srcs[1]["locator"], "line 56, column '2019'");
    assert_eq!(find("export", "BRA")["value_usd"], 37_385_938_067.0);

    let (_, china) = get("/api/trade?country=MEX&reporter=china&year=2019").await;
    let china = china.as_array().unwrap();
    assert!(china.iter().all(|r| r["reporter"] == "CHN"));
    let x = china.iter().find(|r| r["flow"] == "export").unwrap();
    assert_eq!(x["value_usd"], 46_377_886_430.0);
    assert_eq!(x["mirror_usd"], 88_035_669_080.0);

    let (_, totals) = get("/api/trade/totals?year=2019").await;
    let t = &totals[0];
    assert_eq!(t["year"], 2019);
    assert_eq!(t["countries"], 3, "Brazil, Mexico, Uruguay");
    // China -> LAC shown as the importers report it: Brazil's, Mexico's, Uruguay's imports.
    let x: f64 = 37_385_938_067.0 + 88_035_669_080.0 + 1_479_304_933.0;
    assert_eq!(t["export_usd"], x);
}

#[tokio::test]
async fn trade_news_claims_and_bad_parameters() {
    if ruta_testdata::seeds_dir().is_some() {
        let (s, rows) = get("/api/trade?reporter=news&country=PER").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            rows.as_array()
                .unwrap()
                .iter()
                .any(|r| r["flow"] == "total" && r["value_usd"] == 37.69e9 && r["year"] == 2023),
            "{rows}"
        );
    }
    for (uri, param) in [
        ("/api/trade?country=XX", "country"),
        ("/api/trade?year=19", "year"),
        ("/api/trade?by=hs6", "by"),
        ("/api/trade?reporter=usa", "reporter"),
    ] {
        let (s, e) = get(uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(e["error"], "bad_parameter");
        assert!(e["detail"].as_str().unwrap().starts_with(param), "{e}");
    }
    let (_, doc) = get("/api/openapi.json").await;
    let params: Vec<&str> = doc["paths"]["/api/trade"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(params, ["country", "year", "by", "reporter"]);
    assert!(doc["paths"]["/api/trade/totals"].is_object());
}
