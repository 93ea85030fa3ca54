//! Reading one sheet of an XLSX workbook in bounded memory.
//!
//! A workbook is a ZIP of XML parts, and none of what it declares is trusted: before
//! calamine opens it, [`check`] inflates every part once, counting bytes against a cap
//! per part ([`MAX_SHEET_BYTES`], [`MAX_SHARED_STRINGS_BYTES`], [`MAX_PART_BYTES`]), and
//! reads the shared strings and the sheet as XML streams to refuse counts and cell
//! references no real workbook has (a cell beyond `XFD1048576`, a `uniqueCount` larger
//! than the part could hold). Then [`XlsxRows`] streams the sheet's cells through
//! calamine's cell reader on a thread of its own and hands out rows: only the cells the
//! sheet has are held, never a grid from A1 to the declared dimension, so a stray cell at
//! `XFD1048576` costs one sparse row.

use crate::input::{FileError, Row, excel_serial_to_date, format_float};
use quick_xml::events::{BytesStart, Event};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// The largest inflated worksheet XML part accepted.
pub const MAX_SHEET_BYTES: u64 = 1 << 30;
/// The largest inflated `sharedStrings.xml` accepted (it is held in memory).
pub const MAX_SHARED_STRINGS_BYTES: u64 = 512 << 20;
/// The most shared strings accepted.
pub const MAX_SHARED_STRINGS: u64 = 8_000_000;
/// The largest inflated size of any other part (workbook, styles, relationships …).
pub const MAX_PART_BYTES: u64 = 64 << 20;
/// The most parts (ZIP entries) a workbook may have.
pub const MAX_PARTS: usize = 10_000;
/// Excel's last column (XFD) and row, 1-based.
pub const MAX_COLUMN: u64 = 16_384;
pub const MAX_ROW: u64 = 1_048_576;

fn mib(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

/// A cell reference such as `B12` as (row, column), both 1-based, within Excel's limits.
pub fn cell_ref(s: &[u8]) -> Result<(u64, u64), String> {
    let shown = || String::from_utf8_lossy(&s[..s.len().min(40)]).into_owned();
    let letters = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col_part, row_part) = s.split_at(letters);
    if col_part.is_empty()
        || row_part.is_empty()
        || !row_part.iter().all(u8::is_ascii_digit)
        || col_part.len() > 3
        || row_part.len() > 7
    {
        // A reference Excel could not write (more than three letters or seven digits
        // is always beyond XFD1048576).
        return Err(format!(
            "cell reference '{}' is not a cell within A1:XFD1048576",
            shown()
        ));
    }
    let col = col_part.iter().fold(0u64, |acc, b| {
        acc * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row = row_part
        .iter()
        .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
    if col > MAX_COLUMN || row == 0 || row > MAX_ROW {
        return Err(format!(
            "cell reference '{}' is beyond Excel's last cell XFD1048576",
            shown()
        ));
    }
    Ok((row, col))
}

/// A `ref` such as `A1:C9` (or one cell).
fn range_ref(s: &[u8]) -> Result<(), String> {
    for part in s.split(|&b| b == b':') {
        // Whole-column or whole-row references (`A:C`, `1:3`) also occur in some parts.
        if part.iter().all(u8::is_ascii_digit) || part.iter().all(u8::is_ascii_alphabetic) {
            if part.len() > 7 {
                return Err(format!(
                    "range '{}' is beyond Excel's limits",
                    String::from_utf8_lossy(&s[..s.len().min(40)])
                ));
            }
            continue;
        }
        cell_ref(part)?;
    }
    Ok(())
}

/// Counts inflated bytes, failing past a limit.
struct Capped<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other("over the limit"));
        }
        Ok(n)
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<Vec<u8>> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.as_bytes().to_vec())
}

/// What kind of part a ZIP entry is, by its name.
enum Part {
    Sheet,
    SharedStrings,
    Other,
}

fn part_kind(name: &str) -> Part {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("sharedstrings.xml") {
        Part::SharedStrings
    } else if lower.contains("worksheets/") && lower.ends_with(".xml") {
        Part::Sheet
    } else {
        Part::Other
    }
}

/// The caps [`check`] applies.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub sheet_bytes: u64,
    pub shared_strings_bytes: u64,
    pub part_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            sheet_bytes: MAX_SHEET_BYTES,
            shared_strings_bytes: MAX_SHARED_STRINGS_BYTES,
            part_bytes: MAX_PART_BYTES,
        }
    }
}

/// Inflates and reads every part of the workbook once, refusing what would make reading
/// it unbounded. The error names the part and the limit.
pub fn check(path: &Path) -> Result<(), FileError> {
    check_with(path, &Limits::default())
}

/// [`check`] with other caps.
pub fn check_with(path: &Path, limits: &Limits) -> Result<(), FileError> {
    let f = File::open(path).map_err(|e| FileError::new(path, format!("cannot open: {e}")))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(f))
        .map_err(|e| FileError::new(path, format!("not a readable XLSX workbook: {e}")))?;
    if zip.len() > MAX_PARTS {
        return Err(FileError::new(
            path,
            format!(
                "the workbook has {} parts; more than {MAX_PARTS} is not a workbook ruta reads",
                zip.len()
            ),
        ));
    }
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| FileError::new(path, format!("workbook part {i}: {e}")))?;
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("part {i}"));
        let kind = part_kind(&name);
        let limit = match kind {
            Part::Sheet => limits.sheet_bytes,
            Part::SharedStrings => limits.shared_strings_bytes,
            Part::Other => limits.part_bytes,
        };
        let too_big = || {
            FileError::new(
                path,
                format!(
                    "workbook part {name} inflates to more than {} (the limit for this part)",
                    mib(limit)
                ),
            )
        };
        if entry.size() > limit {
            return Err(too_big());
        }
        let mut capped = Capped {
            inner: entry,
            read: 0,
            limit,
        };
        let result = match kind {
            // Any XML part may be where the workbook's relationships put the sheet:
            // every one has its cell references checked.
            Part::Sheet => scan_sheet(BufReader::new(&mut capped), true),
            Part::Other if name.to_ascii_lowercase().ends_with(".xml") => {
                scan_sheet(BufReader::new(&mut capped), false)
            }
            Part::Other => std::io::copy(&mut capped, &mut std::io::sink())
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Part::SharedStrings => scan_shared_strings(BufReader::new(&mut capped)),
        };
        if capped.read > limit {
            return Err(too_big());
        }
        if let Err(reason) = result {
            return Err(FileError::new(
                path,
                format!("workbook part {name}: {reason}"),
            ));
        }
    }
    Ok(())
}

fn xml<R: std::io::BufRead>(r: R) -> quick_xml::Reader<R> {
    let mut x = quick_xml::Reader::from_reader(r);
    let c = x.config_mut();
    c.check_end_names = false;
    c.trim_text(false);
    x
}

/// The sheet: every cell and row reference within Excel's limits. Malformed XML is an
/// error only when `well_formed` (a sheet part); elsewhere calamine may not read it.
fn scan_sheet<R: std::io::BufRead>(r: R, well_formed: bool) -> Result<(), String> {
    let mut x = xml(r);
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        match x.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "c" => {
                    if let Some(r) = attr(&e, "r") {
                        cell_ref(&r).map_err(|m| format!("{m} (byte {})", x.buffer_position()))?;
                    }
                }
                "row" => {
                    if let Some(r) = attr(&e, "r") {
                        let ok = r.iter().all(u8::is_ascii_digit)
                            && !r.is_empty()
                            && r.len() <= 7
                            && std::str::from_utf8(&r)
                                .ok()
                                .and_then(|s| s.parse::<u64>().ok())
                                .is_some_and(|n| (1..=MAX_ROW).contains(&n));
                        if !ok {
                            return Err(format!(
                                "row number '{}' is beyond Excel's last row {MAX_ROW} (byte {})",
                                String::from_utf8_lossy(&r[..r.len().min(40)]),
                                x.buffer_position()
                            ));
                        }
                    }
                }
                "dimension" | "f" | "mergeCell" => {
                    if let Some(r) = attr(&e, "ref") {
                        range_ref(&r).map_err(|m| format!("{m} (byte {})", x.buffer_position()))?;
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(_) if !well_formed => {
                // Inflate the rest, so the size cap still applies.
                let mut rest = x.into_inner();
                return std::io::copy(&mut rest, &mut std::io::sink())
                    .map(|_| ())
                    .map_err(|e| e.to_string());
            }
            Err(e) => return Err(format!("not well-formed XML: {e}")),
        }
    }
}

/// The shared strings: a count no larger than what is there, and a bounded number.
fn scan_shared_strings<R: std::io::BufRead>(r: R) -> Result<(), String> {
    let mut x = xml(r);
    let mut buf = Vec::with_capacity(4096);
    let mut strings = 0u64;
    loop {
        buf.clear();
        match x.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => {
                    for key in ["uniqueCount", "count"] {
                        if let Some(v) = attr(&e, key) {
                            let n = std::str::from_utf8(&v)
                                .ok()
                                .and_then(|s| s.trim().parse::<u64>().ok());
                            if key == "uniqueCount" && n.is_none_or(|n| n > MAX_SHARED_STRINGS) {
                                return Err(format!(
                                    "declares {} strings; more than {MAX_SHARED_STRINGS} is not a workbook ruta reads",
                                    String::from_utf8_lossy(&v[..v.len().min(40)])
                                ));
                            }
                        }
                    }
                }
                "si" => {
                    strings += 1;
                    if strings > MAX_SHARED_STRINGS {
                        return Err(format!(
                            "more than {MAX_SHARED_STRINGS} shared strings (the limit)"
                        ));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(format!("not well-formed XML: {e}")),
        }
    }
}

/// Rows of one sheet, streamed by a reader thread through a bounded channel.
pub struct XlsxRows {
    rx: Receiver<Result<Row, FileError>>,
    /// Number of cells in the header row (set by the importer).
    pub width: usize,
    /// The last row number the sheet declares (for progress only; never trusted).
    pub declared_rows: u64,
    pub done: u64,
}

impl XlsxRows {
    /// Checks the workbook ([`check`]), then starts streaming `sheet`. Dates become
    /// YYYY-MM-DD, whole numbers lose their ".0", formulas give their cached values.
    pub fn open(path: &Path, sheet: &str) -> Result<XlsxRows, FileError> {
        check(path)?;
        XlsxRows::open_unchecked(path, sheet)
    }

    /// [`XlsxRows::open`] for a workbook [`check`] has already passed (a second sheet
    /// of the same file): streams `sheet` without inflating every part again.
    pub fn open_unchecked(path: &Path, sheet: &str) -> Result<XlsxRows, FileError> {
        let (meta_tx, meta_rx) = sync_channel::<Result<u64, FileError>>(1);
        let (tx, rx) = sync_channel::<Result<Row, FileError>>(256);
        let path_buf = path.to_path_buf();
        let sheet = sheet.to_string();
        std::thread::Builder::new()
            .name("ruta-xlsx".into())
            .spawn(move || stream(path_buf, sheet, meta_tx, tx))
            .map_err(|e| FileError::new(path, format!("cannot start the reader: {e}")))?;
        let declared_rows = meta_rx
            .recv()
            .map_err(|_| FileError::new(path, "the workbook reader stopped"))??;
        Ok(XlsxRows {
            rx,
            width: 0,
            declared_rows,
            done: 0,
        })
    }

    pub fn next_row(&mut self) -> Result<Option<Row>, FileError> {
        match self.rx.recv() {
            Ok(Ok(row)) => {
                self.done = row.line;
                Ok(Some(row))
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Ok(None),
        }
    }
}

fn text(c: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match c {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Float(f) => format_float(*f),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "Yes" } else { "No" }.into(),
        DataRef::DateTime(d) => {
            excel_serial_to_date(d.as_f64()).unwrap_or_else(|| d.as_f64().to_string())
        }
        DataRef::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#ERROR {e:?}"),
    }
}

/// The reader thread: opens the workbook, sends the declared row count, then one row per
/// sheet row that has cells. Stops when the receiver goes away.
fn stream(
    path: PathBuf,
    sheet: String,
    meta: SyncSender<Result<u64, FileError>>,
    tx: SyncSender<Result<Row, FileError>>,
) {
    use calamine::{Reader, Xlsx, open_workbook};
    let fail = |reason: String| FileError::new(&path, reason);
    let mut wb: Xlsx<_> = match open_workbook(&path) {
        Ok(wb) => wb,
        Err(e) => {
            let _ = meta.send(Err(fail(format!("not a readable XLSX workbook: {e}"))));
            return;
        }
    };
    let names = wb.sheet_names().to_vec();
    if !names.contains(&sheet) {
        let _ = meta.send(Err(fail(format!(
            "no sheet named '{sheet}' (the workbook has: {})",
            names.join(", ")
        ))));
        return;
    }
    let mut cells = match wb.worksheet_cells_reader(&sheet) {
        Ok(c) => c,
        Err(e) => {
            let _ = meta.send(Err(fail(format!("sheet '{sheet}': {e}"))));
            return;
        }
    };
    let declared = u64::from(cells.dimensions().end.0).min(MAX_ROW) + 1;
    if meta.send(Ok(declared)).is_err() {
        return;
    }
    // The row being built: its 0-based index and its cells, dense only up to the last
    // column that has a cell.
    let mut current: Option<(u32, Vec<String>)> = None;
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                let _ = tx.send(Err(fail(format!("sheet '{sheet}': {e}"))));
                return;
            }
        };
        let (r, c) = cell.get_position();
        if u64::from(r) >= MAX_ROW || u64::from(c) >= MAX_COLUMN {
            let _ = tx.send(Err(fail(format!(
                "sheet '{sheet}': a cell at row {}, column {} is beyond Excel's last cell XFD1048576",
                u64::from(r) + 1,
                u64::from(c) + 1
            ))));
            return;
        }
        let value = text(cell.get_value());
        if current.as_ref().is_some_and(|(cr, _)| *cr != r) {
            let (cr, row) = current.take().unwrap_or_default();
            // A row of empty (styled) cells is not data: a sheet declaring a million
            // formatted rows costs their parsing, not a million rows downstream.
            if !row.is_empty()
                && tx
                    .send(Ok(Row {
                        line: u64::from(cr) + 1,
                        cells: row,
                        original: Vec::new(),
                    }))
                    .is_err()
            {
                return;
            }
        }
        let (_, row) = current.get_or_insert_with(|| (r, Vec::new()));
        if value.is_empty() {
            continue;
        }
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = value;
    }
    if let Some((r, row)) = current
        && !row.is_empty()
    {
        let _ = tx.send(Ok(Row {
            line: u64::from(r) + 1,
            cells: row,
            original: Vec::new(),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_within_excel() {
        assert_eq!(cell_ref(b"A1"), Ok((1, 1)));
        assert_eq!(cell_ref(b"XFD1048576"), Ok((1_048_576, 16_384)));
        assert!(cell_ref(b"XFE1").is_err());
        assert!(cell_ref(b"A1048577").is_err());
        assert!(cell_ref(b"ZZZZZZZ99999999999").is_err());
        assert!(cell_ref(b"A0").is_err());
        assert!(cell_ref(b"1A").is_err());
        assert!(range_ref(b"A1:XFD1048576").is_ok());
        assert!(range_ref(b"A1:ZZZZZZZ99999999999").is_err());
    }
}
