//! Fellegi–Sunter match weights, as Splink computes them.
//!
//! For each comparison level, `m` is the probability of the level among pairs that are
//! a match (the same flow; a loan and the contract it pays) and `u` among pairs that are
//! not; the level's match weight is log2(m / u). A pair's match weight is the prior
//! weight log2(λ / (1 − λ)) — λ the probability that two random records match — plus the
//! weight of each comparison's level, plus term-frequency adjustments: on a level that
//! says "the same organization", the weight uses that organization's frequency instead
//! of the average u (Splink: log2(u / tf) is added), so sharing "China Development Bank"
//! says less than sharing "China Gezhouba Group". The match probability is
//! 2^W / (1 + 2^W). [`Model::explain`] lists every term: the match-weight waterfall.
//!
//! u is estimated from random pairs of the records being linked
//! ([`Model::estimate_u`]); m starts from documented priors (`Comparison::levels`) and
//! can be estimated by expectation–maximisation over the blocked pairs
//! ([`Model::estimate_m`], Splink's `estimate_parameters_using_expectation_maximisation`
//! with u fixed).

use crate::comparison::{Comparison, NULL, Outcome, detail};
use crate::corpus::{Corpus, Prep};
use serde::Serialize;
use std::collections::HashMap;

/// m and u of one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LevelParams {
    pub m: f64,
    pub u: f64,
}

impl LevelParams {
    /// log2(m / u).
    pub fn weight(&self) -> f64 {
        (self.m / self.u).log2()
    }
}

/// A Fellegi–Sunter model: comparisons, their levels' m and u, and λ.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// `same_flow` or `finances`.
    pub name: &'static str,
    pub comparisons: Vec<Comparison>,
    /// Per comparison, per level.
    pub params: Vec<Vec<LevelParams>>,
    /// Probability that two random records match (Splink's
    /// `probability_two_random_records_match`).
    pub lambda: f64,
}

/// Floor of an estimated probability, so that no level has weight ±∞.
const FLOOR: f64 = 1e-5;

/// One term of the waterfall.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WaterfallRow {
    pub comparison: String,
    /// The level's label ("within 3%"), or "null" when the comparison could not be made.
    pub level: String,
    /// What the comparison saw ("1.03% apart", "CDB (named by 12.0% of records)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub m: Option<f64>,
    pub u: Option<f64>,
    /// log2(m / u), or 0 for null.
    pub weight: f64,
    /// Term-frequency adjustment log2(u / tf) for a shared value, when one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tf_adjustment: Option<f64>,
}

/// Why a pair scored what it scored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// The model (`same_flow`, `finances`).
    pub model: String,
    /// The blocking rule that made the pair a candidate.
    pub blocking_rule: String,
    /// log2(λ / (1 − λ)).
    pub prior_weight: f64,
    pub rows: Vec<WaterfallRow>,
    /// The sum of the prior weight and every row's weight and adjustment.
    pub match_weight: f64,
    /// 2^W / (1 + 2^W).
    pub match_probability: f64,
    /// Anything clustering decided about the pair ("would join two records of AidData
    /// GCDF 3.0"), when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A match weight as a probability.
pub fn probability(w: f64) -> f64 {
    let p = 2f64.powf(w);
    if p.is_infinite() { 1.0 } else { p / (1.0 + p) }
}

/// The match weight of a probability.
pub fn weight_of(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

impl Model {
    /// A model with the comparisons' prior m and u and the given λ.
    pub fn with_priors(name: &'static str, comparisons: Vec<Comparison>, lambda: f64) -> Model {
        let params = comparisons
            .iter()
            .map(|c| {
                c.levels()
                    .iter()
                    .map(|l| LevelParams { m: l.m, u: l.u })
                    .collect()
            })
            .collect();
        Model {
            name,
            comparisons,
            params,
            lambda,
        }
    }

    /// The same-flow model: are two records one flow?
    pub fn same_flow(lambda: f64) -> Model {
        use Comparison::*;
        Model::with_priors(
            "same_flow",
            vec![
                Country,
                Kind,
                Year,
                Month,
                Amount,
                Financiers,
                Counterparts,
                Name,
                Sector,
                Sources,
                Release,
            ],
            lambda,
        )
    }

    /// The finances model: does loan `a` pay for contract `b`?
    pub fn finances(lambda: f64) -> Model {
        use Comparison::*;
        Model::with_priors(
            "finances",
            vec![Country, YearGap, AmountRatio, Builder, Name, Sector],
            lambda,
        )
    }

    fn prior_weight(&self) -> f64 {
        weight_of(self.lambda)
    }

    /// The levels of a pair, one per comparison.
    pub fn gammas(&self, c: &Corpus<'_>, a: &Prep, b: &Prep) -> Vec<Outcome> {
        self.comparisons
            .iter()
            .map(|cmp| cmp.compare(c, a, b))
            .collect()
    }

    /// The match weight of a pair whose levels are `g`.
    pub fn weight_of_gammas(&self, g: &[Outcome]) -> f64 {
        let mut w = self.prior_weight();
        for (k, o) in g.iter().enumerate() {
            if o.level == NULL {
                continue;
            }
            let p = &self.params[k][o.level as usize];
            w += p.weight();
            if let Some((_, tf)) = o.tf {
                w += (p.u / tf.max(FLOOR)).log2();
            }
        }
        w
    }

    /// The match weight of records `i` and `j` of the corpus.
    pub fn score(&self, c: &Corpus<'_>, i: usize, j: usize) -> f64 {
        let (a, b) = (&c.prepared[i], &c.prepared[j]);
        let mut w = self.prior_weight();
        for (k, cmp) in self.comparisons.iter().enumerate() {
            let o = cmp.compare(c, a, b);
            if o.level == NULL {
                continue;
            }
            let p = &self.params[k][o.level as usize];
            w += p.weight();
            if let Some((_, tf)) = o.tf {
                w += (p.u / tf.max(FLOOR)).log2();
            }
        }
        w
    }

    /// The waterfall of records `i` and `j`.
    pub fn explain(&self, c: &Corpus<'_>, i: usize, j: usize, rule: &str) -> Explanation {
        let (a, b) = (&c.prepared[i], &c.prepared[j]);
        let mut rows = Vec::with_capacity(self.comparisons.len());
        let prior = self.prior_weight();
        let mut total = prior;
        for (k, cmp) in self.comparisons.iter().enumerate() {
            let o = cmp.compare(c, a, b);
            if o.level == NULL {
                rows.push(WaterfallRow {
                    comparison: cmp.name().into(),
                    level: "null".into(),
                    detail: None,
                    m: None,
                    u: None,
                    weight: 0.0,
                    tf_adjustment: None,
                });
                continue;
            }
            let p = self.params[k][o.level as usize];
            let tf_adj = o.tf.map(|(_, tf)| (p.u / tf.max(FLOOR)).log2());
            total += p.weight() + tf_adj.unwrap_or(0.0);
            rows.push(WaterfallRow {
                comparison: cmp.name().into(),
                level: cmp.levels()[o.level as usize].label.into(),
                detail: detail(*cmp, c, a, b, &o),
                m: Some(round(p.m)),
                u: Some(round(p.u)),
                weight: round(p.weight()),
                tf_adjustment: tf_adj.map(round),
            });
        }
        Explanation {
            model: self.name.into(),
            blocking_rule: rule.into(),
            prior_weight: round(prior),
            rows,
            match_weight: round(total),
            match_probability: probability(total),
            note: None,
        }
    }

    /// Estimates every level's u from `pairs` random pairs of the corpus (Splink's
    /// `estimate_u_using_random_sampling`): u = share of the random pairs in the level,
    /// among those where the comparison could be made. Levels never seen keep a floor
    /// of half a pair. Deterministic for a given `seed`. Returns the number of pairs
    /// sampled (0 when there are too few records to sample: the priors stay).
    pub fn estimate_u(&mut self, c: &Corpus<'_>, pairs: usize, seed: u64) -> usize {
        let all: Vec<usize> = (0..c.prepared.len()).collect();
        self.estimate_u_between(c, &all, &all, pairs, seed)
    }

    /// [`Model::estimate_u`] over random pairs (one record of `left`, one of `right`):
    /// for the finances model, random loans and contracts.
    pub fn estimate_u_between(
        &mut self,
        c: &Corpus<'_>,
        left: &[usize],
        right: &[usize],
        pairs: usize,
        seed: u64,
    ) -> usize {
        if left.len() < 10 || right.len() < 10 || left.len() * right.len() < 500 {
            return 0;
        }
        // Sampled in 16 chunks with seeds derived from `seed`, in parallel: the same
        // pairs whatever the number of threads.
        use rayon::prelude::*;
        let empty: Vec<Vec<f64>> = self.params.iter().map(|l| vec![0.0; l.len()]).collect();
        let chunks = 16usize;
        let per = pairs.div_ceil(chunks);
        let parts: Vec<(Vec<Vec<f64>>, usize)> = (0..chunks)
            .into_par_iter()
            .map(|k| {
                let mut counts = empty.clone();
                let mut rng = SplitMix(seed ^ (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                let mut drawn = 0;
                for _ in 0..per {
                    let i = left[(rng.next() % left.len() as u64) as usize];
                    let j = right[(rng.next() % right.len() as u64) as usize];
                    if i == j {
                        continue;
                    }
                    drawn += 1;
                    for (k, cmp) in self.comparisons.iter().enumerate() {
                        let o = cmp.compare(c, &c.prepared[i], &c.prepared[j]);
                        if o.level != NULL {
                            counts[k][o.level as usize] += 1.0;
                        }
                    }
                }
                (counts, drawn)
            })
            .collect();
        let mut counts = empty;
        let mut drawn = 0;
        for (part, d) in parts {
            drawn += d;
            for (k, levels) in part.iter().enumerate() {
                for (l, v) in levels.iter().enumerate() {
                    counts[k][l] += v;
                }
            }
        }
        for (k, levels) in counts.iter().enumerate() {
            let total: f64 = levels.iter().sum();
            if total < 20.0 {
                continue;
            }
            for (l, &cnt) in levels.iter().enumerate() {
                self.params[k][l].u = (cnt.max(0.5) / total).clamp(FLOOR, 1.0);
            }
        }
        drawn
    }

    /// Expectation–maximisation of m (and λ) over the comparison vectors of the blocked
    /// pairs, u fixed (Splink's approach). `patterns` maps each vector of levels to the
    /// number of pairs that have it. Stops after `iterations` or when no m moves by more
    /// than 1e-4. Term-frequency adjustments take no part, as in Splink. Returns the
    /// iterations run.
    pub fn estimate_m(&mut self, patterns: &HashMap<Vec<u8>, u64>, iterations: usize) -> usize {
        let total: f64 = patterns.values().map(|&v| v as f64).sum();
        if total == 0.0 {
            return 0;
        }
        // λ among blocked pairs, started from the share the current model calls matches.
        let mut lam_b = {
            let matched: f64 = patterns
                .iter()
                .map(|(g, &n)| n as f64 * probability(self.weight_of_levels(g, 0.5)))
                .sum();
            (matched / total).clamp(1e-4, 0.5)
        };
        for it in 0..iterations {
            let mut m_num: Vec<Vec<f64>> = self.params.iter().map(|l| vec![0.0; l.len()]).collect();
            let mut matched = 0.0;
            for (g, &n) in patterns {
                let p = probability(self.weight_of_levels(g, lam_b)) * n as f64;
                matched += p;
                for (k, &lvl) in g.iter().enumerate() {
                    if lvl != NULL {
                        m_num[k][lvl as usize] += p;
                    }
                }
            }
            let mut delta: f64 = 0.0;
            for (k, levels) in m_num.iter().enumerate() {
                let s: f64 = levels.iter().sum();
                if s <= 0.0 {
                    continue;
                }
                for (l, &v) in levels.iter().enumerate() {
                    let m = (v / s).clamp(FLOOR, 1.0);
                    delta = delta.max((m - self.params[k][l].m).abs());
                    self.params[k][l].m = m;
                }
            }
            lam_b = (matched / total).clamp(1e-6, 0.999);
            if delta < 1e-4 {
                return it + 1;
            }
        }
        iterations
    }

    fn weight_of_levels(&self, g: &[u8], lambda: f64) -> f64 {
        let mut w = weight_of(lambda);
        for (k, &lvl) in g.iter().enumerate() {
            if lvl != NULL {
                w += self.params[k][lvl as usize].weight();
            }
        }
        w
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A small deterministic generator (SplitMix64) for sampling random pairs.
pub struct SplitMix(pub u64);

impl SplitMix {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
