//! `ruta extract`, `ruta ingest news` and `ruta evidence` end to end: the JSONL contract,
//! HTML and JSONL input, bad input, and attaching the seed articles' figures to the
//! registry projects without duplicates.

mod common;

use common::ruta;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn jsonl(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn tmp() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ruta.db");
    (d, p)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

const EN: &str = "Eximbank loan for Ecuador\n\nChina Eximbank lent Ecuador nearly $1.7 billion in 2010 for the Coca Codo Sinclair dam, a 1,500 MW plant built by Sinohydro. By 2022 engineers had found 17,000 cracks.\n";

#[test]
fn jsonl_contract_with_exact_spans() {
    let (d, db) = tmp();
    let f = write(d.path(), "a.txt", EN.as_bytes());
    let o = ruta(&db, &["extract", "--format", "jsonl", s(&f)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docs = jsonl(&o);
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(doc["source"], s(&f));
    assert_eq!(doc["language"], "en");
    assert_eq!(doc["title"], "Eximbank loan for Ecuador");
    let mentions = doc["mentions"].as_array().expect("mentions");
    for m in mentions {
        let (a, b) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&EN[a..b], m["text"].as_str().unwrap(), "{m}");
        assert!(m["kind"].is_string());
    }
    let find = |kind: &str, text: &str| {
        mentions
            .iter()
            .find(|m| m["kind"] == kind && m["text"] == text)
            .unwrap_or_else(|| panic!("no {kind} '{text}' in {mentions:?}"))
    };
    let money = find("money", "$1.7 billion");
    assert_eq!(money["amount"], 1.7e9);
    assert_eq!(money["currency"], "USD");
    assert_eq!(money["usd"], 1.7e9);
    assert_eq!(money["approx"], true);
    assert_eq!(money["qualifier"], "loan");
    assert_eq!(
        find("organization", "China Eximbank")["id"],
        "china-eximbank"
    );
    assert_eq!(find("organization", "Sinohydro")["name"], "Sinohydro");
    assert_eq!(find("country", "Ecuador")["iso3"], "ECU");
    let q = find("quantity", "17,000 cracks");
    assert_eq!(
        (q["value"].as_f64(), q["unit"].as_str()),
        (Some(17000.0), Some("cracks"))
    );
    assert_eq!(find("quantity", "1,500 MW")["unit"], "MW");
    assert_eq!(find("date", "2010")["value"], "2010");
    assert_eq!(
        find("project", "Coca Codo Sinclair dam")["project_id"],
        "ecu-coca-codo-sinclair"
    );
    assert!(
        !mentions
            .iter()
            .any(|m| m["kind"] == "money" && m["text"] == "2010"),
        "a year is not money"
    );

    // --format json is one array of the same documents; table is for people.
    let o = ruta(&db, &["extract", "--format", "json", s(&f)]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON array");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!(v[0]["mentions"], doc["mentions"]);
    let o = ruta(&db, &["extract", "--format", "table", s(&f)]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("USD 1,700,000,000"));
}

#[test]
fn html_is_stripped_of_scripts_and_keeps_title_date_byline() {
    let (d, db) = tmp();
    let html = r#"<!DOCTYPE html><html><head><title>Port opens | Daily</title>
<meta property="article:published_time" content="2024-11-14T10:00:00Z">
<meta name="author" content="Ana Pérez">
<script>var price = "$999 billion"; document.write("<p>Chancay</p>");</script><style>p{color:red}</style></head>
<body><nav>Home | World | Business</nav><article><h1>Chancay port opens</h1>
<p>Peru&rsquo;s Chancay port cost US$ 3,6 bilhões &mdash; or so.</p><p>COSCO Shipping owns 60%.</p></article>
<footer>&copy; 2024 Daily</footer></body></html>"#;
    let f = write(d.path(), "page.html", html.as_bytes());
    let o = ruta(&db, &["extract", "--with-text", s(&f)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = &jsonl(&o)[0];
    let text = doc["text"].as_str().expect("--with-text");
    assert!(
        !text.contains("999") && !text.contains("color:red") && !text.contains("document.write"),
        "{text}"
    );
    assert!(
        text.contains("Peru’s Chancay port cost US$ 3,6 bilhões"),
        "{text}"
    );
    assert_eq!(doc["date"], "2024-11-14");
    assert!(
        doc["title"]
            .as_str()
            .unwrap_or_default()
            .contains("Chancay port opens")
            || doc["title"] == "Port opens"
    );
    for m in doc["mentions"].as_array().unwrap() {
        let (a, b) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[a..b], m["text"].as_str().unwrap());
    }
    let money: Vec<&Value> = doc["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "money")
        .collect();
    assert_eq!(money.len(), 1, "{money:?}");
    assert_eq!(money[0]["amount"], 3.6e9);
}

#[test]
fn jsonl_input_and_languages() {
    let (d, db) = tmp();
    let lines = [
        r#"{"url": "https://example.org/a", "title": "Metro", "date": "2024-03-01", "text": "El Metro de Bogotá firmó un contrato por 13,8 billones de pesos con la china CHEC."}"#,
        r#"{"lang": "pt", "html": "<p>A BYD vai investir R$ 5,5 bilhões em Camaçari.</p>"}"#,
        "",
    ];
    let f = write(d.path(), "c.jsonl", lines.join("\n").as_bytes());
    let o = ruta(&db, &["extract", s(&f)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docs = jsonl(&o);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["source"], "https://example.org/a");
    assert_eq!(docs[0]["language"], "es");
    let cop = docs[0]["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "money")
        .cloned()
        .unwrap();
    assert_eq!(
        (cop["amount"].as_f64(), cop["currency"].as_str()),
        (Some(13.8e12), Some("COP"))
    );
    assert_eq!(docs[1]["language"], "pt");
    let brl = docs[1]["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "money")
        .cloned()
        .unwrap();
    assert_eq!(
        (brl["amount"].as_f64(), brl["currency"].as_str()),
        (Some(5.5e9), Some("BRL"))
    );
    // --lang overrides detection.
    let o = ruta(&db, &["extract", "--lang", "en", s(&f)]);
    assert!(
        jsonl(&o)
            .iter()
            .all(|d| d["language"] == "en" || d["language"] == "pt")
    );
}

#[test]
fn bad_files_fail_one_by_one_and_the_rest_is_processed() {
    let (d, db) = tmp();
    let good = write(d.path(), "good.txt", EN.as_bytes());
    let binary = write(
        d.path(),
        "binary.txt",
        &[0x89, b'P', b'N', b'G', 0, 0, 1, 2, 3],
    );
    let latin1 = write(
        d.path(),
        "latin1.txt",
        b"Inversi\xf3n de US$ 5 millones en S\xe3o Paulo",
    );
    let empty = write(d.path(), "empty.txt", b"");
    let bad_jsonl = write(
        d.path(),
        "bad.jsonl",
        b"{\"text\": \"ok $5 million\"}\nnot json\n{\"title\": \"no text\"}\n",
    );
    // A single 500 MB line, never held in memory as an article.
    let huge = d.path().join("huge.jsonl");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&huge).expect("create"));
        w.write_all(b"{\"text\": \"").expect("w");
        let block = vec![b'a'; 1 << 20];
        for _ in 0..500 {
            w.write_all(&block).expect("w");
        }
        w.write_all(b"\"}\n{\"text\": \"after the long line: $2 million\"}\n")
            .expect("w");
    }
    let o = ruta(
        &db,
        &[
            "extract",
            s(&good),
            s(&binary),
            s(&latin1),
            s(&empty),
            s(&bad_jsonl),
            s(&huge),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for (file, reason) in [
        ("binary.txt", "binary"),
        ("latin1.txt", "UTF-8"),
        ("empty.txt", "empty"),
        ("bad.jsonl:2", "JSON"),
        ("bad.jsonl:3", "no \"text\""),
        ("huge.jsonl:1", "longer than"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file) && l.contains(reason)),
            "{file}: {reason}\n{err}"
        );
    }
    assert!(!err.contains("panicked"), "{err}");
    let docs = jsonl(&o);
    let sources: Vec<&str> = docs.iter().map(|d| d["source"].as_str().unwrap()).collect();
    assert_eq!(sources.len(), 3, "{sources:?}");
    assert!(
        sources[0].ends_with("good.txt")
            && sources[1].ends_with("bad.jsonl:1")
            && sources[2].ends_with("huge.jsonl:2")
    );

    // A directory is read recursively; non-articles inside it are ignored.
    std::fs::create_dir(d.path().join("sub")).expect("mkdir");
    write(
        &d.path().join("sub"),
        "x.txt",
        "Costa Rica paid $465,593,387.06 for Route 32.".as_bytes(),
    );
    write(
        &d.path().join("sub"),
        "image.png",
        &[0x89, b'P', b'N', b'G', 0],
    );
    let o = ruta(&db, &["extract", s(&d.path().join("sub"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(jsonl(&o).len(), 1);

    // Missing paths and usage errors.
    let o = ruta(&db, &["extract", "/no/such/file.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/no/such/file.txt"));
    let o = ruta(&db, &["extract", "--format", "xml", s(&good)]);
    assert_eq!(o.status.code(), Some(2));
}

fn project(db: &Path, id: &str) -> Value {
    let o = ruta(db, &["project", id, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("project JSON")
}

fn claims_from_text<'a>(p: &'a Value, field: &str) -> Vec<&'a Value> {
    p["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .filter(|c| c["field"] == field && c["span"].is_array())
        .collect()
}

#[test]
fn ingesting_the_seed_articles_attaches_their_figures_once() {
    let Some(seeds) = ruta_testdata::seeds_dir() else {
        return;
    };
    let (_d, db) = tmp();
    let o = ruta(&db, &["ingest", "news", s(&seeds)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let count = |db: &Path| {
        let o = ruta(db, &["stats", "--by", "year", "--format", "json"]);
        assert!(o.status.success());
        let conn = rusqlite::Connection::open(db).expect("open");
        let n = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql);
        (
            n("SELECT count(*) FROM claims"),
            n("SELECT count(*) FROM sources"),
            n("SELECT count(*) FROM events"),
            n("SELECT count(*) FROM event_sources"),
            n("SELECT count(*) FROM evidence"),
        )
    };
    let first = count(&db);

    // "a $3.6 billion project": the project's value, as the article states it.
    let chancay = project(&db, "per-chancay-port");
    let amounts = claims_from_text(&chancay, "value");
    let c = amounts
        .iter()
        .find(|c| c["value"]["amount"] == 3.6e9)
        .unwrap_or_else(|| panic!("$3.6 billion on Chancay: {amounts:?}"));
    assert_eq!(c["value"]["currency"], "USD");
    assert!(
        c["quote"]
            .as_str()
            .unwrap_or_default()
            .contains("$3.6 billion project")
    );
    assert_eq!(c["source"]["publisher"], "Foreign Policy");
    // The paragraph is repeated in the article: still one claim.
    let n36 = chancay["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["field"] == "value" && c["value"]["amount"] == 3.6e9)
        .count();
    assert_eq!(n36, 1);

    let ccs = project(&db, "ecu-coca-codo-sinclair");
    assert!(
        claims_from_text(&ccs, "value")
            .iter()
            .any(|c| c["value"]["amount"] == 3.4e9),
        "{ccs}"
    );
    let cracks = claims_from_text(&ccs, "quantity");
    assert!(
        cracks
            .iter()
            .any(|c| c["value"]["value"] == 17000.0 && c["value"]["unit"] == "cracks"),
        "{cracks:?}"
    );
    let kinds: Vec<&str> = ccs["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"structural_defect") && kinds.contains(&"corruption"),
        "{kinds:?}"
    );

    // Figures about no project are kept and searchable.
    let o = ruta(&db, &["evidence", "--q", "AidData", "--format", "json"]);
    let ev: Value = serde_json::from_slice(&o.stdout).expect("evidence JSON");
    assert!(
        ev.as_array()
            .unwrap()
            .iter()
            .any(|e| e["text"] == "$843 billion"),
        "{ev}"
    );

    // Again: nothing new.
    let o = ruta(&db, &["ingest", "news", s(&seeds)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 new source(s), 0 claim(s) and 0 event report(s)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(count(&db), first);
}

#[test]
fn ingest_keeps_going_past_bad_files_and_reports() {
    let (d, db) = tmp();
    let good = write(
        d.path(),
        "route32.txt",
        "Costa Rica road deal\n\nCosta Rica's Route 32 widening, built by China Harbour Engineering Company, will cost $465,593,387.06. The project was delayed in 2019.\n".as_bytes(),
    );
    let bad = write(
        d.path(),
        "bad.html",
        b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00",
    );
    let report = d.path().join("report.json");
    let o = ruta(
        &db,
        &[
            "ingest",
            "news",
            "--publisher",
            "Test Wire",
            "--report",
            s(&report),
            s(&good),
            s(&bad),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.html"));
    let r: Value = serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
    assert_eq!(r["ingested"]["articles"], 1);
    assert_eq!(r["failed"].as_array().map(Vec::len), Some(1));
    let p = project(&db, "cri-route-32");
    let c = claims_from_text(&p, "value");
    assert!(
        c.iter()
            .any(|c| c["value"]["amount"] == 465_593_387.06
                && c["source"]["publisher"] == "Test Wire"),
        "{p}"
    );
    assert!(
        p["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "delay_cost_overrun"),
        "{}",
        p["events"]
    );
}
