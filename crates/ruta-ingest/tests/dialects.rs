//! CSV dialects, on fixtures built here from the shared GeoGCDF and AEI rows (never
//! committed): the same rows as Excel writes them on Windows (Windows-1252), in a
//! Spanish or Portuguese locale (`;`, decimal comma, day-first dates), with a banner, a
//! subtotal row, a tab separator, ambiguous and impossible dates — each read as the
//! original UTF-8 file is.

use ruta_ingest::{
    DateOrder, DialectOptions, Encoding, FileReport, Kind, Options, Quiet, import_file,
};
use ruta_store::Store;
use std::path::{Path, PathBuf};

fn run(s: &mut Store, kind: Kind, path: &Path, opts: Options) -> FileReport {
    import_file(s, kind, path, &opts, &Quiet)
}

fn geo() -> Option<PathBuf> {
    ruta_testdata::shared_file("gcdf3/final_input_lac.csv")
}

/// The GeoGCDF rows (header first) that Windows-1252 can write (869 of 872: the others
/// hold characters such as `√` it has not).
fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .filter(|r| {
            let (_, _, bad) = encoding_rs::WINDOWS_1252.encode(&r.join(","));
            !bad
        })
        .collect()
}

fn write(path: &Path, rows: &[Vec<String>], delimiter: u8) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    let bytes = w.into_inner().unwrap();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

fn to_1252(path: &Path, utf8: &[u8]) {
    let text = std::str::from_utf8(utf8).unwrap();
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!bad);
    std::fs::write(path, &bytes).unwrap();
}

/// What a GCDF import leaves: every record's shown values.
fn dump(s: &Store) -> Vec<String> {
    s.conn()
        .prepare(
            "SELECT p.id, p.name, p.country, f.year, f.commitment_date, p.actual_start_date,
                    p.actual_completion_date, f.amount, round(f.amount_usd, 2), p.status
             FROM projects p JOIN flows f ON f.id = p.id WHERE p.id LIKE 'gcdf-%' ORDER BY p.id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((0..10)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn import(path: &Path, opts: Options) -> (Store, FileReport) {
    let mut s = Store::open_in_memory().unwrap();
    let r = run(&mut s, Kind::Gcdf, path, opts);
    (s, r)
}

/// A date `YYYY-MM-DD` as `DD/MM/YYYY`.
fn dmy(iso: &str) -> String {
    if iso.len() == 10 && iso.as_bytes()[4] == b'-' {
        format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[..4])
    } else {
        iso.to_string()
    }
}

/// A number `12345678.9` as Excel writes it in a Spanish locale: `12.345.678,9`.
fn decimal_comma(v: &str, group: bool) -> String {
    let Ok(_) = v.parse::<f64>() else {
        return v.to_string();
    };
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let int = if group {
        let digits: Vec<char> = int.chars().collect();
        let mut out = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(*c);
        }
        out
    } else {
        int.to_string()
    };
    if frac.is_empty() {
        int
    } else {
        format!("{int},{frac}")
    }
}

#[test]
fn windows_1252_as_excel_saves_it_on_windows() {
    let Some(geo) = geo() else { return };
    let rows = rows(&geo);
    let d = tempfile::tempdir().unwrap();
    let utf8 = d.path().join("utf8.csv");
    let bytes = write(&utf8, &rows, b',');
    let cp = d.path().join("cp1252.csv");
    to_1252(&cp, &bytes);
    let (base, r0) = import(&utf8, Options::default());
    assert_eq!(r0.skipped, 0);
    let (s, r) = import(&cp, Options::default());
    assert_eq!((r.outcome.as_str(), r.skipped), ("imported", 0), "{r:?}");
    let dialect = r.dialect.as_ref().unwrap();
    assert_eq!(dialect.encoding, Encoding::Windows1252);
    assert!(
        r.summary().contains("read as Windows-1252"),
        "{}",
        r.summary()
    );
    assert_eq!(dump(&s), dump(&base));
    // `’` (0x92 in Windows-1252) and `é` come back as written.
    let apostrophes: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM projects WHERE name LIKE '%’%' OR name LIKE '%é%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(apostrophes > 5, "{apostrophes}");
    // --encoding overrides: the UTF-8 file read as Windows-1252 is said so (and
    // mojibake follows: the user asked for it).
    let (_, forced) = import(
        &utf8,
        Options {
            dialect: DialectOptions {
                encoding: Some(Encoding::Windows1252),
                ..DialectOptions::default()
            },
            ..Options::default()
        },
    );
    assert_eq!(
        forced.dialect.as_ref().unwrap().encoding_basis,
        "--encoding"
    );
}

#[test]
fn semicolons_decimal_comma_and_day_first_dates_as_excel_saves_them_in_lima() {
    let Some(geo) = geo() else { return };
    let rows = rows(&geo);
    let h = &rows[0];
    let dates: Vec<usize> = (0..h.len()).filter(|&i| h[i].contains("Date")).collect();
    let amount = h.iter().position(|x| x.starts_with("Amount")).unwrap();
    let mut lima = rows.clone();
    assert!(rows[1..].iter().any(|r| r[amount].contains('.')));
    for (n, r) in lima.iter_mut().enumerate().skip(1) {
        for &i in &dates {
            r[i] = dmy(&r[i]);
        }
        // Every number in the locale's form ("2019.0" → "2019,0"), the amounts with
        // thousands grouped on every other row.
        for (i, cell) in r.iter_mut().enumerate() {
            if cell.contains('.') && cell.parse::<f64>().is_ok() {
                *cell = decimal_comma(cell, i == amount && n % 2 == 0);
            }
        }
    }
    let d = tempfile::tempdir().unwrap();
    let utf8 = d.path().join("utf8.csv");
    write(&utf8, &rows, b',');
    let semi = d.path().join("lima-utf8.csv");
    let bytes = write(&semi, &lima, b';');
    // Excel in a Spanish locale on Windows: `;`, decimal comma, day-first, Windows-1252.
    let excel = d.path().join("lima.csv");
    to_1252(&excel, &bytes);
    let (base, _) = import(&utf8, Options::default());
    let (s, r) = import(&excel, Options::default());
    assert_eq!(
        (r.outcome.as_str(), r.skipped),
        ("imported", 0),
        "{:?}",
        r.problems.first()
    );
    assert!(r.emptied.is_empty(), "{:?}", r.emptied.first());
    let dialect = r.dialect.clone().unwrap();
    assert_eq!(dialect.delimiter, ";");
    assert!(dialect.decimal_comma, "{}", dialect.decimal_basis);
    assert_eq!(dialect.dates.len(), dates.len());
    for c in &dialect.dates {
        assert_eq!(c.order, DateOrder::Dmy, "{c:?}");
        assert!(!c.defaulted && c.day_first > 100, "{c:?}");
        assert!(c.name.contains("Date"), "{}", c.name);
    }
    assert_eq!(dump(&s), dump(&base));
    // The quote of a rewritten amount is the cell as written.
    let quote: String = s
        .conn()
        .query_row(
            "SELECT quote FROM claims WHERE field = 'amount' AND quote LIKE '%,%' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(quote.contains(','), "{quote}");
    // --delimiter overrides detection (and ',' here puts the header in one cell).
    let (_, wrong) = import(
        &excel,
        Options {
            dialect: DialectOptions {
                delimiter: Some(b','),
                ..DialectOptions::default()
            },
            ..Options::default()
        },
    );
    assert_eq!(wrong.outcome, "failed");
    assert!(wrong.error.unwrap().contains("not an AidData GCDF table"));
}

#[test]
fn ambiguous_and_impossible_dates_keep_their_records() {
    let Some(geo) = geo() else { return };
    let rows = rows(&geo);
    let h = rows[0].clone();
    let c = h
        .iter()
        .position(|x| x.starts_with("Commitment.Date"))
        .unwrap();
    let s_ = h
        .iter()
        .position(|x| x.starts_with("Actual.Implementation.Start"))
        .unwrap();
    let e = h
        .iter()
        .position(|x| x.starts_with("Actual.Completion"))
        .unwrap();
    let id = h.iter().position(|x| x == "AidData.Record.ID").unwrap();
    let mut fx = vec![h.clone()];
    // Commitment dates all ambiguous (11/10/2001): the dataset's default, month-first.
    // Start dates day-first by their own evidence (23/05/2001 decides).
    // Completion dates with mixed evidence: the default, and 23/05/2001 impossible.
    let cases = [
        ("11/10/2001", "23/05/2001", "05/23/2004"),
        ("01/02/2002", "11/10/2001", "23/05/2001"),
        ("03/04/2005", "05/06/2003", "01/02/2006"),
    ];
    for (r, (cd, sd, ed)) in rows[1..].iter().zip(cases) {
        let mut r = r.clone();
        r[c] = cd.into();
        r[s_] = sd.into();
        r[e] = ed.into();
        fx.push(r);
    }
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("dates.csv");
    write(&p, &fx, b',');
    let (s, r) = import(&p, Options::default());
    assert_eq!((r.imported, r.skipped), (3, 0), "{:?}", r.problems);
    let dialect = r.dialect.unwrap();
    let by_col = |i: usize| dialect.dates.iter().find(|d| d.column == i).unwrap();
    assert_eq!(
        (by_col(c).order, by_col(c).defaulted),
        (DateOrder::Mdy, true)
    );
    assert!(by_col(c).basis.contains("ambiguous"), "{}", by_col(c).basis);
    assert_eq!(
        (by_col(s_).order, by_col(s_).defaulted),
        (DateOrder::Dmy, false)
    );
    assert_eq!(
        (by_col(e).order, by_col(e).defaulted),
        (DateOrder::Mdy, true)
    );
    // The impossible date is reported and left empty; its record and amount are kept.
    assert_eq!(r.emptied.len(), 1, "{:?}", r.emptied);
    assert_eq!(r.emptied[0].value.as_deref(), Some("23/05/2001"));
    let first = format!("gcdf-{}", fx[1][id]);
    let second = format!("gcdf-{}", fx[2][id]);
    let got = |id: &str, col: &str| -> Option<String> {
        s.conn()
            .query_row(
                &format!("SELECT {col} FROM projects WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        got(&first, "commitment_date").as_deref(),
        Some("2001-11-10")
    );
    assert_eq!(
        got(&first, "actual_start_date").as_deref(),
        Some("2001-05-23")
    );
    assert_eq!(
        got(&second, "actual_start_date").as_deref(),
        Some("2001-10-11")
    );
    assert_eq!(got(&second, "actual_completion_date"), None);
    let amount: Option<f64> = s
        .conn()
        .query_row("SELECT amount FROM flows WHERE id = ?1", [&second], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        amount.is_some()
            || fx[2][h.iter().position(|x| x.starts_with("Amount")).unwrap()].is_empty()
    );
    // --date-order dmy reads them all day-first.
    let (s2, r2) = import(
        &p,
        Options {
            dialect: DialectOptions {
                date_order: Some(DateOrder::Dmy),
                ..DialectOptions::default()
            },
            ..Options::default()
        },
    );
    assert!(r2.emptied.is_empty(), "{:?}", r2.emptied);
    let got2: Option<String> = s2
        .conn()
        .query_row(
            "SELECT commitment_date FROM projects WHERE id = ?1",
            [&first],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(got2.as_deref(), Some("2001-10-11"));
}

#[test]
fn a_banner_a_subtotal_row_and_tabs() {
    let Some(geo) = geo() else { return };
    let rows = rows(&geo);
    let d = tempfile::tempdir().unwrap();
    let plain = d.path().join("plain.csv");
    let body = write(&plain, &rows[..40], b',');
    let (base, _) = import(&plain, Options::default());
    // Banner lines above the header, and a subtotal row a user added below the data.
    let h = &rows[0];
    let amount = h.iter().position(|x| x.starts_with("Amount")).unwrap();
    let title = h.iter().position(|x| x == "Title").unwrap();
    let mut total = vec![String::new(); h.len()];
    total[title] = "Total".into();
    total[amount] = "123456789.5".into();
    let mut text = b"AidData GeoGCDF extract,,,\nDownloaded for the Lima office,,,\n\n".to_vec();
    text.extend_from_slice(&body);
    let mut tail = csv::Writer::from_writer(Vec::new());
    tail.write_record(&total).unwrap();
    text.extend_from_slice(&tail.into_inner().unwrap());
    let banner = d.path().join("banner.csv");
    std::fs::write(&banner, &text).unwrap();
    let (s, r) = import(&banner, Options::default());
    assert_eq!((r.skipped, r.not_kept), (0, 1), "{:?}", r.problems);
    assert_eq!(dump(&s), dump(&base));
    // Tab-separated with a byte-order mark.
    let tabs = d.path().join("tabs.tsv");
    let mut t = b"\xEF\xBB\xBF".to_vec();
    t.extend_from_slice(&write(&d.path().join("x"), &rows[..40], b'\t'));
    std::fs::write(&tabs, &t).unwrap();
    let (s, r) = import(&tabs, Options::default());
    assert_eq!(r.dialect.as_ref().unwrap().delimiter, "\t");
    assert!(r.dialect.as_ref().unwrap().bom);
    assert_eq!(dump(&s), dump(&base));
}

#[test]
fn an_aei_table_with_a_subtotal_row_and_semicolons() {
    let Some(inv) = ruta_testdata::shared_file("aei_cgit/investments_2005_2025h1.csv") else {
        return;
    };
    let text = std::fs::read_to_string(&inv).unwrap();
    let head: Vec<&str> = text.lines().take(61).collect();
    let d = tempfile::tempdir().unwrap();
    let plain = d.path().join("inv.csv");
    std::fs::write(&plain, head.join("\n") + "\n").unwrap();
    let mut s = Store::open_in_memory().unwrap();
    let base = run(&mut s, Kind::AeiCgit, &plain, Options::default());
    // The user's subtotal row: no year, "Total", the sum.
    let with_total = d.path().join("inv-total.csv");
    std::fs::write(
        &with_total,
        head.join("\n") + "\n,,Total,\"$12,345 \",,,,,,,\n",
    )
    .unwrap();
    let mut s2 = Store::open_in_memory().unwrap();
    let r = run(&mut s2, Kind::AeiCgit, &with_total, Options::default());
    assert_eq!(
        (r.rows_read, r.imported, r.skipped, r.not_kept),
        (base.rows_read + 1, base.imported, 0, 1),
        "{:?}",
        r.problems
    );
    // Re-saved with `;` and a decimal comma ("$1.740 " is 1,740 million either way).
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&plain)
        .unwrap();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    for rec in rd.records() {
        let rec = rec.unwrap();
        let cells: Vec<String> = rec
            .iter()
            .map(|c| {
                let t = c.trim().trim_start_matches('$').trim().replace(',', "");
                match t.parse::<f64>() {
                    Ok(v) if c.contains('$') => {
                        format!("${} ", decimal_comma(&v.to_string(), true))
                    }
                    _ => c.to_string(),
                }
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    let semi = d.path().join("inv-semi.csv");
    std::fs::write(&semi, w.into_inner().unwrap()).unwrap();
    let mut s3 = Store::open_in_memory().unwrap();
    let r = run(&mut s3, Kind::AeiCgit, &semi, Options::default());
    assert_eq!(
        (r.imported, r.skipped),
        (base.imported, 0),
        "{:?}",
        r.problems
    );
    let sum = |s: &Store| -> f64 {
        s.conn()
            .query_row("SELECT SUM(amount) FROM flows", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(sum(&s3), sum(&s));
}
