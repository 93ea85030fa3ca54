//! Scoring the extractor against hand-annotated passages (`eval/*.jsonl`).
//!
//! A gold mention is the exact text and its expected value; its span is the first
//! occurrence of the text not already taken by an earlier gold mention of the same kind
//! (for events, of the same kind and event kind).
//! A predicted mention matches a gold one when the kinds agree, the spans overlap and the
//! values agree: money by amount (within 0.5%) and currency, organizations by gazetteer
//! id (any name for an organization the gazetteer does not know), countries by ISO3,
//! quantities by value and unit, percents by value, dates by value, projects by id,
//! events by kind; a range's high end, a bound and a unit price must agree when the gold
//! mention names them.
//! Matching is one-to-one.

use crate::{Detail, Kind, Lang, Mention};
use serde::Deserialize;
use std::collections::BTreeMap;

/// One annotated passage.
#[derive(Debug, Clone, Deserialize)]
pub struct Passage {
    pub id: String,
    pub lang: Lang,
    pub text: String,
    pub mentions: Vec<Gold>,
}

/// One expected mention.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub kind: Kind,
    pub text: String,
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub iso3: Option<String>,
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    /// Money: the high end of a range (checked when given).
    #[serde(default)]
    pub amount_high: Option<f64>,
    /// Quantity: the high end of a range (checked when given).
    #[serde(default)]
    pub value_high: Option<f64>,
    /// Money and quantities: "at_least" or "at_most" (checked when given).
    #[serde(default)]
    pub bound: Option<crate::figures::Bound>,
    /// Events: the event kind.
    #[serde(default)]
    pub event_kind: Option<String>,
    /// Money: the unit of a unit price (checked when given).
    #[serde(default)]
    pub per_unit: Option<String>,
}

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// A mistake, for reports.
#[derive(Debug, Clone)]
pub struct Miss {
    pub passage: String,
    pub kind: Kind,
    /// "missed" (false negative) or "spurious" (false positive).
    pub what: &'static str,
    pub text: String,
}

/// Scores per kind, with the mistakes.
#[derive(Debug, Clone, Default)]
pub struct Score {
    pub by_kind: BTreeMap<Kind, Counts>,
    pub misses: Vec<Miss>,
}

impl Score {
    pub fn merge(&mut self, o: &Score) {
        for (k, c) in &o.by_kind {
            self.by_kind.entry(*k).or_default().add(*c);
        }
        self.misses.extend(o.misses.iter().cloned());
    }

    pub fn kind(&self, k: Kind) -> Counts {
        self.by_kind.get(&k).copied().unwrap_or_default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.005 * b.abs().max(1e-9)
}

fn value_f64(v: &Option<serde_json::Value>) -> Option<f64> {
    v.as_ref()?.as_f64()
}

fn agrees(g: &Gold, m: &Mention) -> bool {
    match &m.detail {
        Detail::Money {
            amount,
            amount_high,
            currency,
            bound,
            per_unit,
            ..
        } => {
            g.amount.is_some_and(|a| close(*amount, a))
                && g.currency == *currency
                && g.amount_high
                    .is_none_or(|h| amount_high.is_some_and(|x| close(x, h)))
                && g.bound.is_none_or(|b| *bound == Some(b))
                && g.per_unit
                    .as_ref()
                    .is_none_or(|u| per_unit.as_ref() == Some(u))
        }
        Detail::Organization { id, .. } => g.id == *id,
        Detail::Country { iso3 } => g.iso3.as_deref() == Some(iso3.as_str()),
        Detail::Quantity {
            value,
            value_high,
            unit,
            bound,
        } => {
            value_f64(&g.value).is_some_and(|v| close(*value, v))
                && g.unit.as_deref() == Some(unit.as_str())
                && g.value_high
                    .is_none_or(|h| value_high.is_some_and(|x| close(x, h)))
                && g.bound.is_none_or(|b| *bound == Some(b))
        }
        Detail::Percent { value } => value_f64(&g.value).is_some_and(|v| close(*value, v)),
        Detail::Date { value } => g.value.as_ref().and_then(|v| v.as_str()) == Some(value.as_str()),
        Detail::Project { project_id, .. } => g.project_id == *project_id,
        Detail::Event { event_kind } => g.event_kind.as_deref() == Some(event_kind.as_str()),
    }
}

/// Scores one passage's predicted mentions against its gold ones.
pub fn score(p: &Passage, predicted: &[Mention]) -> Score {
    // Gold spans: the first free occurrence of each text.
    // Two events of different kinds may share a span ("travada na Justiça").
    let mut taken: Vec<(Kind, Option<&str>, usize)> = Vec::new();
    let mut gold: Vec<(&Gold, usize, usize)> = Vec::new();
    for g in &p.mentions {
        let mut from = 0;
        let at = loop {
            match p.text[from..].find(&g.text) {
                Some(i) if taken.contains(&(g.kind, g.event_kind.as_deref(), from + i)) => {
                    from += i + g.text.len().max(1)
                }
                Some(i) => break Some(from + i),
                None => break None,
            }
        };
        let Some(at) = at else {
            continue; // an annotation error: the text is not in the passage
        };
        taken.push((g.kind, g.event_kind.as_deref(), at));
        gold.push((g, at, at + g.text.len()));
    }
    let mut score = Score::default();
    let mut used = vec![false; predicted.len()];
    for (g, s, e) in &gold {
        let hit = predicted.iter().enumerate().find(|(i, m)| {
            !used[*i] && m.kind == g.kind && m.start < *e && *s < m.end && agrees(g, m)
        });
        let c = score.by_kind.entry(g.kind).or_default();
        match hit {
            Some((i, _)) => {
                used[i] = true;
                c.tp += 1;
            }
            None => {
                c.fn_ += 1;
                score.misses.push(Miss {
                    passage: p.id.clone(),
                    kind: g.kind,
                    what: "missed",
                    text: g.text.clone(),
                });
            }
        }
    }
    for (i, m) in predicted.iter().enumerate() {
        if !used[i] {
            score.by_kind.entry(m.kind).or_default().fp += 1;
            score.misses.push(Miss {
                passage: p.id.clone(),
                kind: m.kind,
                what: "spurious",
                text: m.text.clone(),
            });
        }
    }
    score
}

/// Reads a JSONL file of passages.
pub fn read_passages(jsonl: &str) -> Result<Vec<Passage>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// The embedded evaluation set: (language, passages).
pub fn embedded() -> Vec<(&'static str, Result<Vec<Passage>, String>)> {
    vec![
        ("en", read_passages(include_str!("../eval/en.jsonl"))),
        ("es", read_passages(include_str!("../eval/es.jsonl"))),
        ("pt", read_passages(include_str!("../eval/pt.jsonl"))),
    ]
}

/// Runs the extractor over passages and scores it.
pub fn evaluate(passages: &[Passage]) -> Score {
    let mut total = Score::default();
    for p in passages {
        let predicted = crate::extract(&p.text, p.lang, None);
        total.merge(&score(p, &predicted));
    }
    total
}

/// A Markdown table of precision, recall and F1 per kind.
pub fn table(rows: &[(&str, &Score)]) -> String {
    let kinds = [
        Kind::Money,
        Kind::Organization,
        Kind::Country,
        Kind::Quantity,
        Kind::Percent,
        Kind::Date,
        Kind::Project,
        Kind::Event,
    ];
    let mut s = String::from("| set | kind | gold | P | R | F1 |\n|---|---|---:|---:|---:|---:|\n");
    for (name, sc) in rows {
        for k in kinds {
            let c = sc.kind(k);
            if c.tp + c.fn_ + c.fp == 0 {
                continue;
            }
            s.push_str(&format!(
                "| {name} | {} | {} | {:.3} | {:.3} | {:.3} |\n",
                serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                c.tp + c.fn_,
                c.precision(),
                c.recall(),
                c.f1()
            ));
        }
    }
    s
}
