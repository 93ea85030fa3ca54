//! The server sheds load instead of drowning, and its contract holds under abuse: unknown
//! parameters, long values, slow queries, a full pool, slow clients, hostile uploads,
//! locked databases and hostile source URLs. One test per fault of issue 10.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use ruta_server::{ApiError, Config, Limits, Pool, PoolLimits};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tower::ServiceExt;

/// A database with the registry and one GCDF row whose sources are a `javascript:` URL,
/// a `//` URL and an https URL.
fn database(dir: &Path) -> PathBuf {
    let db = dir.join("ruta.db");
    let mut store = ruta_store::Store::open(&db, ruta_store::Access::ReadWrite).unwrap();
    ruta_ingest::registry::load(&mut store).unwrap();
    let csv = dir.join("gcdf.csv");
    std::fs::write(
        &csv,
        "AidData Record ID,Title,Recipient ISO-3,Commitment Year,Amount (Constant USD 2021),Source URLs,Source Titles\n\
         990001,Puerto \u{202E}gnp.exe,PER,2019,1000000,javascript:alert(1)|//evil.example/x|https://example.org/ok,A|B|C\n",
    )
    .unwrap();
    let r = ruta_ingest::import_file(
        &mut store,
        ruta_ingest::Kind::Gcdf,
        &csv,
        &ruta_ingest::Options::default(),
        &ruta_ingest::Quiet,
    );
    assert_eq!(r.imported, 1, "{r:?}");
    db
}

fn config(db: PathBuf, admin: Option<&str>, limits: Limits) -> Config {
    Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        db,
        read_only: admin.is_none(),
        admin_token: admin.map(str::to_string),
        cache: true,
        limits,
    }
}

async fn call(
    app: &axum::Router,
    method: Method,
    uri: &str,
    auth: Option<&str>,
    body: Body,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    call(app, Method::GET, uri, None, Body::empty()).await
}

fn json(b: &[u8]) -> Value {
    serde_json::from_slice(b)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(b)))
}

fn assert_json_error(
    status: StatusCode,
    headers: &axum::http::HeaderMap,
    body: &[u8],
    want: StatusCode,
) -> Value {
    assert_eq!(status, want, "{}", String::from_utf8_lossy(body));
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{headers:?}"
    );
    let v = json(body);
    assert!(v["error"].is_string() && v["detail"].is_string(), "{v}");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_parameters_are_400_and_never_grow_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let st = ruta_server::state(&config(database(dir.path()), None, Limits::default())).unwrap();
    let app = ruta_server::router(st.clone());
    let (s, h, b) = get(&app, "/api/projects?country=PER").await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    assert_eq!(h["x-ruta-cache"], "miss");
    let cached = st.cached_entries();
    for i in 0..300 {
        let (s, h, b) = get(&app, &format!("/api/projects?country=PER&junk{i}=1")).await;
        let v = assert_json_error(s, &h, &b, StatusCode::BAD_REQUEST);
        assert!(
            v["detail"].as_str().unwrap().contains("unknown parameter"),
            "{v}"
        );
    }
    for uri in [
        "/api/countries?x=1",
        "/api/meta?x=1",
        "/api/projects/gcdf-990001?x=1",
        "/api/openapi.json?x=1",
    ] {
        let (s, h, b) = get(&app, uri).await;
        assert_json_error(s, &h, &b, StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        st.cached_entries(),
        cached,
        "junk never becomes a cache key"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_text_parameter_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let app = ruta_server::router(
        ruta_server::state(&config(database(dir.path()), None, Limits::default())).unwrap(),
    );
    let long = "a".repeat(501);
    for uri in [
        format!("/api/evidence?q={long}"),
        format!("/api/projects?org={long}"),
        format!("/api/projects?dataset={long}"),
        format!("/api/organizations?q={long}"),
        format!("/api/search?q={long}"),
        format!("/api/stats/flows?by=year&q={long}"),
    ] {
        let (s, h, b) = get(&app, &uri).await;
        let v = assert_json_error(s, &h, &b, StatusCode::BAD_REQUEST);
        assert!(
            v["detail"].as_str().unwrap().contains("longer than 500"),
            "{uri}: {v}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_under_api_are_json_and_carry_no_sql() {
    let dir = tempfile::tempdir().unwrap();
    let app = ruta_server::router(
        ruta_server::state(&config(
            database(dir.path()),
            Some("correct-horse-battery-staple"),
            Limits {
                upload_bytes: 1 << 10,
                ..Limits::default()
            },
        ))
        .unwrap(),
    );
    let (s, h, b) = get(&app, "/api/nope/nope").await;
    assert_json_error(s, &h, &b, StatusCode::NOT_FOUND);
    let (s, h, b) = call(&app, Method::DELETE, "/api/projects", None, Body::empty()).await;
    assert_json_error(s, &h, &b, StatusCode::METHOD_NOT_ALLOWED);
    let (s, h, b) = call(
        &app,
        Method::PUT,
        "/api/import?kind=gcdf",
        None,
        Body::empty(),
    )
    .await;
    assert_json_error(s, &h, &b, StatusCode::METHOD_NOT_ALLOWED);
    let (s, h, b) = call(
        &app,
        Method::POST,
        "/api/import?kind=gcdf",
        Some("Bearer correct-horse-battery-staple"),
        Body::from(vec![b'x'; 4096]),
    )
    .await;
    assert_json_error(s, &h, &b, StatusCode::PAYLOAD_TOO_LARGE);
    // Totals with a text filter: whatever the store answers, a failure never shows SQL.
    for uri in [
        "/api/stats/flows?by=year&q=port",
        "/api/stats/frontier-share?q=port",
    ] {
        let (s, _, b) = get(&app, uri).await;
        let text = String::from_utf8_lossy(&b).to_lowercase();
        assert!(
            s == StatusCode::OK || s == StatusCode::INTERNAL_SERVER_ERROR,
            "{s}"
        );
        for leak in ["select", "no such", "rowid", "sqlite", " from "] {
            assert!(!text.contains(leak), "{uri}: {text}");
        }
    }
}

#[test]
fn a_slow_query_is_interrupted_at_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let pool = Pool::open(
        &db,
        1,
        PoolLimits {
            wait: Duration::from_millis(100),
            deadline: Duration::from_millis(200),
        },
    )
    .unwrap();
    let t = std::time::Instant::now();
    let e: ApiError = pool
        .with(|s| {
            s.conn()
                .query_row(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(ruta_store::StoreError::from)
        })
        .unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE, "{e:?}");
    assert_eq!(e.body.error, "timeout");
    assert!(e.retry_after.is_some());
    // The connection is usable again.
    let n: i64 = pool
        .with(|s| {
            s.conn()
                .query_row("SELECT 1", [], |r| r.get(0))
                .map_err(ruta_store::StoreError::from)
        })
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_full_pool_answers_503_with_retry_after_after_a_bounded_wait() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let pool = std::sync::Arc::new(
        Pool::open(
            &db,
            1,
            PoolLimits {
                wait: Duration::from_millis(100),
                deadline: Duration::from_secs(2),
            },
        )
        .unwrap(),
    );
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let holder = {
        let pool = pool.clone();
        std::thread::spawn(move || {
            pool.with(|_| {
                held_tx.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(600));
                Ok::<_, ApiError>(())
            })
            .unwrap();
        })
    };
    held_rx.recv().unwrap();
    let t = std::time::Instant::now();
    let e = pool.with(|_| Ok::<_, ApiError>(())).unwrap_err();
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(e.retry_after, Some(1));
    holder.join().unwrap();
    pool.with(|_| Ok::<_, ApiError>(())).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_check_the_token_first_and_refuse_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    let token = "correct-horse-battery-staple";
    let app = ruta_server::router(
        ruta_server::state(&config(
            database(dir.path()),
            Some(token),
            Limits {
                upload_bytes: 1 << 10,
                ..Limits::default()
            },
        ))
        .unwrap(),
    );
    // A body that never ends: answered 401 at once, because the body is not read.
    let endless = Body::from_stream(futures_util::stream::pending::<
        Result<Vec<u8>, std::io::Error>,
    >());
    let r = tokio::time::timeout(
        Duration::from_secs(5),
        call(
            &app,
            Method::POST,
            "/api/import?kind=gcdf",
            Some("Bearer wrong"),
            endless,
        ),
    )
    .await
    .expect("answered without reading the body");
    assert_json_error(r.0, &r.1, &r.2, StatusCode::UNAUTHORIZED);
    let auth = format!("Bearer {token}");
    for name in ["..", ".", "%00", "a%00b.csv", "%2E%2E"] {
        let (s, h, b) = call(
            &app,
            Method::POST,
            &format!("/api/import?kind=gcdf&name={name}"),
            Some(&auth),
            Body::from("AidData Record ID,Title\n"),
        )
        .await;
        assert_json_error(s, &h, &b, StatusCode::BAD_REQUEST);
    }
    // No body at all is a 400, not a report of an empty file.
    let (s, h, b) = call(
        &app,
        Method::POST,
        "/api/import?kind=gcdf",
        Some(&auth),
        Body::empty(),
    )
    .await;
    assert_json_error(s, &h, &b, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_into_a_locked_database_is_503_not_a_failed_200() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let token = "correct-horse-battery-staple";
    let app = ruta_server::router(
        ruta_server::state(&config(
            db.clone(),
            Some(token),
            Limits {
                write_wait: Duration::from_millis(200),
                ..Limits::default()
            },
        ))
        .unwrap(),
    );
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let mut s = ruta_store::Store::open(&db, ruta_store::Access::ReadWrite).unwrap();
        let _w = s.writer().unwrap();
        held_tx.send(()).unwrap();
        let _ = done_rx.recv_timeout(Duration::from_secs(20));
    });
    held_rx.recv().unwrap();
    let (s, h, b) = call(
        &app,
        Method::POST,
        "/api/import?kind=bu-cgef&name=x.csv",
        Some(&format!("Bearer {token}")),
        Body::from("Date,Country\n2019,Peru\n"),
    )
    .await;
    let v = assert_json_error(s, &h, &b, StatusCode::SERVICE_UNAVAILABLE);
    assert!(h.contains_key("retry-after"), "{h:?}");
    assert!(v["detail"].as_str().unwrap().contains("write lock"), "{v}");
    done_tx.send(()).unwrap();
    holder.join().unwrap();
    ruta_store::set_write_wait(Duration::from_secs(60));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_matches_the_routes_served() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let ro = ruta_server::router(
        ruta_server::state(&config(db.clone(), None, Limits::default())).unwrap(),
    );
    let doc = json(&get(&ro, "/api/openapi.json").await.2);
    assert!(
        doc["paths"].get("/api/import").is_none(),
        "no import when it is off"
    );
    let limit = doc["paths"]["/api/projects"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(limit["schema"]["minimum"], 1, "{limit}");
    assert_eq!(limit["schema"]["maximum"], 1000, "{limit}");
    let (s, _, _) = call(
        &ro,
        Method::POST,
        "/api/import?kind=gcdf",
        None,
        Body::empty(),
    )
    .await;
    assert_ne!(s, StatusCode::OK);
    let rw = ruta_server::router(
        ruta_server::state(&config(
            db,
            Some("correct-horse-battery-staple"),
            Limits::default(),
        ))
        .unwrap(),
    );
    let doc = json(&get(&rw, "/api/openapi.json").await.2);
    assert!(doc["paths"].get("/api/import").is_some());
    assert!(
        doc["components"]["securitySchemes"].get("bearer").is_some(),
        "{}",
        doc["components"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_urls_that_are_not_web_links_are_never_served_as_links() {
    let dir = tempfile::tempdir().unwrap();
    let app = ruta_server::router(
        ruta_server::state(&config(database(dir.path()), None, Limits::default())).unwrap(),
    );
    let (s, _, b) = get(&app, "/api/projects/gcdf-990001").await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let v = json(&b);
    let mut urls = Vec::new();
    fn walk(v: &Value, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "url" || k == "url_unsafe" {
                        out.push((k.clone(), x.clone()));
                    }
                    walk(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&v, &mut urls);
    for (k, u) in &urls {
        if k == "url"
            && let Some(u) = u.as_str()
        {
            assert!(
                u.starts_with("https://") || u.starts_with("http://"),
                "{urls:?}"
            );
        }
    }
    assert!(
        urls.iter()
            .any(|(k, u)| k == "url_unsafe" && u == "javascript:alert(1)"),
        "{urls:?}"
    );
    assert!(
        urls.iter()
            .any(|(k, u)| k == "url_unsafe" && u == "//evil.example/x"),
        "{urls:?}"
    );
    assert!(
        urls.iter()
            .any(|(k, u)| k == "url" && u == "https://example.org/ok"),
        "{urls:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_stream_and_are_never_cached() {
    let dir = tempfile::tempdir().unwrap();
    let st = ruta_server::state(&config(database(dir.path()), None, Limits::default())).unwrap();
    let app = ruta_server::router(st.clone());
    let (s, h, b) = get(&app, "/api/projects.csv?limit=3").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!h.contains_key("x-ruta-cache"), "{h:?}");
    assert!(
        !h.contains_key("content-length"),
        "streamed, not buffered: {h:?}"
    );
    let text = String::from_utf8(b).unwrap();
    assert_eq!(text.lines().count(), 4, "{text}");
    let (s, _, b) = get(&app, "/api/projects.geojson").await;
    assert_eq!(s, StatusCode::OK);
    let v = json(&b);
    assert_eq!(v["type"], "FeatureCollection");
    assert!(v["features"].as_array().unwrap().len() > 40);
    assert_eq!(st.cached_entries(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let st = ruta_server::state(&config(database(dir.path()), None, Limits::default())).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ruta_server::serve_bounded(
        listener,
        ruta_server::router(st),
        Duration::from_millis(300),
        async {
            let _ = stop_rx.await;
        },
    ));
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /api/meta HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let t = std::time::Instant::now();
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), c.read(&mut buf))
        .await
        .expect("the server closes a slow connection")
        .unwrap_or(0);
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(n == 0 || answer.contains("408"), "{answer}");
    // A normal request on a new connection still works.
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /api/meta HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    c.read_to_end(&mut out).await.unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"));
    let _ = stop_tx.send(());
    let _ = server.await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_with_a_far_cell_is_imported_sparsely_over_http() {
    // One stray cell at XFD1048576 used to make the reader allocate a grid from A1 and
    // abort the server.
    let dir = tempfile::tempdir().unwrap();
    let token = "correct-horse-battery-staple";
    let app = ruta_server::router(
        ruta_server::state(&config(
            database(dir.path()),
            Some(token),
            Limits::default(),
        ))
        .unwrap(),
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("GCDF_3.0").unwrap();
    for (i, h) in [
        "AidData Record ID",
        "Title",
        "Recipient ISO-3",
        "Commitment Year",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 990002.0).unwrap();
    ws.write_string(1, 1, "Puerto lejano").unwrap();
    ws.write_string(1, 2, "PER").unwrap();
    ws.write_number(1, 3, 2019.0).unwrap();
    ws.write_string(1_048_575, 16_383, "stray").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let (s, _, b) = call(
        &app,
        Method::POST,
        "/api/import?kind=gcdf&name=far.xlsx",
        Some(&format!("Bearer {token}")),
        Body::from(bytes),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let report = json(&b);
    assert_eq!(report["outcome"], "imported", "{report}");
    assert_eq!(report["imported"], 1, "{report}");
    let (s, _, _) = get(&app, "/api/projects/gcdf-990002").await;
    assert_eq!(s, StatusCode::OK);
}
