//! The display rule: which of a project's claims supplies each displayed value.
//!
//! For every field, among the project's claims for that field (quantities count per
//! unit: "quantity:MW" and "quantity:km" are different fields):
//! 1. a claim from a dataset record is *superseded* when the same dataset record (same
//!    dataset and record id) asserted another value for the same field in a newer
//!    release (GCDF 3.0 over GCDF 2.0, AEI 2025 over AEI 2020; versions compare
//!    naturally, `2.0` < `3.0` < `10.0`), or later in the same release (a re-import of a
//!    corrected row): only the newest claim of each (field, dataset record) competes.
//!    Articles and documents may state several figures for one field; none of them
//!    supersedes another;
//! 2. the claim from the highest-ranked kind of source wins: dataset record, then
//!    official document, report, news article, other;
//! 3. then the higher confidence;
//! 4. then the newer source date (undated sources last);
//! 5. then the earlier recorded claim (lower id).
//!
//! Every claim stays stored and visible; the rule only picks what a single number in a
//! table shows. Differing competing values are flagged as conflicts.

use crate::model::ClaimValue;
use crate::vocab::SourceKind;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// What the rule needs to know of one stored claim.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub id: i64,
    pub field: &'a str,
    pub value: &'a ClaimValue,
    pub source_key: &'a str,
    pub source_kind: SourceKind,
    pub source_date: Option<&'a str>,
    pub confidence: f64,
    /// For dataset records: the dataset, its version and the record id.
    pub dataset: Option<&'a str>,
    pub version: Option<&'a str>,
    pub record: Option<&'a str>,
}

/// Compares release labels naturally: runs of digits as numbers ("2.0" < "3.0" <
/// "10.0", "2020-02" < "2025H1"), other characters as text; a missing version is oldest.
pub fn version_cmp(a: Option<&str>, b: Option<&str>) -> Ordering {
    fn parts(s: &str) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut chars = s.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() {
                let mut n = String::new();
                while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(d);
                    chars.next();
                }
                out.push((n.parse().unwrap_or(u64::MAX), String::new()));
            } else {
                let mut t = String::new();
                while let Some(&d) = chars.peek().filter(|d| !d.is_ascii_digit()) {
                    t.push(d.to_ascii_lowercase());
                    chars.next();
                }
                out.push((0, t));
            }
        }
        out
    }
    match (a, b) {
        (Some(x), Some(y)) if x == y => Ordering::Equal,
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => parts(x).cmp(&parts(y)),
    }
}

fn better(a: &Candidate<'_>, b: &Candidate<'_>) -> Ordering {
    // Ordering::Less means `a` is preferred.
    b.source_kind
        .rank()
        .cmp(&a.source_kind.rank())
        .then_with(|| {
            b.confidence
                .partial_cmp(&a.confidence)
                .unwrap_or(Ordering::Equal)
        })
        .then_with(|| match (a.source_date, b.source_date) {
            (Some(x), Some(y)) => y.cmp(x),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.id.cmp(&b.id))
}

/// The key under which a claim competes: its field, or "quantity:UNIT" for quantities.
pub fn field_key(field: &str, value: &ClaimValue) -> String {
    match value {
        ClaimValue::Quantity { unit, .. } => format!("{field}:{unit}"),
        _ => field.to_string(),
    }
}

/// The dataset record a claim comes from: (dataset, record id), or the source key for
/// dataset sources without a record id.
fn record_key<'a>(c: &Candidate<'a>) -> (&'a str, &'a str) {
    match (c.dataset, c.record) {
        (Some(d), Some(r)) => (d, r),
        _ => ("", c.source_key),
    }
}

/// Ids of claims superseded for the same field: by a claim of a newer release of the same
/// dataset record (whatever file it came from), or by a later claim of the same source (a
/// re-import of a corrected row). Two files of the same release (AidData's full table and
/// its GeoGCDF table) do not supersede each other: their claims compete by the rest of
/// the rule.
pub fn superseded(cands: &[Candidate<'_>]) -> Vec<i64> {
    let rows: Vec<&Candidate<'_>> = cands
        .iter()
        .filter(|c| c.source_kind == SourceKind::DatasetRecord)
        .collect();
    let mut newest_version: BTreeMap<(String, (&str, &str)), Option<&str>> = BTreeMap::new();
    let mut newest_claim: BTreeMap<(String, &str), i64> = BTreeMap::new();
    for c in &rows {
        let fk = field_key(c.field, c.value);
        let v = newest_version
            .entry((fk.clone(), record_key(c)))
            .or_insert(c.version);
        if version_cmp(c.version, *v) == Ordering::Greater {
            *v = c.version;
        }
        let id = newest_claim.entry((fk, c.source_key)).or_insert(c.id);
        *id = (*id).max(c.id);
    }
    rows.iter()
        .filter(|c| {
            let fk = field_key(c.field, c.value);
            let older_release =
                version_cmp(c.version, newest_version[&(fk.clone(), record_key(c))])
                    == Ordering::Less;
            older_release || newest_claim[&(fk, c.source_key)] != c.id
        })
        .map(|c| c.id)
        .collect()
}

/// The winning claim per field key (see [`field_key`]).
pub fn choose<'b, 'a>(cands: &'b [Candidate<'a>]) -> BTreeMap<String, &'b Candidate<'a>> {
    let gone = superseded(cands);
    let mut best: BTreeMap<String, &'b Candidate<'a>> = BTreeMap::new();
    for c in cands.iter().filter(|c| !gone.contains(&c.id)) {
        let k = field_key(c.field, c.value);
        match best.get(&k) {
            Some(b) if better(b, c) != Ordering::Greater => {}
            _ => {
                best.insert(k, c);
            }
        }
    }
    best
}

/// Whether two values of the same field disagree. Money in the same currency compares
/// amounts with a 1% tolerance; across currencies it compares constant-2021 USD with a
/// 10% tolerance (annual exchange rates are approximate), and cannot disagree when a
/// conversion is missing. Numbers compare with 0.5%.
pub fn disagree(a: &ClaimValue, b: &ClaimValue) -> bool {
    fn rel(x: f64, y: f64, tol: f64) -> bool {
        let m = x.abs().max(y.abs());
        m > 0.0 && (x - y).abs() / m > tol
    }
    match (a, b) {
        (ClaimValue::Money(x), ClaimValue::Money(y)) if x.currency == y.currency => {
            rel(x.amount, y.amount, 0.01)
        }
        (ClaimValue::Money(x), ClaimValue::Money(y)) => match (x.usd_2021, y.usd_2021) {
            (Some(p), Some(q)) => rel(p, q, 0.10),
            _ => false,
        },
        (ClaimValue::Number { value: x }, ClaimValue::Number { value: y })
        | (ClaimValue::Percent { value: x }, ClaimValue::Percent { value: y }) => {
            rel(*x, *y, 0.005)
        }
        (
            ClaimValue::Quantity { value: x, unit: u },
            ClaimValue::Quantity { value: y, unit: v },
        ) => u != v || rel(*x, *y, 0.005),
        _ => a.key() != b.key(),
    }
}

/// Ids of claims whose value disagrees with another live claim of the same field.
pub fn conflicting(cands: &[Candidate<'_>]) -> Vec<i64> {
    let gone = superseded(cands);
    let live: Vec<&Candidate<'_>> = cands.iter().filter(|c| !gone.contains(&c.id)).collect();
    let mut out = Vec::new();
    for a in &live {
        if live.iter().any(|b| {
            b.id != a.id
                && field_key(b.field, b.value) == field_key(a.field, a.value)
                && disagree(a.value, b.value)
        }) {
            out.push(a.id);
        }
    }
    out
}

/// The values a record (or a project) displays, chosen by the rule from its claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    pub status: Option<crate::vocab::Status>,
    /// The flow's amount (field `amount`) and the claim that states it.
    pub amount: Option<(crate::money::Money, i64)>,
    /// The project's value (field `value`) and the claim that states it.
    pub value: Option<(crate::money::Money, i64)>,
    /// Commitment or deal year: the `year` claim, else the commitment date's year, else
    /// the amount's year.
    pub year: Option<i64>,
    /// Dates by field name (`commitment_date`, `planned_start_date` …), ISO text.
    pub dates: BTreeMap<&'static str, String>,
    /// Loan terms: `interest_rate`, `management_fee`, `commitment_fee` (percent),
    /// `maturity_years`, `grace_period_years` (years).
    pub terms: BTreeMap<&'static str, f64>,
    pub collateral: Option<String>,
}

/// Date fields a record or project may display.
pub const DATE_FIELDS: &[&str] = &[
    "commitment_date",
    "planned_start_date",
    "actual_start_date",
    "planned_completion_date",
    "actual_completion_date",
    "first_repayment_date",
    "last_repayment_date",
];

/// Loan-term fields held as numbers.
pub const TERM_FIELDS: &[&str] = &[
    "interest_rate",
    "maturity_years",
    "grace_period_years",
    "management_fee",
    "commitment_fee",
];

/// Applies the display rule to a set of claims (one record's, or every record's of a
/// project) and returns what it shows.
pub fn shown(cands: &[Candidate<'_>]) -> Shown {
    let best = choose(cands);
    let mut out = Shown::default();
    if let Some(c) = best.get("status")
        && let ClaimValue::Status { value } = c.value
    {
        out.status = Some(*value);
    }
    for (field, slot) in [("amount", &mut out.amount), ("value", &mut out.value)] {
        if let Some(c) = best.get(field)
            && let ClaimValue::Money(m) = c.value
        {
            *slot = Some((m.clone(), c.id));
        }
    }
    for f in DATE_FIELDS {
        if let Some(c) = best.get(*f)
            && let ClaimValue::Date { value } | ClaimValue::Text { value } = c.value
        {
            out.dates.insert(f, value.clone());
        }
    }
    for f in TERM_FIELDS {
        if let Some(c) = best.get(*f)
            && let ClaimValue::Number { value } | ClaimValue::Percent { value } = c.value
        {
            out.terms.insert(f, *value);
        }
    }
    if let Some(c) = best.get("collateral")
        && let ClaimValue::Text { value } = c.value
    {
        out.collateral = Some(value.clone());
    }
    let year_claim = best.get("year").and_then(|c| match c.value {
        ClaimValue::Number { value } => Some(*value as i64),
        _ => None,
    });
    out.year = year_claim
        .or_else(|| {
            out.dates
                .get("commitment_date")
                .and_then(|d| d.get(..4)?.parse().ok())
        })
        .or_else(|| {
            out.amount
                .as_ref()
                .or(out.value.as_ref())
                .and_then(|(m, _)| m.year.map(i64::from))
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn money(v: f64) -> ClaimValue {
        ClaimValue::Money(Money::derive(v, "USD", Some(2024)))
    }

    #[test]
    fn dataset_beats_news_and_newest_same_source_supersedes() {
        let (a, b, c, d) = (money(3.6e9), money(1.3e9), money(3.0e9), money(3.1e9));
        let cands = vec![
            Candidate {
                id: 1,
                field: "amount",
                value: &a,
                source_key: "fp",
                source_kind: SourceKind::NewsArticle,
                source_date: Some("2024-11-13"),
                confidence: 0.9,
                dataset: None,
                version: None,
                record: None,
            },
            Candidate {
                id: 2,
                field: "amount",
                value: &b,
                source_key: "afp",
                source_kind: SourceKind::NewsArticle,
                source_date: Some("2023-08-22"),
                confidence: 0.9,
                dataset: None,
                version: None,
                record: None,
            },
            Candidate {
                id: 3,
                field: "amount",
                value: &c,
                source_key: "ds",
                source_kind: SourceKind::DatasetRecord,
                source_date: None,
                confidence: 1.0,
                dataset: None,
                version: None,
                record: None,
            },
            Candidate {
                id: 4,
                field: "amount",
                value: &d,
                source_key: "ds",
                source_kind: SourceKind::DatasetRecord,
                source_date: None,
                confidence: 1.0,
                dataset: None,
                version: None,
                record: None,
            },
        ];
        let best = choose(&cands);
        assert_eq!(best["amount"].id, 4, "newest claim of the dataset record");
        assert_eq!(superseded(&cands), vec![3]);
        let conflicts = conflicting(&cands);
        assert!(conflicts.contains(&1) && conflicts.contains(&2) && !conflicts.contains(&3));
    }

    #[test]
    fn among_news_newer_source_then_lower_id() {
        let (a, b) = (money(3.6e9), money(3.7e9));
        let cands = vec![
            Candidate {
                id: 7,
                field: "amount",
                value: &a,
                source_key: "x",
                source_kind: SourceKind::NewsArticle,
                source_date: Some("2024-11-13"),
                confidence: 0.9,
                dataset: None,
                version: None,
                record: None,
            },
            Candidate {
                id: 8,
                field: "amount",
                value: &b,
                source_key: "y",
                source_kind: SourceKind::NewsArticle,
                source_date: Some("2024-06-01"),
                confidence: 0.9,
                dataset: None,
                version: None,
                record: None,
            },
        ];
        assert_eq!(choose(&cands)["amount"].id, 7);
        assert!(!disagree(&money(100.0), &money(100.5)));
    }

    #[test]
    fn a_newer_release_of_the_same_record_supersedes() {
        let (old, new) = (money(5.77e9), money(3.31e9));
        let cand = |id, value, version| Candidate {
            id,
            field: "amount",
            value,
            source_key: if version == "2.0" { "a" } else { "b" },
            source_kind: SourceKind::DatasetRecord,
            source_date: None,
            confidence: 1.0,
            dataset: Some("AidData GCDF"),
            version: Some(version),
            record: Some("55426"),
        };
        // The 3.0 claim was recorded first, the legacy 2.0 one later: 3.0 still wins.
        let cands = vec![cand(1, &new, "3.0"), cand(2, &old, "2.0")];
        assert_eq!(choose(&cands)["amount"].id, 1);
        assert_eq!(superseded(&cands), vec![2]);
        assert_eq!(version_cmp(Some("2020-02"), Some("2025H1")), Ordering::Less);
        assert_eq!(version_cmp(Some("10.0"), Some("3.0")), Ordering::Greater);
        assert_eq!(version_cmp(None, Some("1.0")), Ordering::Less);
    }
}
