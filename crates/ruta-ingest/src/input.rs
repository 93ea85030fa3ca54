//! Reading a file as rows of text cells, whatever it turns out to be: CSV (UTF-8 with or
//! without BOM or Windows-1252; `,`, `;` or tab; LF or CRLF; decimal comma and day-first
//! dates rewritten — see [`crate::dialect`]) or an XLSX workbook. Everything that makes
//! a file unreadable is a [`FileError`] naming the file and the byte offset or line.

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
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
    /// Cells the file's dialect rewrote (a decimal-comma number, a day-first date), as
    /// (column, text as written): what a claim quotes.
    pub original: Vec<(usize, String)>,
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

/// Wraps a reader and watches the bytes: counts them (for progress), follows the quoting
/// as the csv crate reads it (a quote opens a quoted field only at the start of a field;
/// elsewhere it is text) so that a quoted field still open at the end is seen, and
/// refuses lines, and quoted fields, longer than [`MAX_LINE_BYTES`].
pub struct Guarded<R> {
    inner: R,
    pub bytes: u64,
    quoting: Quoting,
    line_len: usize,
    /// Bytes read since the quote parity last became odd (inside a quoted field).
    quoted_run: usize,
    pub line: u64,
    pub last: Option<u8>,
    /// The inner reader has returned end of file.
    pub eof: bool,
    /// Offsets of newlines not yet passed by the reader of records, and how many
    /// newlines came before the first of them: enough to turn a record's byte offset into
    /// its line number without keeping every offset of a large file.
    newlines: std::collections::VecDeque<u64>,
    passed: u64,
    /// The field separator (`,` or `;`).
    delimiter: u8,
}

impl<R: Read> Guarded<R> {
    pub fn new(inner: R) -> Guarded<R> {
        Guarded::with_delimiter(inner, b',')
    }

    /// A guard for a file whose fields are separated by `delimiter`.
    pub fn with_delimiter(inner: R, delimiter: u8) -> Guarded<R> {
        Guarded {
            delimiter,
            inner,
            bytes: 0,
            quoting: Quoting::FieldStart,
            line_len: 0,
            quoted_run: 0,
            line: 1,
            last: None,
            eof: false,
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
        if n == 0 && !buf.is_empty() {
            self.eof = true;
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_len = 0;
                self.newlines.push_back(self.bytes + i as u64);
            } else {
                self.line_len += 1;
            }
            let sep = b == self.delimiter || b == b'\n' || b == b'\r';
            self.quoting = match (self.quoting, b) {
                (Quoting::FieldStart, b'"') => Quoting::Quoted,
                (Quoting::FieldStart | Quoting::Unquoted, _) if sep => Quoting::FieldStart,
                (Quoting::FieldStart | Quoting::Unquoted, _) => Quoting::Unquoted,
                (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
                (Quoting::Quoted, _) => Quoting::Quoted,
                // `""` inside a quoted field is one quote; any other byte closes it.
                (Quoting::QuoteInQuoted, b'"') => Quoting::Quoted,
                (Quoting::QuoteInQuoted, _) if sep => Quoting::FieldStart,
                (Quoting::QuoteInQuoted, _) => Quoting::Unquoted,
            };
            if self.quoting == Quoting::Quoted {
                self.quoted_run += 1;
            } else {
                self.quoted_run = 0;
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
            if self.quoted_run > MAX_LINE_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a quoted field still open at line {} runs over {} MiB (a stray quote?)",
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

/// Where the reader is in the CSV quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Most damaged records one file may have before ruta stops reading it.
pub const MAX_DAMAGED: u32 = 10_000;

/// A record that byte-level damage made unreadable: it costs that record only.
#[derive(Debug, Clone, PartialEq)]
pub struct Damaged {
    pub line: u64,
    pub reason: String,
}

/// A row, or a record lost to damage.
pub type Item = Result<Row, Damaged>;

type CsvReader = csv::Reader<Guarded<BufReader<File>>>;

fn csv_reader(path: &Path, from: u64, delimiter: u8) -> Result<CsvReader, FileError> {
    use std::io::{BufRead, Seek, SeekFrom};
    let mut f = File::open(path).map_err(|e| FileError::new(path, e.to_string()))?;
    if from > 0 {
        f.seek(SeekFrom::Start(from))
            .map_err(|e| FileError::new(path, e.to_string()))?;
    }
    let mut buf = BufReader::with_capacity(1 << 20, f);
    if from == 0 {
        // Skip a UTF-8 byte-order mark.
        let head = buf
            .fill_buf()
            .map_err(|e| FileError::new(path, e.to_string()))?;
        if head.starts_with(b"\xEF\xBB\xBF") {
            buf.consume(3);
        }
    }
    Ok(csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(Guarded::with_delimiter(buf, delimiter)))
}

/// Rows of a CSV file, read lazily. Without damage this is the csv crate's reading of
/// the file; where bytes are damaged (invalid UTF-8, a stray quote that swallows lines,
/// an over-long line, a truncated end) the record is handed out as [`Damaged`] with its
/// line and the reading goes on at the next line.
pub struct CsvRows {
    /// The file as the user named it (for messages).
    path: PathBuf,
    /// The bytes read: the file itself, or its UTF-8 transcoding.
    read_path: PathBuf,
    /// Keeps a transcoded copy alive while it is read.
    _transcoded: Option<std::sync::Arc<tempfile::NamedTempFile>>,
    /// Rewrites cells into ruta's forms (decimal comma, day-first dates).
    normalizer: crate::dialect::Normalizer,
    reader: CsvReader,
    record: csv::ByteRecord,
    /// Number of cells in the header (for truncation and damage checks).
    pub width: usize,
    pub size: u64,
    /// Byte offset in the file of the current reader's first byte, and the number of
    /// lines before it.
    base_byte: u64,
    base_line: u64,
    damaged: u32,
    /// The field separator.
    delimiter: u8,
}

impl CsvRows {
    /// Opens a CSV file: strips a UTF-8 BOM and refuses UTF-16 and binary content.
    pub fn open(path: &Path) -> Result<CsvRows, FileError> {
        CsvRows::open_with_delimiter(path, b',')
    }

    /// Opens a CSV file whose fields are separated by `delimiter` (`,` or `;`).
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
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let reader = csv_reader(path, 0, delimiter)?;
        let bom = {
            let mut head = [0u8; 3];
            File::open(path)
                .and_then(|mut f| f.read(&mut head))
                .map(|n| n == 3 && head == *b"\xEF\xBB\xBF")
                .unwrap_or(false)
        };
        Ok(CsvRows {
            path: path.to_path_buf(),
            read_path: path.to_path_buf(),
            _transcoded: None,
            normalizer: crate::dialect::Normalizer::default(),
            reader,
            record: csv::ByteRecord::new(),
            width: 0,
            size,
            base_byte: if bom { 3 } else { 0 },
            base_line: 0,
            damaged: 0,
            delimiter,
        })
    }

    /// Opens a CSV file in its dialect (see [`crate::dialect`]): the encoding (a
    /// Windows-1252 file is read from a UTF-8 copy in a temporary file), the field
    /// separator, the decimal separator and each date column's order, detected from the
    /// file unless `opts` forces them; `default` is the dataset's documented date order
    /// for columns whose dates stay ambiguous (`default_words` says whose). Reads the
    /// file once more than a plain open, to gather the evidence (memory stays bounded:
    /// counts per column only).
    pub fn open_dialect(
        path: &Path,
        opts: &crate::dialect::DialectOptions,
        default: crate::dialect::DateOrder,
        default_words: &str,
    ) -> Result<(CsvRows, crate::dialect::Dialect), FileError> {
        use crate::dialect;
        // Refuse what is no CSV text at all before looking further.
        CsvRows::open_with_delimiter(path, b',')?;
        let (encoding, bom, encoding_basis) = match opts.encoding {
            Some(e) => {
                let (_, bom, _) = dialect::detect_encoding(path)?;
                (e, bom, "--encoding".to_string())
            }
            None => dialect::detect_encoding(path)?,
        };
        let transcoded = match encoding {
            dialect::Encoding::Windows1252 => {
                Some(std::sync::Arc::new(dialect::transcode_to_temp(path)?))
            }
            dialect::Encoding::Utf8 => None,
        };
        let read_path = transcoded
            .as_ref()
            .map(|t| t.path().to_path_buf())
            .unwrap_or_else(|| path.to_path_buf());
        let (delimiter, delimiter_basis) = match opts.delimiter {
            Some(d) => (d, "--delimiter".to_string()),
            None => dialect::sniff_delimiter(&read_path)?,
        };
        let open = |rp: &Path| -> Result<CsvRows, FileError> {
            let mut r = CsvRows::open_with_delimiter(rp, delimiter)?;
            r.path = path.to_path_buf();
            r.read_path = rp.to_path_buf();
            r._transcoded = transcoded.clone();
            Ok(r)
        };
        // The evidence: every cell of every readable record.
        let mut evidence = dialect::Evidence::default();
        let mut scan = open(&read_path)?;
        while let Some(item) = scan.next_item()? {
            if let Ok(row) = item {
                if scan.width == 0 {
                    // Past the first row, a byte that is not UTF-8 costs its record only.
                    scan.width = row.cells.len().max(1);
                }
                evidence.see(&row.cells);
            }
        }
        drop(scan);
        let (decimal_comma, decimal_basis, dates) =
            evidence.decide(opts.date_order, default, default_words);
        let d = dialect::Dialect {
            encoding,
            encoding_basis,
            bom,
            delimiter: (delimiter as char).to_string(),
            delimiter_basis,
            decimal_comma,
            decimal_basis,
            dates,
        };
        let mut rows = open(&read_path)?;
        rows.normalizer = dialect::Normalizer::from_dialect(&d);
        Ok((rows, d))
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.base_byte + self.reader.get_ref().bytes
    }

    /// The next row, decoded as UTF-8.
    pub fn next_row(&mut self) -> Result<Option<Row>, FileError> {
        match self.next_item()? {
            None => Ok(None),
            Some(Ok(row)) => Ok(Some(row)),
            Some(Err(d)) => Err(FileError::new(
                &self.path,
                format!("line {}: {}", d.line, d.reason),
            )),
        }
    }

    /// The next row or damaged record.
    pub fn next_item(&mut self) -> Result<Option<Item>, FileError> {
        // Where the next record starts, in this reader's bytes: what a damaged record
        // that the csv crate cannot hand out is reported at.
        let next_start = self.reader.position().byte();
        let more = match self.reader.read_byte_record(&mut self.record) {
            Ok(more) => more,
            Err(e) => {
                let line = self.base_line + self.reader.get_mut().line_of(next_start);
                let reason = match e.into_kind() {
                    csv::ErrorKind::Io(io) => io.to_string(),
                    other => format!("{other:?}"),
                };
                return self.damage(next_start, line, reason).map(Some);
            }
        };
        if !more {
            return Ok(None);
        }
        let rel = self.record.position().map(|p| p.byte()).unwrap_or(0);
        // The csv crate miscounts lines of CRLF files; count them from byte offsets.
        let line = self.base_line + self.reader.get_mut().line_of(rel);
        let (at_end, open_quote, ends_with_newline) = {
            let end = self.reader.position().byte();
            let g = self.reader.get_ref();
            (
                g.eof && end >= g.bytes,
                g.quoting == Quoting::Quoted,
                matches!(g.last, Some(b'\n') | Some(b'\r')),
            )
        };
        let spans_lines = self.record.iter().any(|f| f.contains(&b'\n'));
        if at_end && open_quote {
            return self
                .damage(
                    rel,
                    line,
                    format!(
                        "truncated: a quoted field opened here is still open at the end of the file (byte {})",
                        self.position()
                    ),
                )
                .map(Some);
        }
        if self.width > 0 && spans_lines && self.swallowed_lines() {
            return self
                .damage(
                    rel,
                    line,
                    format!(
                        "a quoted field runs over several lines and leaves {} columns where the header has {} (a stray quote?)",
                        self.record.len(),
                        self.width
                    ),
                )
                .map(Some);
        }
        if at_end
            && !ends_with_newline
            && self.width > 0
            && !self.record.is_empty()
            && self.record.len() < self.width
        {
            return Ok(Some(Err(Damaged {
                line,
                reason: format!(
                    "truncated: the last line has {} of {} columns and no final newline",
                    self.record.len(),
                    self.width
                ),
            })));
        }
        let mut cells = Vec::with_capacity(self.record.len());
        for (i, field) in self.record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => cells.push(s.to_string()),
                Err(e) => {
                    let reason = format!(
                        "column {}: not valid UTF-8 (near byte {}); re-save the file as UTF-8, or pass --encoding windows-1252",
                        i + 1,
                        self.base_byte + rel + e.valid_up_to() as u64
                    );
                    if self.width == 0 {
                        // The header itself: the file is in another encoding.
                        return Err(FileError::new(&self.path, format!("line {line}, {reason}")));
                    }
                    return self.count_damage(Damaged { line, reason }).map(Some);
                }
            }
        }
        let mut original = Vec::new();
        if !self.normalizer.is_identity() {
            for (i, c) in cells.iter_mut().enumerate() {
                if let Some(n) = self.normalizer.cell(i, c) {
                    original.push((i, std::mem::replace(c, n)));
                }
            }
        }
        Ok(Some(Ok(Row {
            line,
            cells,
            original,
        })))
    }

    /// Whether a record spanning lines looks like lines swallowed by a stray quote rather
    /// than a quoted multi-line value: the column count is off, or a continuation line
    /// holds a whole record's worth of commas.
    fn swallowed_lines(&self) -> bool {
        if self.record.len() != self.width {
            return true;
        }
        let commas = self.width.saturating_sub(1).max(3);
        self.record.iter().any(|f| {
            f.split(|&b| b == b'\n')
                .skip(1)
                .any(|l| l.iter().filter(|&&b| b == self.delimiter).count() >= commas)
        })
    }

    fn count_damage(&mut self, d: Damaged) -> Result<Item, FileError> {
        self.damaged += 1;
        if self.damaged > MAX_DAMAGED {
            return Err(FileError::new(
                &self.path,
                format!(
                    "line {}: more than {MAX_DAMAGED} damaged records; not a CSV file ruta can read",
                    d.line
                ),
            ));
        }
        Ok(Err(d))
    }

    /// Reports the record starting at `rel` (this reader's bytes) as damaged, and goes on
    /// reading at the line after the one it starts on.
    fn damage(&mut self, rel: u64, line: u64, reason: String) -> Result<Item, FileError> {
        let item = self.count_damage(Damaged { line, reason })?;
        let start = self.base_byte + rel;
        let resume = next_line_start(&self.read_path, start)?;
        self.reader = csv_reader(&self.read_path, resume, self.delimiter)?;
        self.base_byte = resume;
        self.base_line = line;
        Ok(item)
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
    crate::xlsx::check(path)?;
    let wb: Xlsx<_> = open_workbook(path)
        .map_err(|e| FileError::new(path, format!("not a readable XLSX workbook: {e}")))?;
    Ok(wb.sheet_names().to_vec())
}

/// The offset just after the newline that ends the line holding byte `at` (a record of a
/// CRLF file may start at the `\n` ending the line before it, which does not count).
fn next_line_start(path: &Path, at: u64) -> Result<u64, FileError> {
    use std::io::{BufRead, Seek, SeekFrom};
    let mut f = File::open(path).map_err(|e| FileError::new(path, e.to_string()))?;
    f.seek(SeekFrom::Start(at))
        .map_err(|e| FileError::new(path, e.to_string()))?;
    let mut r = BufReader::with_capacity(1 << 16, f);
    let mut pos = at;
    let mut first = true;
    loop {
        let buf = r
            .fill_buf()
            .map_err(|e| FileError::new(path, e.to_string()))?;
        if buf.is_empty() {
            return Ok(pos);
        }
        let skip = usize::from(first && buf[0] == b'\n');
        first = false;
        if let Some(i) = buf[skip..].iter().position(|&b| b == b'\n') {
            return Ok(pos + (skip + i + 1) as u64);
        }
        let n = buf.len();
        r.consume(n);
        pos += n as u64;
    }
}

pub use crate::xlsx::XlsxRows;

/// Formats an Excel serial date (1900 date system) as YYYY-MM-DD.
pub fn excel_serial_to_date(serial: f64) -> Option<String> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    // Serial 25569 is 1970-01-01; Excel's phantom 1900-02-29 only affects serials < 61.
    let days = serial.floor() as i64 - 25_569;
    Some(ruta_core::text::iso_date_from_days(days))
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
            Rows::Xlsx(x) => x.next_row(),
        }
    }

    /// The next row, or a record lost to byte-level damage (CSV).
    pub fn next_item(&mut self) -> Result<Option<Item>, FileError> {
        match self {
            Rows::Csv(c) => c.next_item(),
            Rows::Xlsx(x) => Ok(x.next_row()?.map(Ok)),
        }
    }

    pub fn set_width(&mut self, w: usize) {
        match self {
            Rows::Csv(c) => c.width = w,
            Rows::Xlsx(x) => x.width = w,
        }
    }

    /// Progress as (done, total) in bytes (CSV) or rows (XLSX, as the sheet declares).
    pub fn progress(&self) -> (u64, u64) {
        match self {
            Rows::Csv(c) => (c.position(), c.size),
            Rows::Xlsx(x) => (x.done, x.declared_rows),
        }
    }

    /// Opens a CSV (plain UTF-8 and `,`) or, for ZIP content, an XLSX sheet.
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

    /// Opens a CSV in its dialect ([`CsvRows::open_dialect`]) or, for ZIP content, the
    /// XLSX sheet `xlsx_sheet` (cells there are typed: no dialect). Returns the dialect
    /// of a CSV file.
    pub fn open_with(
        path: &Path,
        xlsx_sheet: Option<&str>,
        opts: &crate::dialect::DialectOptions,
        default: crate::dialect::DateOrder,
        default_words: &str,
    ) -> Result<(Rows, Option<crate::dialect::Dialect>), FileError> {
        if sniff(path)? == Sniffed::Zip {
            return Ok((Rows::open(path, xlsx_sheet)?, None));
        }
        let (rows, d) = CsvRows::open_dialect(path, opts, default, default_words)?;
        Ok((Rows::Csv(Box::new(rows)), Some(d)))
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
