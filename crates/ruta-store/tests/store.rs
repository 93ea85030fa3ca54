//! The store against real files: migrations, round trips, idempotence, bad files.

use ruta_core::model::*;
use ruta_core::*;
use ruta_store::{Access, Outcome, Store, StoreError, query, schema};
use std::collections::BTreeMap;
use std::path::Path;

fn sample(amount: f64) -> Record {
    let mut r = Record::new(
        "test",
        Project {
            id: "test-port".into(),
            name: "Test deep-water port".into(),
            aliases: vec![Alias {
                name: "Puerto de Prueba".into(),
                lang: Some("es".into()),
            }],
            description: Some("A port used in tests.".into()),
            country: Some("PER".into()),
            sector_code: Some("210".into()),
            sector_name: Some("TRANSPORT AND STORAGE".into()),
            sector_group: SectorGroup::TraditionalInfrastructure,
            sector_subgroup: Some("transport".into()),
            sector_rule: Some("traditional-transport".into()),
            parent_id: None,
            package_id: Some("425".into()),
            dataset: Some("Test dataset".into()),
            record_id: Some("1".into()),
            attributes: BTreeMap::from([("intent".to_string(), serde_json::json!("Development"))]),
        },
    );
    r.flow = Some(FlowStmt {
        kind: FlowKind::Loan,
        kind_basis: "Flow Type: Loan".into(),
        kind_inferred: false,
        include_in_aggregates: Some(true),
        umbrella: Some(false),
    });
    let ds = r.add_source(Source::dataset_record(
        "Test dataset",
        "1.0",
        "1",
        Some("row 1".into()),
    ));
    let news = r.add_source(Source {
        kind: SourceKind::NewsArticle,
        title: Some("Port opens".into()),
        publisher: Some("Daily".into()),
        url: Some("https://example.org/port".into()),
        date: Some("2024-11-14".into()),
        language: Some("en".into()),
        dataset: None,
        dataset_version: None,
        record_id: None,
        note: None,
        file: None,
        sheet: None,
        line: None,
    });
    r.claim(
        "amount",
        ClaimValue::Money(Money::derive(amount, "USD", Some(2019))),
        &ds,
        Some("line 2, column Amount".into()),
    );
    r.claim(
        "status",
        ClaimValue::Status {
            value: Status::Completion,
        },
        &ds,
        None,
    );
    r.claim(
        "commitment_date",
        ClaimValue::Date {
            value: "2019-12-03".into(),
        },
        &ds,
        None,
    );
    r.claim(
        "interest_rate",
        ClaimValue::Percent { value: 2.0 },
        &ds,
        None,
    );
    r.claims.push(Claim {
        field: "value".into(),
        value: ClaimValue::Money(Money::derive(3.6e9, "USD", Some(2024))),
        source: news.clone(),
        locator: Some("bytes 10-22".into()),
        span: Some([10, 22]),
        quote: Some("$3.6 billion".into()),
        confidence: 0.8,
        qualifier: Some("cost".into()),
    });
    r.claims.push(Claim {
        field: "amount".into(),
        value: ClaimValue::Money(Money::derive(1.7e6, "USD", Some(2019))),
        source: news.clone(),
        locator: Some("bytes 40-52".into()),
        span: Some([40, 52]),
        quote: Some("$1.7 million loan".into()),
        confidence: 0.8,
        qualifier: Some("loan".into()),
    });
    r.party(
        "Export-Import Bank of China",
        None,
        None,
        Role::Lender,
        Some(ds.clone()),
    );
    r.party(
        "Government of Peru",
        Some(OrgKind::GovernmentBody),
        Some("PER".into()),
        Role::Borrower,
        Some(ds.clone()),
    );
    r.locations.push(Location {
        lat: Some(-11.58),
        lon: Some(-77.27),
        precision: Some(1),
        source: Some(ds.clone()),
        ..Location::default()
    });
    r.events.push(Event {
        kind: EventKind::Inauguration,
        date: Some("2024-11-14".into()),
        summary: "Opened.".into(),
        sources: vec![EventSource {
            source: news,
            quote: None,
            locator: None,
        }],
    });
    r.references.push(ds);
    r
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn migrates_an_empty_file_and_marks_it_as_ruta() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.db");
    std::fs::write(&p, b"").unwrap();
    let store = Store::open(&p, Access::ReadWrite).unwrap();
    let (app, ver): (i32, i32) = store
        .conn()
        .query_row("SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(app, schema::APPLICATION_ID);
    assert_eq!(ver, schema::SCHEMA_VERSION);
    let orgs: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM organizations WHERE curated = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(orgs > 50, "gazetteer loaded: {orgs}");
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn round_trips_every_entity() {
    let mut store = Store::open_in_memory().unwrap();
    let mut w = store.writer().unwrap();
    assert_eq!(w.write_record(&sample(1.5e6)).unwrap(), Outcome::Imported);
    w.commit().unwrap();
    let d = query::project_detail(store.conn(), "test-port")
        .unwrap()
        .unwrap();
    assert_eq!(d.summary.name, "Test deep-water port");
    assert_eq!(d.summary.country.as_deref(), Some("PER"));
    assert_eq!(d.summary.status.as_deref(), Some("completion"));
    assert_eq!(d.summary.year, Some(2019));
    // The flow shows the dataset's amount, which beats the article's.
    assert_eq!(d.flows.len(), 1);
    let flow = &d.flows[0];
    assert_eq!(flow.amount.as_ref().map(|a| a.value), Some(1.5e6));
    assert!(flow.counted && flow.not_counted_reason.is_none());
    assert_eq!(flow.kind, "loan");
    // The project's value is the article's $3.6 bn; listings show it.
    let v = d.value.as_ref().unwrap();
    assert_eq!((v.amount, v.currency.as_str()), (3.6e9, "USD"));
    assert_eq!(d.summary.amount_usd, v.amount_usd);
    assert_eq!(d.summary.counted_usd, flow.amount_usd);
    assert_eq!(d.summary.sources, 2);
    assert_eq!(d.aliases.len(), 1);
    assert_eq!(d.parties.len(), 2);
    assert!(d.parties.iter().any(|p| p.org_id == "china-eximbank"
        && p.role == "lender"
        && p.kind.as_deref() == Some("policy_bank")));
    assert_eq!(d.locations.len(), 1);
    assert_eq!(d.locations[0].precision_name, Some("exact location"));
    assert_eq!(d.claims.len(), 6);
    let news = d
        .claims
        .iter()
        .find(|c| c.field == "amount" && c.quote.is_some())
        .unwrap();
    assert_eq!(news.span, Some([40, 52]));
    assert!(news.conflict && !news.chosen);
    assert_eq!(news.source.url.as_deref(), Some("https://example.org/port"));
    assert_eq!(d.events.len(), 1);
    assert_eq!(d.events[0].sources.len(), 1);
    assert_eq!(d.references.len(), 1);
    assert!(
        d.claims
            .iter()
            .any(|c| c.field == "interest_rate" && c.chosen)
    );
    assert_eq!(d.attributes["intent"], "Development");
    assert_eq!(d.package_id.as_deref(), Some("425"));
}

#[test]
fn rewriting_is_idempotent_and_a_changed_value_adds_a_claim() {
    let mut store = Store::open_in_memory().unwrap();
    for expected in [Outcome::Imported, Outcome::Unchanged] {
        let mut w = store.writer().unwrap();
        assert_eq!(w.write_record(&sample(1.5e6)).unwrap(), expected);
        w.commit().unwrap();
    }
    let before = query::counts(store.conn()).unwrap();
    let mut w = store.writer().unwrap();
    assert_eq!(w.write_record(&sample(2.0e6)).unwrap(), Outcome::Updated);
    w.commit().unwrap();
    let after = query::counts(store.conn()).unwrap();
    assert_eq!(
        after["claims"].as_i64().unwrap(),
        before["claims"].as_i64().unwrap() + 1
    );
    assert_eq!(after["projects"], before["projects"]);
    let d = query::project_detail(store.conn(), "test-port")
        .unwrap()
        .unwrap();
    assert_eq!(
        d.flows[0].amount.as_ref().map(|a| a.value),
        Some(2.0e6),
        "the newer claim of the same source is displayed"
    );
    assert!(
        d.claims
            .iter()
            .any(|c| c.superseded && c.value["amount"] == 1.5e6),
        "the old value stays, superseded"
    );
}

#[test]
fn rollback_leaves_nothing_behind() {
    let mut store = Store::open_in_memory().unwrap();
    {
        let mut w = store.writer().unwrap();
        w.write_record(&sample(1.0)).unwrap();
        // dropped without commit
    }
    assert_eq!(query::counts(store.conn()).unwrap()["projects"], 0);
}

#[test]
fn totals_count_each_flow_once_and_say_why_not() {
    use ruta_store::flows::{self, StatsBy};
    let mut store = Store::open_in_memory().unwrap();
    let mut w = store.writer().unwrap();
    w.write_record(&sample(1.0e6)).unwrap();
    let mut umbrella = sample(9.0e9);
    umbrella.project.id = "umbrella".into();
    umbrella.flow.as_mut().unwrap().include_in_aggregates = Some(false);
    w.write_record(&umbrella).unwrap();
    let mut curated = sample(5.0e6);
    curated.origin = "registry".into();
    curated.project.id = "curated".into();
    curated.project.dataset = None;
    curated.relate(
        RelationKind::SameAs,
        "test-port",
        true,
        RelationOrigin::Registry,
        "test",
    );
    w.write_record(&curated).unwrap();
    w.commit().unwrap();
    let rows = flows::stats(store.conn(), StatsBy::Year, &query::Filter::default()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].count, 1,
        "the flagged flow and the registry duplicate are left out"
    );
    assert!(
        (rows[0].amount_usd - Money::derive(1.0e6, "USD", Some(2019)).usd_2021.unwrap()).abs()
            < 1e-6
    );
    let all = flows::list_flows(store.conn(), &query::Filter::default(), 100, 0)
        .unwrap()
        .0;
    let reason = |id: &str| {
        all.iter()
            .find(|f| f.id == id)
            .unwrap()
            .not_counted_reason
            .clone()
    };
    assert_eq!(reason("test-port"), None);
    assert_eq!(reason("umbrella").as_deref(), Some("dataset_flag"));
    assert_eq!(reason("curated").as_deref(), Some("duplicate_of:test-port"));
    // The two records are one project, named by the oldest record (here both are as old:
    // the smaller id); the other id redirects to it.
    let d = query::project_detail(store.conn(), "curated")
        .unwrap()
        .unwrap();
    assert_eq!(d.redirected_from, None);
    assert_eq!(d.records.len(), 2);
    let r = query::project_detail(store.conn(), "test-port")
        .unwrap()
        .unwrap();
    assert_eq!(r.summary.id, "curated");
    assert_eq!(r.redirected_from.as_deref(), Some("test-port"));
    let lenders = flows::stats(store.conn(), StatsBy::Lender, &query::Filter::default()).unwrap();
    assert_eq!(lenders[0].key, "china-eximbank");
    let loans: f64 = lenders.iter().map(|r| r.amount_usd).sum();
    assert!(
        (loans - rows[0].amount_usd).abs() < 1e-6,
        "lenders add up to the loans"
    );
}

#[test]
fn full_text_search_finds_aliases_without_accents_and_never_errors() {
    let mut store = Store::open_in_memory().unwrap();
    let mut w = store.writer().unwrap();
    w.write_record(&sample(1.0)).unwrap();
    w.commit().unwrap();
    for (q, n) in [
        ("puerto prueba", 1),
        ("Eximbank", 1),
        ("perú", 1),
        ("\"unbalanced AND (", 0),
        ("***", 1),
        ("nothing-here", 0),
    ] {
        let f = query::Filter {
            q: Some(q.into()),
            ..Default::default()
        };
        let (_, total) =
            query::list_projects(store.conn(), &f, query::Sort::Relevance, 10, 0).unwrap();
        assert_eq!(total, n, "query {q:?}");
    }
}

#[test]
fn refuses_files_that_are_not_ruta_databases_and_leaves_them_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    // Not SQLite at all.
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "hello, this is not a database\n".repeat(20)).unwrap();
    let before = bytes(&text);
    let e = Store::open(&text, Access::ReadWrite).err().unwrap();
    assert!(matches!(e, StoreError::NotSqlite { .. }), "{e}");
    assert!(e.to_string().contains("notes.db"));
    assert_eq!(bytes(&text), before);

    // Another application's SQLite file.
    let other = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);").unwrap();
    }
    let before = bytes(&other);
    let e = Store::open(&other, Access::ReadWrite).err().unwrap();
    assert!(matches!(e, StoreError::Foreign { .. }), "{e}");
    assert!(e.to_string().contains("invoices"));
    assert_eq!(bytes(&other), before);

    // A ruta database from a newer schema.
    let newer = dir.path().join("newer.db");
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.execute_batch(&format!("PRAGMA application_id = {}; PRAGMA user_version = 99; CREATE TABLE meta(key TEXT, value TEXT);", schema::APPLICATION_ID)).unwrap();
    }
    let before = bytes(&newer);
    let e = Store::open(&newer, Access::ReadWrite).err().unwrap();
    assert!(matches!(e, StoreError::Newer { found: 99, .. }), "{e}");
    assert_eq!(bytes(&newer), before);

    // Truncated SQLite header.
    let trunc = dir.path().join("trunc.db");
    std::fs::write(&trunc, b"SQLite format").unwrap();
    assert!(matches!(
        Store::open(&trunc, Access::ReadWrite),
        Err(StoreError::NotSqlite { .. })
    ));

    // Missing directory, and a directory instead of a file.
    let missing = dir.path().join("no/such/dir/x.db");
    let e = Store::open(&missing, Access::ReadWrite).err().unwrap();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(!missing.exists());
    assert!(Store::open(dir.path(), Access::ReadWrite).is_err());
}

#[test]
fn read_only_access_needs_an_initialised_database() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ro.db");
    assert!(matches!(
        Store::open(&p, Access::ReadOnly),
        Err(StoreError::ReadOnly { .. })
    ));
    assert!(!p.exists(), "read-only access creates nothing");
    drop(Store::open(&p, Access::ReadWrite).unwrap());
    let mut ro = Store::open(&p, Access::ReadOnly).unwrap();
    assert!(!ro.is_writable());
    assert!(ro.writer().is_err());
}
