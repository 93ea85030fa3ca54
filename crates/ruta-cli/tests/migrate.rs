//! A database made by the previous release (schema 3, `tests/fixtures/schema3.db`, see
//! its README) carried forward by today's `ruta`: nothing stored is lost, records become
//! flows, the registry states its projects and flows anew, totals count each flow once,
//! and its events enter full text beside the (empty) unattached events.

mod common;

use common::{ok_json, ruta};

use std::path::{Path, PathBuf};

fn copy_of_the_fixture() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("old.db");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema3.db"),
        &db,
    )
    .unwrap();
    (d, db)
}

fn one<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[test]
fn a_schema_3_database_is_carried_forward() {
    let (_d, db) = copy_of_the_fixture();
    assert_eq!(one::<i64>(&db, "PRAGMA user_version"), 3);
    let claims_before: i64 = one(
        &db,
        "SELECT COUNT(*) FROM claims WHERE locator NOT LIKE 'ruta registry %'",
    );
    let article_claims: i64 = one(
        &db,
        "SELECT COUNT(*) FROM claims WHERE locator LIKE 'bytes %'",
    );
    assert!(article_claims > 0);

    let out = ruta(&db, &["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        one::<i64>(&db, "PRAGMA user_version"),
        ruta_store::schema::SCHEMA_VERSION as i64
    );
    // Nothing a dataset or an article said is lost.
    let kept: i64 = one(
        &db,
        "SELECT COUNT(*) FROM claims WHERE locator NOT LIKE 'ruta registry %'",
    );
    assert!(kept >= claims_before, "{kept} < {claims_before}");
    // Every imported row states a flow; the kinds move to today's vocabulary.
    let flows = ok_json(ruta(&db, &["flows", "--format", "json"]));
    let flows = flows.as_array().unwrap();
    let kind = |id: &str| {
        flows
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("no flow {id}"))
            .clone()
    };
    assert_eq!(kind("gcdf-39720")["kind"], "loan");
    assert_eq!(kind("gcdf-900001")["kind"], "grant");
    assert_eq!(
        kind("cgit-2025-2021-march-test-power-holdings-chl")["kind"],
        "equity"
    );
    // AidData's Recommended For Aggregates = No is honoured.
    assert_eq!(kind("gcdf-900002")["not_counted_reason"], "dataset_flag");
    // The registry's flows find the imported rows: each flow counts once.
    let stake = kind("per-chancay-port~cosco-stake-2019");
    assert_eq!(
        stake["not_counted_reason"],
        "duplicate_of:cgit-2025-2019-january-china-ocean-shipping-cosco-per-volcan"
    );
    let baha = kind("bhs-baha-mar~exim-loan-2010");
    assert_eq!(baha["not_counted_reason"], "duplicate_of:gcdf-39720");
    // The old ids still resolve, to the project now holding the record.
    let p = ok_json(ruta(&db, &["project", "gcdf-39720", "--format", "json"]));
    assert_eq!(p["id"], "bhs-baha-mar");
    assert_eq!(p["redirected_from"], "gcdf-39720");
    // Chancay shows a project value, not a flow's amount, and keeps the article's claim.
    let c = ok_json(ruta(
        &db,
        &["project", "per-chancay-port", "--format", "json"],
    ));
    let value = c["value"]["amount"].as_f64().unwrap();
    assert!((1.3e9..=3.7e9).contains(&value), "{value}");
    assert!(
        c["claims"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["field"] != "amount" || c["record"] != "per-chancay-port"),
        "the old registry's amount claims on the project are gone, the article's is its value"
    );
    assert!(
        c["claims"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["locator"].as_str().unwrap_or("").starts_with("bytes ")),
        "the article's claim stays"
    );
    // Totals equal the counted flows.
    let counted: f64 = flows
        .iter()
        .filter(|f| f["counted"] == true)
        .filter_map(|f| f["amount_usd"].as_f64())
        .sum();
    let stats = ok_json(ruta(&db, &["stats", "--by", "year", "--format", "json"]));
    let total: f64 = stats
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount_usd"].as_f64().unwrap())
        .sum();
    assert!((total - counted).abs() < 1.0, "{total} vs {counted}");
    // The precomputed totals (migration 7) are filled and equal the scan of counted flows.
    let precomputed: f64 = one(&db, "SELECT TOTAL(amount_usd) FROM flow_totals");
    assert!(precomputed > 0.0);
    assert!(
        (precomputed - counted).abs() < 1.0,
        "{precomputed} vs {counted}"
    );
    let loans: f64 = one(
        &db,
        "SELECT TOTAL(amount_usd) FROM counted_flows WHERE kind = 'loan'",
    );
    let by_lender: f64 = one(&db, "SELECT TOTAL(amount_usd) FROM lender_totals");
    assert!((loans - by_lender).abs() < 1.0, "{loans} vs {by_lender}");
    let projects: i64 = one(&db, "SELECT COUNT(*) FROM projects WHERE id = canonical_id");
    assert_eq!(
        one::<i64>(&db, "SELECT SUM(projects) FROM project_counts"),
        projects
    );
    // Migration 9: every organization that takes part in a record has its count.
    assert_eq!(
        one::<i64>(&db, "SELECT COUNT(*) FROM org_counts"),
        one::<i64>(&db, "SELECT COUNT(DISTINCT org_id) FROM parties")
    );
    // Migration 8: unattached events (none yet: listed as an empty array) and every stored
    // event in full text, found by its summary.
    assert_eq!(one::<i64>(&db, "SELECT COUNT(*) FROM unattached_events"), 0);
    let events: i64 = one(&db, "SELECT COUNT(*) FROM events");
    assert!(events > 0);
    assert_eq!(one::<i64>(&db, "SELECT COUNT(*) FROM events_fts"), events);
    let unattached = ok_json(ruta(&db, &["events", "--unattached", "--format", "json"]));
    assert_eq!(unattached, serde_json::json!([]));
    let word: String = one(
        &db,
        "SELECT summary FROM events WHERE length(summary) > 20 ORDER BY id LIMIT 1",
    );
    let word = word
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 6)
        .max_by_key(|w| w.len())
        .unwrap_or_default()
        .to_string();
    let found: i64 = one(
        &db,
        &format!("SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH '\"{word}\"'"),
    );
    assert!(found > 0, "{word}");
    // Opening it again changes nothing.
    let before: i64 = one(&db, "SELECT COUNT(*) FROM claims");
    assert!(ruta(&db, &["init"]).status.success());
    assert_eq!(one::<i64>(&db, "SELECT COUNT(*) FROM claims"), before);
}
