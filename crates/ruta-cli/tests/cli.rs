//! The `ruta` binary end to end: registry, listings, details, totals, exit codes.

mod common;

use common::{ok_json, ruta};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tmp() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ruta.db");
    (d, p)
}

const SEED_PROJECTS: &[&str] = &[
    "per-chancay-port",
    "ecu-coca-codo-sinclair",
    "col-bogota-metro-line-1",
    "ecu-mirador-copper-mine",
    "bra-gwm-iracemapolis",
    "ecu-manta-airport",
    "mex-cdmx-metro-line-1",
    "atg-st-johns-harbour",
    "sur-village-solar-microgrids",
    "jam-north-south-highway",
    "chl-china-trans-pacific-cable",
    "cri-route-32",
    "bol-montero-bulo-bulo-railway",
    "arg-belgrano-cargas",
    "tto-phoenix-park-industrial-estate",
    "tto-la-brea-dry-dock",
    "col-regiotram-occidente",
    "bra-byd-camacari",
];

#[test]
fn first_use_loads_the_registry_with_sources() {
    let (_d, db) = tmp();
    let v = ok_json(ruta(&db, &["projects", "--format", "json", "--limit", "0"]));
    let rows = v.as_array().unwrap();
    assert!(rows.len() >= 40, "{} projects", rows.len());
    for r in rows {
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
        ] {
            assert!(r.get(k).is_some(), "{k} missing in {r}");
        }
        assert!(
            r["sources"].as_i64().unwrap() >= 1,
            "{} has no source",
            r["id"]
        );
    }
    for id in SEED_PROJECTS {
        assert!(rows.iter().any(|r| r["id"] == *id), "{id} missing");
    }
    let groups: std::collections::HashSet<&str> = rows
        .iter()
        .map(|r| r["sector_group"].as_str().unwrap())
        .collect();
    assert!(groups.contains("new_frontier") && groups.contains("traditional_infrastructure"));
}

#[test]
fn init_twice_changes_nothing() {
    let (_d, db) = tmp();
    assert!(ruta(&db, &["init"]).status.success());
    let a = ok_json(ruta(
        &db,
        &["project", "per-chancay-port", "--format", "json"],
    ));
    let out = ruta(&db, &["init"]);
    assert!(out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("0 new, 0 updated"), "{msg}");
    let b = ok_json(ruta(
        &db,
        &["project", "per-chancay-port", "--format", "json"],
    ));
    assert_eq!(a, b);
}

#[test]
fn db_option_works_before_or_after_the_subcommand_and_from_the_environment() {
    let (d, db) = tmp();
    let before = Command::new(env!("CARGO_BIN_EXE_ruta"))
        .args(["--db"])
        .arg(&db)
        .args(["projects", "--limit", "1"])
        .output()
        .unwrap();
    assert!(before.status.success());
    let after = Command::new(env!("CARGO_BIN_EXE_ruta"))
        .args(["projects", "--limit", "1", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(after.status.success());
    let env_db = d.path().join("env.db");
    let env = Command::new(env!("CARGO_BIN_EXE_ruta"))
        .args(["stats"])
        .env("RUTA_DB", &env_db)
        .output()
        .unwrap();
    assert!(env.status.success());
    assert!(env_db.exists());
}

#[test]
fn filters_and_chancay_claims() {
    let (_d, db) = tmp();
    let per = ok_json(ruta(
        &db,
        &["projects", "--country", "per", "--format", "json"],
    ));
    assert!(
        per.as_array()
            .unwrap()
            .iter()
            .all(|r| r["country"] == "PER")
    );
    let nf = ok_json(ruta(
        &db,
        &[
            "projects",
            "--sector-group",
            "new_frontier",
            "--format",
            "json",
            "--limit",
            "0",
        ],
    ));
    assert!(
        nf.as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "bra-byd-camacari")
    );
    let q = ok_json(ruta(
        &db,
        &["projects", "--q", "Coca Codo", "--format", "json"],
    ));
    assert_eq!(q[0]["id"], "ecu-coca-codo-sinclair");
    let loans = ok_json(ruta(
        &db,
        &[
            "projects",
            "--flow-kind",
            "loan",
            "--status",
            "completion",
            "--format",
            "json",
            "--limit",
            "0",
        ],
    ));
    assert!(
        loans
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "completion")
    );
    assert!(
        loans
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "ecu-coca-codo-sinclair"),
        "a project with a loan among its flows"
    );
    let d = ok_json(ruta(
        &db,
        &["project", "per-chancay-port", "--format", "json"],
    ));
    let mut usd: Vec<f64> = d["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["field"] == "value" && c["value"]["currency"] == "USD")
        .map(|c| c["value"]["amount"].as_f64().unwrap())
        .collect();
    usd.sort_by(f64::total_cmp);
    assert_eq!(usd, vec![1.3e9, 3.0e9, 3.6e9, 3.7e9]);
    assert!(
        d["claims"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["source"]["id"].is_i64())
    );
    assert!(
        d["claims"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["field"] == "value")
            .any(|c| c["conflict"] == true)
    );
    assert!(!d["events"].as_array().unwrap().is_empty());
    // The value is one of the reported project costs; COSCO's 2019 stake and 2020
    // investment are flows of their own.
    let value = d["value"]["amount"].as_f64().unwrap();
    assert!((1.3e9..=3.7e9).contains(&value), "{value}");
    let flows = d["flows"].as_array().unwrap();
    for (year, amount) in [(2019, 230e6), (2020, 780e6)] {
        assert!(
            flows
                .iter()
                .any(|f| f["year"] == year && f["amount"]["value"] == amount),
            "{year}: {flows:#?}"
        );
    }
}

#[test]
fn csv_and_table_formats() {
    let (_d, db) = tmp();
    let out = ruta(&db, &["projects", "--format", "csv", "--limit", "3"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert!(rdr.headers().unwrap().iter().any(|h| h == "amount_usd"));
    assert_eq!(rdr.records().count(), 3);
    let table = ruta(&db, &["project", "ecu-coca-codo-sinclair"]);
    let t = String::from_utf8(table.stdout).unwrap();
    assert!(
        t.contains("Claims") && t.contains("Sinohydro") && t.contains("17,000 cracks"),
        "{t}"
    );
}

/// The sum of `amount_usd` over `ruta flows` rows.
fn flows_sum(db: &Path, extra: &[&str]) -> (f64, usize) {
    let mut args = vec!["flows", "--counted", "true", "--format", "json"];
    args.extend_from_slice(extra);
    let rows = ok_json(ruta(db, &args));
    let rows = rows.as_array().unwrap();
    (
        rows.iter().filter_map(|r| r["amount_usd"].as_f64()).sum(),
        rows.len(),
    )
}

fn stats_sum(db: &Path, by: &str, extra: &[&str]) -> (f64, u64) {
    let mut args = vec!["stats", "--by", by, "--format", "json"];
    args.extend_from_slice(extra);
    let rows = ok_json(ruta(db, &args));
    let rows = rows.as_array().unwrap();
    (
        rows.iter().map(|r| r["amount_usd"].as_f64().unwrap()).sum(),
        rows.iter().map(|r| r["count"].as_u64().unwrap()).sum(),
    )
}

#[test]
fn stats_equal_the_counted_flows() {
    let (_d, db) = tmp();
    for filter in [
        vec![],
        vec!["--country", "ECU"],
        vec!["--sector-group", "new_frontier"],
        vec!["--year-from", "2010", "--year-to", "2015"],
    ] {
        let (flows, n) = flows_sum(&db, &filter);
        for by in ["year", "country", "sector-group", "flow-kind"] {
            let (total, count) = stats_sum(&db, by, &filter);
            assert!(
                (total - flows).abs() < 1.0,
                "{by} {filter:?}: {total} vs {flows}"
            );
            assert_eq!(count as usize, n, "{by} {filter:?}");
        }
    }
    // Lenders add up to the loans (each loan split among its lenders, or unattributed).
    let (loans, _) = flows_sum(&db, &["--kind", "loan"]);
    let (lenders, _) = stats_sum(&db, "lender", &[]);
    assert!((loans - lenders).abs() < 1.0, "{lenders} vs {loans}");
    // Every flow left out says why.
    let out = ok_json(ruta(
        &db,
        &["flows", "--counted", "false", "--format", "json"],
    ));
    for f in out.as_array().unwrap() {
        assert!(f["not_counted_reason"].is_string(), "{f}");
        assert_eq!(f["counted"], false);
    }
    let csv = ruta(&db, &["flows", "--format", "csv"]);
    assert!(csv.status.success());
    assert!(
        String::from_utf8(csv.stdout)
            .unwrap()
            .starts_with("id,project_id,kind")
    );
}

#[test]
fn usage_errors_exit_2_with_accepted_values() {
    let (_d, db) = tmp();
    for (args, needle) in [
        (vec!["projects", "--country", "XYZ"], "ARG"),
        (vec!["projects", "--status", "finished"], "implementation"),
        (vec!["projects", "--sector-group", "space"], "new_frontier"),
        (
            vec!["projects", "--flow-kind", "gift"],
            "construction_contract",
        ),
        (vec!["stats", "--by", "planet"], "sector-group"),
        (vec!["frobnicate"], "Usage"),
    ] {
        let out = ruta(&db, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert!(!db.exists(), "usage errors touch nothing");
}

#[test]
fn unknown_project_exits_1() {
    let (_d, db) = tmp();
    let out = ruta(&db, &["project", "no-such-thing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-thing"));
}

#[test]
fn bad_database_files_exit_1_and_stay_byte_for_byte_unchanged() {
    let d = tempfile::tempdir().unwrap();
    let text = d.path().join("text.db");
    std::fs::write(&text, "not a database at all, just text\n".repeat(50)).unwrap();
    let other = d.path().join("other.sqlite");
    rusqlite_free_sqlite(&other);
    let newer = d.path().join("newer.db");
    let (_d2, fresh) = tmp();
    assert!(ruta(&fresh, &["init"]).status.success());
    std::fs::copy(&fresh, &newer).unwrap();
    // Bump the schema version in the header (user_version is bytes 60..64, big-endian).
    let mut bytes = std::fs::read(&newer).unwrap();
    bytes[60..64].copy_from_slice(&999i32.to_be_bytes());
    std::fs::write(&newer, &bytes).unwrap();
    for (file, needle) in [
        (&text, "not a SQLite database"),
        (&other, "another application"),
        (&newer, "newer ruta"),
    ] {
        let before = std::fs::read(file).unwrap();
        for args in [vec!["projects"], vec!["init"], vec!["stats"]] {
            let out = ruta(file, &args);
            assert_eq!(out.status.code(), Some(1), "{file:?} {args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(needle), "{err}");
            assert_eq!(err.trim().lines().count(), 1, "one-line error: {err}");
        }
        assert_eq!(std::fs::read(file).unwrap(), before, "{file:?} changed");
    }
    let missing = d.path().join("nope/ruta.db");
    let out = ruta(&missing, &["projects"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

/// Writes a small SQLite file of "another application" with Python's sqlite3 module
/// (python3 is on every machine ruta targets), independently of ruta's own SQLite.
fn rusqlite_free_sqlite(path: &Path) {
    let script = format!(
        "import sqlite3; c=sqlite3.connect({:?}); c.execute('create table invoices(id integer primary key, total real)'); c.execute('insert into invoices values (1, 9.5)'); c.commit(); c.close()",
        path.to_string_lossy()
    );
    let ok = Command::new("python3")
        .args(["-c", &script])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "python3 with sqlite3 is needed to build a foreign SQLite file"
    );
}

#[test]
fn golden_json_of_a_registry_project() {
    let (_d, db) = tmp();
    let mut v = ok_json(ruta(
        &db,
        &[
            "project",
            "sur-village-solar-microgrids",
            "--format",
            "json",
        ],
    ));
    // Timestamps and database ids vary between runs; the rest must not.
    fn scrub(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("created_at");
                m.remove("updated_at");
                for (k, x) in m.iter_mut() {
                    if k == "id" && x.is_i64() {
                        *x = Value::from(0);
                    } else if k == "source_id" || k == "amount_claim_id" {
                        *x = Value::Null;
                    } else {
                        scrub(x);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(scrub),
            _ => {}
        }
    }
    scrub(&mut v);
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/project_sur_microgrids.json");
    let got = serde_json::to_string_pretty(&v).unwrap() + "\n";
    if std::env::var("UPDATE_GOLDEN").is_ok() || !golden.exists() {
        std::fs::write(&golden, &got).unwrap();
    }
    if std::fs::read_to_string(&golden).unwrap() != got {
        let actual = golden.with_extension("actual.json");
        std::fs::write(&actual, &got).unwrap();
        panic!(
            "golden differs: diff {} {} (UPDATE_GOLDEN=1 accepts)",
            golden.display(),
            actual.display()
        );
    }
}

#[test]
fn import_reports_problems_writes_a_report_and_exits_1() {
    let (d, db) = tmp();
    let f = d.path().join("bad.csv");
    std::fs::write(
        &f,
        "AidData Record ID,Title,Recipient ISO-3,Commitment Year\n1,Port A,PER,2019\n2,Port B,PER,20x9\n3,Port C,XYZ,2019\n",
    )
    .unwrap();
    let report = d.path().join("report.json");
    let out = ruta(
        &db,
        &[
            "import",
            "gcdf",
            f.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    // A bad optional value (the year) is reported and left empty, the row kept; a bad
    // country code costs its row.
    assert!(
        err.contains("bad.csv:3: column 'Commitment Year': value '20x9'")
            && err.contains("(left empty; the row is kept)"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:4: column 'Recipient ISO-3': value 'XYZ'"),
        "{err}"
    );
    assert!(
        err.contains(
            "3 rows read, 2 imported, 0 updated, 0 unchanged, 1 skipped, 1 bad optional values left empty"
        ),
        "{err}"
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["ok"], false);
    assert_eq!(r["files"][0]["problems"][0]["line"], 4);
    assert_eq!(r["files"][0]["emptied"][0]["line"], 3);
    assert_eq!(r["files"][0]["dialect"]["encoding"], "utf-8");
    let p = ok_json(ruta(&db, &["project", "gcdf-1", "--format", "json"]));
    assert_eq!(p["name"], "Port A");
}

#[test]
fn import_dry_run_creates_nothing_and_strict_writes_nothing() {
    let (d, db) = tmp();
    let f = d.path().join("ok.csv");
    std::fs::write(
        &f,
        "AidData Record ID,Title,Recipient ISO-3\n1,Port A,PER\n2,Port B,XYZ\n",
    )
    .unwrap();
    let out = ruta(&db, &["import", "gcdf", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dry run"));
    assert!(!db.exists(), "dry run on a new database creates nothing");
    assert!(ruta(&db, &["init"]).status.success());
    let out = ruta(&db, &["import", "gcdf", f.to_str().unwrap(), "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let listed = ok_json(ruta(
        &db,
        &["projects", "--dataset", "AidData GCDF", "--format", "json"],
    ));
    assert_eq!(
        listed.as_array().unwrap().len(),
        0,
        "strict: the good row was not written either"
    );
    let out = ruta(&db, &["import", "nonsense", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gcdf-adm"));
    let missing = ruta(
        &db,
        &[
            "import",
            "gcdf",
            d.path().join("nope.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.csv"));
}

#[test]
fn import_the_shared_samples_and_query_them() {
    let Some(dir) = ruta_testdata::shared_file("gcdf3") else {
        return;
    };
    let (_d, db) = tmp();
    let files = [
        ("gcdf", dir.join("lac_ports_fullschema.csv")),
        ("bu-cgef", dir.join("../bu_cgef/bu_cgef_2020.csv")),
    ];
    for (kind, f) in &files {
        let out = ruta(&db, &["import", kind, f.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let ecu = ok_json(ruta(
        &db,
        &[
            "projects",
            "--country",
            "ECU",
            "--dataset",
            "BU China's Global Energy Finance",
            "--format",
            "json",
            "--limit",
            "0",
        ],
    ));
    // BU's Coca Codo Sinclair loan is the registry project's loan: its id now resolves to
    // the project that holds it.
    assert!(
        ecu.as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "ecu-coca-codo-sinclair")
    );
    let p = ok_json(ruta(
        &db,
        &[
            "project",
            "cgef-ecu-2010-coca-codo-sinclair-hpp",
            "--format",
            "json",
        ],
    ));
    assert_eq!(p["id"], "ecu-coca-codo-sinclair");
    assert_eq!(p["redirected_from"], "cgef-ecu-2010-coca-codo-sinclair-hpp");
    let bu = p["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "cgef-ecu-2010-coca-codo-sinclair-hpp")
        .unwrap();
    assert_eq!(bu["counted"], true);
    assert_eq!(
        bu["records"][0],
        serde_json::json!({
            "dataset": "BU China's Global Energy Finance",
            "version": "2020",
            "file": "bu_cgef_2020.csv",
            "sheet": null,
            "line": 57,
            "record_id": "ECU-2010-coca-codo-sinclair-hpp"
        })
    );
    let lenders = ok_json(ruta(&db, &["stats", "--by", "lender", "--format", "json"]));
    assert!(
        lenders
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "china-eximbank")
    );
}

#[test]
fn problems_rates_golden() {
    let (_d, db) = tmp();
    let mut got = String::new();
    for by in ["sector-group", "kind", "country"] {
        let v = ok_json(ruta(&db, &["problems", "--by", by, "--format", "json"]));
        for r in v.as_array().unwrap() {
            let (p, w) = (
                r["projects"].as_u64().unwrap(),
                r["with_problems"].as_u64().unwrap(),
            );
            assert!(w <= p);
            if p > 0 {
                assert!((r["rate"].as_f64().unwrap() - w as f64 / p as f64).abs() < 1e-12);
            }
        }
        got.push_str(&format!(
            "--by {by}\n{}\n",
            serde_json::to_string_pretty(&v).unwrap()
        ));
    }
    // Every project in the registry's population, all problems: the denominator grows.
    let all = ok_json(ruta(
        &db,
        &[
            "problems",
            "--population",
            "all-counted",
            "--format",
            "json",
        ],
    ));
    let def = ok_json(ruta(&db, &["problems", "--format", "json"]));
    let n = |v: &Value| -> u64 {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["projects"].as_u64().unwrap())
            .sum()
    };
    assert!(n(&all) > n(&def));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/problems.txt");
    if std::env::var("UPDATE_GOLDEN").is_ok() || !golden.exists() {
        std::fs::write(&golden, &got).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&golden).unwrap(),
        got,
        "golden differs (UPDATE_GOLDEN=1 accepts)"
    );
    let table = ruta(&db, &["problems", "--by", "kind"]);
    assert!(
        String::from_utf8(table.stdout)
            .unwrap()
            .contains("population: infrastructure projects")
    );
    let bad = ruta(&db, &["problems", "--by", "planet"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn stats_frontier_share_and_sort_with_a_space() {
    let (_d, db) = tmp();
    let rows = ok_json(ruta(
        &db,
        &["stats", "--frontier-share", "--format", "json"],
    ));
    let rows = rows.as_array().expect("array");
    assert!(!rows.is_empty());
    for r in rows {
        let s = r["share"].as_f64().unwrap_or(0.0);
        assert!((0.0..=1.0).contains(&s), "{r}");
        assert!(r["new_frontier_usd"].as_f64().unwrap() <= r["amount_usd"].as_f64().unwrap());
    }
    let table = ruta(&db, &["stats", "--frontier-share"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        !text.contains("2,0"),
        "a year with a thousands separator:\n{text}"
    );
    // `--sort -amount` (a value that starts with a dash) as well as `--sort=-amount`.
    let a = ok_json(ruta(
        &db,
        &["projects", "--sort", "-amount", "--format", "json"],
    ));
    let b = ok_json(ruta(
        &db,
        &["projects", "--sort=-amount", "--format", "json"],
    ));
    assert_eq!(a, b);
}

#[test]
fn lending_by_year_and_lender_in_one_command() {
    // README's first question: a country's lending by year and lender, one command.
    let (_d, db) = tmp();
    assert!(ruta(&db, &["init"]).status.success());
    let cells = ok_json(ruta(
        &db,
        &[
            "stats",
            "--by",
            "year",
            "--split",
            "lender",
            "--country",
            "ECU",
            "--format",
            "json",
        ],
    ));
    let cells = cells.as_array().unwrap();
    assert!(!cells.is_empty());
    assert!(cells.iter().all(|c| c["split"].is_string()));
    // The cells add up to the lender breakdown, which adds up to the loans.
    let by_lender = ok_json(ruta(
        &db,
        &[
            "stats",
            "--by",
            "lender",
            "--country",
            "ECU",
            "--format",
            "json",
        ],
    ));
    let sum = |v: &[Value]| -> f64 { v.iter().map(|r| r["amount_usd"].as_f64().unwrap()).sum() };
    let (a, b) = (sum(cells), sum(by_lender.as_array().unwrap()));
    assert!(b > 0.0 && (a - b).abs() < 1.0, "{a} vs {b}");
    // Lenders cannot be split.
    let out = ruta(&db, &["stats", "--by", "lender", "--split", "year"]);
    assert!(!out.status.success());
}
