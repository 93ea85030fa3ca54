//! Projects and flows on the full shared data: every shared dataset imported (all GCDF
//! files, ADM, GeoJSON, AEI both files, BU) plus the seed articles, through the real
//! binary. Each dollar counts once; every displayed number is the right kind of number.

mod common;

use common::{ok_json, ruta};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The loaded database, built once for all tests (None when the data is absent outside
/// CI).
fn db() -> Option<&'static Path> {
    static DB: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    DB.get_or_init(|| {
        let gcdf = ruta_testdata::shared_file("gcdf3")?;
        let data = gcdf.parent()?.to_path_buf();
        let seeds = ruta_testdata::seeds_dir()?;
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("full.db");
        let mut runs: Vec<Vec<String>> = ruta_testdata::full_import_runs(&data)
            .into_iter()
            .map(|r| std::iter::once("import".to_string()).chain(r).collect())
            .collect();
        runs.push(vec![
            "ingest".into(),
            "news".into(),
            seeds.to_string_lossy().into_owned(),
        ]);
        for args in runs {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = ruta(&db, &a);
            assert!(
                out.status.success(),
                "{a:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Some((d, db))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

fn flows(db: &Path, args: &[&str]) -> Vec<Value> {
    let mut a = vec!["flows", "--format", "json"];
    a.extend_from_slice(args);
    ok_json(ruta(db, &a)).as_array().unwrap().clone()
}

fn project(db: &Path, id: &str) -> Value {
    ok_json(ruta(db, &["project", id, "--format", "json"]))
}

#[test]
fn chancay_shows_a_project_value_and_its_transactions_as_flows() {
    let Some(db) = db() else { return };
    let p = project(db, "per-chancay-port");
    let value = p["value"]["amount"].as_f64().unwrap();
    assert!((1.3e9..=3.7e9).contains(&value), "{value}");
    let fl = p["flows"].as_array().unwrap();
    let counted = |year: i64, amount: f64| {
        fl.iter().any(|f| {
            f["year"] == year
                && f["amount"]["value"].as_f64() == Some(amount)
                && f["counted"] == true
                && f["records"][0]["dataset"] == "AEI China Global Investment Tracker"
        })
    };
    assert!(counted(2019, 230e6), "COSCO's 2019 stake: {fl:#?}");
    assert!(counted(2020, 780e6), "COSCO's 2020 investment: {fl:#?}");
}

#[test]
fn las_bambas_uses_the_gcdf_3_value() {
    let Some(db) = db() else { return };
    let f = flows(db, &["--project", "gcdf-55426"]);
    let rec = f.iter().find(|f| f["id"] == "gcdf-55426").unwrap();
    // GCDF 3.0's ADM files: Σ even_split_ratio_commitment_value = 3,314,643,123 constant
    // 2021 USD, back to 2014 dollars with AidData's factor — not GCDF 2.0's 5.77 bn
    // constant-2017 figure from the legacy GeoJSON.
    let nominal = 3_314_643_123.0 / ruta_core::money::aiddata_factor(2014).unwrap();
    let amount = rec["amount"]["value"].as_f64().unwrap();
    assert!((amount - nominal).abs() < 1.0, "{amount} vs {nominal}");
    assert!(
        rec["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["version"] == "3.0" && r["file"] == "adm1_locations.csv")
    );
    // The acquisition it refinances counts; the loan does not add it again.
    assert!(
        rec["not_counted_reason"]
            .as_str()
            .unwrap()
            .starts_with("refinances:")
    );
}

#[test]
fn baha_mar_has_one_constant_2021_value_in_totals() {
    let Some(db) = db() else { return };
    let f = flows(db, &["--project", "bhs-baha-mar", "--kind", "loan"]);
    assert_eq!(f.len(), 2, "AidData 39720 and the registry's loan");
    let counted: Vec<&Value> = f.iter().filter(|f| f["counted"] == true).collect();
    assert_eq!(counted.len(), 1);
    let usd: Vec<f64> = f
        .iter()
        .map(|f| f["amount_usd"].as_f64().unwrap())
        .collect();
    assert!(
        (usd[0] - usd[1]).abs() / usd[0] < 1e-5,
        "one method for both: {usd:?}"
    );
}

#[test]
fn geocoded_aiddata_rows_have_evidence_based_kinds() {
    let Some(db) = db() else { return };
    let f = flows(db, &["--dataset", "AidData GCDF"]);
    let geo: Vec<&Value> = f
        .iter()
        .filter(|f| {
            f["records"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["file"] == "final_input_lac.csv")
        })
        .collect();
    assert_eq!(geo.len(), 872);
    assert!(geo.iter().all(|f| f["kind"] != "other"));
    let unknown = geo.iter().filter(|f| f["kind"] == "unknown").count();
    assert!(unknown * 100 <= 15 * geo.len(), "{unknown} unknown");
    assert!(
        geo.iter()
            .filter(|f| f["kind_inferred"] == true)
            .all(|f| f["kind_basis"].as_str().unwrap().contains("rule"))
    );
    // Co-financiers are never lenders.
    assert!(f.iter().all(|f| {
        f["parties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["role"] != "lender" || p["country"] == "CHN")
    }));
}

#[test]
fn totals_equal_the_counted_flows_and_lenders_the_loans() {
    let Some(db) = db() else { return };
    let counted = flows(db, &["--counted", "true"]);
    let sum: f64 = counted
        .iter()
        .filter_map(|f| f["amount_usd"].as_f64())
        .sum();
    for by in ["year", "country", "sector-group", "flow-kind"] {
        let rows = ok_json(ruta(db, &["stats", "--by", by, "--format", "json"]));
        let t: f64 = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["amount_usd"].as_f64().unwrap())
            .sum();
        assert!((t - sum).abs() < 1.0, "{by}: {t} vs {sum}");
    }
    let loans: f64 = counted
        .iter()
        .filter(|f| f["kind"] == "loan")
        .filter_map(|f| f["amount_usd"].as_f64())
        .sum();
    let lenders = ok_json(ruta(db, &["stats", "--by", "lender", "--format", "json"]));
    let l: f64 = lenders
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount_usd"].as_f64().unwrap())
        .sum();
    assert!((l - loans).abs() < 1.0, "{l} vs {loans}");
    assert!(lenders.as_array().unwrap().iter().all(|r| {
        ![
            "germany-development-bank-kfw",
            "international-finance-corporation-ifc",
        ]
        .contains(&r["key"].as_str().unwrap_or(""))
    }));
}

#[test]
fn registry_links_and_chains_count_once() {
    let Some(db) = db() else { return };
    // Every registry flow that names a present dataset row stands aside for it.
    let all = flows(db, &[]);
    let ids: std::collections::HashSet<&str> =
        all.iter().map(|f| f["id"].as_str().unwrap()).collect();
    for f in all.iter().filter(|f| f["origin"] == "registry") {
        let present = f["relations"].as_array().unwrap().iter().any(|r| {
            r["kind"] == "same_as"
                && r["origin"] == "registry"
                && ids.contains(r["other"].as_str().unwrap())
        });
        if present {
            assert!(
                f["counted"] == false
                    && f["not_counted_reason"]
                        .as_str()
                        .unwrap()
                        .starts_with("duplicate_of:"),
                "{f}"
            );
        }
    }
    // CDB–Petrobras 2009: the registry, AidData and BU describe one $10 bn loan.
    let p = flows(db, &["--project", "bra-cdb-petrobras-2009"]);
    assert_eq!(
        p.iter().filter(|f| f["counted"] == true).count(),
        1,
        "{p:#?}"
    );
    // Coca Codo Sinclair: the contract is paid for by the counted loan.
    let c = flows(
        db,
        &[
            "--project",
            "ecu-coca-codo-sinclair",
            "--kind",
            "construction_contract",
        ],
    );
    assert!(c.iter().all(|f| f["counted"] == false));
    assert!(c.iter().any(|f| {
        f["not_counted_reason"]
            .as_str()
            .unwrap()
            .starts_with("financed_by:")
    }));
    // Old ids keep resolving, to the project that now holds the record.
    let r = project(
        db,
        "cgef-bra-2009-10-year-oil-supply-plan-10mt-year-oil-for-loan",
    );
    assert_eq!(r["id"], "bra-cdb-petrobras-2009");
}
