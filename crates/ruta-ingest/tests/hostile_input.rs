//! Hostile and damaged input: workbooks that declare what they are not, cells far
//! away, parts that inflate without end, CSV files with damaged bytes. Nothing panics or
//! exhausts memory; unreadable files fail with the part or position named; damage costs
//! only the rows it touches.

use ruta_ingest::{FileReport, Kind, Options, import_file};
use ruta_store::Store;
use std::io::Write;
use std::path::Path;

fn run(kind: Kind, path: &Path, opts: Options) -> FileReport {
    let mut s = Store::open_in_memory().unwrap();
    import_file(&mut s, kind, path, &opts, &ruta_ingest::Quiet)
}

const HEADER: &str =
    "AidData Record ID,Title,Recipient ISO-3,Commitment Year,Amount (Constant USD 2021)";

/// A minimal workbook with one sheet "GCDF_3.0" whose sheetData is `rows` and, when
/// given, a sharedStrings part.
fn workbook(out: &Path, rows: &str, dimension: &str, shared: Option<&[u8]>) {
    use zip::write::SimpleFileOptions;
    let f = std::fs::File::create(out).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, body: &[u8]| {
        z.start_file(name, o).unwrap();
        z.write_all(body).unwrap();
    };
    part("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#);
    part("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#);
    part("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="GCDF_3.0" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
    part("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#);
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    );
    part("xl/worksheets/sheet1.xml", sheet.as_bytes());
    if let Some(s) = shared {
        part("xl/sharedStrings.xml", s);
    }
    z.finish().unwrap();
}

fn inline(r: &str, v: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#)
}

fn gcdf_rows() -> String {
    let cols = ["A", "B", "C", "D", "E"];
    let head: String = HEADER
        .split(',')
        .zip(cols)
        .map(|(h, c)| inline(&format!("{c}1"), h))
        .collect();
    let data: String = ["1", "Puerto de Prueba", "PER", "2019", "1000000"]
        .iter()
        .zip(cols)
        .map(|(v, c)| inline(&format!("{c}2"), v))
        .collect();
    format!(r#"<row r="1">{head}</row><row r="2">{data}</row>"#)
}

#[test]
fn a_stray_cell_at_xfd1048576_is_read_sparsely() {
    let d = tempfile::tempdir().unwrap();
    let x = d.path().join("far.xlsx");
    let rows = format!(
        r#"{}<row r="1048576">{}</row>"#,
        gcdf_rows(),
        inline("XFD1048576", "stray")
    );
    workbook(&x, &rows, "A1:XFD1048576", None);
    let r = run(Kind::Gcdf, &x, Options::default());
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert_eq!(r.imported, 1, "{r:?}");
    // The stray row is reported with its line, not read as a grid from A1.
    assert_eq!(r.skipped, 1, "{r:?}");
    assert_eq!(r.problems[0].line, 1_048_576, "{r:?}");
}

#[test]
fn cell_references_beyond_excel_fail_with_the_reference() {
    let d = tempfile::tempdir().unwrap();
    for (far, dim) in [
        ("ZZZZZZZ99999999999", "A1:B2"),
        ("XFE1", "A1:B2"),
        ("A1048577", "A1:B2"),
        ("B2", "A1:ZZZZZZZ99999999999"),
    ] {
        let x = d.path().join("beyond.xlsx");
        let rows = format!(r#"{}<row>{}</row>"#, gcdf_rows(), inline(far, "x"));
        workbook(&x, &rows, dim, None);
        let r = run(Kind::Gcdf, &x, Options::default());
        assert_eq!(r.outcome, "failed", "{far}: {r:?}");
        let e = r.error.unwrap();
        assert!(e.contains("xl/worksheets/sheet1.xml"), "{e}");
        assert!(e.contains("XFD1048576") || e.contains("Excel"), "{e}");
    }
}

#[test]
fn a_declared_string_count_is_not_trusted() {
    let d = tempfile::tempdir().unwrap();
    let x = d.path().join("sst.xlsx");
    workbook(
        &x,
        &gcdf_rows(),
        "A1:E2",
        Some(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="99999999999" uniqueCount="99999999999"><si><t>a</t></si></sst>"#),
    );
    let r = run(Kind::Gcdf, &x, Options::default());
    assert_eq!(r.outcome, "failed", "{r:?}");
    let e = r.error.unwrap();
    assert!(
        e.contains("sharedStrings.xml") && e.contains("99999999999"),
        "{e}"
    );
}

#[test]
fn a_part_that_inflates_past_its_limit_is_refused_by_name() {
    let d = tempfile::tempdir().unwrap();
    let x = d.path().join("bomb.xlsx");
    let mut sst = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#.to_vec();
    sst.extend(std::iter::repeat_n(b'a', 3 << 20));
    sst.extend_from_slice(b"</t></si></sst>");
    workbook(&x, &gcdf_rows(), "A1:E2", Some(&sst));
    let limits = ruta_ingest::xlsx::Limits {
        shared_strings_bytes: 1 << 20,
        ..Default::default()
    };
    let e = ruta_ingest::xlsx::check_with(&x, &limits).unwrap_err();
    assert!(
        e.reason.contains("xl/sharedStrings.xml") && e.reason.contains("1 MiB"),
        "{e}"
    );
    // Within the default limits the same workbook reads.
    ruta_ingest::xlsx::check(&x).unwrap();
}

// ---- CSV byte damage: lenient costs the damaged rows only; strict aborts. ----

fn rows(n: usize) -> String {
    let mut s = format!("{HEADER}\n");
    for i in 1..=n {
        s.push_str(&format!("{i},Proyecto {i},PER,2019,{}\n", i * 1000));
    }
    s
}

fn damaged(name: &str, bytes: &[u8], expect_imported: u64, needle: &str) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let r = run(Kind::Gcdf, &p, Options::default());
    assert_eq!(r.outcome, "imported", "{name}: {r:?}");
    assert_eq!(r.imported, expect_imported, "{name}: {r:?}");
    assert!(
        r.problems.iter().any(|p| p.reason.contains(needle)),
        "{name}: {:?}",
        r.problems
    );
    let strict = run(
        Kind::Gcdf,
        &p,
        Options {
            strict: true,
            ..Options::default()
        },
    );
    assert_eq!(strict.outcome, "aborted", "{name}: {strict:?}");
}

#[test]
fn an_invalid_utf8_byte_costs_its_row() {
    // A UTF-8 file (its other rows write "ó" as two valid bytes) with one damaged byte:
    // the damaged row only is lost. (A file whose only non-ASCII bytes are invalid UTF-8
    // is a Windows-1252 file, read as such: tests/dialects.rs.)
    let mut b = rows(10).replace("Proyecto", "Proyecto ó").into_bytes();
    let needle = "Proyecto ó 5,".as_bytes();
    let at = b.windows(needle.len()).position(|w| w == needle).unwrap();
    b[at + 3] = 0xE1;
    damaged("damaged-utf8.csv", &b, 9, "not valid UTF-8");
}

#[test]
fn a_truncated_last_line_costs_that_line() {
    let s = rows(10);
    let cut = s.trim_end().rfind(',').unwrap();
    damaged("cut.csv", &s.as_bytes()[..cut], 9, "truncated");
}

#[test]
fn a_stray_quote_costs_the_lines_it_swallows_only() {
    // A quote opening a field that is never closed.
    let s = rows(10).replace("4,Proyecto 4", "4,\"Proyecto 4");
    damaged("quote.csv", s.as_bytes(), 9, "still open");
    // A quote closed by another stray quote lines later.
    let s = rows(10)
        .replace("4,Proyecto 4", "4,\"Proyecto 4")
        .replace("6,Proyecto 6", "6,Proyecto 6\"");
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("quotes.csv");
    std::fs::write(&p, &s).unwrap();
    let r = run(Kind::Gcdf, &p, Options::default());
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert!(r.imported >= 8, "{r:?}");
    assert!(r.problems.iter().any(|p| p.line == 5), "{:?}", r.problems);
}

#[test]
fn many_unknown_columns_take_linear_time() {
    // 100,000 columns no importer knows: the header and the row are read once.
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("wide.csv");
    let n = 100_000;
    let mut s = String::from(HEADER);
    for i in 0..n {
        s.push_str(&format!(",extra {i}"));
    }
    s.push_str("\n1,Puerto,PER,2019,1000");
    for i in 0..n {
        s.push_str(&format!(",v{i}"));
    }
    s.push('\n');
    std::fs::write(&p, s).unwrap();
    let r = run(Kind::Gcdf, &p, Options::default());
    assert_eq!(r.outcome, "imported", "{:?}", r.error);
    assert_eq!(r.imported, 1);
}

#[test]
fn a_quote_inside_an_unquoted_field_is_text_not_damage() {
    // `12" pipe` is an inch mark: the csv crate reads it as text, and so does the check
    // for a quoted field left open at the end.
    let s = rows(3).replace("Proyecto 3", "Tubo de 12\" pulgadas");
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("inch.csv");
    std::fs::write(&p, &s).unwrap();
    let r = run(Kind::Gcdf, &p, Options::default());
    assert_eq!(
        (r.outcome.as_str(), r.imported, r.skipped),
        ("imported", 3, 0),
        "{r:?}"
    );
}
