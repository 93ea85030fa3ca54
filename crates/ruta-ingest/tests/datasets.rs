//! Datasets as users hold them, on the real files in ../shared/data: AEI's workbooks
//! (every sheet by its role, counts checked against counts made here with calamine and
//! against the data README), both vintages, troubled transactions; AidData's generations
//! (GCOF 1.0, GCDF 3.0, CLG 1.0 names, a `Data` sheet with `-`); How China Lends.

use calamine::{Data, Reader, Xlsx, open_workbook};
use ruta_ingest::{FileReport, Kind, Options, Quiet, Region, import_file};
use ruta_store::{Store, query};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn run(s: &mut Store, kind: Kind, path: &Path, opts: Options) -> FileReport {
    import_file(s, kind, path, &opts, &Quiet)
}

fn fall() -> Option<PathBuf> {
    ruta_testdata::shared_file(
        "aei_cgit/China-Global-Investment-Tracker-2021-Fall-FINAL-2022.2.21-update.xlsx",
    )
}

fn spring() -> Option<PathBuf> {
    ruta_testdata::shared_file("aei_cgit/China-Global-Investment-Tracker-2022-SPRING-final-1.xlsx")
}

fn one<T: rusqlite::types::FromSql>(s: &Store, sql: &str) -> T {
    s.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Counts made directly from a sheet with calamine: data rows (after the row whose first
/// cell is "Year"), and LAC rows (Region "South America" or "North America", Canada and
/// the USA excepted, as the data README counts them).
fn sheet_counts(path: &Path, sheet: &str) -> (usize, usize) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let mut rows = range.rows().skip_while(|r| cell(&r[0]) != "Year");
    let header: Vec<String> = rows.next().unwrap().iter().map(cell).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (region, country) = (col("Region"), col("Country"));
    let (mut all, mut lac) = (0, 0);
    for r in rows {
        if r.iter().all(|c| cell(c).trim().is_empty()) {
            continue;
        }
        all += 1;
        let reg = cell(&r[region]);
        let c = cell(&r[country]);
        if (reg == "South America" || reg == "North America") && c != "Canada" && c != "USA" {
            lac += 1;
        }
    }
    (all, lac)
}

#[test]
fn aei_workbooks_every_sheet_by_its_role() {
    let (Some(fall), Some(spring)) = (fall(), spring()) else {
        return;
    };
    for (path, expect) in [
        // (sheet, rows, LAC rows): the data README's counts.
        (
            fall.clone(),
            [
                ("Dataset 1", 1860, 163),
                ("Dataset 2", 1891, 148),
                ("Dataset 3", 330, 25),
            ],
        ),
        (
            spring.clone(),
            [
                ("Dataset 1", 1929, 172),
                ("Dataset 2", 1932, 147),
                ("Dataset 3", 347, 26),
            ],
        ),
    ] {
        let d = tempfile::tempdir().unwrap();
        let mut s = Store::open(d.path().join("ruta.db"), ruta_store::Access::ReadWrite).unwrap();
        let r = run(&mut s, Kind::AeiCgit, &path, Options::default());
        assert_eq!(r.outcome, "imported", "{r:?}");
        assert_eq!(r.skipped, 0, "{:?}", r.problems.first());
        let tables: BTreeMap<&str, &ruta_ingest::TableReport> =
            r.tables.iter().map(|t| (t.name.as_str(), t)).collect();
        assert_eq!(
            tables.keys().copied().collect::<Vec<_>>(),
            ["Dataset 1", "Dataset 2", "Dataset 3"],
            "the combined sheet is not read beside its parts"
        );
        for (sheet, rows, lac) in expect {
            let t = tables[sheet];
            // Independent counts: calamine over the same sheet, and the README.
            assert_eq!(sheet_counts(&path, sheet), (rows, lac), "{sheet}");
            assert_eq!(t.rows_read, rows as u64, "{sheet}");
            assert_eq!(t.outside_region, (rows - lac) as u64, "{sheet}");
            match sheet {
                "Dataset 1" => {
                    assert_eq!(t.records, lac as u64);
                    assert_eq!(t.kinds["equity"] + t.kinds["m_and_a"], lac as u64);
                    assert_eq!(t.kinds.len(), 2, "{:?}", t.kinds);
                }
                "Dataset 2" => {
                    // Construction contracts even where a share size is stated.
                    assert_eq!(t.records, lac as u64);
                    assert_eq!(t.kinds["construction_contract"], lac as u64);
                }
                _ => {
                    let on_flow = t.kinds.get("onto_flow").copied().unwrap_or(0);
                    assert_eq!(on_flow + t.kinds["own_record"], lac as u64);
                    assert_eq!(on_flow, 2, "Minmetals in Cuba, CCCC in Guyana");
                    assert_eq!(t.records, t.kinds["own_record"]);
                }
            }
        }
        // The header is found on row 6 after the banner, or on row 1 (2022 Spring's
        // Dataset 1).
        let d1 = tables["Dataset 1"].header_line;
        assert_eq!(d1, if path == spring { 1 } else { 6 });
        // LAC flows by kind in the database, against the sheets.
        let by_kind: i64 = one(
            &s,
            "SELECT COUNT(*) FROM flows WHERE dataset = 'AEI China Global Investment Tracker' AND kind = 'construction_contract' AND id LIKE 'cgit-con-%'",
        );
        assert_eq!(by_kind as usize, expect[1].2);
        // The edition is the latest year-month in the data.
        let versions: Vec<String> = s
            .conn()
            .prepare("SELECT DISTINCT dataset_version FROM sources WHERE dataset = 'AEI China Global Investment Tracker'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            versions,
            vec![if path == spring { "2022-06" } else { "2021-12" }]
        );
        // Importing the same workbook again changes nothing.
        let again = run(&mut s, Kind::AeiCgit, &path, Options::default());
        assert_eq!(
            (again.imported, again.updated, again.skipped),
            (0, 0, 0),
            "{again:?}"
        );
    }
}

#[test]
fn aei_shares_troubles_and_two_vintages() {
    let (Some(fall), Some(spring)) = (fall(), spring()) else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let mut s = Store::open(d.path().join("ruta.db"), ruta_store::Access::ReadWrite).unwrap();
    let opts = Options {
        region: Region::All,
        ..Options::default()
    };
    let r = run(&mut s, Kind::AeiCgit, &fall, opts);
    assert_eq!(r.skipped, 0, "{:?}", r.problems.first());
    // Shares: 0.85 is 85 % (MCC, Highlands Pacific, March 2005); "45%, 35%, 20%" one per
    // investor.
    let share: f64 = one(
        &s,
        "SELECT share FROM parties WHERE project_id = 'cgit-inv-2005-march-mcc-png-highlands-pacific' AND role = 'investor'",
    );
    assert_eq!(share, 85.0);
    let multi: String = s
        .conn()
        .query_row(
            "SELECT group_concat(share, ',') FROM (SELECT pa.share FROM parties pa JOIN projects p ON p.id = pa.project_id
              WHERE p.attributes->>'share_size' = '45%, 35%, 20%' AND pa.role = 'investor' ORDER BY pa.rowid LIMIT 3)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(multi, "45.0,35.0,20.0");
    // A troubled transaction about a flow of the workbook: China Minmetals' $500 m Cuban
    // deal (investments, January 2005) is listed as troubled in January 2007: the flow
    // is cancelled, with a cancellation event sourced to the troubled row.
    let cuba = "cgit-inv-2005-january-china-minmetals-cub-cubapetroleo";
    let (status, counted, reason): (String, bool, String) = s
        .conn()
        .query_row(
            "SELECT status, counted, not_counted_reason FROM flows WHERE id = ?1",
            [cuba],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), counted, reason.as_str()),
        ("cancelled", false, "status")
    );
    let f = ruta_store::events::EventFilter {
        project: Some(cuba.into()),
        ..Default::default()
    };
    let (events, _) = ruta_store::events::list_events(s.conn(), &f, 10, 0).unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(
        (e.kind.as_str(), e.date.as_deref(), e.problem),
        ("cancellation", Some("2007-01"), true)
    );
    assert_eq!(
        e.sources[0].file.as_deref(),
        Some("China-Global-Investment-Tracker-2021-Fall-FINAL-2022.2.21-update.xlsx")
    );
    // A troubled transaction no flow of the workbook is about keeps a record of its own,
    // whose flow (inferred: a builder's contract) never counts.
    let (kind, inferred, status, reason): (String, bool, String, String) = s
        .conn()
        .query_row(
            "SELECT kind, kind_inferred, status, not_counted_reason FROM flows WHERE id = 'cgit-trb-2015-january-china-railway-engineering-ven'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (kind.as_str(), inferred, status.as_str(), reason.as_str()),
        ("construction_contract", true, "cancelled", "status")
    );
    let trouble = ruta_store::events::EventFilter {
        country: Some("VEN".into()),
        kind: Some(ruta_core::EventKind::Cancellation),
        ..Default::default()
    };
    let (ven, _) = ruta_store::events::list_events(s.conn(), &trouble, 50, 0).unwrap();
    assert!(
        ven.iter().any(|e| e.summary.contains("$7500 million")),
        "{ven:?}"
    );

    // The spring 2022 vintage: deals whose key and amount plan are unchanged keep their
    // id; one record, claims of both editions, the newer one shown and one flow counted.
    let r = run(&mut s, Kind::AeiCgit, &spring, opts);
    assert_eq!(r.skipped, 0, "{:?}", r.problems.first());
    let shared: i64 = one(
        &s,
        "SELECT COUNT(*) FROM (SELECT c.project_id FROM claims c JOIN sources s ON s.id = c.source_id
           WHERE s.dataset = 'AEI China Global Investment Tracker' AND c.field = 'amount'
           GROUP BY c.project_id HAVING COUNT(DISTINCT s.dataset_version) = 2)",
    );
    assert!(shared > 3000, "{shared} records in both vintages");
    let v: String = one(
        &s,
        "SELECT dataset_version FROM flows WHERE id = 'cgit-inv-2005-january-chinese-academy-of-sciences-usa-ibm'",
    );
    assert_eq!(v, "2022-06");
    // No id of one vintage is counted twice by the other (ids are shared, not copied).
    let dup: i64 = one(
        &s,
        "SELECT COUNT(*) FROM flows WHERE not_counted_reason LIKE 'duplicate_of:cgit-%'",
    );
    assert_eq!(dup, 0);
}

// ---- AidData generations ---------------------------------------------------------------

fn gcof() -> Option<PathBuf> {
    ruta_testdata::shared_file("aiddata_gcof1/GlobalChineseOfficialFinanceDataset_v1.0.xlsx")
}

/// Flow kinds of GCOF 1.0's LAC rows, counted here from its `flow` column.
fn gcof_kinds(path: &Path) -> BTreeMap<&'static str, usize> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range("ChineseOfficialFinance1.0").unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(cell).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (region, flow) = (col("recipient_region"), col("flow"));
    let mut out = BTreeMap::new();
    for r in rows {
        if cell(&r[region]) != "Latin America and the Caribbean" {
            continue;
        }
        let f = cell(&r[flow]);
        let k = match f.as_str() {
            "Loan (excluding debt rescheduling)"
            | "Export credits"
            | "Strategic/Supplier Credit" => "loan",
            "Grant"
            | "Free-standing technical assistance"
            | "Scholarships/training in the donor country" => "grant",
            "Debt forgiveness" | "Debt rescheduling" => "debt_relief",
            _ => "unknown",
        };
        *out.entry(k).or_default() += 1;
    }
    out
}

#[test]
fn gcof_1_0_and_its_supersession_by_gcdf_3_0() {
    let geo = ruta_testdata::require!("gcdf3/final_input_lac.csv");
    let Some(path) = gcof() else { return };
    let dump = |s: &Store| -> Vec<String> {
        s.conn()
            .prepare(
                "SELECT p.id, p.name, f.kind, f.year, f.amount, f.amount_usd, f.dataset_version, f.counted
                 FROM projects p JOIN flows f ON f.id = p.id WHERE p.id IN ('gcdf-36517', 'gcdf-37002', 'gcdf-38935') ORDER BY p.id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((0..8)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let d1 = tempfile::tempdir().unwrap();
    let mut a = Store::open(d1.path().join("a.db"), ruta_store::Access::ReadWrite).unwrap();
    let r = run(&mut a, Kind::Gcdf, &path, Options::default());
    // 5,466 rows, 440 LAC (the data README); no row refused (the regional records'
    // "ECU; BOL; COL" recipients are regional, not bad codes).
    assert_eq!(
        (r.rows_read, r.imported, r.outside_region, r.skipped),
        (5466, 440, 5026, 0),
        "{:?}",
        r.problems.first()
    );
    // Flow kinds against GCOF's own flow column ("Loan (excluding debt rescheduling)"
    // is a loan, not debt relief).
    let kinds: BTreeMap<String, i64> = a
        .conn()
        .prepare("SELECT kind, COUNT(*) FROM flows WHERE dataset = 'AidData GCDF' GROUP BY kind")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (k, n) in gcof_kinds(&path) {
        assert_eq!(kinds.get(k).copied().unwrap_or(0) as usize, n, "{k}");
    }
    // GCOF 1.0's agency lists: "Export-Import Bank of China, Government Agency".
    let lender: String = one(
        &a,
        "SELECT o.id FROM parties pa JOIN organizations o ON o.id = pa.org_id WHERE pa.project_id = 'gcdf-38935' AND pa.role = 'lender'",
    );
    assert_eq!(lender, "china-eximbank");
    let r = run(&mut a, Kind::Gcdf, &geo, Options::default());
    assert_eq!(r.skipped, 0);
    // The other order gives the same records: the newer generation's name, kind and
    // amount stand, whichever file came last.
    let d2 = tempfile::tempdir().unwrap();
    let mut b = Store::open(d2.path().join("b.db"), ruta_store::Access::ReadWrite).unwrap();
    run(&mut b, Kind::Gcdf, &geo, Options::default());
    run(&mut b, Kind::Gcdf, &path, Options::default());
    assert_eq!(dump(&a), dump(&b));
    let v: String = one(
        &b,
        "SELECT dataset_version FROM flows WHERE id = 'gcdf-36517'",
    );
    assert_eq!(v, "3.0");
    // The history stays visible: 1.0's amount is a superseded claim of the record.
    let p = query::project_detail(b.conn(), "gcdf-36517")
        .unwrap()
        .unwrap();
    let amounts: Vec<(String, bool)> = p
        .claims
        .iter()
        .filter(|c| c.field == "amount" && c.record == "gcdf-36517")
        .map(|c| {
            (
                c.source.dataset_version.clone().unwrap_or_default(),
                c.superseded,
            )
        })
        .collect();
    assert!(amounts.contains(&("1.0".into(), true)), "{amounts:?}");
    assert!(amounts.contains(&("3.0".into(), false)), "{amounts:?}");
}

/// The full-schema rows as a table of strings (header first).
fn full_schema() -> Option<Vec<Vec<String>>> {
    let path = ruta_testdata::shared_file("gcdf3/lac_ports_fullschema.csv")?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    Some(
        r.records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect(),
    )
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

fn flows_dump(s: &Store) -> Vec<String> {
    s.conn()
        .prepare("SELECT id, kind, year, round(amount, 2), currency, round(amount_usd, 0), commitment_date, status FROM flows WHERE id LIKE 'gcdf-%' ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((0..8)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn gcdf_names_on_a_data_sheet_with_dashes_and_the_clg_names() {
    let Some(rows) = full_schema() else { return };
    let d = tempfile::tempdir().unwrap();
    let csv_path = d.path().join("full.csv");
    write_csv(&csv_path, &rows);
    let mut base = Store::open(d.path().join("base.db"), ruta_store::Access::ReadWrite).unwrap();
    let r = run(&mut base, Kind::Gcdf, &csv_path, Options::default());
    assert_eq!((r.imported, r.skipped), (20, 0));

    // How China Collateralizes' way: GCDF 3.0 names on a sheet called Data, `-` and
    // `N/A` for missing values, after a title line.
    let xlsx = d.path().join("collateralizes.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Data").unwrap();
        ws.write_string(0, 0, "Loans and their collateral (a title line)")
            .unwrap();
        for (i, r) in rows.iter().enumerate() {
            for (j, v) in r.iter().enumerate() {
                let v = if v.is_empty() {
                    if j % 2 == 0 { "-" } else { "N/A" }
                } else {
                    v.as_str()
                };
                ws.write_string(i as u32 + 2, j as u16, v).unwrap();
            }
        }
        wb.save(&xlsx).unwrap();
    }
    let mut s = Store::open(d.path().join("x.db"), ruta_store::Access::ReadWrite).unwrap();
    let r = run(&mut s, Kind::Gcdf, &xlsx, Options::default());
    assert_eq!((r.imported, r.skipped), (20, 0), "{:?}", r.problems.first());
    assert_eq!(flows_dump(&s), flows_dump(&base));

    // CLG 1.0's names, with only constant 2023 USD: the nominal amount comes back
    // through the (extended) factors, and the record is the same ruta record as 3.0's,
    // its fourth generation, superseding 3.0's amount.
    let h = &rows[0];
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (id, iso, year, nominal) = (
        col("AidData Record ID"),
        col("Recipient ISO-3"),
        col("Commitment Year"),
        col("Amount (Nominal USD)"),
    );
    let mut clg = vec![vec![
        "AidData_Record_ID".to_string(),
        "Title".into(),
        "Country_of_Activity_ISO3".into(),
        "Commitment_Year".into(),
        "Flow_Type".into(),
        "Amount_Constant_USD_2023".into(),
    ]];
    let mut expected = BTreeMap::new();
    for r in &rows[1..] {
        let Ok(n) = r[nominal].parse::<f64>() else {
            continue;
        };
        let y: i32 = r[year].trim_end_matches(".0").parse().unwrap();
        if !(2000..=2023).contains(&y) {
            continue;
        }
        let f = |y| ruta_core::money::aiddata_factor(y).unwrap();
        let c2023 = n * f(y) / f(2023);
        expected.insert(format!("gcdf-{}", r[id]), n);
        clg.push(vec![
            r[id].clone(),
            format!("{} (CLG)", r[col("Title")]),
            r[iso].clone(),
            r[year].clone(),
            r[col("Flow Type")].clone(),
            format!("{c2023}"),
        ]);
    }
    assert!(expected.len() >= 10, "{}", expected.len());
    let clg_path = d.path().join("clg.csv");
    write_csv(&clg_path, &clg);
    let r = run(&mut base, Kind::Gcdf, &clg_path, Options::default());
    assert_eq!(r.skipped, 0, "{:?}", r.problems.first());
    for (id, n) in &expected {
        let (amount, version, name): (f64, String, String) = base
            .conn()
            .query_row(
                "SELECT f.amount, f.dataset_version, p.name FROM flows f JOIN projects p ON p.id = f.id WHERE f.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert!((amount / n - 1.0).abs() < 1e-6, "{id}: {amount} vs {n}");
        assert_eq!(version, "4.0 (CLG 1.0)");
        assert!(name.ends_with("(CLG)"), "{name}");
    }
}

// ---- How China Lends ---------------------------------------------------------------------

#[test]
fn how_china_lends_terms_on_their_loans() {
    let hcl = ruta_testdata::require!("aiddata_hcl/How_China_Lends_Dataset_Version_2_0.xlsx");
    let d = tempfile::tempdir().unwrap();
    let mut s = Store::open(d.path().join("ruta.db"), ruta_store::Access::ReadWrite).unwrap();
    // Before any GCDF file: every LAC contract is counted, none kept.
    let r = run(&mut s, Kind::AiddataHcl, &hcl, Options::default());
    assert_eq!(
        (r.rows_read, r.outside_region, r.not_kept, r.imported),
        (371, 260, 111, 0),
        "{r:?}"
    );
    for f in [
        ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv"),
        ruta_testdata::require!("gcdf3/final_input_lac.csv"),
        match gcof() {
            Some(p) => p,
            None => return,
        },
    ] {
        assert_eq!(run(&mut s, Kind::Gcdf, &f, Options::default()).skipped, 0);
    }
    // Which LAC contracts name a stored loan, counted here from the sheet.
    let stored: std::collections::HashSet<String> = s
        .conn()
        .prepare("SELECT id FROM flows WHERE id LIKE 'gcdf-%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut wb: Xlsx<_> = open_workbook(&hcl).unwrap();
    let range = wb.worksheet_range("ContractData").unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(cell).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (rid, region) = (col("AidData_record_ID"), col("borrower_region"));
    let mut on_stored = 0;
    for r in rows {
        if cell(&r[region]) != "Latin America and the Caribbean" {
            continue;
        }
        // A contract may name several records ("105525; 105847").
        let ids = cell(&r[rid]);
        if ids
            .split(|c: char| !c.is_ascii_digit())
            .any(|id| !id.is_empty() && stored.contains(&format!("gcdf-{id}")))
        {
            on_stored += 1;
        }
    }
    let r = run(&mut s, Kind::AiddataHcl, &hcl, Options::default());
    assert_eq!(r.skipped, 0, "{:?}", r.problems.first());
    assert_eq!(r.imported, on_stored, "{:?}", r.notes);
    assert_eq!(r.not_kept, 111 - on_stored);
    assert!(on_stored > 50, "{on_stored}");
    // Coca Codo Sinclair's loan (AidData 38935): the contract's cross-default and no
    // Paris Club clauses, English law, with the contract as source.
    let (flows, _) = ruta_store::flows::list_flows(
        s.conn(),
        &query::Filter {
            project: Some("gcdf-38935".into()),
            ..Default::default()
        },
        100,
        0,
    )
    .unwrap();
    let loan = flows.iter().find(|f| f.id == "gcdf-38935").unwrap();
    let clauses = &loan.terms.as_ref().unwrap().clauses;
    assert_eq!(
        clauses.get("cross_default").map(String::as_str),
        Some("yes")
    );
    assert_eq!(
        clauses.get("no_paris_club_clause").map(String::as_str),
        Some("yes")
    );
    assert!(clauses["governing_law"].starts_with("GBR"), "{clauses:?}");
    let (url, sheet): (String, String) = s
        .conn()
        .query_row(
            "SELECT s.url, s.sheet FROM claims c JOIN sources s ON s.id = c.source_id
             WHERE c.project_id = 'gcdf-38935' AND c.field = 'cross_default'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(url.starts_with("https://"), "{url}");
    assert_eq!(sheet, "ContractData");
    // Collateral: the 48 collateralised LAC contracts (ruta-debt's count) that name a
    // stored loan state it on that loan.
    let yes: i64 = one(
        &s,
        "SELECT COUNT(DISTINCT s.record_id) FROM claims c JOIN sources s ON s.id = c.source_id
         WHERE s.dataset = 'AidData How China Lends' AND c.field = 'collateralized' AND c.text = 'yes'",
    );
    assert!(yes > 0 && yes <= 48, "{yes}");
    // Again: nothing new.
    let again = run(&mut s, Kind::AiddataHcl, &hcl, Options::default());
    assert_eq!((again.imported, again.unchanged), (0, on_stored));
}

// ---- Belt and Road membership -------------------------------------------------------------

#[test]
fn embedded_bri_membership_is_the_gfdc_sheet() {
    let path = ruta_testdata::require!("reference/bri_countries_gfdc_2025-05.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range("BRI countries").unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(cell).collect();
    assert_eq!(header[1], "Country Code");
    let date = |d: &Data| match d {
        Data::DateTime(x) => ruta_ingest::input::excel_serial_to_date(x.as_f64()),
        Data::DateTimeIso(s) => Some(s[..10].to_string()),
        _ => None,
    };
    let mut n = 0;
    for r in rows {
        let iso3 = cell(&r[1]);
        if iso3.is_empty() {
            continue;
        }
        n += 1;
        let m = ruta_core::bri::membership(&iso3).unwrap_or_else(|| panic!("{iso3}"));
        assert_eq!(m.joined, date(&r[4]), "{iso3}");
        assert_eq!(m.exited, date(&r[5]), "{iso3}");
    }
    assert_eq!(n, ruta_core::bri::all().count());
    let pan = ruta_core::bri::membership("PAN").unwrap();
    assert_eq!(pan.exited.as_deref(), Some("2025-05-04"));
    let col = ruta_core::bri::membership("COL").unwrap();
    assert_eq!(col.joined.as_deref(), Some("2025-05-14"));
}

/// Rows of a shared workbook's sheet as text cells (calamine), banner included.
fn sheet_rows(path: &Path, sheet: &str, take: usize) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .take(take)
        .map(|r| r.iter().map(cell).collect())
        .collect()
}

/// Writes `rows` to a sheet (numbers as numbers), returning the next free row.
fn put(ws: &mut rust_xlsxwriter::Worksheet, rows: &[Vec<String>]) -> u32 {
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(i as u32, j as u16, n).map(|_| ()),
                Err(_) => ws.write_string(i as u32, j as u16, v).map(|_| ()),
            }
            .unwrap();
        }
    }
    rows.len() as u32
}

#[test]
fn a_renamed_sheet_a_million_formatted_rows_a_subtotal_and_a_combined_sheet_alone() {
    let Some(spring) = spring() else { return };
    // "Dataset 2" renamed by a user: its banner still says what it is; formatted empty
    // cells run to Excel's last row; the user summed the amounts below the data.
    let d2 = sheet_rows(&spring, "Dataset 2", 46);
    assert_eq!(d2[3][0], "Dataset 2 Construction");
    let data = &d2[6..];
    let lac = data
        .iter()
        .filter(|r| {
            (r[9] == "South America" || r[9] == "North America")
                && r[8] != "Canada"
                && r[8] != "USA"
        })
        .count();
    let d = tempfile::tempdir().unwrap();
    let xlsx = d.path().join("renamed.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("My contracts").unwrap();
        let next = put(ws, &d2);
        let total: f64 = data.iter().filter_map(|r| r[3].parse::<f64>().ok()).sum();
        ws.write_string(next, 2, "Total").unwrap();
        ws.write_number(next, 3, total).unwrap();
        let f = rust_xlsxwriter::Format::new().set_bold();
        for row in (next + 2..1_048_575).step_by(131_071) {
            ws.write_blank(row, 0, &f).unwrap();
        }
        ws.write_blank(1_048_575, 23, &f).unwrap();
        wb.save(&xlsx).unwrap();
    }
    let mut s = Store::open_in_memory().unwrap();
    let r = run(&mut s, Kind::AeiCgit, &xlsx, Options::default());
    assert_eq!(r.outcome, "imported", "{r:?}");
    let t = &r.tables[0];
    assert_eq!(
        (
            t.role.as_str(),
            t.header_line,
            t.rows_read,
            t.not_kept,
            t.skipped
        ),
        ("construction", 6, data.len() as u64 + 1, 1, 0),
        "{t:?}"
    );
    assert_eq!(t.records, lac as u64);
    assert_eq!(
        t.kinds.get("construction_contract").copied(),
        Some(lac as u64)
    );
    // A workbook holding only the combined sheet: read, as the combined table.
    let comb = sheet_rows(&spring, "Dataset 1+2", 60);
    let only = d.path().join("combined-only.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Dataset 1+2").unwrap();
        put(ws, &comb);
        wb.save(&only).unwrap();
    }
    let mut s = Store::open_in_memory().unwrap();
    let r = run(
        &mut s,
        Kind::AeiCgit,
        &only,
        Options {
            region: Region::All,
            ..Options::default()
        },
    );
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert_eq!(r.tables[0].role, "combined");
    assert_eq!(r.tables[0].records, 54);
    let legacy: i64 = one(&s, "SELECT COUNT(*) FROM flows WHERE id LIKE 'cgit-2020-%'");
    assert_eq!(legacy, 54);
}
