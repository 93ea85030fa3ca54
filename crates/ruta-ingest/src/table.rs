//! Header handling: column names as files write them ("Amount.(Constant.USD.2021)",
//! "Amount (Constant USD 2021)", "usd_defl_2014") normalised so one alias list finds a
//! column in every layout.

use crate::Problem;
use crate::input::Row;
use std::collections::HashMap;
use std::path::Path;

/// Lower case, `.` and `_` as spaces, typographic apostrophes as `'`, spaces collapsed.
pub fn normalize(h: &str) -> String {
    let h = h.trim_start_matches('\u{feff}');
    let mut out = String::with_capacity(h.len());
    for c in h.chars() {
        let c = match c {
            '.' | '_' => ' ',
            '’' | '‘' => '\'',
            c => c,
        };
        for l in c.to_lowercase() {
            out.push(l);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A file's header row.
#[derive(Debug, Clone)]
pub struct Header {
    pub names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Header {
    pub fn new(cells: &[String]) -> Header {
        let mut index = HashMap::new();
        for (i, c) in cells.iter().enumerate() {
            index.entry(normalize(c)).or_insert(i);
        }
        Header {
            names: cells.iter().map(|c| c.trim().to_string()).collect(),
            index,
        }
    }

    /// The first column matching one of the (already normalised) aliases.
    pub fn find(&self, aliases: &[&str]) -> Option<usize> {
        aliases.iter().find_map(|a| self.index.get(*a).copied())
    }

    pub fn has(&self, alias: &str) -> bool {
        self.index.contains_key(alias)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Columns that no mapper used, for attributes.
    pub fn normalized(&self, col: usize) -> String {
        normalize(&self.names[col])
    }
}

/// One row seen through its header, able to name its cells in problems.
pub struct Cells<'a> {
    pub row: &'a Row,
    pub header: &'a Header,
    pub file: &'a Path,
    /// The workbook sheet the row is on (None for CSV).
    pub sheet: Option<&'a str>,
}

impl<'a> Cells<'a> {
    /// The trimmed text of a column ("" when absent).
    pub fn get(&self, col: Option<usize>) -> &'a str {
        col.and_then(|c| self.row.cells.get(c))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    /// Some(text) when the column has a non-empty value.
    pub fn opt(&self, col: Option<usize>) -> Option<&'a str> {
        let v = self.get(col);
        if v.is_empty() { None } else { Some(v) }
    }

    pub fn column_name(&self, col: Option<usize>) -> String {
        col.and_then(|c| self.header.names.get(c))
            .cloned()
            .unwrap_or_default()
    }

    /// A problem with this row's column.
    pub fn problem(&self, col: Option<usize>, reason: impl Into<String>) -> Problem {
        let mut value: String = self.get(col).chars().take(80).collect();
        if self.get(col).chars().count() > 80 {
            value.push('…');
        }
        Problem {
            file: self.file.display().to_string(),
            line: self.row.line,
            column: col.map(|c| self.column_name(Some(c))),
            value: if col.is_some() { Some(value) } else { None },
            reason: reason.into(),
        }
    }

    /// Parses an optional cell, turning a refusal into a problem.
    pub fn parse<T>(
        &self,
        col: Option<usize>,
        f: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, Problem> {
        match self.opt(col) {
            None => Ok(None),
            Some(v) => f(v).map(Some).map_err(|r| self.problem(col, r)),
        }
    }

    /// The source for this row as a record of `dataset`: located in the file (base
    /// name), sheet and line the row starts on.
    pub fn dataset_source(
        &self,
        dataset: &str,
        version: &str,
        record_id: &str,
        title: Option<String>,
    ) -> ruta_core::Source {
        ruta_core::Source::dataset_record(dataset, version, record_id, title).located(
            self.file,
            self.sheet,
            self.row.line,
        )
    }

    /// A locator for claims: "line 12, column 'Title'" (the file is named by the
    /// source).
    pub fn locator(&self, col: Option<usize>) -> String {
        match col {
            Some(c) => format!(
                "line {}, column '{}'",
                self.row.line,
                self.column_name(Some(c))
            ),
            None => format!("line {}", self.row.line),
        }
    }

    /// The amount claim of a table that states US dollars in millions (AEI, BU): the
    /// cell's text is the quote, its line and column the locator.
    pub fn usd_millions_claim(
        &self,
        col: Option<usize>,
        millions: f64,
        year: i32,
        source: &str,
        qualifier: &str,
    ) -> ruta_core::Claim {
        ruta_core::Claim {
            field: "amount".into(),
            value: ruta_core::ClaimValue::Money(ruta_core::money::Money::derive(
                millions * 1e6,
                "USD",
                Some(year),
            )),
            source: source.to_string(),
            locator: Some(self.locator(col)),
            span: None,
            quote: Some(self.get(col).to_string()),
            confidence: 1.0,
            qualifier: Some(qualifier.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_normalise_to_the_same_name() {
        assert_eq!(
            normalize("Amount.(Constant.USD.2021)"),
            "amount (constant usd 2021)"
        );
        assert_eq!(
            normalize(" Amount (Constant USD 2021) "),
            "amount (constant usd 2021)"
        );
        assert_eq!(normalize("Recipient.ISO-3"), "recipient iso-3");
        assert_eq!(
            normalize("Supplier’s Credit/Export Seller’s Credit"),
            "supplier's credit/export seller's credit"
        );
        assert_eq!(normalize("\u{feff}AidData Record ID"), "aiddata record id");
        assert_eq!(normalize("Region "), "region");
    }
}
