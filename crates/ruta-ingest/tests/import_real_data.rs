//! The importers on the real samples in ../shared/data: counts, spot values, sums,
//! `|` lists, idempotence, XLSX built from the CSV sample, and every bad-input case.

use ruta_ingest::{FileReport, Kind, Options, Quiet, Region, import_file};
use ruta_store::{Access, Store, query};
use std::path::{Path, PathBuf};

fn store(dir: &Path) -> Store {
    Store::open(dir.join("ruta.db"), Access::ReadWrite).unwrap()
}

fn run(s: &mut Store, kind: Kind, path: &Path, opts: Options) -> FileReport {
    import_file(s, kind, path, &opts, &Quiet)
}

fn all() -> Options {
    Options {
        region: Region::All,
        ..Options::default()
    }
}

/// A fingerprint of every row of every ordinary table.
fn fingerprint(s: &Store) -> String {
    let c = s.conn();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%fts%' AND name != 'imports' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut text = String::new();
    for t in tables {
        let mut st = c
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))
            .unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        text.push_str(&t);
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                text.push_str(&format!("{v:?}|"));
            }
            text.push('\n');
        }
    }
    ruta_core::hash::fingerprint(&text)
}

/// A record's flow: amount, currency and constant 2021 USD (ruta's method).
fn amount_of(s: &Store, id: &str) -> (Option<f64>, Option<String>, Option<f64>) {
    s.conn()
        .query_row(
            "SELECT amount, currency, amount_usd FROM flows WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

/// The constant-dollar figure a dataset published for a record, as its claim keeps it.
fn published_constant(s: &Store, id: &str) -> Option<f64> {
    s.conn()
        .query_row(
            "SELECT amount FROM claims WHERE project_id = ?1 AND field = 'amount_published_constant'
             ORDER BY id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .ok()
}

fn kind_of(s: &Store, id: &str) -> String {
    s.conn()
        .query_row("SELECT kind FROM flows WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

#[test]
fn gcdf_full_schema_counts_values_lists_and_sums() {
    let path = ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv");
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let r = run(&mut s, Kind::Gcdf, &path, Options::default());
    assert_eq!(
        (r.rows_read, r.imported, r.skipped, r.outside_region),
        (20, 20, 0, 0),
        "{:?}",
        r.problems
    );
    // Spot values: record 54912, China Eximbank RMB 600 million for St John's harbour.
    let (amount, currency, usd) = amount_of(&s, "gcdf-54912");
    assert_eq!((amount, currency.as_deref()), (Some(600e6), Some("CNY")));
    // ruta's one method: RMB → nominal USD (2016 rate) → US GDP deflator.
    let ruta = ruta_core::Money::derive(600e6, "CNY", Some(2016));
    assert_eq!(usd, ruta.usd_2021);
    // AidData's own constant 2021 USD stays a claim of its own.
    assert_eq!(
        published_constant(&s, "gcdf-54912"),
        Some(106_617_841.026_846)
    );
    let d54912 = query::project_detail(s.conn(), "gcdf-54912")
        .unwrap()
        .unwrap();
    assert_eq!(d54912.summary.flow_kind, "loan");
    assert_eq!(d54912.summary.status.as_deref(), Some("implementation"));
    assert!(
        d54912
            .parties
            .iter()
            .any(|p| p.org_id == "china-eximbank" && p.role == "lender")
    );
    // Parties and sources split from the `|` lists: compare with the file.
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let mut expected_published = 0.0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let id = format!("gcdf-{}", &rec[col("AidData Record ID")]);
        let d = query::project_detail(s.conn(), &id).unwrap().unwrap();
        let funders: Vec<&str> = rec[col("Funding Agencies")]
            .split('|')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .collect();
        let lenders = d
            .parties
            .iter()
            .filter(|p| p.role == "lender" || p.role == "donor")
            .count();
        assert!(lenders >= funders.len().min(1), "{id}: {funders:?}");
        let urls: std::collections::HashSet<String> = rec[col("Source URLs")]
            .split('|')
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
            .collect();
        let stored: std::collections::HashSet<String> = d
            .references
            .iter()
            .filter_map(|s| s.url.as_ref().map(|u| u.trim_end_matches('/').to_string()))
            .collect();
        assert_eq!(stored, urls, "{id}: every source URL becomes a source");
        let counted: bool = s
            .conn()
            .query_row("SELECT counted FROM flows WHERE id = ?1", [&id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            counted,
            &rec[col("Recommended For Aggregates")] == "Yes",
            "{id}: Recommended For Aggregates honoured"
        );
        if let Ok(v) = rec[col("Amount (Constant USD 2021)")].parse::<f64>() {
            expected_published += v;
            assert_eq!(published_constant(&s, &id), Some(v), "{id}");
        }
    }
    let published: f64 = s
        .conn()
        .query_row(
            "SELECT SUM(amount) FROM claims WHERE field = 'amount_published_constant'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!((published - expected_published).abs() < 1e-3);
    // Totals: the counted flows, in ruta's constant dollars, nothing else.
    let f = query::Filter {
        dataset: Some("AidData GCDF".into()),
        ..Default::default()
    };
    let total: f64 = ruta_store::flows::stats(s.conn(), ruta_store::flows::StatsBy::Year, &f)
        .unwrap()
        .iter()
        .map(|r| r.amount_usd)
        .sum();
    let counted: f64 = s
        .conn()
        .query_row(
            "SELECT SUM(amount_usd) FROM counted_flows WHERE dataset = 'AidData GCDF'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        (total - counted).abs() < 1e-3,
        "stats {total} vs flows {counted}"
    );
    // Re-import: nothing changes.
    let before = fingerprint(&s);
    let again = run(&mut s, Kind::Gcdf, &path, Options::default());
    assert_eq!((again.imported, again.updated, again.unchanged), (0, 0, 20));
    assert_eq!(fingerprint(&s), before, "re-import changes nothing");
    let counts_before = query::counts(s.conn()).unwrap();
    let _ = run(&mut s, Kind::Gcdf, &path, Options::default());
    assert_eq!(query::counts(s.conn()).unwrap(), counts_before);
}

#[test]
fn geogcdf_input_table_and_layout_merge() {
    let full = ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv");
    let geo = ruta_testdata::require!("gcdf3/final_input_lac.csv");
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let r = run(&mut s, Kind::Gcdf, &geo, Options::default());
    assert_eq!(
        (r.rows_read, r.imported, r.skipped),
        (872, 872, 0),
        "{:?}",
        r.problems.first()
    );
    // 35705: police academy (2011), published as 79,904,863.92 constant 2021 USD only:
    // its nominal dollars come back with AidData's 2011 factor, then ruta's deflator.
    assert_eq!(
        published_constant(&s, "gcdf-35705"),
        Some(79_904_863.915_144_6)
    );
    let (amount, currency, usd) = amount_of(&s, "gcdf-35705");
    assert_eq!(currency.as_deref(), Some("USD"));
    let nominal = 79_904_863.915_144_6 / ruta_core::money::aiddata_factor(2011).unwrap();
    assert!((amount.unwrap() - nominal).abs() < 1.0);
    let ruta = ruta_core::Money::derive(nominal, "USD", Some(2011))
        .usd_2021
        .unwrap();
    assert!((usd.unwrap() - ruta).abs() < 1.0);
    // No flow-type column: the title says "grant".
    assert_eq!(kind_of(&s, "gcdf-35705"), "grant");
    let (unknown, other): (i64, i64) = s
        .conn()
        .query_row(
            "SELECT SUM(kind = 'unknown'), SUM(kind = 'other') FROM flows",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(other, 0, "never a silent 'other'");
    assert!(unknown * 100 <= 15 * 872, "{unknown} unknown of 872");
    let d35705 = query::project_detail(s.conn(), "gcdf-35705")
        .unwrap()
        .unwrap();
    assert_eq!(d35705.locations[0].precision, Some(1));
    // Multi-valued precision: one location per OSM feature.
    let many: i64 = s
        .conn()
        .query_row(
            "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM locations GROUP BY project_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(many >= 5);
    // The full layout merges into the same records without erasing the geo layout's data.
    let r = run(&mut s, Kind::Gcdf, &full, Options::default());
    assert_eq!(r.rows_read, 20);
    let d = query::project_detail(s.conn(), "gcdf-89653")
        .unwrap()
        .unwrap();
    assert!(
        d.description.is_some() && !d.locations.is_empty(),
        "both layouts contribute"
    );
    let sum_file: f64 = {
        let mut rdr = csv::Reader::from_path(&geo).unwrap();
        rdr.records()
            .filter_map(|r| r.unwrap()[4].parse::<f64>().ok())
            .sum()
    };
    assert!(sum_file > 1e10);
}

#[test]
fn gcdf_xlsx_matches_the_csv() {
    let path = ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv");
    let d = tempfile::tempdir().unwrap();
    let xlsx = d.path().join("GCDF_3.0.xlsx");
    write_workbook(&path, &xlsx, "GCDF_3.0", true);
    let mut from_xlsx = Store::open(d.path().join("x.db"), Access::ReadWrite).unwrap();
    let r = run(&mut from_xlsx, Kind::Gcdf, &xlsx, Options::default());
    assert_eq!(
        (r.rows_read, r.imported, r.skipped),
        (20, 20, 0),
        "{:?}",
        r.problems.first()
    );
    let mut from_csv = Store::open(d.path().join("c.db"), Access::ReadWrite).unwrap();
    run(&mut from_csv, Kind::Gcdf, &path, Options::default());
    let q = "SELECT id, name, country, status, amount, currency, amount_usd, year, commitment_date, actual_completion_date, interest_rate, maturity_years FROM projects ORDER BY id";
    let dump = |s: &Store| -> Vec<String> {
        s.conn()
            .prepare(q)
            .unwrap()
            .query_map([], |r| {
                Ok((0..12)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        dump(&from_xlsx),
        dump(&from_csv),
        "numbers as numbers and dates as Excel dates read back the same"
    );
    // The table on a sheet of any name is found by its header and read the same.
    let other = d.path().join("other-sheet.xlsx");
    write_workbook(&path, &other, "Sheet1", false);
    let d_other = tempfile::tempdir().unwrap();
    let mut from_other = store(d_other.path());
    let r = run(&mut from_other, Kind::Gcdf, &other, Options::default());
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert_eq!(dump(&from_other), dump(&from_csv));
    // A workbook holding no AidData table is refused with the sheets it has.
    let wrong = d.path().join("wrong.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Notes").unwrap();
        ws.write_string(0, 0, "Nothing to see").unwrap();
        wb.save(&wrong).unwrap();
    }
    let before = fingerprint(&from_csv);
    let r = run(&mut from_csv, Kind::Gcdf, &wrong, Options::default());
    assert_eq!(r.outcome, "failed");
    let e = r.error.unwrap();
    assert!(
        e.contains("no sheet holds an AidData table") && e.contains("Notes"),
        "{e}"
    );
    assert_eq!(fingerprint(&from_csv), before);
}

/// Writes the CSV as an XLSX sheet: numbers as numbers, dates as Excel dates, and a
/// formula (with its cached value) in the first data row's Commitment Year.
fn write_workbook(csv_path: &Path, out: &Path, sheet: &str, formula: bool) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date_fmt = Format::new().set_num_format("mm/dd/yyyy");
    let mut rdr = csv::Reader::from_path(csv_path).unwrap();
    let h = rdr.headers().unwrap().clone();
    for (c, name) in h.iter().enumerate() {
        ws.write_string(0, c as u16, name).unwrap();
    }
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let row = r as u32 + 1;
        for (c, v) in rec.iter().enumerate() {
            let name = &h[c];
            if v.is_empty() {
                continue;
            }
            if formula && r == 0 && name == "Commitment Year" {
                ws.write_formula(
                    row,
                    c as u16,
                    Formula::new(format!("=2000+{}", v.parse::<i32>().unwrap() - 2000))
                        .set_result(v),
                )
                .unwrap();
            } else if name.contains("Date") && v.len() == 10 && v.as_bytes()[4] == b'-' {
                let dt = ExcelDateTime::parse_from_str(v).unwrap();
                ws.write_datetime_with_format(row, c as u16, &dt, &date_fmt)
                    .unwrap();
            } else if let Ok(n) = v.parse::<f64>() {
                ws.write_number(row, c as u16, n).unwrap();
            } else {
                ws.write_string(row, c as u16, v).unwrap();
            }
        }
    }
    wb.save(out).unwrap();
}

#[test]
fn adm_geojson_and_pending_locations() {
    let adm1 = ruta_testdata::require!("gcdf3/adm1_locations.csv");
    let adm2 = ruta_testdata::require!("gcdf3/adm2_locations.csv");
    let gj = ruta_testdata::require!("gcdf3/geojson/37002.geojson");
    let legacy = ruta_testdata::require!("gcdf3/geojson/55426.geojson");
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let r1 = run(&mut s, Kind::GcdfAdm, &adm1, Options::default());
    assert_eq!(
        (
            r1.rows_read,
            r1.imported + r1.updated,
            r1.outside_region,
            r1.skipped
        ),
        (12779, 1618, 11161, 0)
    );
    let r2 = run(&mut s, Kind::GcdfAdm, &adm2, all());
    assert_eq!((r2.rows_read, r2.imported, r2.skipped), (13907, 13907, 0));
    // Locations wait for their project; importing the GeoJSON attaches and adds geometry.
    let r = run(&mut s, Kind::Geojson, &gj, Options::default());
    assert_eq!((r.rows_read, r.imported), (1, 1));
    let p = query::project_detail(s.conn(), "gcdf-37002")
        .unwrap()
        .unwrap();
    assert!(
        p.locations
            .iter()
            .any(|l| l.geometry.is_some() && l.lat.unwrap() < -50.0 && l.lat.unwrap() > -50.3)
    );
    assert!(
        p.locations
            .iter()
            .any(|l| l.precision == Some(4) && l.share.is_some()),
        "ADM1 units attached"
    );
    let even: f64 = p
        .locations
        .iter()
        .filter(|l| l.precision == Some(4))
        .filter_map(|l| l.share)
        .sum();
    assert!(
        (even - 1.0).abs() < 1e-6,
        "even-split ratios of one level sum to 1: {even}"
    );
    let published: Vec<f64> = s
        .conn()
        .prepare("SELECT amount FROM claims WHERE project_id = 'gcdf-37002' AND field = 'amount_published_constant'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(published.contains(&2_766_194_234.221_02), "{published:?}");
    // The ADM files' units sum (to the dollar) to the record's published amount.
    assert!(
        published
            .iter()
            .all(|v| (v - 2_766_194_234.221_02).abs() < 1.0)
    );
    // The legacy (GCDF 2.0) property layout: record 55426 (Las Bambas). Its GCDF 3.0
    // amount, the sum of the ADM files' even-split commitment values, supersedes the
    // legacy file's GCDF 2.0 constant-2017 figure.
    let r = run(&mut s, Kind::Geojson, &legacy, Options::default());
    assert_eq!(r.imported, 1, "{:?}", r.problems);
    let p = query::project_detail(s.conn(), "gcdf-55426")
        .unwrap()
        .unwrap();
    assert_eq!(p.summary.country.as_deref(), Some("PER"));
    assert_eq!(p.parties.iter().filter(|x| x.role == "lender").count(), 4);
    let adm_sum = 3_314_643_123.0;
    let (amount, _, _) = amount_of(&s, "gcdf-55426");
    let expected = adm_sum / ruta_core::money::aiddata_factor(2014).unwrap();
    assert!((amount.unwrap() - expected).abs() < 1.0, "{amount:?}");
    let legacy_claim = p
        .claims
        .iter()
        .find(|c| c.field == "amount" && c.source.dataset_version.as_deref() == Some("2.0"))
        .unwrap();
    assert!(legacy_claim.superseded && !legacy_claim.chosen);
    // Its evidence: the ADM1 and ADM2 rows (GCDF 3.0) and the GeoJSON feature (as a GCDF
    // 2.0 record and as a GeoGCDF location).
    assert_eq!(p.flows[0].records.len(), 4, "{:?}", p.flows[0].records);
    // Re-import changes nothing.
    let before = fingerprint(&s);
    for (k, f) in [(Kind::GcdfAdm, &adm1), (Kind::Geojson, &gj)] {
        let r = run(&mut s, k, f, Options::default());
        assert_eq!(r.imported + r.updated, 0);
    }
    assert_eq!(fingerprint(&s), before);
}

#[test]
fn aei_cgit_both_layouts() {
    let inv = ruta_testdata::require!("aei_cgit/investments_2005_2025h1.csv");
    let comb = ruta_testdata::require!("aei_cgit/investments_and_construction_2005_2019.csv");
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let r = run(&mut s, Kind::AeiCgit, &inv, all());
    assert_eq!(
        (r.rows_read, r.imported, r.skipped),
        (2396, 2396, 0),
        "{:?}",
        r.problems.first()
    );
    let r = run(&mut s, Kind::AeiCgit, &comb, all());
    assert_eq!(
        (r.rows_read, r.imported, r.skipped),
        (3335, 3335, 0),
        "{:?}",
        r.problems.first()
    );
    // " $\t1.420 " is 1,420 million: CNPC and Sinopec in Ecuador, September 2005.
    let (amount, _, _) = amount_of(&s, "cgit-2020-2005-september-cnpc-sinopec-ecu-encana");
    assert_eq!(amount, Some(1420e6));
    let (amount, _, _) = amount_of(
        &s,
        "cgit-2025-2005-january-chinese-academy-of-sciences-usa-ibm",
    );
    assert_eq!(amount, Some(1740e6));
    // Construction rows are construction contracts; investments are FDI or M&A.
    let kind = |id: &str| -> String {
        s.conn()
            .query_row("SELECT flow_kind FROM projects WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(
        kind("cgit-2020-2010-june-sinohydro-ecu-cocasinclair"),
        "construction_contract"
    );
    assert_eq!(
        kind("cgit-2025-2018-may-chengdu-tianqi-chl-nutrien"),
        "m_and_a"
    );
    assert_eq!(
        kind("cgit-2020-2014-june-china-railway-construction-china-nonferrous-ecu-mirador"),
        "equity"
    );
    let construction: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM projects WHERE flow_kind = 'construction_contract'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(construction > 1000, "{construction}");
    // Combined-table investments the record linker finds in the investment table are
    // superseded by the newer release, not double counted.
    let (linked, superseded): (i64, i64) = s
        .conn()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM relations WHERE kind = 'supersedes' AND judgement = 'positive'
                      AND to_id LIKE 'cgit-2020-%'),
                    (SELECT COUNT(*) FROM flows WHERE not_counted_reason LIKE 'superseded_by:cgit-2025-%')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(linked > 1000, "{linked}");
    assert_eq!(linked, superseded);
    // LAC only by default.
    let d2 = tempfile::tempdir().unwrap();
    let mut s2 = store(d2.path());
    let r = run(&mut s2, Kind::AeiCgit, &inv, Options::default());
    assert_eq!((r.imported, r.outside_region), (230, 2166));
}

#[test]
fn bu_cgef_loans() {
    let path = ruta_testdata::require!("bu_cgef/bu_cgef_2020.csv");
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let r = run(&mut s, Kind::BuCgef, &path, Options::default());
    assert_eq!(
        (r.rows_read, r.imported, r.outside_region, r.skipped),
        (270, 35, 235, 0)
    );
    let p = query::project_detail(s.conn(), "cgef-ecu-2010-coca-codo-sinclair-hpp")
        .unwrap()
        .unwrap();
    assert_eq!(p.summary.amount, Some(1682.7e6));
    assert_eq!(p.summary.currency.as_deref(), Some("USD"));
    assert_eq!(p.summary.year, Some(2010));
    assert!(
        p.parties
            .iter()
            .any(|x| x.org_id == "china-eximbank" && x.role == "lender")
    );
    // "DMR" (a typo in the file) falls back to the country name.
    let dom: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM projects WHERE dataset LIKE 'BU%' AND country = 'DOM'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dom, 1);
}

#[test]
fn registry_dataset_xrefs_resolve_after_importing_the_shared_data() {
    let files: Vec<(Kind, PathBuf)> = vec![
        (
            Kind::Gcdf,
            ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv"),
        ),
        (
            Kind::Gcdf,
            ruta_testdata::require!("gcdf3/final_input_lac.csv"),
        ),
        (
            Kind::AeiCgit,
            ruta_testdata::require!("aei_cgit/investments_2005_2025h1.csv"),
        ),
        (
            Kind::AeiCgit,
            ruta_testdata::require!("aei_cgit/investments_and_construction_2005_2019.csv"),
        ),
        (
            Kind::BuCgef,
            ruta_testdata::require!("bu_cgef/bu_cgef_2020.csv"),
        ),
    ];
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    ruta_ingest::registry::load(&mut s).unwrap();
    for (k, f) in &files {
        let r = run(&mut s, *k, f, Options::default());
        assert_eq!(r.skipped, 0);
    }
    let missing: Vec<String> = s
        .conn()
        .prepare("SELECT l.from_id || ' -> ' || l.to_id FROM relations l LEFT JOIN projects p ON p.id = l.to_id
                  WHERE p.id IS NULL AND l.origin = 'registry' AND l.kind = 'same_as'
                    AND l.to_id NOT IN ('gcdf-38935', 'gcdf-36517', 'gcdf-55426', 'gcdf-92607', 'gcdf-38420', 'gcdf-53068', 'gcdf-39720', 'gcdf-36064', 'gcdf-54701', 'gcdf-69319')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        missing.is_empty(),
        "registry xrefs that match no imported row: {missing:#?}"
    );
    // A registry flow never counts beside the dataset row it describes.
    let reason: String = s
        .conn()
        .query_row(
            "SELECT not_counted_reason FROM flows WHERE id = 'per-chancay-port~cosco-stake-2019'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        reason,
        "duplicate_of:cgit-2025-2019-january-china-ocean-shipping-cosco-per-volcan"
    );
}

// ---- Bad input: a clear error, exit status "failed", the database unchanged. ----

fn loaded_store(dir: &Path) -> Store {
    let mut s = store(dir);
    ruta_ingest::registry::load(&mut s).unwrap();
    s
}

fn assert_refused(kind: Kind, file: &Path, needle: &str) {
    let d = tempfile::tempdir().unwrap();
    let mut s = loaded_store(d.path());
    let before = fingerprint(&s);
    for opts in [
        Options::default(),
        Options {
            strict: true,
            ..Options::default()
        },
    ] {
        let r = run(&mut s, kind, file, opts);
        assert_eq!(r.outcome, "failed", "{file:?}: {r:?}");
        let e = r.error.clone().unwrap();
        assert!(e.contains(needle), "{e}");
        assert!(
            e.contains(&file.display().to_string()),
            "the error names the file: {e}"
        );
        assert!(r.failed());
    }
    assert_eq!(fingerprint(&s), before, "database unchanged");
}

/// Byte damage is lenient: a truncated file keeps the rows before the cut and reports
/// the cut record with its line; `--strict` aborts the file.
fn assert_damaged(kind: Kind, file: &Path, needle: &str) {
    let d = tempfile::tempdir().unwrap();
    let mut s = loaded_store(d.path());
    let r = run(&mut s, kind, file, all());
    assert_eq!(r.outcome, "imported", "{file:?}: {r:?}");
    assert!(r.imported > 0, "{r:?}");
    assert!(
        r.problems
            .iter()
            .any(|p| p.reason.contains(needle) && p.line > 1),
        "{:?}",
        r.problems
    );
    assert!(r.failed(), "a damaged file still exits 1");
    let before = fingerprint(&s);
    let strict = run(
        &mut s,
        kind,
        file,
        Options {
            strict: true,
            ..all()
        },
    );
    assert_eq!(strict.outcome, "aborted", "{strict:?}");
    assert_eq!(fingerprint(&s), before, "database unchanged");
}

#[test]
fn truncated_files_cost_the_cut_rows_only() {
    let path = ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv");
    let d = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    // Cut inside a quoted multi-line description.
    let cut = bytes.len() / 2;
    let t = d.path().join("truncated.csv");
    std::fs::write(&t, &bytes[..cut]).unwrap();
    assert_damaged(Kind::Gcdf, &t, "truncated");
    // Cut at the end of a short line: the last record lacks columns.
    let geo = ruta_testdata::require!("gcdf3/final_input_lac.csv");
    let g = std::fs::read_to_string(&geo).unwrap();
    let end = g.trim_end().rfind(',').unwrap();
    let t2 = d.path().join("truncated2.csv");
    std::fs::write(&t2, &g[..end]).unwrap();
    assert_damaged(Kind::Gcdf, &t2, "truncated");
}

#[test]
fn wrong_encodings_binary_empty_and_zip_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let header = "AidData Record ID,Title,Recipient ISO-3,Commitment Year\n";
    // A file in Windows-1252 (Latin-1) is read as such (tests/dialects.rs); UTF-16,
    // binary, empty and ZIP files are refused.
    let latin1 = d.path().join("latin1.csv");
    let mut b = b"AidData Record ID,Title,Recipient ISO-3,Commitment Year\n".to_vec();
    b.extend_from_slice(b"1,Puerto de Bogot\xe1,COL,2019\n");
    std::fs::write(&latin1, &b).unwrap();
    let mut s = store(d.path());
    let r = run(&mut s, Kind::Gcdf, &latin1, Options::default());
    assert_eq!((r.outcome.as_str(), r.imported), ("imported", 1), "{r:?}");
    let name: String = s
        .conn()
        .query_row("SELECT name FROM projects WHERE id = 'gcdf-1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "Puerto de Bogotá");
    let utf16 = d.path().join("utf16.csv");
    let mut u = vec![0xFF, 0xFE];
    for ch in header.encode_utf16() {
        u.extend_from_slice(&ch.to_le_bytes());
    }
    std::fs::write(&utf16, &u).unwrap();
    assert_refused(Kind::Gcdf, &utf16, "UTF-16");
    let empty = d.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    assert_refused(Kind::Gcdf, &empty, "empty file");
    assert_refused(Kind::AeiCgit, &empty, "empty file");
    let png = d.path().join("image.csv");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    assert_refused(Kind::BuCgef, &png, "binary");
    // An empty ZIP archive: not an XLSX workbook.
    let zip = d.path().join("not-a-workbook.xlsx");
    let mut z = b"PK\x05\x06".to_vec();
    z.extend_from_slice(&[0u8; 18]);
    std::fs::write(&zip, &z).unwrap();
    assert_refused(Kind::Gcdf, &zip, "not a readable XLSX workbook");
    assert_refused(Kind::BuCgef, &zip, "ZIP");
    let notjson = d.path().join("x.geojson");
    std::fs::write(
        &notjson,
        "{\"type\": \"FeatureCollection\", \"features\": [",
    )
    .unwrap();
    assert_refused(Kind::Geojson, &notjson, "not valid JSON");
}

#[test]
fn an_overlong_line_costs_that_line_without_reading_it_whole() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("long.csv");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&f).unwrap());
        writeln!(w, "AidData Record ID,Title").unwrap();
        write!(w, "1,").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..70 {
            w.write_all(&chunk).unwrap();
        }
        writeln!(w).unwrap();
        writeln!(w, "2,Puerto de Prueba").unwrap();
    }
    let d2 = tempfile::tempdir().unwrap();
    let mut s = loaded_store(d2.path());
    let r = run(&mut s, Kind::Gcdf, &f, all());
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert_eq!(r.imported, 1, "the line after it is read: {r:?}");
    assert!(
        r.problems
            .iter()
            .any(|p| p.line == 2 && p.reason.contains("longer than 64 MiB")),
        "{:?}",
        r.problems
    );
}

#[test]
fn bom_crlf_and_bad_rows() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("bom.csv");
    let text = "\u{feff}AidData Record ID,Title,Recipient ISO-3,Commitment Year,Amount (Original Currency),Original Currency,Status\r\n\
                1,Port A,PER,2019,1000,USD,Completion\r\n\
                2,Port B,XYZ,2019,1000,USD,Completion\r\n\
                3,Port C,PER,20x9,1000,USD,Completion\r\n\
                4,Port D,PER,2019,12a,USD,Completion\r\n\
                5,Port E,PER,2019,1000,ZZZ,Completion\r\n\
                6,Port F,PER,2019,1000,USD,Finished\r\n\
                1,Port A again,PER,2019,1000,USD,Completion\r\n\
                7,Port G,AGO,2019,1000,USD,Completion\r\n";
    std::fs::write(&f, text).unwrap();
    let mut s = loaded_store(d.path());
    let before = fingerprint(&s);
    let r = run(
        &mut s,
        Kind::Gcdf,
        &f,
        Options {
            strict: true,
            ..Options::default()
        },
    );
    assert_eq!(r.outcome, "aborted");
    assert_eq!(fingerprint(&s), before, "strict: nothing written");
    let r = run(
        &mut s,
        Kind::Gcdf,
        &f,
        Options {
            dry_run: true,
            ..Options::default()
        },
    );
    // A bad year or status (optional fields) is reported and left empty, the record and
    // its amount kept; a bad country code, amount or currency, or a duplicate, costs the row.
    assert_eq!(
        (r.outcome.as_str(), r.imported, r.skipped),
        ("dry-run", 3, 4)
    );
    assert_eq!(fingerprint(&s), before, "dry run: nothing written");
    let r = run(&mut s, Kind::Gcdf, &f, Options::default());
    assert_eq!(
        (r.rows_read, r.imported, r.skipped, r.outside_region),
        (8, 3, 4, 1)
    );
    let lines: Vec<u64> = r.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![3, 5, 6, 8], "line numbers of a CRLF file");
    let emptied: Vec<u64> = r.emptied.iter().map(|p| p.line).collect();
    assert_eq!(emptied, vec![4, 7]);
    let p = &r.emptied[0];
    assert_eq!(
        (p.column.as_deref(), p.value.as_deref()),
        (Some("Commitment Year"), Some("20x9"))
    );
    assert!(r.problems[3].reason.contains("duplicate"));
    assert!(r.failed());
    assert_eq!(amount_of(&s, "gcdf-1").0, Some(1000.0));
    assert_eq!(
        amount_of(&s, "gcdf-3").0,
        Some(1000.0),
        "kept without its year"
    );
}

#[test]
fn ports_with_chinese_firms_join_the_projects_they_describe() {
    let path = ruta_testdata::require!("ports/lac_ports_chinese_firms.csv");
    let d = tempfile::tempdir().unwrap();
    let mut s = loaded_store(d.path());
    let r = run(&mut s, Kind::Ports, &path, Options::default());
    assert_eq!(
        (r.rows_read, r.imported, r.skipped),
        (23, 23, 0),
        "{:?}",
        r.problems
    );
    // Chancay's row joins the registry project: one project, with the table's firm as
    // owner and operator, and no flow of its own (the table names no amount).
    let p = query::project_detail(s.conn(), "port-per-port-of-chancay")
        .unwrap()
        .unwrap();
    assert_eq!(p.summary.id, "per-chancay-port");
    assert!(
        p.records
            .iter()
            .any(|r| r.id == "port-per-port-of-chancay" && !r.flow)
    );
    assert!(
        p.parties
            .iter()
            .any(|x| x.role == "operator" && x.record == "port-per-port-of-chancay")
    );
    // A port no stored project describes stands alone, at its exact place.
    let b = query::project_detail(s.conn(), "port-pan-port-of-balboa")
        .unwrap()
        .unwrap();
    assert_eq!(b.summary.id, "port-pan-port-of-balboa");
    assert_eq!(
        (b.summary.lat, b.summary.lon),
        (Some(8.957641), Some(-79.5613))
    );
    assert_eq!(b.summary.precision, Some(1));
    assert!(b.flows.is_empty());
    // Re-importing changes nothing.
    let before = fingerprint(&s);
    let again = run(&mut s, Kind::Ports, &path, Options::default());
    assert_eq!(again.unchanged, 23);
    assert_eq!(fingerprint(&s), before);
}
