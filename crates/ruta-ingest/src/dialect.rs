//! CSV dialects: how a file saved by a program in some locale writes its text, its field
//! separator, its numbers and its dates, detected from the file's own evidence.
//!
//! Every CSV importer reads through this module ([`crate::input::Rows::open_with`]), in
//! this order:
//!
//! 1. **Encoding.** A UTF-8 byte-order mark, or bytes that are all valid UTF-8, mean
//!    UTF-8. Otherwise the whole file is scanned: bytes that are not UTF-8 and no (or
//!    fewer) valid multi-byte UTF-8 characters mean **Windows-1252** (the superset of
//!    Latin-1 that Excel on Windows writes: `è` is one byte `0xE8`, `’` is `0x92`); the
//!    file is transcoded to UTF-8 in a temporary file (never in memory) and read from
//!    there. A UTF-8 file with a few damaged bytes among valid multi-byte characters
//!    stays UTF-8, and each damaged record costs only itself (see [`crate::input`]).
//! 2. **Field separator.** Among `,`, `;` and tab, the one that splits the first 50
//!    lines (outside quotes) most consistently: the count seen on the most lines, then
//!    the larger count. A file with none of them is `,`.
//! 3. **Decimal separator.** Cells that can only be decimal-comma numbers (`1.234,5`,
//!    `2,75`, `0,5`) against cells that can only be decimal-point numbers (`1,234.5`,
//!    `2.75`, `2019.0`); `1,234` and `1.234` say nothing. More of the first kind means a
//!    **decimal comma**, and every cell that is wholly a number in that form is rewritten
//!    to ruta's form (`1.234,5` → `1234.5`, `$1.420` → `$1420`) before any importer sees
//!    it; the cell as written stays the claim's quote.
//! 4. **Date order**, per column: cells `d/m/yyyy` (or with `.` or `-`) whose first
//!    number is over 12 are day-first evidence, whose second is over 12 month-first
//!    evidence. A column with evidence one way only follows it; a column with none
//!    (every date ambiguous, like `11/10/2001`) or with both follows the dataset's
//!    documented default ([`crate::Kind::default_date_order`]: AidData writes
//!    MM/DD/YYYY), and the summary says so. Dates of a decided column are rewritten to
//!    `YYYY-MM-DD`; a date impossible in its column's order (`31/02/2001`) is left as
//!    written, and the importer reports it and leaves that field empty.
//!
//! `--encoding`, `--delimiter` and `--date-order` override steps 1, 2 and 4
//! ([`DialectOptions`]); `--dry-run` prints the [`Dialect`] found.

use crate::input::{FileError, MAX_LINE_BYTES};
use regex::Regex;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

/// A text encoding ruta reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    /// Windows-1252, the superset of ISO-8859-1 (Latin-1) that Excel writes on Windows.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl Encoding {
    /// Accepted spellings: `utf-8`, `utf8`, `windows-1252`, `cp1252`, `latin-1`,
    /// `latin1`, `iso-8859-1` (Latin-1 is read as Windows-1252, its superset).
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => {
                Some(Encoding::Windows1252)
            }
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252 (Latin-1)",
        }
    }
}

/// The order of day and month in dates written `nn/nn/yyyy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: 23/05/2001 (Latin America, Spain, Portugal, Brazil, most of Europe).
    Dmy,
    /// Month first: 05/23/2001 (the United States; AidData's MM/DD/YYYY headers).
    Mdy,
}

impl DateOrder {
    /// `dmy` or `mdy`.
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" | "day-first" | "dd/mm/yyyy" => Some(DateOrder::Dmy),
            "mdy" | "month-first" | "mm/dd/yyyy" => Some(DateOrder::Mdy),
            _ => None,
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day-first (dd/mm/yyyy)",
            DateOrder::Mdy => "month-first (mm/dd/yyyy)",
        }
    }
}

/// What a user forces (`--encoding`, `--delimiter`, `--date-order`); None = detect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DialectOptions {
    pub encoding: Option<Encoding>,
    /// `,`, `;` or tab.
    pub delimiter: Option<u8>,
    pub date_order: Option<DateOrder>,
}

/// How one column's dates were read.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DateColumn {
    /// 0-based column index.
    pub column: usize,
    /// The header's name for it (filled in once the header is known).
    pub name: String,
    pub order: DateOrder,
    /// Why: the evidence, the override, or the dataset's default.
    pub basis: String,
    /// Dates whose first number is over 12, whose second is, and neither.
    pub day_first: u64,
    pub month_first: u64,
    pub ambiguous: u64,
    /// Whether the order came from the dataset's default (no or mixed evidence).
    pub defaulted: bool,
}

/// The dialect ruta read a CSV file in, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Dialect {
    pub encoding: Encoding,
    pub encoding_basis: String,
    /// The file starts with a UTF-8 byte-order mark.
    pub bom: bool,
    /// `,`, `;` or `\t`.
    pub delimiter: String,
    pub delimiter_basis: String,
    pub decimal_comma: bool,
    pub decimal_basis: String,
    /// Columns holding `nn/nn/yyyy` dates.
    pub dates: Vec<DateColumn>,
}

impl Dialect {
    /// The delimiter as a byte.
    pub fn delimiter_byte(&self) -> u8 {
        self.delimiter.as_bytes().first().copied().unwrap_or(b',')
    }

    fn delimiter_words(&self) -> &'static str {
        match self.delimiter_byte() {
            b';' => "';'",
            b'\t' => "tab",
            _ => "','",
        }
    }

    /// What is worth saying in a one-line summary: anything but plain UTF-8, `,`, a
    /// decimal point and dates decided by their own evidence. Empty when nothing is.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.encoding != Encoding::Utf8 {
            out.push(format!("read as {}", self.encoding.as_str()));
        }
        if self.delimiter_byte() != b',' {
            out.push(format!("{}-separated", self.delimiter_words()));
        }
        if self.decimal_comma {
            out.push("decimal comma".into());
        }
        for d in &self.dates {
            if d.defaulted {
                out.push(format!(
                    "dates in '{}' read {} ({})",
                    d.name,
                    d.order.words(),
                    d.basis
                ));
            } else if d.order == DateOrder::Dmy {
                out.push(format!("dates in '{}' read day-first", d.name));
            }
        }
        out
    }

    /// Every detection with its basis, one per line (`--dry-run`).
    pub fn describe(&self) -> Vec<String> {
        let mut out = vec![
            format!(
                "encoding: {}{} ({})",
                self.encoding.as_str(),
                if self.bom { ", with BOM" } else { "" },
                self.encoding_basis
            ),
            format!(
                "delimiter: {} ({})",
                self.delimiter_words(),
                self.delimiter_basis
            ),
            format!(
                "decimal separator: {} ({})",
                if self.decimal_comma { "comma" } else { "point" },
                self.decimal_basis
            ),
        ];
        if self.dates.is_empty() {
            out.push("dates: no column writes dates as nn/nn/yyyy".into());
        }
        for d in &self.dates {
            out.push(format!(
                "dates in '{}': {} ({})",
                d.name,
                d.order.words(),
                d.basis
            ));
        }
        out
    }
}

/// The encoding of a file and why, from its bytes (see the module documentation).
pub fn detect_encoding(path: &Path) -> Result<(Encoding, bool, String), FileError> {
    let f = File::open(path).map_err(|e| FileError::new(path, format!("cannot open: {e}")))?;
    let mut r = BufReader::with_capacity(1 << 20, f);
    let mut bom = false;
    let mut first = true;
    let (mut valid_multibyte, mut invalid) = (0u64, 0u64);
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let buf = r
            .fill_buf()
            .map_err(|e| FileError::new(path, format!("cannot read: {e}")))?;
        if buf.is_empty() {
            // A sequence cut by the end of the file is not UTF-8.
            if !carry.is_empty() {
                invalid += 1;
            }
            break;
        }
        let n = buf.len();
        let mut chunk = std::mem::take(&mut carry);
        chunk.extend_from_slice(buf);
        r.consume(n);
        let mut at = 0;
        if first {
            first = false;
            if chunk.starts_with(b"\xEF\xBB\xBF") {
                bom = true;
                at = 3;
            }
        }
        while at < chunk.len() {
            match std::str::from_utf8(&chunk[at..]) {
                Ok(s) => {
                    valid_multibyte += s.bytes().filter(|b| b & 0xC0 == 0xC0).count() as u64;
                    at = chunk.len();
                }
                Err(e) => {
                    let good = &chunk[at..at + e.valid_up_to()];
                    valid_multibyte += good.iter().filter(|b| *b & 0xC0 == 0xC0).count() as u64;
                    match e.error_len() {
                        Some(k) => {
                            invalid += 1;
                            at += e.valid_up_to() + k;
                        }
                        None => {
                            // Incomplete at the end of the chunk: finish it with the next.
                            carry = chunk[at + e.valid_up_to()..].to_vec();
                            at = chunk.len();
                        }
                    }
                }
            }
        }
    }
    Ok(if bom {
        (Encoding::Utf8, true, "UTF-8 byte-order mark".into())
    } else if invalid == 0 {
        (Encoding::Utf8, false, "every byte is valid UTF-8".into())
    } else if valid_multibyte == 0 || invalid > valid_multibyte {
        (
            Encoding::Windows1252,
            false,
            format!(
                "{invalid} bytes are not UTF-8 and {valid_multibyte} characters are: a Windows-1252 file"
            ),
        )
    } else {
        (
            Encoding::Utf8,
            false,
            format!(
                "{valid_multibyte} UTF-8 characters and {invalid} damaged bytes: UTF-8, damaged records reported"
            ),
        )
    })
}

/// Writes a Windows-1252 file as UTF-8 to a new temporary file, streaming (line
/// numbers are unchanged: every byte is one character and newlines stay newlines).
pub fn transcode_to_temp(path: &Path) -> Result<tempfile::NamedTempFile, FileError> {
    let fail = |e: std::io::Error| FileError::new(path, format!("cannot transcode: {e}"));
    let mut input = BufReader::with_capacity(
        1 << 20,
        File::open(path).map_err(|e| FileError::new(path, format!("cannot open: {e}")))?,
    );
    let tmp = tempfile::Builder::new()
        .prefix("ruta-utf8-")
        .suffix(".csv")
        .tempfile()
        .map_err(fail)?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file());
        let mut decoder = encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling();
        let mut inbuf = vec![0u8; 1 << 16];
        // Windows-1252 takes at most 3 UTF-8 bytes per byte.
        let mut outbuf = vec![0u8; 3 * (1 << 16) + 16];
        loop {
            let n = input.read(&mut inbuf).map_err(fail)?;
            let last = n == 0;
            let (_, _, written, _) = decoder.decode_to_utf8(&inbuf[..n], &mut outbuf, last);
            out.write_all(&outbuf[..written]).map_err(fail)?;
            if last {
                break;
            }
        }
        out.flush().map_err(fail)?;
    }
    Ok(tmp)
}

/// The field separator of a (UTF-8) CSV file and why (see the module documentation).
pub fn sniff_delimiter(path: &Path) -> Result<(u8, String), FileError> {
    let f = File::open(path).map_err(|e| FileError::new(path, format!("cannot open: {e}")))?;
    let mut r = BufReader::new(f.take((MAX_LINE_BYTES as u64).min(4 << 20)));
    let mut head = Vec::new();
    let mut lines = 0;
    loop {
        let before = head.len();
        let n = r
            .read_until(b'\n', &mut head)
            .map_err(|e| FileError::new(path, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        if head[before..].iter().any(|b| !b.is_ascii_whitespace()) {
            lines += 1;
        }
        if lines >= 50 {
            break;
        }
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let mut best: Option<(usize, usize, u8)> = None;
    for d in [b',', b';', b'\t'] {
        let counts = per_line_counts(head, d);
        let mut freq: BTreeMap<usize, usize> = BTreeMap::new();
        for c in counts.into_iter().filter(|c| *c > 0) {
            *freq.entry(c).or_default() += 1;
        }
        if let Some((count, lines)) = freq.iter().max_by_key(|(c, n)| (**n, **c)) {
            let cand = (*lines, *count, d);
            if best.is_none_or(|b| (cand.0, cand.1) > (b.0, b.1)) {
                best = Some(cand);
            }
        }
    }
    Ok(match best {
        Some((lines, count, d)) => (
            d,
            format!("{count} per line on {lines} of the first lines, more regular than the others"),
        ),
        None => (b',', "no ',', ';' or tab in the first lines: ','".into()),
    })
}

/// How many times `d` occurs outside quotes on each line (a quoted field spanning lines
/// counts on the line where the record started).
fn per_line_counts(text: &[u8], d: u8) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut quoted, mut n, mut any) = (false, 0usize, false);
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if any {
                    out.push(n);
                }
                n = 0;
                any = false;
                continue;
            }
            _ if b == d && !quoted => n += 1,
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            any = true;
        }
    }
    if any {
        out.push(n);
    }
    out
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

fn comma_decimal() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^[-+]?(?:US\$|\$)?\s*(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,\d{1,2}|\d+,\d{4,}|0,\d+)\s*%?$",
    )
}

fn point_decimal() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^[-+]?(?:US\$|\$)?\s*(?:\d{1,3}(?:,\d{3})+\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}|0\.\d+)\s*%?$",
    )
}

/// A whole cell that is a number written with a decimal comma (thousands as dots).
fn comma_number() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^(\s*[-+]?(?:US\$|\$)?\s*)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(\s*%?\s*)$",
    )
}

fn dmy_date() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$",
    )
}

/// Evidence gathered over a file's cells.
#[derive(Debug, Default)]
pub struct Evidence {
    comma: u64,
    point: u64,
    /// Per column: (day-first, month-first, ambiguous) date counts.
    dates: BTreeMap<usize, (u64, u64, u64)>,
}

impl Evidence {
    /// Looks at one row's cells.
    pub fn see(&mut self, cells: &[String]) {
        for (i, c) in cells.iter().enumerate() {
            let t = c.trim();
            if t.is_empty() || t.len() > 40 {
                continue;
            }
            if t.as_bytes()[0].is_ascii_digit()
                && let Some(m) = dmy_date().captures(t)
            {
                let a: u32 = m[1].parse().unwrap_or(0);
                let b: u32 = m[2].parse().unwrap_or(0);
                let e = self.dates.entry(i).or_default();
                match (a > 12, b > 12) {
                    (true, false) => e.0 += 1,
                    (false, true) => e.1 += 1,
                    (false, false) => e.2 += 1,
                    (true, true) => {}
                }
                continue;
            }
            if comma_decimal().is_match(t) {
                self.comma += 1;
            } else if point_decimal().is_match(t) {
                self.point += 1;
            }
        }
    }

    /// Decides the decimal separator and each date column's order.
    pub fn decide(
        &self,
        forced: Option<DateOrder>,
        default: DateOrder,
        default_words: &str,
    ) -> (bool, String, Vec<DateColumn>) {
        let decimal_comma = self.comma > self.point;
        let decimal_basis = if self.comma == 0 && self.point == 0 {
            "no number says: point".to_string()
        } else {
            format!(
                "{} cells can only be decimal-comma numbers, {} only decimal-point ones",
                self.comma, self.point
            )
        };
        let mut dates = Vec::new();
        for (&column, &(dmy, mdy, amb)) in &self.dates {
            let (order, basis, defaulted) = if let Some(o) = forced {
                (o, "--date-order".to_string(), false)
            } else if dmy > 0 && mdy == 0 {
                (
                    DateOrder::Dmy,
                    format!("{dmy} dates have a day over 12 first"),
                    false,
                )
            } else if mdy > 0 && dmy == 0 {
                (
                    DateOrder::Mdy,
                    format!("{mdy} dates have a day over 12 second"),
                    false,
                )
            } else if dmy > 0 && mdy > 0 {
                (
                    default,
                    format!(
                        "mixed evidence ({dmy} day-first, {mdy} month-first): {default_words}; dates impossible in that order are reported"
                    ),
                    true,
                )
            } else {
                (
                    default,
                    format!("all {amb} dates ambiguous: {default_words}"),
                    true,
                )
            };
            dates.push(DateColumn {
                column,
                name: format!("column {}", column + 1),
                order,
                basis,
                day_first: dmy,
                month_first: mdy,
                ambiguous: amb,
                defaulted,
            });
        }
        (decimal_comma, decimal_basis, dates)
    }
}

/// Rewrites cells into ruta's forms: decimal-comma numbers with a decimal point, dates
/// of decided columns as `YYYY-MM-DD`.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    pub decimal_comma: bool,
    pub dates: BTreeMap<usize, DateOrder>,
}

impl Normalizer {
    pub fn from_dialect(d: &Dialect) -> Normalizer {
        Normalizer {
            decimal_comma: d.decimal_comma,
            dates: d.dates.iter().map(|c| (c.column, c.order)).collect(),
        }
    }

    pub fn is_identity(&self) -> bool {
        !self.decimal_comma && self.dates.is_empty()
    }

    /// The cell rewritten, or None when it stays as written.
    pub fn cell(&self, column: usize, cell: &str) -> Option<String> {
        if let Some(order) = self.dates.get(&column)
            && let Some(iso) = iso_date(cell, *order)
        {
            return Some(iso);
        }
        if self.decimal_comma {
            return decimal_comma_to_point(cell);
        }
        None
    }
}

/// `d/m/yyyy` (or `.`, `-`) in the given order as `YYYY-MM-DD`; None when the cell is
/// not such a date or the date is impossible in that order.
pub fn iso_date(cell: &str, order: DateOrder) -> Option<String> {
    let m = dmy_date().captures(cell)?;
    let a: u32 = m[1].parse().ok()?;
    let b: u32 = m[2].parse().ok()?;
    let y: i32 = m[3].parse().ok()?;
    let (d, mo) = match order {
        DateOrder::Dmy => (a, b),
        DateOrder::Mdy => (b, a),
    };
    (ruta_core::text::is_valid_date(y, mo, d) && (1900..=2100).contains(&y))
        .then(|| format!("{y:04}-{mo:02}-{d:02}"))
}

/// A whole-number cell written with a decimal comma and dotted thousands, in ruta's form
/// (`1.234,5` → `1234.5`, ` $\t1.420 ` → ` $\t1420 `); None when the cell is not one or
/// needs no change.
pub fn decimal_comma_to_point(cell: &str) -> Option<String> {
    if !cell.contains([',', '.']) {
        return None;
    }
    let m = comma_number().captures(cell)?;
    let int = m[2].replace('.', "");
    let mut out = format!("{}{int}", &m[1]);
    if let Some(frac) = m.get(3) {
        out.push('.');
        out.push_str(frac.as_str());
    }
    out.push_str(&m[4]);
    (out != cell).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_decimal_comma_form() {
        assert_eq!(decimal_comma_to_point("1.234,5").as_deref(), Some("1234.5"));
        assert_eq!(decimal_comma_to_point("2,75").as_deref(), Some("2.75"));
        assert_eq!(
            decimal_comma_to_point(" $\t1.420 ").as_deref(),
            Some(" $\t1420 ")
        );
        assert_eq!(
            decimal_comma_to_point("-12.345.678,09 %").as_deref(),
            Some("-12345678.09 %")
        );
        assert_eq!(decimal_comma_to_point("2019"), None);
        assert_eq!(decimal_comma_to_point("23.05.2001"), None);
        assert_eq!(decimal_comma_to_point("Ruta 5, km 3"), None);
        assert_eq!(decimal_comma_to_point("10%, 10%"), None);
    }

    #[test]
    fn dates_in_either_order() {
        assert_eq!(
            iso_date("23/05/2001", DateOrder::Dmy).as_deref(),
            Some("2001-05-23")
        );
        assert_eq!(iso_date("23/05/2001", DateOrder::Mdy), None);
        assert_eq!(
            iso_date("11/10/2001", DateOrder::Mdy).as_deref(),
            Some("2001-11-10")
        );
        assert_eq!(
            iso_date("11.10.2001 00:00", DateOrder::Dmy).as_deref(),
            Some("2001-10-11")
        );
        assert_eq!(iso_date("2001-10-11", DateOrder::Dmy), None);
    }

    #[test]
    fn evidence_decides_per_column() {
        let mut e = Evidence::default();
        for row in [
            ["11/10/2001", "05/06/2003", "1.234,5", "x"],
            ["23/05/2001", "07/08/2004", "2,75", "y"],
            ["01/02/2001", "12/31/2004", "3,0", "z"],
        ] {
            e.see(&row.map(String::from));
        }
        let (comma, _, dates) = e.decide(None, DateOrder::Mdy, "AidData's MM/DD/YYYY");
        assert!(comma);
        assert_eq!(dates.len(), 2);
        assert_eq!(
            (dates[0].order, dates[0].defaulted),
            (DateOrder::Dmy, false)
        );
        assert_eq!(
            (dates[1].order, dates[1].defaulted),
            (DateOrder::Mdy, false)
        );
        let mut amb = Evidence::default();
        amb.see(&["11/10/2001".to_string()]);
        let (_, _, d) = amb.decide(None, DateOrder::Mdy, "AidData's MM/DD/YYYY");
        assert!(d[0].defaulted && d[0].order == DateOrder::Mdy, "{d:?}");
        assert!(d[0].basis.contains("ambiguous"));
    }

    #[test]
    fn delimiters_by_regularity() {
        let semis = b"a;b;c;d\n1,5;2,25;x, y;z\n3;4;5;6\n";
        assert_eq!(per_line_counts(semis, b';'), vec![3, 3, 3]);
        assert_eq!(per_line_counts(semis, b','), vec![0, 3, 0]);
        assert_eq!(
            per_line_counts(b"\"a,b\",c\n\"x\ny\",z\n", b','),
            vec![1, 1]
        );
    }

    #[test]
    fn encodings_by_name() {
        assert_eq!(Encoding::parse("latin-1"), Some(Encoding::Windows1252));
        assert_eq!(Encoding::parse("UTF8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("ebcdic"), None);
        assert_eq!(DateOrder::parse("dmy"), Some(DateOrder::Dmy));
    }
}
