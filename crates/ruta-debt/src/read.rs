//! What the readers share: one error type that names the file, the line, the column and
//! the reason, and the CSV plumbing that produces it.

use std::io::Read;

/// A row the readers could not take, located in its file.
///
/// `line` is 1-based and counts physical lines, so a quoted field that spans lines moves
/// the count as a text editor would. `column` is the header name when the problem is
/// one cell.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}{}: {reason}{}", column_part(.column), value_part(.value))]
pub struct ReadError {
    /// The name the caller gave the input (usually its path).
    pub file: String,
    /// 1-based line where the record starts (0 when the input could not be read at all).
    pub line: u64,
    /// Header name of the offending column, when one cell is at fault.
    pub column: Option<String>,
    /// The offending value as it stands in the file.
    pub value: Option<String>,
    /// Why the value or row was refused.
    pub reason: String,
}

fn column_part(c: &Option<String>) -> String {
    c.as_ref()
        .map(|c| format!(": column '{c}'"))
        .unwrap_or_default()
}

fn value_part(v: &Option<String>) -> String {
    v.as_ref()
        .map(|v| {
            let short: String = v.chars().take(60).collect();
            format!(" (value '{short}')")
        })
        .unwrap_or_default()
}

impl ReadError {
    pub(crate) fn row(file: &str, line: u64, reason: impl Into<String>) -> ReadError {
        ReadError {
            file: file.to_string(),
            line,
            column: None,
            value: None,
            reason: reason.into(),
        }
    }

    pub(crate) fn cell(
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        reason: impl Into<String>,
    ) -> ReadError {
        ReadError {
            file: file.to_string(),
            line,
            column: Some(column.to_string()),
            value: Some(value.to_string()),
            reason: reason.into(),
        }
    }
}

/// A CSV reader over any `Read`: headers on, flexible row lengths (checked by the caller),
/// a UTF-8 byte-order mark skipped.
pub(crate) fn csv_reader<R: Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(r)
}

/// Turns a csv error into a located `ReadError`.
pub(crate) fn csv_error(file: &str, e: &csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    };
    ReadError::row(file, line, reason)
}

/// The header row, with a leading byte-order mark removed from the first name.
pub(crate) fn headers<R: Read>(
    rdr: &mut csv::Reader<R>,
    file: &str,
) -> Result<Vec<String>, ReadError> {
    let h = rdr.headers().map_err(|e| csv_error(file, &e))?;
    if h.is_empty() || h.iter().all(|c| c.trim().is_empty()) {
        return Err(ReadError::row(file, 1, "empty input: no header row"));
    }
    Ok(h.iter()
        .enumerate()
        .map(|(i, c)| {
            let c = if i == 0 {
                c.trim_start_matches('\u{feff}')
            } else {
                c
            };
            c.trim().to_string()
        })
        .collect())
}

/// A header name folded for matching: lower case, letters and digits only, so
/// "Commitment Date (MM/DD/YYYY)", "commitment_date_mm_dd_yyyy" and
/// "Commitment.Date" meet.
pub(crate) fn fold_name(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Index of the first header whose folded name is one of `names` (already folded).
pub(crate) fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    let folded: Vec<String> = headers.iter().map(|h| fold_name(h)).collect();
    names
        .iter()
        .find_map(|n| folded.iter().position(|h| h == n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_file_line_column_and_value() {
        let e = ReadError::cell("ids.csv", 12, "year", "20x9", "not a year");
        assert_eq!(
            e.to_string(),
            "ids.csv:12: column 'year': not a year (value '20x9')"
        );
        let e = ReadError::row("gdp.csv", 3, "row has 2 fields, header has 4");
        assert_eq!(e.to_string(), "gdp.csv:3: row has 2 fields, header has 4");
    }

    #[test]
    fn folds_header_spellings_together() {
        assert_eq!(
            fold_name("Commitment Date (MM/DD/YYYY)"),
            "commitmentdatemmddyyyy"
        );
        assert_eq!(
            fold_name("grant_element_imf"),
            fold_name("Grant Element (IMF)")
        );
        let h = vec!["\u{feff}a".to_string(), "Interest Rate".to_string()];
        assert_eq!(find(&h, &["interestrate"]), Some(1));
        assert_eq!(find(&h, &["maturity"]), None);
    }
}
