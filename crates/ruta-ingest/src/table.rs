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
    /// Cell texts that mean "no value" in this dataset (AidData writes `-` and `N/A`,
    /// How China Lends `NA`): [`Cells::get`] returns "" for them.
    pub missing: &'a [&'a str],
    /// Bad values of optional fields, left empty ([`Cells::optional`]).
    pub emptied: std::cell::RefCell<Vec<Problem>>,
}

/// What AidData's tables write for a missing value (`-` in How China Collateralizes,
/// `N/A`, `NA`, `#N/A` from spreadsheets).
pub const AIDDATA_MISSING: &[&str] = &["-", "–", "—", "N/A", "n/a", "NA", "#N/A", "null", "NULL"];

/// Words a subtotal row written into a table carries (English, Spanish, Portuguese,
/// French), compared after trimming, lower-casing and dropping a final `:`.
const TOTAL_WORDS: &[&str] = &[
    "total",
    "totals",
    "subtotal",
    "sub-total",
    "sub total",
    "grand total",
    "sum",
    "suma",
    "soma",
    "somme",
    "totales",
    "total general",
    "total geral",
];

impl<'a> Cells<'a> {
    /// A row of `file` (on `sheet`) seen through `header`, with no missing-value markers.
    pub fn new(row: &'a Row, header: &'a Header, file: &'a Path, sheet: Option<&'a str>) -> Self {
        Cells {
            row,
            header,
            file,
            sheet,
            missing: &[],
            emptied: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// The same, with the dataset's missing-value markers.
    pub fn with_missing(mut self, missing: &'a [&'a str]) -> Self {
        self.missing = missing;
        self
    }

    /// The trimmed text of a column ("" when absent, empty or a missing-value marker).
    pub fn get(&self, col: Option<usize>) -> &'a str {
        let v = col
            .and_then(|c| self.row.cells.get(c))
            .map(|s| s.trim())
            .unwrap_or("");
        if !v.is_empty() && self.missing.contains(&v) {
            ""
        } else {
            v
        }
    }

    /// The cell as the file wrote it (before a dialect rewrote a decimal comma or a
    /// day-first date), trimmed: what a claim quotes.
    pub fn quote(&self, col: Option<usize>) -> &'a str {
        if let Some(c) = col
            && let Some((_, o)) = self.row.original.iter().find(|(i, _)| *i == c)
        {
            return o.trim();
        }
        self.get(col)
    }

    /// Parses an optional cell; a value that does not parse is reported (in
    /// [`Cells::emptied`]) and the field left empty, so the record and its amount are
    /// kept.
    pub fn optional<T>(
        &self,
        col: Option<usize>,
        f: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.parse(col, f) {
            Ok(v) => v,
            Err(p) => {
                self.emptied.borrow_mut().push(p);
                None
            }
        }
    }

    /// Whether this row is a subtotal someone wrote into the table rather than a record:
    /// none of the `keys` columns holds a value `is_key` accepts, and the row either
    /// says "Total" (or "Subtotal", "Suma" …) in a cell or holds numbers only.
    pub fn is_subtotal(&self, keys: &[Option<usize>], is_key: impl Fn(&str) -> bool) -> bool {
        if keys.iter().any(|k| is_key(self.get(*k))) {
            return false;
        }
        let cells: Vec<&str> = self
            .row
            .cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        if cells.is_empty() {
            return false;
        }
        let says_total = cells.iter().any(|c| {
            let l = c.to_lowercase();
            let l = l.trim_end_matches(':').trim();
            TOTAL_WORDS.contains(&l)
                || TOTAL_WORDS
                    .iter()
                    .any(|w| l.starts_with(&format!("{w} ")) && l.len() < 60)
        });
        says_total
            || cells
                .iter()
                .all(|c| crate::parse::number(c).is_ok() || crate::parse::aei_millions(c).is_ok())
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
            quote: Some(self.quote(col).to_string()),
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
