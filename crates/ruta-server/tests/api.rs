//! Every API endpoint and error case, through the router (no network).

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

struct Fixture {
    _dir: tempfile::TempDir,
    app: axum::Router,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = common::build_db(dir.path());
        let cfg = ruta_server::Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            db,
            read_only: true,
            admin_token: None,
            cache: true,
            limits: Default::default(),
        };
        let app = ruta_server::router(ruta_server::state(&cfg).expect("state"));
        Fixture { _dir: dir, app }
    })
}

async fn call(
    app: &axum::Router,
    method: Method,
    uri: &str,
    auth: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body)).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, ct, bytes)
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let (s, ct, b) = call(&fixture().app, Method::GET, uri, None, vec![]).await;
    assert!(
        ct.starts_with("application/json"),
        "{uri}: content-type {ct}"
    );
    (
        s,
        serde_json::from_slice(&b)
            .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&b))),
    )
}

async fn ok(uri: &str) -> Value {
    let (s, v) = get(uri).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {v}");
    v
}

async fn error(uri: &str, status: StatusCode) -> Value {
    let (s, v) = get(uri).await;
    assert_eq!(s, status, "{uri}: {v}");
    assert!(
        v["error"].is_string() && v["detail"].is_string(),
        "{uri}: {v}"
    );
    v
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

#[tokio::test]
async fn project_listing_filters_sorts_and_pages() {
    let v = ok("/api/projects").await;
    assert_eq!(items(&v).len(), 50);
    let total = v["total"].as_u64().unwrap();
    assert!(total > 80, "{total}");
    assert_eq!(v["next_offset"], 50);
    for k in [
        "id",
        "name",
        "country",
        "sector_group",
        "status",
        "flow_kind",
        "amount_usd",
        "year",
        "sources",
        "lat",
        "lon",
    ] {
        assert!(items(&v)[0].get(k).is_some(), "{k}");
    }
    let amounts: Vec<f64> = items(&v)
        .iter()
        .filter_map(|p| p["amount_usd"].as_f64())
        .collect();
    assert!(
        amounts.windows(2).all(|w| w[0] >= w[1]),
        "default sort is largest first"
    );

    let v = ok("/api/projects?country=PER&limit=1000").await;
    assert!(items(&v).iter().all(|p| p["country"] == "PER"));
    assert!(items(&v).iter().any(|p| p["id"] == "per-chancay-port"));
    let v = ok("/api/projects?country=per").await;
    assert!(
        items(&v).iter().all(|p| p["country"] == "PER"),
        "codes are case-insensitive"
    );
    let v = ok("/api/projects?sector_group=new_frontier&limit=1000").await;
    assert!(
        !items(&v).is_empty()
            && items(&v)
                .iter()
                .all(|p| p["sector_group"] == "new_frontier")
    );
    let v = ok("/api/projects?flow_kind=loan&status=completion&limit=1000").await;
    assert!(items(&v).iter().all(|p| p["status"] == "completion"));
    assert!(
        items(&v)
            .iter()
            .any(|p| p["id"] == "ecu-coca-codo-sinclair"),
        "projects with a loan among their flows"
    );
    let v = ok("/api/projects?org=china-eximbank&limit=1000").await;
    assert!(
        items(&v)
            .iter()
            .any(|p| p["id"] == "ecu-coca-codo-sinclair")
    );
    let v = ok("/api/projects?year_from=2015&year_to=2016&limit=1000").await;
    assert!(
        !items(&v).is_empty()
            && items(&v)
                .iter()
                .all(|p| (2015..=2016).contains(&p["year"].as_i64().unwrap()))
    );
    let v = ok("/api/projects?q=chancay").await;
    assert_eq!(items(&v)[0]["id"], "per-chancay-port");
    let v = ok("/api/projects?bbox=-81.5,-18.5,-68.5,0&limit=1000").await;
    assert!(!items(&v).is_empty());
    for p in items(&v) {
        let (x, y) = (p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap());
        assert!(
            (-81.5..=-68.5).contains(&x) && (-18.5..=0.0).contains(&y),
            "{p}"
        );
    }
    let v = ok("/api/projects?sort=name&limit=20").await;
    let names: Vec<String> = items(&v)
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    // Paging covers every row once.
    let a = ok("/api/projects?limit=7&offset=0&sort=name").await;
    let b = ok("/api/projects?limit=7&offset=7&sort=name").await;
    assert_eq!(a["next_offset"], 7);
    assert_ne!(items(&a)[0]["id"], items(&b)[0]["id"]);
    let last = ok(&format!("/api/projects?limit=1000&offset={}", total - 1)).await;
    assert_eq!(items(&last).len(), 1);
    assert!(last["next_offset"].is_null());
}

#[tokio::test]
async fn bad_parameters_are_400_with_json() {
    for uri in [
        "/api/projects?country=XXX",
        "/api/projects?country=Peru-ish",
        "/api/projects?limit=0",
        "/api/projects?limit=1000000000",
        "/api/projects?limit=1001",
        "/api/projects?limit=-5",
        "/api/projects?limit=abc",
        "/api/projects?offset=-1",
        "/api/projects?bbox=1,2,3",
        "/api/projects?bbox=a,b,c,d",
        "/api/projects?bbox=0,0,200,5",
        "/api/projects?bbox=0,-95,1,1",
        "/api/projects?bbox=NaN,0,1,1",
        "/api/projects?sector_group=roads",
        "/api/projects?flow_kind=gift",
        "/api/projects?status=dreaming",
        "/api/projects?year_from=abc",
        "/api/projects?year_from=20000",
        "/api/projects?limit=",
        "/api/projects?country=PER&country=BRA",
        "/api/projects?colour=red",
        "/api/projects?sort=random",
        "/api/stats/flows?by=foo",
        "/api/stats/flows",
        "/api/stats/flows?by=year&split=lender",
        "/api/stats/flows?by=year&country=XXX",
        "/api/stats/frontier-share?by=country",
        "/api/projects.csv?limit=0",
        "/api/projects.geojson?country=ZZZ",
        "/api/search",
        "/api/search?q=",
        "/api/organizations?limit=0",
        "/api/evidence?kind=rumour",
        "/api/evidence?country=XXX",
    ] {
        let v = error(uri, StatusCode::BAD_REQUEST).await;
        assert_eq!(v["error"], "bad_parameter", "{uri}");
    }
    // Reversed ranges and boxes are valid (the OpenAPI document cannot say otherwise):
    // they match nothing. A split by the same dimension is no split.
    for uri in [
        "/api/projects?bbox=10,0,-10,5",
        "/api/projects?year_from=2020&year_to=2010",
    ] {
        let (s, v) = get(uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert_eq!(v["total"], 0, "{uri}");
    }
    let (s, _) = get("/api/stats/flows?by=year&split=year").await;
    assert_eq!(s, StatusCode::OK);
    let v = error("/api/projects?country=XXX", StatusCode::BAD_REQUEST).await;
    assert!(v["detail"].as_str().unwrap().contains("country"));
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404_and_methods_405() {
    for uri in [
        "/api/projects/no-such-project",
        "/api/projects/%3Cscript%3E",
        "/api/projects/%FF%FE",
        "/api/countries/XYZ",
        "/api/countries/12",
        "/api/organizations/no-such-org",
        "/api/sources/99999999",
        "/api/sources/abc",
        "/api/sources/-1",
        "/api/nothing-here",
        "/api/projects/a/b",
        "/api/import",
    ] {
        let v = error(uri, StatusCode::NOT_FOUND).await;
        assert_eq!(v["error"], "not_found", "{uri}");
    }
    // No write endpoint without an admin token.
    let (s, _, b) = call(
        &fixture().app,
        Method::POST,
        "/api/import?kind=gcdf",
        Some("Bearer x"),
        b"a,b\n".to_vec(),
    )
    .await;
    assert!(
        s == StatusCode::NOT_FOUND || s == StatusCode::METHOD_NOT_ALLOWED,
        "{s}"
    );
    assert!(serde_json::from_slice::<Value>(&b).is_ok());
    let (s, _, b) = call(
        &fixture().app,
        Method::DELETE,
        "/api/projects",
        None,
        vec![],
    )
    .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["error"],
        "method_not_allowed"
    );
}

#[tokio::test]
async fn a_project_with_every_claim_and_its_source() {
    let p = ok("/api/projects/per-chancay-port").await;
    assert_eq!(p["name"], "Port of Chancay");
    for k in [
        "locations",
        "parties",
        "claims",
        "events",
        "children",
        "aliases",
        "references",
    ] {
        assert!(p[k].is_array(), "{k}");
    }
    assert!(p.get("parent").is_some());
    let amounts: Vec<f64> = p["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["field"] == "value")
        .filter_map(|c| c["value"]["amount"].as_f64())
        .collect();
    for want in [1.3e9, 3.0e9, 3.6e9, 3.7e9] {
        assert!(amounts.contains(&want), "{want} in {amounts:?}");
    }
    let c = p["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"]["amount"] == 3.6e9)
        .unwrap();
    assert!(c["source"]["publisher"].is_string() && c["conflict"] == true);
    if ruta_testdata::seeds_dir().is_some() {
        assert!(c["quote"].as_str().unwrap().contains("$3.6 billion"), "{c}");
    }
    assert!(!p["parties"].as_array().unwrap().is_empty());
    assert!(!p["events"].as_array().unwrap().is_empty());
    assert!(p["events"][0]["sources"].is_array());
    // Its value, and its flows with what each counts and why not.
    assert!(p["value"]["amount"].as_f64().unwrap() >= 1.3e9);
    let flows = p["flows"].as_array().unwrap();
    assert!(
        flows
            .iter()
            .any(|f| f["kind"] == "m_and_a" && f["year"] == 2019)
    );
    for f in flows {
        assert!(f["counted"].is_boolean());
        assert_eq!(
            f["counted"] == false,
            f["not_counted_reason"].is_string(),
            "{f}"
        );
    }
    // Any record id resolves, to the project now holding it.
    let r = ok("/api/projects/per-chancay-port~cosco-stake-2019").await;
    assert_eq!(r["id"], "per-chancay-port");
    assert_eq!(r["redirected_from"], "per-chancay-port~cosco-stake-2019");
}

#[tokio::test]
async fn flows_list_sums_to_the_totals() {
    let totals = ok("/api/stats/flows?by=year").await;
    let total: f64 = totals
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount_usd"].as_f64().unwrap())
        .sum();
    let mut sum = 0.0;
    let mut offset = 0;
    loop {
        let page = ok(&format!(
            "/api/flows?counted=true&limit=1000&offset={offset}"
        ))
        .await;
        sum += items(&page)
            .iter()
            .filter_map(|f| f["amount_usd"].as_f64())
            .sum::<f64>();
        match page["next_offset"].as_u64() {
            Some(n) => offset = n,
            None => break,
        }
    }
    assert!((sum - total).abs() < 1.0, "{sum} vs {total}");
    let v = ok("/api/flows?project=per-chancay-port").await;
    assert!(
        items(&v)
            .iter()
            .all(|f| f["project_id"] == "per-chancay-port")
    );
    error("/api/flows?counted=maybe", StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn flows_honour_include_in_aggregates() {
    let by_year = ok("/api/stats/flows?by=year").await;
    let rows = by_year.as_array().unwrap();
    assert!(
        rows.iter().all(|r| r.get("key").is_some()
            && r["amount_usd"].is_number()
            && r["count"].is_number())
    );
    let total: f64 = rows.iter().map(|r| r["amount_usd"].as_f64().unwrap()).sum();
    for by in ["country", "sector_group", "flow_kind", "sector-group"] {
        let v = ok(&format!("/api/stats/flows?by={by}")).await;
        let t: f64 = v
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["amount_usd"].as_f64().unwrap())
            .sum();
        assert!((t - total).abs() < 1.0, "{by}: {t} vs {total}");
    }
    let lenders = ok("/api/stats/flows?by=lender").await;
    assert!(
        lenders
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "china-development-bank")
    );
    // The trans-Pacific cable (a proposal) has no flow: it adds nothing.
    let cable = ok("/api/projects/chl-china-trans-pacific-cable").await;
    assert!(cable["flows"].as_array().unwrap().is_empty());
    assert!(cable["counted_usd"].is_null() && cable["value"]["amount"].is_number());
    let split = ok("/api/stats/flows?by=year&split=sector_group").await;
    let t: f64 = split
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount_usd"].as_f64().unwrap())
        .sum();
    assert!((t - total).abs() < 1.0);
    assert!(
        split
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["split"].is_string())
    );
    let share = ok("/api/stats/frontier-share?by=year").await;
    for r in share.as_array().unwrap() {
        let s = r["share"].as_f64().unwrap_or(0.0);
        assert!((0.0..=1.0).contains(&s) && r["key"].is_i64());
    }
    ok("/api/stats/frontier-share").await;
    // Filtered (from the precomputed totals and from the flows): each year's share of the
    // filtered total.
    for q in [
        "country=ECU",
        "year_from=2010&year_to=2015",
        "org=china-eximbank",
    ] {
        let v = ok(&format!("/api/stats/frontier-share?by=year&{q}")).await;
        for r in v.as_array().unwrap() {
            let y = r["key"].as_i64().unwrap();
            if q.starts_with("year") {
                assert!((2010..=2015).contains(&y), "{q}: year {y}");
            }
        }
    }
}

#[tokio::test]
async fn countries_organizations_sources_search() {
    let cs = ok("/api/countries").await;
    let lac: Vec<&Value> = cs
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["lac"] == true)
        .collect();
    assert_eq!(lac.len(), 33);
    assert!(
        cs.as_array()
            .unwrap()
            .iter()
            .all(|c| c["numeric"].as_str().is_some_and(|n| n.len() == 3))
    );
    let per = ok("/api/countries/PER").await;
    assert_eq!(per["name"], "Peru");
    for k in [
        "by_year",
        "by_sector_group",
        "by_flow_kind",
        "lenders",
        "top_projects",
        "events",
    ] {
        assert!(per[k].is_array(), "{k}");
    }
    assert!(
        per["top_projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "per-chancay-port")
    );
    assert!(!per["events"].as_array().unwrap().is_empty());
    ok("/api/countries/per").await;

    let orgs = ok("/api/organizations?q=eximbank").await;
    assert_eq!(items(&orgs)[0]["id"], "china-eximbank");
    let orgs = ok("/api/organizations?q=Banco%20de%20Exportaciones").await;
    assert!(
        items(&orgs).iter().any(|o| o["id"] == "china-eximbank"),
        "Spanish alias"
    );
    let o = ok("/api/organizations/china-eximbank").await;
    assert!(o["aliases"].as_array().unwrap().len() >= 3);
    assert!(
        o["projects_list"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["role"] == "lender")
    );

    let chancay = ok("/api/projects/per-chancay-port").await;
    let sid = chancay["claims"][0]["source"]["id"].as_i64().unwrap();
    let s = ok(&format!("/api/sources/{sid}")).await;
    assert_eq!(s["id"], sid);
    assert!(
        s["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "per-chancay-port")
    );

    let r = ok("/api/search?q=coca%20codo").await;
    assert!(
        r["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "ecu-coca-codo-sinclair")
    );
    for k in ["organizations", "sources", "claims", "evidence"] {
        assert!(r[k].is_array(), "{k}");
    }
    if ruta_testdata::seeds_dir().is_some() {
        let r = ok("/api/search?q=AidData").await;
        assert!(
            !r["evidence"].as_array().unwrap().is_empty(),
            "unattached figures are searchable"
        );
        let e = ok("/api/evidence?kind=money&limit=5").await;
        assert!(!items(&e).is_empty() && items(&e).iter().all(|x| x["kind"] == "money"));
    }
    let m = ok("/api/meta").await;
    assert!(m["counts"]["projects"].as_u64().unwrap() > 40);
    assert_eq!(m["import_enabled"], false);
}

#[tokio::test]
async fn exports_follow_the_filters() {
    let (s, ct, b) = call(
        &fixture().app,
        Method::GET,
        "/api/projects.csv?country=PER",
        None,
        vec![],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    let text = String::from_utf8(b).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head = r.headers().unwrap().clone();
    assert_eq!(&head[0], "id");
    let ci = head.iter().position(|h| h == "country").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let listed = ok("/api/projects?country=PER&limit=1000").await;
    assert_eq!(rows.len() as u64, listed["total"].as_u64().unwrap());
    assert!(rows.iter().all(|x| &x[ci] == "PER"));

    let (s, ct, b) = call(
        &fixture().app,
        Method::GET,
        "/api/projects.geojson?country=ECU",
        None,
        vec![],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("application/geo+json"));
    let g: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    let fs = g["features"].as_array().unwrap();
    assert!(!fs.is_empty());
    for f in fs {
        assert_eq!(f["properties"]["country"], "ECU");
        if !f["geometry"].is_null() {
            assert_eq!(f["geometry"]["type"], "Point");
        }
    }
}

#[tokio::test]
async fn the_openapi_document_covers_the_api() {
    let d = ok("/api/openapi.json").await;
    assert!(d["openapi"].as_str().unwrap().starts_with('3'));
    let paths = d["paths"].as_object().unwrap();
    for p in [
        "/api/projects",
        "/api/projects/{id}",
        "/api/projects.csv",
        "/api/projects.geojson",
        "/api/stats/flows",
        "/api/stats/frontier-share",
        "/api/countries",
        "/api/countries/{iso3}",
        "/api/organizations",
        "/api/organizations/{id}",
        "/api/sources/{id}",
        "/api/search",
        "/api/trade/countries",
        "/api/export/datapackage.zip",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    let params: Vec<&str> = paths["/api/projects"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for p in [
        "country",
        "sector_group",
        "flow_kind",
        "status",
        "org",
        "year_from",
        "year_to",
        "q",
        "bbox",
        "sort",
        "limit",
        "offset",
    ] {
        assert!(params.contains(&p), "{p}");
    }
    assert!(
        d["components"]["schemas"]
            .as_object()
            .unwrap()
            .contains_key("ProjectDetail")
    );
}

#[tokio::test]
async fn odd_input_never_gets_a_500() {
    for odd in [
        "/api/projects?q=%22%22%22",
        "/api/projects?q=*",
        "/api/projects?q=NEAR(a%20b)",
        "/api/projects?q=%00",
        "/api/projects?q=%E2%80%8B",
        "/api/projects?org=%27%3B%20DROP%20TABLE%20projects%3B--",
        "/api/projects?dataset=%25",
        "/api/projects?limit=%20",
        "/api/projects?%%%",
        "/api/projects?country=",
        "/api/projects?sort=relevance",
        "/api/projects?sort=relevance&q=port",
        "/api/search?q=%22",
        "/api/search?q=-",
        "/api/evidence?q=%22%22",
        "/api/organizations?q=%2A%2A",
        "/api/projects?bbox=1e400,0,1,1",
        "/api/projects?year_from=99999999999999999999",
        "/api/projects?offset=99999999999999999999",
    ] {
        let (s, _, b) = call(&fixture().app, Method::GET, odd, None, vec![]).await;
        assert!(
            s == StatusCode::OK || s == StatusCode::BAD_REQUEST,
            "{odd}: {s} {}",
            String::from_utf8_lossy(&b)
        );
        assert!(serde_json::from_slice::<Value>(&b).is_ok(), "{odd}");
    }
}

#[tokio::test]
async fn the_dashboard_is_served_offline_with_a_strict_policy() {
    let (s, ct, b) = call(&fixture().app, Method::GET, "/", None, vec![]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/html"));
    let html = String::from_utf8(b).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external assets"
    );
    for asset in [
        "/assets/app.js",
        "/assets/charts.js",
        "/assets/style.css",
        "/assets/countries-50m.json",
        "/assets/topojson-client.min.js",
    ] {
        let (s, _, b) = call(&fixture().app, Method::GET, asset, None, vec![]).await;
        assert_eq!(s, StatusCode::OK, "{asset}");
        assert!(b.len() > 1000, "{asset}");
    }
    let resp = fixture()
        .app
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let csp = resp
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
}

#[tokio::test]
async fn import_needs_the_admin_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let token = "correct-horse-battery-staple";
    let cfg = ruta_server::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        db,
        read_only: false,
        admin_token: Some(token.into()),
        cache: true,
        limits: Default::default(),
    };
    let app = ruta_server::router(ruta_server::state(&cfg).expect("state"));
    let csv = b"Date,Country,CountryCode,Region,Location,EnergySource,EnergySubSector,Borrower,Lender,Amount ($m),Description,BRI Membership\n2015,Ecuador,ECU,Latin America,Quito,Hydropower,Power Generation,Government,Ex-Im Bank,250,Test hydro plant,1\n".to_vec();
    let uri = "/api/import?kind=bu-cgef&name=cgef.csv";
    // Asked before the import, so the answer is cached: the import must empty the cache.
    let before = call(
        &app,
        Method::GET,
        "/api/projects?q=test%20hydro",
        None,
        vec![],
    )
    .await;
    assert_eq!(
        serde_json::from_slice::<Value>(&before.2).unwrap()["total"],
        0
    );
    let (s, _, _) = call(&app, Method::POST, uri, None, csv.clone()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = call(
        &app,
        Method::POST,
        uri,
        Some("Bearer wrong-token-wrong-token"),
        csv.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, b) = call(
        &app,
        Method::POST,
        "/api/import?kind=nope",
        Some(&format!("Bearer {token}")),
        csv.clone(),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&b)
    );
    let (s, _, b) = call(
        &app,
        Method::POST,
        uri,
        Some(&format!("Bearer {token}")),
        csv,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let report: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(report["imported"], 1, "{report}");
    let (s, _, b) = call(
        &app,
        Method::GET,
        "/api/projects?q=test%20hydro",
        None,
        vec![],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(serde_json::from_slice::<Value>(&b).unwrap()["total"], 1);
    let meta: Value =
        serde_json::from_slice(&call(&app, Method::GET, "/api/meta", None, vec![]).await.2)
            .unwrap();
    assert_eq!(meta["import_enabled"], true);
    let _ = Arc::new(());
}

#[test]
fn read_only_and_admin_token_exclude_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = ruta_server::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        db: dir.path().join("x.db"),
        read_only: true,
        admin_token: Some("x".repeat(20)),
        cache: true,
        limits: Default::default(),
    };
    assert!(ruta_server::state(&cfg).is_err());
    let cfg = ruta_server::Config {
        admin_token: None,
        ..cfg
    };
    let e = ruta_server::state(&cfg).err().expect("missing database");
    assert!(e.to_string().contains("no such database"));
}

#[tokio::test]
async fn link_candidates_and_relations_say_why() {
    let v = ok("/api/link/candidates?limit=5").await;
    assert!(v["total"].is_number());
    for c in items(&v) {
        assert!(
            c["score"].is_number() && c["evidence"]["rows"].is_array(),
            "{c}"
        );
        assert!(c["from"]["id"].is_string() && c["to"]["kind"].is_string());
    }
    error("/api/link/candidates?kind=cousin", StatusCode::BAD_REQUEST).await;
    // Every relation on a flow names its origin and rule; the linker's carry a score
    // and their waterfall.
    let f = ok("/api/flows?limit=1000").await;
    for flow in items(&f) {
        for r in flow["relations"].as_array().unwrap() {
            assert!(r["origin"].is_string() && r["rule"].is_string());
            if r["origin"] == "linker" {
                assert!(r["score"].is_number() && r["evidence"]["match_weight"].is_number());
            }
        }
    }
}

#[tokio::test]
async fn belt_and_road_membership_on_country_pages_and_as_a_filter() {
    let pan = ok("/api/countries/PAN").await;
    assert_eq!(
        (&pan["bri_member"], &pan["bri_joined"], &pan["bri_exited"]),
        (&json!(false), &json!("2017-06-01"), &json!("2025-05-04"))
    );
    assert!(
        pan["bri_source"]
            .as_str()
            .unwrap()
            .contains("Green Finance & Development Center")
    );
    let col = ok("/api/countries/COL").await;
    assert_eq!(
        (&col["bri_member"], &col["bri_joined"]),
        (&json!(true), &json!("2025-05-14"))
    );
    let list = ok("/api/countries").await;
    let mex = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iso3"] == "MEX")
        .unwrap();
    assert_eq!(
        (&mex["bri_member"], &mex["bri_listed"]),
        (&json!(false), &json!(false))
    );
    // Totals by membership at commitment time: the two sides never overlap and add up
    // to the flows that have a date.
    let sum = |v: &Value| -> (f64, u64) {
        v.as_array().unwrap().iter().fold((0.0, 0), |(a, n), r| {
            (
                a + r["amount_usd"].as_f64().unwrap(),
                n + r["count"].as_u64().unwrap(),
            )
        })
    };
    let all = sum(&ok("/api/stats/flows?by=year").await);
    let m = sum(&ok("/api/stats/flows?by=year&bri=member").await);
    let n = sum(&ok("/api/stats/flows?by=year&bri=non-member").await);
    assert!(m.1 > 0 && n.1 > 0, "{m:?} {n:?}");
    assert!(
        m.1 + n.1 <= all.1 && m.0 + n.0 <= all.0 + 1.0,
        "{m:?} + {n:?} > {all:?}"
    );
    let flows = ok("/api/flows?bri=member&limit=1000").await;
    assert!(!items(&flows).is_empty());
    let v = error("/api/flows?bri=maybe", StatusCode::BAD_REQUEST).await;
    assert!(
        v["detail"].as_str().unwrap().contains("member, non-member"),
        "{v}"
    );
    let d = ok("/api/openapi.json").await;
    let p = d["paths"]["/api/stats/flows"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "bri")
        .cloned()
        .unwrap();
    assert_eq!(p["schema"]["enum"], json!(["member", "non-member"]));
}

#[tokio::test]
async fn the_data_package_as_a_zip_and_trade_per_country() {
    let f = fixture();
    let (status, ct, body) = call(
        &f.app,
        Method::GET,
        "/api/export/datapackage.zip",
        None,
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct, "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).expect("a zip");
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("entry name").to_string())
        .collect();
    for t in [
        "datapackage.json",
        "projects.csv",
        "flows.csv",
        "events.csv",
    ] {
        assert!(
            names.contains(&format!("ruta/{t}")),
            "{t} missing: {names:?}"
        );
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("ruta/projects.csv").unwrap(), &mut text)
        .unwrap();
    assert!(
        text.contains("per-chancay-port"),
        "projects.csv without Chancay"
    );
    let v = error("/api/export/datapackage.zip?x=1", StatusCode::BAD_REQUEST).await;
    assert!(v["detail"].as_str().unwrap().contains("x"));

    let v = ok("/api/trade/countries").await;
    assert!(v.is_array());
    error("/api/trade/countries?year=1800", StatusCode::BAD_REQUEST).await;
    error("/api/trade/countries?country=BRA", StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn years_are_written_without_thousands_separators() {
    let p = ok("/api/projects/per-chancay-port").await;
    for c in p["claims"].as_array().unwrap() {
        if c["field"] == "year" {
            let d = c["display"].as_str().unwrap();
            assert!(!d.contains(','), "year shown as {d}");
        }
    }
}

#[tokio::test]
async fn the_served_document_states_what_handlers_enforce() {
    // Schemathesis found these: bounds and closed lists the handlers enforce but the
    // document did not state, and a project page whose `flows` was typed as a count.
    let d = ok("/api/openapi.json").await;
    let param = |path: &str, name: &str| -> Value {
        d["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{path} {name}"))
    };
    let limit = param("/api/projects", "limit");
    assert_eq!(
        (&limit["schema"]["minimum"], &limit["schema"]["maximum"]),
        (&json!(1), &json!(1000))
    );
    assert_eq!(
        param("/api/search", "limit")["schema"]["maximum"],
        json!(100)
    );
    assert_eq!(
        param("/api/debt/loans", "disbursement")["schema"]["enum"],
        json!(["full", "linear"])
    );
    assert_eq!(
        param("/api/debt/loans", "assume_rate")["schema"]["maximum"],
        json!(100.0)
    );
    assert_eq!(
        param("/api/flows", "year_from")["schema"]["minimum"],
        json!(1900)
    );
    let detail = &d["components"]["schemas"]["ProjectDetail"]["allOf"];
    for part in detail.as_array().unwrap() {
        if let Some(flows) = part["properties"].get("flows") {
            assert_eq!(flows["type"], "array", "{flows}");
        }
    }
    // An empty free-text value is a parameter not given; an empty number or name is a 400.
    ok("/api/flows?project=&q=&limit=5").await;
    error("/api/flows?limit=", StatusCode::BAD_REQUEST).await;
    error("/api/debt/loans?disbursement=", StatusCode::BAD_REQUEST).await;
    // Only the documented names of a closed list.
    error("/api/projects?bri=true", StatusCode::BAD_REQUEST).await;
    ok("/api/projects?bri=member").await;
}
