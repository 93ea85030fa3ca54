//! Reading a file as rows of text cells, whatever it turns out to be: CSV (UTF-8, with
//! or without BOM, LF or CRLF) or an XLSX workbook. Everything that makes a file
//! unreadable is a [`FileError`] naming the file and the byte offset or line.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// Longest physical line accepted in a CSV file.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// A file that cannot be imported at all.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct FileError {
    pub file: PathBuf,
    pub reason: String,
}

impl FileError {
    pub fn new(file: &Path, reason: impl Into<String>) -> FileError {
        FileError {
            file: file.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// One data row: the physical line it starts on and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Empty,
    Zip,
    Text,
    Utf16,
    Binary,
}

/// Looks at the first bytes of a file.
pub fn sniff(path: &Path) -> Result<Sniffed, FileError> {
    let mut f = File::open(path).map_err(|e| FileError::new(path, format!("cannot open: {e}")))?;
    let meta = f
        .metadata()
        .map_err(|e| FileError::new(path, e.to_string()))?;
    if meta.is_dir() {
        return Err(FileError::new(path, "is a directory"));
    }
    let mut head = [0u8; 4096];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(FileError::new(path, format!("cannot read: {e}"))),
        }
    }
    let head = &head[..n];
    let trimmed: &[u8] = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if trimmed.iter().all(|b| b.is_ascii_whitespace()) && meta.len() <= head.len() as u64 {
        return Ok(Sniffed::Empty);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(Sniffed::Zip);
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Ok(Sniffed::Utf16);
    }
    if head.contains(&0u8) {
        return Ok(Sniffed::Binary);
    }
    Ok(Sniffed::Text)
}

/// Wraps a reader and watches the bytes: counts them (for progress), tracks quote parity
/// (an odd count at the end means an unterminated quoted field) and refuses lines longer
/// than [`MAX_LINE_BYTES`].
pub struct Guarded<R> {
    inner: R,
    pub bytes: u64,
    pub quotes: u64,
    line_len: usize,
    pub line: u64,
    pub last: Option<u8>,
    /// Offsets of newlines not yet passed by the reader of records, and how many
    /// newlines came before the first of them: enough to turn a record's byte offset into
    /// its line number without keeping every offset of a large file.
    newlines: std::collections::VecDeque<u64>,
    passed: u64,
}

impl<R: Read> Guarded<R> {
    pub fn new(inner: R) -> Guarded<R> {
        Guarded {
            inner,
            bytes: 0,
            quotes: 0,
            line_len: 0,
            line: 1,
            last: None,
            newlines: std::collections::VecDeque::new(),
            passed: 0,
        }
    }

    /// The 1-based line of byte offset `at`. Offsets must not decrease between calls.
    pub fn line_of(&mut self, at: u64) -> u64 {
        // A record of a CRLF file starts at the `\n` that ended the previous line (the
        // csv crate ends records at `\r`), so a newline at `at` itself still counts.
        while let Some(&nl) = self.newlines.front() {
            if nl > at {
                break;
            }
            self.newlines.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.line_len = 0;
                    self.newlines.push_back(self.bytes + i as u64);
                }
                b'"' => {
                    self.quotes += 1;
                    self.line_len += 1;
                }
                _ => self.line_len += 1,
            }
            if self.line_len > MAX_LINE_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {} is longer than {} MiB",
                        self.line,
                        MAX_LINE_BYTES >> 20
                    ),
                ));
            }
        }
        if n > 0 {
            self.last = Some(buf[n - 1]);
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Rows of a CSV file, read lazily.
pub struct CsvRows {
    path: PathBuf,
    reader: csv::Reader<Guarded<BufReader<File>>>,
    record: csv::ByteRecord,
    /// Number of cells in the header (for truncation checks).
    pub width: usize,
    pub size: u64,
    last_len: usize,
}

impl CsvRows {
    /// Opens a CSV file: strips a UTF-8 BOM and refuses UTF-16 and binary content.
    pub fn open(path: &Path) -> Result<CsvRows, FileError> {
        CsvRows::open_with_delimiter(path, b',')
    }

    /// [`CsvRows::open`] for a file whose fields are separated by `delimiter` (`;` in
    /// files saved by spreadsheets set to a decimal comma; see [`sniff_delimiter`]).
    pub fn open_with_delimiter(path: &Path, delimiter: u8) -> Result<CsvRows, FileError> {
        match sniff(path)? {
            Sniffed::Empty => return Err(FileError::new(path, "empty file")),
            Sniffed::Zip => {
                return Err(FileError::new(
                    path,
                    "a ZIP archive (an XLSX workbook?), not a CSV text file",
                ));
            }
            Sniffed::Utf16 => {
                return Err(FileError::new(
                    path,
                    "UTF-16 encoded; re-save the file as UTF-8",
                ));
            }
            Sniffed::Binary => {
                return Err(FileError::new(
                    path,
                    "binary data (NUL bytes), not a CSV text file",
                ));
            }
            Sniffed::Text => {}
        }
        let f = File::open(path).map_err(|e| FileError::new(path, e.to_string()))?;
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        let mut buf = BufReader::with_capacity(1 << 20, f);
        // Skip a UTF-8 byte-order mark.
        {
            use std::io::BufRead;
            let head = buf
                .fill_buf()
                .map_err(|e| FileError::new(path, e.to_string()))?;
            if head.starts_with(b"\xEF\xBB\xBF") {
                buf.consume(3);
            }
        }
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(Guarded::new(buf));
        Ok(CsvRows {
            path: path.to_path_buf(),
            reader,
            record: csv::ByteRecord::new(),
            width: 0,
            size,
            last_len: 0,
        })
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.reader.get_ref().bytes
    }

    /// The next row, decoded as UTF-8. Invalid UTF-8 is a file error with its byte offset.
    pub fn next_row(&mut self) -> Result<Option<Row>, FileError> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| self.csv_error(e))?;
        if !more {
            return Ok(None);
        }
        let pos = self.record.position().cloned();
        // The csv crate miscounts lines of CRLF files; count them from byte offsets.
        let byte = pos.as_ref().map(|p| p.byte()).unwrap_or(0);
        let line = self.reader.get_mut().line_of(byte);
        let mut cells = Vec::with_capacity(self.record.len());
        for (i, field) in self.record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => cells.push(s.to_string()),
                Err(e) => {
                    let start = pos.as_ref().map(|p| p.byte()).unwrap_or(0);
                    return Err(FileError::new(
                        &self.path,
                        format!(
                            "line {line}, column {}: not valid UTF-8 (near byte {}); re-save the file as UTF-8",
                            i + 1,
                            start + e.valid_up_to() as u64
                        ),
                    ));
                }
            }
        }
        self.last_len = cells.len();
        Ok(Some(Row { line, cells }))
    }

    fn csv_error(&self, e: csv::Error) -> FileError {
        let at = e
            .position()
            .map(|p| format!("line {}: ", p.line()))
            .unwrap_or_default();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => FileError::new(&self.path, format!("{at}{io}")),
            other => FileError::new(&self.path, format!("{at}{other:?}")),
        }
    }

    /// Checks the end of the file for signs of truncation: an unterminated quoted field,
    /// or a last line cut short without a final newline.
    pub fn finish(&self) -> Result<(), FileError> {
        let g = self.reader.get_ref();
        if g.quotes % 2 == 1 {
            return Err(FileError::new(
                &self.path,
                format!(
                    "truncated: a quoted field is still open at the end of the file (byte {})",
                    g.bytes
                ),
            ));
        }
        let ends_with_newline = matches!(g.last, Some(b'\n') | Some(b'\r'));
        if !ends_with_newline && self.width > 0 && self.last_len > 0 && self.last_len < self.width {
            return Err(FileError::new(
                &self.path,
                format!(
                    "truncated: the last line ({}) has {} of {} columns and no final newline",
                    g.line, self.last_len, self.width
                ),
            ));
        }
        Ok(())
    }
}

/// The field separator of a CSV file: `;` when its first line has more semicolons than
/// commas outside quotes, else `,`.
pub fn sniff_delimiter(path: &Path) -> Result<u8, FileError> {
    use std::io::BufRead;
    let f = File::open(path).map_err(|e| FileError::new(path, format!("cannot open: {e}")))?;
    let mut first = Vec::new();
    BufReader::new(f.take(MAX_LINE_BYTES as u64))
        .read_until(b'\n', &mut first)
        .map_err(|e| FileError::new(path, format!("cannot read: {e}")))?;
    let (mut quoted, mut commas, mut semis) = (false, 0usize, 0usize);
    for b in first {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    Ok(if semis > commas { b';' } else { b',' })
}

/// The names of the sheets of an XLSX workbook, in workbook order.
pub fn sheet_names(path: &Path) -> Result<Vec<String>, FileError> {
    use calamine::{Reader, Xlsx, open_workbook};
    let wb: Xlsx<_> = open_workbook(path)
        .map_err(|e| FileError::new(path, format!("not a readable XLSX workbook: {e}")))?;
    Ok(wb.sheet_names().to_vec())
}

/// Rows of one sheet of an XLSX workbook, all in memory (sheets are bounded by Excel).
pub struct XlsxRows {
    rows: std::vec::IntoIter<Row>,
    pub width: usize,
}

/// Formats an Excel serial date (1900 date system) as YYYY-MM-DD.
pub fn excel_serial_to_date(serial: f64) -> Option<String> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    // Serial 25569 is 1970-01-01; Excel's phantom 1900-02-29 only affects serials < 61.
    let days = serial.floor() as i64 - 25_569;
    Some(ruta_core::text::iso_date_from_days(days))
}

impl XlsxRows {
    /// Opens `sheet` of an XLSX workbook. Dates become YYYY-MM-DD, whole numbers lose
    /// their ".0", formulas give their cached values.
    pub fn open(path: &Path, sheet: &str) -> Result<XlsxRows, FileError> {
        use calamine::{Data, Reader, Xlsx, open_workbook};
        match sniff(path)? {
            Sniffed::Zip => {}
            Sniffed::Empty => return Err(FileError::new(path, "empty file")),
            _ => {
                return Err(FileError::new(
                    path,
                    "not an XLSX workbook (not a ZIP archive)",
                ));
            }
        }
        let mut wb: Xlsx<_> = open_workbook(path)
            .map_err(|e| FileError::new(path, format!("not a readable XLSX workbook: {e}")))?;
        let names = wb.sheet_names().to_vec();
        if !names.iter().any(|n| n == sheet) {
            return Err(FileError::new(
                path,
                format!(
                    "no sheet named '{sheet}' (the workbook has: {})",
                    names.join(", ")
                ),
            ));
        }
        let range = wb
            .worksheet_range(sheet)
            .map_err(|e| FileError::new(path, format!("sheet '{sheet}': {e}")))?;
        let (first_row, _) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::with_capacity(range.height());
        for (i, r) in range.rows().enumerate() {
            let cells: Vec<String> =
                r.iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Float(f) => format_float(*f),
                        Data::Int(i) => i.to_string(),
                        Data::Bool(b) => {
                            if *b {
                                "Yes".into()
                            } else {
                                "No".into()
                            }
                        }
                        Data::DateTime(d) => excel_serial_to_date(d.as_f64())
                            .unwrap_or_else(|| d.as_f64().to_string()),
                        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
                        Data::DurationIso(s) => s.clone(),
                        Data::Error(e) => format!("#ERROR {e:?}"),
                    })
                    .collect();
            rows.push(Row {
                line: first_row as u64 + i as u64 + 1,
                cells,
            });
        }
        let width = rows.first().map(|r| r.cells.len()).unwrap_or(0);
        Ok(XlsxRows {
            rows: rows.into_iter(),
            width,
        })
    }

    pub fn next_row(&mut self) -> Option<Row> {
        self.rows.next()
    }

    pub fn remaining(&self) -> usize {
        self.rows.len()
    }
}

/// Whole numbers without ".0"; others in their shortest exact form.
pub fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Either kind of row source.
pub enum Rows {
    Csv(Box<CsvRows>),
    Xlsx(XlsxRows),
}

impl Rows {
    pub fn next_row(&mut self) -> Result<Option<Row>, FileError> {
        match self {
            Rows::Csv(c) => c.next_row(),
            Rows::Xlsx(x) => Ok(x.next_row()),
        }
    }

    pub fn set_width(&mut self, w: usize) {
        match self {
            Rows::Csv(c) => c.width = w,
            Rows::Xlsx(x) => x.width = w,
        }
    }

    pub fn finish(&self) -> Result<(), FileError> {
        match self {
            Rows::Csv(c) => c.finish(),
            Rows::Xlsx(_) => Ok(()),
        }
    }

    /// Progress as (done, total) in bytes (CSV) or rows (XLSX).
    pub fn progress(&self) -> (u64, u64) {
        match self {
            Rows::Csv(c) => (c.position(), c.size),
            Rows::Xlsx(x) => (0, x.remaining() as u64),
        }
    }

    /// Opens a CSV or, for ZIP content, an XLSX sheet.
    pub fn open(path: &Path, xlsx_sheet: Option<&str>) -> Result<Rows, FileError> {
        if sniff(path)? == Sniffed::Zip {
            return match xlsx_sheet {
                Some(sheet) => Ok(Rows::Xlsx(XlsxRows::open(path, sheet)?)),
                None => Err(FileError::new(
                    path,
                    "a ZIP/XLSX file, but this kind of import reads CSV only",
                )),
            };
        }
        Ok(Rows::Csv(Box::new(CsvRows::open(path)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_dates() {
        assert_eq!(excel_serial_to_date(43802.0).as_deref(), Some("2019-12-03"));
        assert_eq!(excel_serial_to_date(25569.0).as_deref(), Some("1970-01-01"));
        assert_eq!(excel_serial_to_date(-1.0), None);
        assert_eq!(format_float(2019.0), "2019");
        assert_eq!(format_float(1685346.9183932), "1685346.9183932");
    }
}
