//! `/api/debt/*` and loan terms on `/api/flows` through the router (no network), on the
//! shared GCDF 3.0 full-schema rows and World Bank IDS tables.

mod common;

use axum::http::StatusCode;
use serde_json::Value;
use std::sync::OnceLock;

struct Fixture {
    _dir: tempfile::TempDir,
    app: axum::Router,
    /// Whether the shared files were there to import.
    data: bool,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = common::build_db(dir.path());
        let mut data = true;
        {
            let mut store =
                ruta_store::Store::open(&db, ruta_store::Access::ReadWrite).expect("open");
            for (kind, rel) in [
                (ruta_ingest::Kind::Gcdf, "gcdf3/lac_ports_fullschema.csv"),
                (
                    ruta_ingest::Kind::WbIds,
                    "debt/ids_DT.AMT.BLAT.CD_2000-2025_LAC_all_creditors.csv",
                ),
                (
                    ruta_ingest::Kind::WbIds,
                    "debt/ids_DT.INT.BLAT.CD_2000-2025_LAC_all_creditors.csv",
                ),
            ] {
                match ruta_testdata::shared_file(rel) {
                    Some(f) => {
                        let r = ruta_ingest::import_file(
                            &mut store,
                            kind,
                            &f,
                            &ruta_ingest::Options::default(),
                            &ruta_ingest::Quiet,
                        );
                        assert_eq!(r.outcome, "imported", "{}", r.summary());
                    }
                    None => data = false,
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
async fn loan_flows_carry_terms_and_grant_elements() {
    if !fixture().data {
        return;
    }
    let (s, page) = get("/api/flows?project=gcdf-54912").await;
    assert_eq!(s, StatusCode::OK);
    let f = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "gcdf-54912")
        .unwrap();
    let t = &f["terms"];
    assert_eq!(t["interest_rate"], 2.0);
    assert_eq!(t["maturity_years"], 21.75);
    assert_eq!(t["grace_years"], 5.0);
    assert_eq!(t["first_repayment"], "2021-12-14");
    assert_eq!(t["last_repayment"], "2038-09-09");
    assert_eq!(t["collateralized"], true);
    assert_eq!(t["grant_element"]["oecd_cash_flow"], 54.7023);
    assert_eq!(t["grant_element"]["oecd_grant_equivalent"], 34.5267);
    assert_eq!(t["grant_element"]["imf"], 27.599);
    // A grant has no terms.
    let (_, page) = get("/api/flows?project=gcdf-89653").await;
    assert!(page["items"][0].get("terms").is_none());
}

#[tokio::test]
async fn schedule_service_and_loans() {
    if !fixture().data {
        return;
    }
    let (s, rows) = get("/api/debt/schedule?flow=gcdf-69143").await;
    assert_eq!(s, StatusCode::OK);
    let rows = rows.as_array().unwrap();
    // Jamaica, USD 22.1 m at 6.07 %, repaid 2007-07-19 to 2009-01-16.
    assert_eq!(
        rows.iter()
            .map(|r| r["year"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [2006, 2007, 2008, 2009]
    );
    let principal: f64 = rows
        .iter()
        .map(|r| r["principal_usd"].as_f64().unwrap())
        .sum();
    assert!((principal - 22_118_868.0).abs() < 0.01);
    assert_eq!(rows[3]["outstanding_usd"], 0.0);
    for k in [
        "flow_id",
        "country",
        "year",
        "principal_usd",
        "interest_usd",
        "outstanding_usd",
    ] {
        assert!(rows[0].get(k).is_some(), "{k}");
    }

    let (s, rows) = get("/api/debt/service?country=ECU&year_from=2010&year_to=2025").await;
    assert_eq!(s, StatusCode::OK);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 16);
    let y2019 = rows.iter().find(|r| r["key"] == 2019).unwrap();
    // IDS: Ecuador's debt service to China in 2019, US$ 1,429.6 m.
    let rep = y2019["reported_usd"].as_f64().unwrap();
    assert!((rep / 1e6 - 1429.6).abs() < 0.1, "{rep}");
    assert!(y2019["gdp_share"].is_number());
    assert!(rows.iter().find(|r| r["key"] == 2025).unwrap()["reported_is_projection"] == true);

    let (_, loans) = get("/api/debt/loans?country=ATG").await;
    let l = &loans[0];
    assert_eq!(l["flow_id"], "gcdf-54912");
    assert_eq!(l["scheduled"], true);
    assert!(
        l["assumptions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "disbursed in full at commitment")
    );

    let (_, lin) = get("/api/debt/loans?country=ATG&disbursement=linear").await;
    assert!(
        lin[0]["assumptions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str().unwrap().contains("semiannual tranches"))
    );
}

#[tokio::test]
async fn bad_parameters_are_400s_and_the_document_lists_the_endpoints() {
    for (uri, param) in [
        ("/api/debt/schedule?country=XX", "country"),
        ("/api/debt/schedule?disbursement=soon", "disbursement"),
        ("/api/debt/schedule?assume_maturity=-3", "assume_maturity"),
        ("/api/debt/loans?assume_rate=abc", "assume_rate"),
        ("/api/debt/service?by=bank", "by"),
        ("/api/debt/service?year_from=19", "year_from"),
    ] {
        let (s, e) = get(uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(e["error"], "bad_parameter");
        assert!(e["detail"].as_str().unwrap().starts_with(param), "{e}");
    }
    for (uri, words) in [
        ("/api/debt/schedule?flow=nope", "no flow 'nope'"),
        ("/api/debt/loans?flow=gcdf-89653", "is a grant, not a loan"),
    ] {
        if !fixture().data && uri.contains("gcdf") {
            continue;
        }
        let (s, e) = get(uri).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
        assert!(e["detail"].as_str().unwrap().contains(words), "{e}");
    }
    let (_, doc) = get("/api/openapi.json").await;
    for p in ["/api/debt/schedule", "/api/debt/service", "/api/debt/loans"] {
        assert!(doc["paths"][p]["get"].is_object(), "{p}");
    }
    let params: Vec<&str> = doc["paths"]["/api/debt/service"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        params.contains(&"by") && params.contains(&"assume_rate"),
        "{params:?}"
    );
    assert!(doc["components"]["schemas"]["FlowTerms"].is_object());
}
