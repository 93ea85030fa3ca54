//! `ruta ingest news` on short articles written for these tests, in English, Spanish and
//! Portuguese: partial project names reach their registry project, events about no
//! identifiable project are kept unattached (and listed by `ruta events --unattached`
//! with the contract's fields), the article's date and the sentence's amount choose
//! between two registry loans with the same parties or leave the thing unattached,
//! China is never the host, bounds and ranges keep their meaning and a unit price never
//! becomes a project's amount. Then the seed articles, ingested twice.

mod common;

use common::ruta;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn json(o: Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write article");
}

/// A database with the articles below ingested, and the articles' directory.
fn ingested() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let d = tempfile::tempdir().expect("tempdir");
    let arts = d.path().join("articles");
    std::fs::create_dir(&arts).expect("mkdir");
    // Partial names, one per language.
    write(
        &arts,
        "en_cepernic.txt",
        "Strike at Argentine dam site\n\nWorkers at the Jorge Cepernic dam went on strike over unpaid wages in Santa Cruz, Argentina, in March 2024.\n",
    );
    write(
        &arts,
        "es_montero.txt",
        "Retrasos en el tren de Bolivia\n\nLa construcción de la vía ferroviaria Montero-Bulo Bulo sufrió nuevos retrasos en 2019, informó el Ministerio de Obras Públicas de Bolivia.\n",
    );
    write(
        &arts,
        "pt_cepernic.txt",
        "Denúncia na Patagônia\n\nOperários da barragem Jorge Cepernic denunciaram condições degradantes em Santa Cruz, na Argentina.\n",
    );
    // Events about projects outside the registry.
    write(
        &arts,
        "en_unattached.txt",
        "Guyana villagers protest Chinese-built road\n\nVillagers in Guyana blocked the Linden highway on Monday in protest against China Railway First Group, the Chinese contractor building a new wharf near Georgetown.\n",
    );
    write(
        &arts,
        "es_unattached.txt",
        "Denuncian corrupción en una obra china en Ecuador\n\nLa Fiscalía de Ecuador investiga sobornos en la construcción del hospital de Pedernales por la empresa china China Harbour Engineering Company.\n",
    );
    write(
        &arts,
        "pt_unattached.txt",
        "Vazamento em usina no Brasil\n\nUm vazamento de óleo contaminou o rio perto de uma termelétrica de capital chinês no Maranhão, no Brasil, em 2023.\n",
    );
    // China Development Bank lent to Petrobras in 2009 ($10 bn) and 2016 ($5 bn).
    write(
        &arts,
        "petrobras.jsonl",
        concat!(
            r#"{"title":"CDB agrees oil-backed loan","date":"2025-02-10","text":"China Development Bank agreed a $10 billion loan to Petrobras, Brazil's state oil company, which was later delayed.","url":"https://example.org/amount"}"#,
            "\n",
            r#"{"title":"Petrobras loan delayed","date":"2009-05-19","text":"Petrobras said the loan from China Development Bank faced delays, Brazil's oil regulator said.","url":"https://example.org/dated-2009"}"#,
            "\n",
            r#"{"title":"Petrobras dispute","date":"2021-06-01","text":"Petrobras took its loan from China Development Bank to arbitration, Brazil's press reported.","url":"https://example.org/undecided"}"#,
            "\n"
        ),
    );
    // A bound, a range and a unit price on the Port of Chancay.
    write(
        &arts,
        "en_bound.txt",
        "Chancay costs climb\n\nThe Port of Chancay will cost more than $3.5 billion, Cosco said.\n",
    );
    write(
        &arts,
        "es_range.txt",
        "El costo de Chancay\n\nEl puerto de Chancay costará entre 3.000 y 3.600 millones de dólares, según Cosco Shipping.\n",
    );
    write(
        &arts,
        "pt_unit_price.txt",
        "Concessão em Chancay\n\nA Cosco Shipping pagará US$ 5 milhões por ano pela concessão do porto de Chancay, no Peru.\n",
    );
    let db = d.path().join("ruta.db");
    let o = ruta(&db, &["ingest", "news", arts.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (d, db, arts)
}

fn events(db: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["events", "--format", "json"];
    all.extend_from_slice(args);
    json(ruta(db, &all)).as_array().expect("array").clone()
}

/// Whether an event is backed by the named ingested file (or article URL).
fn from(e: &Value, file: &str) -> bool {
    e["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .any(|s| s["file"] == file || s["url"] == file)
}

fn claims_from(db: &Path, project: &str, file: &str) -> Vec<Value> {
    let p = json(ruta(db, &["project", project, "--format", "json"]));
    p["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .filter(|c| c["source"]["file"] == file)
        .cloned()
        .collect()
}

#[test]
fn articles_reach_their_projects_or_stay_unattached() {
    let (_d, db, arts) = ingested();

    // Partial names: "the Jorge Cepernic dam" (EN), "barragem Jorge Cepernic" (PT) are
    // the Santa Cruz dams; "vía ferroviaria Montero-Bulo Bulo" (ES) the railway.
    let dams = events(&db, &["--project", "arg-kirchner-cepernic-dams"]);
    assert!(
        dams.iter().any(|e| e["kind"] == "protest"
            && from(e, "en_cepernic.txt")
            && e["date"] == "2024-03"),
        "{dams:?}"
    );
    assert!(
        dams.iter()
            .any(|e| e["kind"] == "labour_abuse" && from(e, "pt_cepernic.txt")),
        "{dams:?}"
    );
    let rail = events(&db, &["--project", "bol-montero-bulo-bulo-railway"]);
    assert!(
        rail.iter()
            .any(|e| e["kind"] == "delay_cost_overrun" && from(e, "es_montero.txt")),
        "{rail:?}"
    );

    // Events about projects outside the registry: kept, with country and organizations.
    let un = events(&db, &["--unattached"]);
    for e in &un {
        assert!(e["project_id"].is_null(), "{e}");
        for field in ["kind", "date", "country", "summary", "sources"] {
            assert!(e.get(field).is_some(), "{field} missing: {e}");
        }
        for s in e["sources"].as_array().expect("sources") {
            for field in ["title", "kind", "url", "file"] {
                assert!(s.get(field).is_some(), "{field} missing: {s}");
            }
        }
        // China is never the host.
        assert_ne!(e["country"], "CHN", "{e}");
    }
    let one = |file: &str| -> Vec<&Value> { un.iter().filter(|e| from(e, file)).collect() };
    let gy = one("en_unattached.txt");
    assert_eq!(gy.len(), 1, "the headline repeats the body's event: {gy:?}");
    assert_eq!(gy[0]["kind"], "protest");
    assert_eq!(gy[0]["country"], "GUY");
    assert_eq!(gy[0]["organizations"], serde_json::json!(["crec"]));
    assert_eq!(gy[0]["sources"][0]["kind"], "news_article");
    let ec = one("es_unattached.txt");
    assert_eq!(ec.len(), 1, "{ec:?}");
    assert_eq!(ec[0]["kind"], "corruption");
    assert_eq!(ec[0]["country"], "ECU");
    assert_eq!(ec[0]["organizations"], serde_json::json!(["chec"]));
    let br = one("pt_unattached.txt");
    assert!(
        br.iter()
            .any(|e| e["kind"] == "environmental_harm" && e["country"] == "BRA"),
        "{br:?}"
    );
    // Filters apply to unattached events too, and they are searchable.
    let ecu = events(
        &db,
        &["--unattached", "--country", "ECU", "--kind", "corruption"],
    );
    assert_eq!(ecu.len(), 1, "{ecu:?}");
    let found = events(&db, &["--q", "Pedernales"]);
    assert!(found.iter().any(|e| e["project_id"].is_null()), "{found:?}");
    let found = json(ruta(
        &db,
        &[
            "evidence", "--kind", "event", "--q", "Linden", "--format", "json",
        ],
    ));
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    // The same through every format: CSV has the contract's columns.
    let csv = ruta(&db, &["events", "--unattached", "--format", "csv"]);
    let head = String::from_utf8_lossy(&csv.stdout);
    assert!(
        head.lines().next().is_some_and(|h| h.contains("kind")
            && h.contains("project_id")
            && h.contains("country")),
        "{head}"
    );

    // CDB–Petrobras: "$10 billion" chooses the 2009 loan; so does an article dated 2009
    // (the 2016 loan did not exist yet); an article of 2021 naming neither amount nor
    // year leaves the event unattached with both candidates.
    let p09 = events(&db, &["--project", "bra-cdb-petrobras-2009"]);
    assert!(
        p09.iter()
            .any(|e| from(e, "https://example.org/amount")
                && from(e, "https://example.org/dated-2009")),
        "{p09:?}"
    );
    let mentioned = json(ruta(
        &db,
        &["project", "bra-cdb-petrobras-2009", "--format", "json"],
    ));
    assert!(
        mentioned["claims"]
            .as_array()
            .expect("claims")
            .iter()
            .any(|c| { c["field"] == "amount_mentioned" && c["value"]["amount"] == 1e10 }),
        "{mentioned}"
    );
    let p16 = events(&db, &["--project", "bra-cdb-petrobras-2016"]);
    assert!(!p16.iter().any(
        |e| e["sources"].as_array().expect("sources").iter().any(|s| {
            s["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://example.org/"))
        })
    ));
    let undecided: Vec<&Value> = un
        .iter()
        .filter(|e| from(e, "https://example.org/undecided"))
        .collect();
    assert_eq!(undecided.len(), 1, "{un:?}");
    assert_eq!(undecided[0]["kind"], "arbitration");
    assert_eq!(undecided[0]["country"], "BRA");
    assert_eq!(undecided[0]["date"], "2021-06-01");
    assert_eq!(
        undecided[0]["candidates"],
        serde_json::json!(["bra-cdb-petrobras-2009", "bra-cdb-petrobras-2016"])
    );

    // A bound stays a bound, a range a range; a unit price is not an amount.
    let bound = claims_from(&db, "per-chancay-port", "en_bound.txt");
    assert!(
        bound.iter().any(|c| c["field"] == "value"
            && c["value"]["amount"] == 3.5e9
            && c["bound"] == "at_least"),
        "{bound:?}"
    );
    let range = claims_from(&db, "per-chancay-port", "es_range.txt");
    assert!(
        range
            .iter()
            .any(|c| c["value"]["amount"] == 3e9 && c["value_high"] == 3.6e9),
        "{range:?}"
    );
    let unit = claims_from(&db, "per-chancay-port", "pt_unit_price.txt");
    assert!(
        unit.iter().all(|c| c["value"]["amount"] != 5e6),
        "a unit price became a claim: {unit:?}"
    );
    let ev = json(ruta(
        &db,
        &["evidence", "--q", "concessão", "--format", "json"],
    ));
    assert!(
        ev.as_array()
            .expect("array")
            .iter()
            .any(|e| e["amount"] == 5e6
                && e["unit"] == "year"
                && e["qualifier"]
                    .as_str()
                    .is_some_and(|q| q.contains("per year"))),
        "{ev}"
    );

    // Again: nothing new.
    let o = ruta(&db, &["ingest", "news", arts.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("0 new source(s), 0 claim(s) and 0 event report(s)")
            && err.contains("0 figure(s) and 0 event(s) kept unattached"),
        "{err}"
    );
    assert_eq!(events(&db, &["--unattached"]).len(), un.len());
}

#[test]
fn the_seed_articles_still_attach_and_add_nothing_twice() {
    let Some(seeds) = ruta_testdata::seeds_dir() else {
        return;
    };
    let d = tempfile::tempdir().expect("tempdir");
    let db = d.path().join("ruta.db");
    let seeds = seeds.to_str().expect("utf-8");
    assert!(ruta(&db, &["ingest", "news", seeds]).status.success());
    let count = |db: &Path| -> Vec<i64> {
        let conn = rusqlite::Connection::open(db).expect("open");
        [
            "SELECT count(*) FROM claims",
            "SELECT count(*) FROM event_sources",
            "SELECT count(*) FROM evidence",
            "SELECT count(*) FROM unattached_events",
        ]
        .iter()
        .map(|sql| conn.query_row(sql, [], |r| r.get(0)).expect(sql))
        .collect()
    };
    let first = count(&db);
    let chancay = json(ruta(
        &db,
        &["project", "per-chancay-port", "--format", "json"],
    ));
    assert!(
        chancay["claims"]
            .as_array()
            .expect("claims")
            .iter()
            .any(|c| c["field"] == "value"
                && c["value"]["amount"] == 3.6e9
                && c["span"].is_array()),
        "Chancay's $3.6 billion"
    );
    // Coca Codo Sinclair's events are backed by the ingested article (its text stored).
    let conn = rusqlite::Connection::open(&db).expect("open");
    let kinds: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT e.kind FROM event_sources es JOIN events e ON e.id = es.event_id
             JOIN sources s ON s.id = es.source_id
             WHERE e.project_id = 'ecu-coca-codo-sinclair' AND s.text IS NOT NULL",
        )
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for k in ["structural_defect", "corruption"] {
        assert!(kinds.iter().any(|x| x == k), "{k}: {kinds:?}");
    }
    // Unattached events are stored, never with China as their country.
    assert!(first[3] > 0);
    assert!(
        events(&db, &["--unattached"])
            .iter()
            .all(|e| e["country"] != "CHN")
    );
    // A second ingestion adds nothing.
    let o = ruta(&db, &["ingest", "news", seeds]);
    assert!(o.status.success());
    assert_eq!(count(&db), first);
}
