//! `ruta import` on datasets as users hold them (the real files in ../shared/data and a
//! fixture built here from their rows), dialect options and `--dry-run`'s account,
//! `ruta countries` and `--bri`.

mod common;

use common::{ok_json, ruta};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ruta.db");
    (d, p)
}

/// The first rows of the GeoGCDF table as Excel saves them in Lima: `;`, decimal
/// comma, day-first dates, Windows-1252.
fn lima_fixture(dir: &Path) -> Option<PathBuf> {
    let geo = ruta_testdata::shared_file("gcdf3/final_input_lac.csv")?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(geo)
        .unwrap();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    for (n, rec) in r.records().take(60).enumerate() {
        let rec = rec.unwrap();
        let cells: Vec<String> = rec
            .iter()
            .map(|c| {
                if n > 0 && c.len() == 10 && c.as_bytes()[4] == b'-' {
                    format!("{}/{}/{}", &c[8..10], &c[5..7], &c[..4])
                } else if n > 0 && c.contains('.') && c.parse::<f64>().is_ok() {
                    c.replace('.', ",")
                } else {
                    c.to_string()
                }
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let p = dir.join("geogcdf-lima.csv");
    std::fs::write(&p, &bytes).unwrap();
    Some(p)
}

#[test]
fn dry_run_says_how_a_csv_was_read_and_options_override() {
    let (d, db) = tmp();
    let Some(f) = lima_fixture(d.path()) else {
        return;
    };
    let out = ruta(&db, &["import", "gcdf", f.to_str().unwrap(), "--dry-run"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for needle in [
        "encoding: Windows-1252 (Latin-1)",
        "delimiter: ';'",
        "decimal separator: comma",
        "dates in 'Commitment.Date.(MM/DD/YYYY)': day-first",
        "(dry run: nothing written)",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    // The summary line says what is not plain UTF-8 and ','.
    assert!(
        err.contains("read as Windows-1252 (Latin-1), ';'-separated, decimal comma"),
        "{err}"
    );
    // Overrides are accepted and said.
    let out = ruta(
        &db,
        &[
            "import",
            "gcdf",
            f.to_str().unwrap(),
            "--dry-run",
            "--encoding",
            "latin-1",
            "--delimiter",
            ";",
            "--date-order",
            "dmy",
        ],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("(--encoding)") && err.contains("(--delimiter)"),
        "{err}"
    );
    // Bad values are usage errors naming the accepted ones.
    for (flag, bad, accepted) in [
        ("--encoding", "ebcdic", "utf-8, windows-1252, latin-1"),
        ("--delimiter", "|", "',', ';', tab"),
        ("--date-order", "ymd", "dmy, mdy"),
    ] {
        let out = ruta(&db, &["import", "gcdf", f.to_str().unwrap(), flag, bad]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(stderr(&out).contains(accepted), "{}", stderr(&out));
    }
}

#[test]
fn an_aei_workbook_sheet_by_sheet_and_countries_with_bri() {
    let Some(wb) = ruta_testdata::shared_file(
        "aei_cgit/China-Global-Investment-Tracker-2022-SPRING-final-1.xlsx",
    ) else {
        return;
    };
    let (_d, db) = tmp();
    let out = ruta(&db, &["import", "aei-cgit", wb.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for needle in [
        "Dataset 1 (investments, header on row 1): 1929 rows, 172 records",
        "Dataset 2 (construction, header on row 6): 1932 rows, 147 records (construction_contract 147)",
        "Dataset 3 (troubled, header on row 6): 347 rows, 24 records (own_record 24), 2 onto the flow they concern",
        "sheet 'Dataset 1+2' not read",
        "edition 2022-06",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    // Troubled transactions are listed as events with the workbook as their source.
    let ev = ok_json(ruta(
        &db,
        &[
            "events",
            "--kind",
            "cancellation",
            "--country",
            "PER",
            "--format",
            "json",
        ],
    ));
    let ev = ev.as_array().unwrap();
    assert!(
        ev.iter().any(|e| e["sources"][0]["file"]
            == "China-Global-Investment-Tracker-2022-SPRING-final-1.xlsx"),
        "{ev:?}"
    );
    // Countries: membership and its dates.
    let c = ok_json(ruta(&db, &["countries", "--lac", "--format", "json"]));
    let c = c.as_array().unwrap();
    assert_eq!(c.len(), 33);
    let by = |iso: &str| c.iter().find(|x| x["iso3"] == iso).unwrap().clone();
    let pan = by("PAN");
    assert_eq!(
        (&pan["bri_member"], &pan["bri_joined"], &pan["bri_exited"]),
        (
            &Value::Bool(false),
            &Value::from("2017-06-01"),
            &Value::from("2025-05-04")
        )
    );
    let col = by("COL");
    assert_eq!(
        (&col["bri_member"], &col["bri_joined"]),
        (&Value::Bool(true), &Value::from("2025-05-14"))
    );
    let table = String::from_utf8(ruta(&db, &["countries", "--lac"]).stdout).unwrap();
    assert!(
        table.contains("Panama") && table.contains("left"),
        "{table}"
    );
    assert!(
        table.contains("Green Finance & Development Center"),
        "{table}"
    );
    // Totals by membership at commitment time add up to the total.
    let sum = |args: &[&str]| -> f64 {
        let mut a = vec!["stats", "--by", "year", "--format", "json"];
        a.extend_from_slice(args);
        ok_json(ruta(&db, &a))
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["amount_usd"].as_f64().unwrap())
            .sum()
    };
    let (all, m, n) = (
        sum(&[]),
        sum(&["--bri", "member"]),
        sum(&["--bri", "non-member"]),
    );
    assert!(
        m > 0.0 && n > 0.0 && (m + n - all).abs() < 1.0,
        "{m} {n} {all}"
    );
    let out = ruta(&db, &["flows", "--bri", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("member, non-member"));
}

#[test]
fn how_china_lends_before_and_after_the_loans_are_stored() {
    let (Some(hcl), Some(full)) = (
        ruta_testdata::shared_file("aiddata_hcl/How_China_Lends_Dataset_Version_2_0.xlsx"),
        ruta_testdata::shared_file("gcdf3/lac_ports_fullschema.csv"),
    ) else {
        return;
    };
    let (_d, db) = tmp();
    let out = ruta(&db, &["import", "aiddata-hcl", hcl.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("contracts describe loans not in the database, not kept (import the AidData GCDF file first"),
        "{err}"
    );
    assert!(
        ruta(&db, &["import", "gcdf", full.to_str().unwrap()])
            .status
            .success()
    );
    let out = ruta(&db, &["import", "aiddata-hcl", hcl.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains(" 0 imported"), "{err}");
}
