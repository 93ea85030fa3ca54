//! Scoring the linker against labelled pairs (`eval/pairs.csv`): precision, recall and
//! F1 of the `same_as`/`supersedes` decisions (same flow) and of `finances`.
//!
//! The file has one pair per line: `a,b,label,relation,hard,note` — `label` is
//! `same_flow` (one commitment), `same_project` (one project, different flows: two
//! tranches, two lenders' shares of a syndicated loan, a plant loan and a transmission
//! loan, or a loan and the contract it pays — then `relation` is `finances`) or
//! `different`; `hard` is 1 for a hard negative (same country and year, similar
//! amounts, different deal); `note` says what the pair is.

use std::collections::HashMap;

/// How two labelled records relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    SameFlow,
    SameProject,
    Different,
}

/// One labelled pair.
#[derive(Debug, Clone)]
pub struct LabelledPair {
    pub a: String,
    pub b: String,
    pub label: Label,
    /// `same_as`, `supersedes` or `finances` for related pairs.
    pub relation: Option<String>,
    pub hard: bool,
    pub note: String,
}

/// Parses the labelled pairs (header line first; fields without commas).
pub fn parse_pairs(text: &str) -> Result<Vec<LabelledPair>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.splitn(6, ',').collect();
        if f.len() != 6 {
            return Err(format!("line {}: expected 6 fields", n + 1));
        }
        let label = match f[2] {
            "same_flow" => Label::SameFlow,
            "same_project" => Label::SameProject,
            "different" => Label::Different,
            other => return Err(format!("line {}: unknown label '{other}'", n + 1)),
        };
        out.push(LabelledPair {
            a: f[0].to_string(),
            b: f[1].to_string(),
            label,
            relation: (!f[3].is_empty()).then(|| f[3].to_string()),
            hard: f[4] == "1",
            note: f[5].to_string(),
        });
    }
    Ok(out)
}

/// A confusion matrix and its figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Scores {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
    pub tn: u32,
}

impl Scores {
    pub fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// The evaluation of one run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Evaluation {
    /// Same flow: truth = label `same_flow`; predicted = the two records are one flow.
    pub same_flow: Scores,
    /// The same on hard negatives and same-flow pairs only.
    pub same_flow_hard: Scores,
    /// Finances: over pairs labelled `finances` and pairs of a loan and a contract
    /// labelled `different`; predicted = a `finances` relation holds between them.
    pub finances: Scores,
    /// Pairs the linker got wrong, with their notes.
    pub errors: Vec<String>,
}

/// Scores `pairs` against predictions: `one_flow(a, b)` and `finances(loan, contract)`.
pub fn evaluate(
    pairs: &[LabelledPair],
    one_flow: impl Fn(&str, &str) -> bool,
    finances: impl Fn(&str, &str) -> bool,
) -> Evaluation {
    let mut e = Evaluation::default();
    for p in pairs {
        let truth = p.label == Label::SameFlow;
        let pred = one_flow(&p.a, &p.b);
        e.same_flow.add(truth, pred);
        if truth || p.hard {
            e.same_flow_hard.add(truth, pred);
        }
        if truth != pred {
            e.errors.push(format!(
                "same flow {}: {} ~ {} ({})",
                if truth { "missed" } else { "false" },
                p.a,
                p.b,
                p.note
            ));
        }
        let fin_truth = p.relation.as_deref() == Some("finances");
        let loan_contract = p.note.contains("loan") && p.note.contains("contract");
        if fin_truth || (p.label == Label::Different && loan_contract) {
            let pred = finances(&p.a, &p.b);
            e.finances.add(fin_truth, pred);
            if fin_truth != pred {
                e.errors.push(format!(
                    "finances {}: {} → {} ({})",
                    if fin_truth { "missed" } else { "false" },
                    p.a,
                    p.b,
                    p.note
                ));
            }
        }
    }
    e
}

/// Groups of records that the given same-flow pairs join (transitively): record id →
/// group number.
pub fn groups<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> HashMap<String, usize> {
    let mut parent: Vec<usize> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut id = |s: &str, parent: &mut Vec<usize>| -> usize {
        *index.entry(s.to_string()).or_insert_with(|| {
            parent.push(parent.len());
            parent.len() - 1
        })
    };
    let mut edges = Vec::new();
    for (a, b) in pairs {
        let (x, y) = (id(a, &mut parent), id(b, &mut parent));
        edges.push((x, y));
    }
    for (x, y) in edges {
        let (rx, ry) = (find(&mut parent, x), find(&mut parent, y));
        if rx != ry {
            parent[rx.max(ry)] = rx.min(ry);
        }
    }
    index
        .into_iter()
        .map(|(k, v)| {
            let r = find(&mut parent, v);
            (k, r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_labelled_set_parses_and_has_enough_hard_negatives() {
        let pairs = parse_pairs(include_str!("../eval/pairs.csv")).unwrap();
        assert!(pairs.len() >= 150, "{}", pairs.len());
        let hard = pairs.iter().filter(|p| p.hard).count();
        assert!(hard * 3 >= pairs.len(), "{hard} hard negatives");
        assert!(
            pairs
                .iter()
                .all(|p| !(p.hard && p.label == Label::SameFlow))
        );
    }

    #[test]
    fn scores_and_groups() {
        let g = groups([("a", "b"), ("b", "c"), ("x", "y")]);
        assert_eq!(g["a"], g["c"]);
        assert_ne!(g["a"], g["x"]);
        let mut s = Scores::default();
        s.add(true, true);
        s.add(false, true);
        s.add(true, false);
        assert_eq!((s.precision(), s.recall()), (0.5, 0.5));
    }
}
