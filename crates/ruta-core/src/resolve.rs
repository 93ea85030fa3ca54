//! The display rule: which of a project's claims supplies each displayed value.
//!
//! For every field, among the project's claims for that field (quantities count per
//! unit: "quantity:MW" and "quantity:km" are different fields):
//! 1. a claim from a dataset record is *superseded* when the same record later asserted
//!    another value for the same field (a re-import of a corrected row): only the newest
//!    claim of each (field, dataset record) pair competes. Articles and documents may
//!    state several figures for one field; none of them supersedes another;
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

/// Ids of claims superseded by a newer claim of the same dataset record for the same field.
pub fn superseded(cands: &[Candidate<'_>]) -> Vec<i64> {
    let mut newest: BTreeMap<(String, &str), i64> = BTreeMap::new();
    for c in cands
        .iter()
        .filter(|c| c.source_kind == SourceKind::DatasetRecord)
    {
        let e = newest
            .entry((field_key(c.field, c.value), c.source_key))
            .or_insert(c.id);
        *e = (*e).max(c.id);
    }
    cands
        .iter()
        .filter(|c| c.source_kind == SourceKind::DatasetRecord)
        .filter(|c| newest[&(field_key(c.field, c.value), c.source_key)] != c.id)
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
            },
            Candidate {
                id: 2,
                field: "amount",
                value: &b,
                source_key: "afp",
                source_kind: SourceKind::NewsArticle,
                source_date: Some("2023-08-22"),
                confidence: 0.9,
            },
            Candidate {
                id: 3,
                field: "amount",
                value: &c,
                source_key: "ds",
                source_kind: SourceKind::DatasetRecord,
                source_date: None,
                confidence: 1.0,
            },
            Candidate {
                id: 4,
                field: "amount",
                value: &d,
                source_key: "ds",
                source_kind: SourceKind::DatasetRecord,
                source_date: None,
                confidence: 1.0,
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
            },
            Candidate {
                id: 8,
                field: "amount",
                value: &b,
                source_key: "y",
                source_kind: SourceKind::NewsArticle,
                source_date: Some("2024-06-01"),
                confidence: 0.9,
            },
        ];
        assert_eq!(choose(&cands)["amount"].id, 7);
        assert!(!disagree(&money(100.0), &money(100.5)));
    }
}
