//! Comparisons and their levels, in Splink's sense: each comparison looks at one aspect
//! of two records and says which of its levels the pair falls in ("amount within 3 %",
//! "same financier", "names share rare words"). The model (`model`) turns each level into
//! a match weight through its m and u probabilities. A comparison that cannot be made
//! (a record without an amount) falls in the `null` level, whose weight is 0.
//!
//! Comparisons of the same-flow model: [`Comparison::Country`], `Kind`, `Year`, `Month`, `Amount`,
//! `Financiers`, `Counterparts`, `Name`, `Sector`, `Sources`, `Release`. Comparisons of
//! the loan → contract model (`finances`): `Country`, `YearGap`, `AmountRatio`, `Builder`, `Name`,
//! `Sector`.

use crate::corpus::{Corpus, Prep};
use ruta_core::FlowKind;
use serde::Serialize;

/// A level of a comparison, with the prior m (probability among pairs of the same
/// flow) and u (probability among random pairs) that the model starts from.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LevelDef {
    pub label: &'static str,
    pub m: f64,
    pub u: f64,
}

const fn lv(label: &'static str, m: f64, u: f64) -> LevelDef {
    LevelDef { label, m, u }
}

/// Level index meaning "cannot be compared": weight 0.
pub const NULL: u8 = u8::MAX;

/// The comparisons, each with its levels (most to least alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Countries: the same; different (or one regional). Every blocking rule requires
    /// the same country, but λ is the probability that two *random* records match, so
    /// the agreement is evidence the weight must count (Fellegi–Sunter over all pairs).
    Country,
    /// Flow kinds: the same; compatible (one unknown, or an equity investment and an
    /// acquisition, or an inferred kind); different.
    Kind,
    /// Commitment years: the same; one apart (signing and commitment often fall in
    /// different years); two apart; further.
    Year,
    /// Commitment months, when both records state one: the same month of the same year;
    /// within two months; further.
    Month,
    /// The closest readings of the two amounts (original currency when both use one,
    /// else nominal US dollars, over every reading): within 0.5 %, 3 %, 10 %, 25 %, or
    /// further apart.
    Amount,
    /// The Chinese side (lenders, investors, contractors, donors), through ruta's
    /// organization gazetteer: a shared organization (term-frequency adjusted); the
    /// same group or one name written two ways; different organizations.
    Financiers,
    /// The other side (borrowers, targets, owners, operators): shared (term-frequency
    /// adjusted); one name written two ways; different.
    Counterparts,
    /// Names and aliases: cosine similarity of their distinctive words, each weighted
    /// by its inverse document frequency (a shared "Sinovensa" says more than a shared
    /// "oil"): ≥ 0.55 with at least two shared words, ≥ 0.30, ≥ 0.12, below.
    Name,
    /// ruta's sector groups: the same; different.
    Sector,
    /// Sources the records cite as a whole: a shared source; none shared.
    Sources,
    /// Where the records come from: two datasets (or the registry, or an article);
    /// two releases of one dataset; the same release (a release lists a flow once).
    Release,
    /// Contract year minus loan year: 0; ±1; ±2–3; further.
    YearGap,
    /// Contract amount over loan amount: 0.95–1.6 (the loan pays most of it, Chinese
    /// buyer's credits cover 85 %); 0.5–3; further.
    AmountRatio,
    /// The loan's record names the contract's builder: the same organization
    /// (term-frequency adjusted); the same group; another builder.
    Builder,
}

use Comparison::*;

/// Name similarity cut-offs of [`Comparison::Name`].
pub const NAME_CUTS: [f64; 3] = [0.55, 0.30, 0.12];
/// Relative amount differences of [`Comparison::Amount`].
pub const AMOUNT_CUTS: [f64; 4] = [0.005, 0.03, 0.10, 0.25];

impl Comparison {
    /// Levels, most alike first. Priors: m from ruta's labelled pairs of the shared data
    /// (`crates/ruta-link/eval/pairs.csv`) rounded and smoothed; u as the share of
    /// random pairs of the shared data — used when a database is too small to
    /// estimate u from its own random pairs (`model::Model::estimate_u`).
    pub fn levels(self) -> &'static [LevelDef] {
        match self {
            Country => {
                const L: &[LevelDef] = &[
                    lv("same country", 0.97, 0.12),
                    lv("different countries", 0.03, 0.88),
                ];
                L
            }
            Kind => {
                const L: &[LevelDef] = &[
                    lv("same kind", 0.90, 0.45),
                    lv("compatible kinds", 0.08, 0.15),
                    lv("different kinds", 0.02, 0.40),
                ];
                L
            }
            Year => {
                const L: &[LevelDef] = &[
                    lv("same year", 0.78, 0.08),
                    lv("one year apart", 0.18, 0.14),
                    lv("two years apart", 0.03, 0.12),
                    lv("further apart", 0.01, 0.66),
                ];
                L
            }
            Month => {
                const L: &[LevelDef] = &[
                    lv("same month", 0.80, 0.01),
                    lv("within two months", 0.08, 0.02),
                    lv("months further apart", 0.12, 0.97),
                ];
                L
            }
            Amount => {
                const L: &[LevelDef] = &[
                    lv("within 0.5%", 0.62, 0.01),
                    lv("within 3%", 0.18, 0.04),
                    lv("within 10%", 0.10, 0.08),
                    lv("within 25%", 0.05, 0.15),
                    lv("further apart", 0.05, 0.72),
                ];
                L
            }
            Financiers => {
                const L: &[LevelDef] = &[
                    lv("shared financier", 0.82, 0.20),
                    lv("same group or name variant", 0.08, 0.03),
                    lv("different financiers", 0.10, 0.77),
                ];
                L
            }
            Counterparts => {
                const L: &[LevelDef] = &[
                    lv("shared counterpart", 0.70, 0.01),
                    lv("counterpart name variant", 0.15, 0.01),
                    lv("different counterparts", 0.15, 0.98),
                ];
                L
            }
            Name => {
                const L: &[LevelDef] = &[
                    lv("names share rare words (cosine >= 0.55)", 0.45, 0.002),
                    lv("names alike (cosine >= 0.30)", 0.25, 0.01),
                    lv("names share a word (cosine >= 0.12)", 0.15, 0.06),
                    lv("names differ", 0.15, 0.93),
                ];
                L
            }
            Sector => {
                const L: &[LevelDef] = &[
                    lv("same sector group", 0.92, 0.35),
                    lv("different sector groups", 0.08, 0.65),
                ];
                L
            }
            Sources => {
                const L: &[LevelDef] = &[
                    lv("a shared cited source", 0.30, 0.01),
                    lv("no shared cited source", 0.70, 0.99),
                ];
                L
            }
            Release => {
                const L: &[LevelDef] = &[
                    lv("two datasets", 0.55, 0.45),
                    lv("two releases of one dataset", 0.44, 0.15),
                    lv("the same release", 0.01, 0.40),
                ];
                L
            }
            YearGap => {
                const L: &[LevelDef] = &[
                    lv("same year", 0.45, 0.10),
                    lv("one year apart", 0.35, 0.18),
                    lv("two or three years apart", 0.15, 0.30),
                    lv("further apart", 0.05, 0.42),
                ];
                L
            }
            AmountRatio => {
                const L: &[LevelDef] = &[
                    lv("contract 0.95-1.6x the loan", 0.45, 0.12),
                    lv("contract 0.5-3x the loan", 0.35, 0.25),
                    lv("amounts far apart", 0.20, 0.63),
                ];
                L
            }
            Builder => {
                const L: &[LevelDef] = &[
                    lv("the loan names the builder", 0.60, 0.02),
                    lv("the loan names the builder's group", 0.15, 0.03),
                    lv("the loan names another builder", 0.25, 0.95),
                ];
                L
            }
        }
    }

    /// The name used in evidence and reports.
    pub fn name(self) -> &'static str {
        match self {
            Country => "country",
            Kind => "kind",
            Year => "year",
            Month => "month",
            Amount => "amount",
            Financiers => "financiers",
            Counterparts => "counterparts",
            Name => "name",
            Sector => "sector",
            Sources => "sources",
            Release => "release",
            YearGap => "year_gap",
            AmountRatio => "amount_ratio",
            Builder => "builder",
        }
    }

    /// Whether the comparison has a term-frequency adjustment on its first level.
    pub fn tf_adjusted(self) -> bool {
        matches!(self, Financiers | Counterparts | Builder)
    }
}

/// Where a pair falls in one comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Level index, or [`NULL`].
    pub level: u8,
    /// For a term-frequency adjusted exact level: the interned value matched and its
    /// term frequency.
    pub tf: Option<(u32, f64)>,
}

impl Outcome {
    const fn at(level: u8) -> Outcome {
        Outcome { level, tf: None }
    }
    const NULL: Outcome = Outcome::at(NULL);
}

fn kinds_compatible(a: FlowKind, b: FlowKind) -> bool {
    use FlowKind::*;
    matches!((a, b), (Unknown, _) | (_, Unknown))
        || matches!((a, b), (Equity, MAndA) | (MAndA, Equity))
}

/// Relative difference of two positive amounts: |a − b| / max(a, b).
pub fn rel_diff(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.max(b)
}

/// The smallest relative difference between the two records' amount readings.
pub fn amount_diff(a: &Prep, b: &Prep) -> Option<f64> {
    let mut best: Option<f64> = None;
    if let (Some((x, cx)), Some((y, cy))) = (a.original, b.original)
        && cx == cy
    {
        best = Some(rel_diff(x, y));
    }
    for x in &a.usd {
        for y in &b.usd {
            let d = rel_diff(*x, *y);
            if best.is_none_or(|b| d < b) {
                best = Some(d);
            }
        }
    }
    best
}

/// Members both sorted lists hold.
fn shared(a: &[u32], b: &[u32]) -> impl Iterator<Item = u32> {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let v = a[i];
                    i += 1;
                    j += 1;
                    return Some(v);
                }
            }
        }
        None
    })
}

/// The rarest shared organization and its term frequency.
fn rarest_shared(c: &Corpus<'_>, a: &[u32], b: &[u32]) -> Option<(u32, f64)> {
    shared(a, b)
        .map(|o| (o, c.org_tf(o)))
        .min_by(|x, y| x.1.total_cmp(&y.1))
}

/// TF-IDF cosine similarity of two names' words (0–1), counting a word that is
/// written into a compound in the other name ("cocasinclair" ~ "coca" + "sinclair").
pub fn name_similarity(c: &Corpus<'_>, a: &Prep, b: &Prep) -> Option<f64> {
    if a.words.is_empty() || b.words.is_empty() {
        return None;
    }
    let w = |t: u32| c.word_idf[t as usize] as f64;
    let na: f64 = a.words.iter().map(|&t| w(t) * w(t)).sum();
    let nb: f64 = b.words.iter().map(|&t| w(t) * w(t)).sum();
    let mut dot: f64 = shared(&a.words, &b.words).map(|t| w(t) * w(t)).sum();
    // Compounds: a word of one name made of two words of the other.
    for (x, y) in [(a, b), (b, a)] {
        for &t in &x.words {
            if y.words.binary_search(&t).is_ok() {
                continue;
            }
            let word = c.name(t);
            if word.len() < 8 {
                continue;
            }
            let parts: Vec<u32> = y
                .words
                .iter()
                .copied()
                .filter(|&u| {
                    let p = c.name(u);
                    p.len() >= 3 && word.contains(p)
                })
                .collect();
            let covered: usize = parts.iter().map(|&u| c.name(u).len()).sum();
            if parts.len() >= 2 && covered * 10 >= word.len() * 8 {
                dot += w(t) * parts.iter().map(|&u| w(u)).sum::<f64>() / parts.len() as f64;
            }
        }
    }
    if na <= 0.0 || nb <= 0.0 {
        return None;
    }
    Some((dot / (na.sqrt() * nb.sqrt())).min(1.0))
}

fn year_level(a: Option<i32>, b: Option<i32>) -> Outcome {
    match (a, b) {
        (Some(x), Some(y)) => Outcome::at(match (x - y).abs() {
            0 => 0,
            1 => 1,
            2 => 2,
            _ => 3,
        }),
        _ => Outcome::NULL,
    }
}

impl Comparison {
    /// The level of the pair (a, b). For `finances` comparisons `a` is the loan and `b`
    /// the contract.
    pub fn compare(self, c: &Corpus<'_>, a: &Prep, b: &Prep) -> Outcome {
        match self {
            Country => {
                if a.country == 0 && b.country == 0 {
                    Outcome::NULL
                } else {
                    Outcome::at(if a.country == b.country { 0 } else { 1 })
                }
            }
            Kind => Outcome::at(if a.kind == b.kind {
                0
            } else if kinds_compatible(a.kind, b.kind) || a.kind_inferred || b.kind_inferred {
                1
            } else {
                2
            }),
            Year => year_level(a.year, b.year),
            Month => match (a.year, a.month, b.year, b.month) {
                (Some(ya), Some(ma), Some(yb), Some(mb)) => {
                    let d = ((ya * 12 + ma as i32) - (yb * 12 + mb as i32)).abs();
                    Outcome::at(match d {
                        0 => 0,
                        1 | 2 => 1,
                        _ => 2,
                    })
                }
                _ => Outcome::NULL,
            },
            Amount => match amount_diff(a, b) {
                None => Outcome::NULL,
                Some(d) => Outcome::at(
                    AMOUNT_CUTS
                        .iter()
                        .position(|cut| d <= *cut)
                        .unwrap_or(AMOUNT_CUTS.len()) as u8,
                ),
            },
            Financiers => {
                if a.financiers.is_empty() || b.financiers.is_empty() {
                    return Outcome::NULL;
                }
                if let Some(tf) = rarest_shared(c, &a.financiers, &b.financiers) {
                    return Outcome {
                        level: 0,
                        tf: Some(tf),
                    };
                }
                let variant = shared(&a.financier_groups, &b.financier_groups)
                    .next()
                    .is_some()
                    || a.financiers
                        .iter()
                        .any(|&x| b.financiers.iter().any(|&y| c.similar_orgs(x, y)));
                Outcome::at(if variant { 1 } else { 2 })
            }
            Counterparts => {
                if a.counterparts.is_empty() || b.counterparts.is_empty() {
                    return Outcome::NULL;
                }
                if let Some(tf) = rarest_shared(c, &a.counterparts, &b.counterparts) {
                    return Outcome {
                        level: 0,
                        tf: Some(tf),
                    };
                }
                let variant = a
                    .counterparts
                    .iter()
                    .any(|&x| b.counterparts.iter().any(|&y| c.similar_orgs(x, y)));
                Outcome::at(if variant { 1 } else { 2 })
            }
            Name => match name_similarity(c, a, b) {
                None => Outcome::NULL,
                Some(s) => {
                    let level = NAME_CUTS
                        .iter()
                        .position(|cut| s >= *cut)
                        .unwrap_or(NAME_CUTS.len()) as u8;
                    // One shared word ("port") is never the strongest level.
                    if level == 0 && shared(&a.words, &b.words).nth(1).is_none() {
                        Outcome::at(1)
                    } else {
                        Outcome::at(level)
                    }
                }
            },
            Sector => match (a.sector, b.sector) {
                (Some(x), Some(y)) => Outcome::at(if x == y { 0 } else { 1 }),
                _ => Outcome::NULL,
            },
            Sources => {
                if a.sources.is_empty() || b.sources.is_empty() {
                    Outcome::NULL
                } else {
                    Outcome::at(if shared(&a.sources, &b.sources).next().is_some() {
                        0
                    } else {
                        1
                    })
                }
            }
            Release => Outcome::at(if a.release != 0 && a.release == b.release {
                2
            } else if a.dataset != 0 && a.dataset == b.dataset {
                1
            } else {
                0
            }),
            YearGap => year_level(a.year, b.year),
            AmountRatio => {
                let (Some(l), Some(k)) = (a.usd.first(), b.usd.first()) else {
                    return Outcome::NULL;
                };
                let r = k / l;
                Outcome::at(if (0.95..=1.6).contains(&r) {
                    0
                } else if (0.5..=3.0).contains(&r) {
                    1
                } else {
                    2
                })
            }
            Builder => {
                // The contract's builder: its contractors, or (AEI's combined table) the
                // entity whose row it is.
                let built: Vec<u32> = if b.builders.is_empty() {
                    b.financiers.clone()
                } else {
                    b.builders.clone()
                };
                if a.builders.is_empty() || built.is_empty() {
                    return Outcome::NULL;
                }
                if let Some(tf) = rarest_shared(c, &a.builders, &built) {
                    return Outcome {
                        level: 0,
                        tf: Some(tf),
                    };
                }
                let group = a.builders.iter().any(|&x| {
                    built
                        .iter()
                        .any(|&y| c.similar_orgs(x, y) || same_group(c, a, b, x, y))
                });
                Outcome::at(if group { 1 } else { 2 })
            }
        }
    }
}

fn same_group(_c: &Corpus<'_>, a: &Prep, b: &Prep, _x: u32, _y: u32) -> bool {
    shared(&a.financier_groups, &b.financier_groups)
        .next()
        .is_some()
}

/// A human rendering of what a level saw, for the waterfall ("CDB", "0.4 %", "0.62").
pub fn detail(cmp: Comparison, c: &Corpus<'_>, a: &Prep, b: &Prep, o: &Outcome) -> Option<String> {
    if let Some((v, tf)) = o.tf {
        return Some(format!(
            "{} (named by {:.1}% of records)",
            c.name(v),
            tf * 100.0
        ));
    }
    if o.level == NULL {
        return None;
    }
    match cmp {
        Amount => amount_diff(a, b).map(|d| format!("{:.2}% apart", d * 100.0)),
        Name => name_similarity(c, a, b).map(|s| format!("cosine {s:.2}")),
        Year | YearGap => Some(format!(
            "{} vs {}",
            a.year.unwrap_or_default(),
            b.year.unwrap_or_default()
        )),
        Kind => Some(format!("{} vs {}", a.kind, b.kind)),
        AmountRatio => match (a.usd.first(), b.usd.first()) {
            (Some(l), Some(k)) => Some(format!("{:.2}x", k / l)),
            _ => None,
        },
        _ => None,
    }
}
