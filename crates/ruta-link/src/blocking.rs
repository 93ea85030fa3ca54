//! Blocking rules: which pairs are compared at all. Comparing every record with every
//! other grows with the square of the records; a blocking rule compares only records
//! that agree on a key, so the work grows with the records times the size of their
//! blocks. A pair is compared once, under the first rule that proposes it (Splink's
//! deduplication of blocking rules), and the rule is part of its evidence.
//!
//! Every rule requires the same country (ISO3; regional records block among
//! themselves) and commitment years within a window; on top:
//! - [`BlockingRule::Financier`]: a shared lender, investor, contractor or donor.
//! - [`BlockingRule::Amount`]: amounts within about 10 % (nominal-dollar readings in the
//!   same bin of width ln 1.1) or, with `adjacent`, 21 % (the neighbouring bins too).
//! - [`BlockingRule::FinancierAmount`]: both a shared financier and amounts within ~21 %
//!   (for large sets, where a big lender's block is too big on its own).
//! - [`BlockingRule::Word`]: a shared name word that at most `max_df` records use.

use crate::corpus::{Corpus, Prep};
use std::collections::HashMap;

/// One blocking rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockingRule {
    /// Same country, years within `window`, a shared financier.
    Financier { window: i32 },
    /// Same country, years within `window`, amounts in the same bin of width ln 1.1
    /// (within 10 %), or with `adjacent` also in the neighbouring bins (within ~21 %).
    Amount { window: i32, adjacent: bool },
    /// Same country, years within `window`, a shared financier and amounts in the same
    /// or a neighbouring bin.
    FinancierAmount { window: i32 },
    /// Same country, years within `window`, a shared name word used by at most
    /// `max_df` records.
    Word { window: i32, max_df: u32 },
}

/// Width of an amount bin: ln 1.1 (readings in the same or adjacent bins are within
/// about 21 %, those in the same bin within 10 %).
const BIN: f64 = 0.095_310_179_804_324_86;

fn amount_bin(usd: f64) -> i64 {
    (usd.ln() / BIN).floor() as i64
}

impl BlockingRule {
    /// The rule as it appears in evidence: "l.country = r.country and |l.year - r.year|
    /// <= 1 and a shared financier".
    pub fn describe(&self) -> String {
        match self {
            BlockingRule::Financier { window } => {
                format!("same country, years within {window}, a shared financier")
            }
            BlockingRule::Amount { window, adjacent } => format!(
                "same country, years within {window}, amounts within ~{}%",
                if *adjacent { 21 } else { 10 }
            ),
            BlockingRule::FinancierAmount { window } => format!(
                "same country, years within {window}, a shared financier and amounts within ~21%"
            ),
            BlockingRule::Word { window, max_df } => format!(
                "same country, years within {window}, a shared name word used by at most {max_df} records"
            ),
        }
    }

    fn window(&self) -> i32 {
        match self {
            BlockingRule::Financier { window }
            | BlockingRule::Amount { window, .. }
            | BlockingRule::FinancierAmount { window }
            | BlockingRule::Word { window, .. } => *window,
        }
    }

    /// The keys a record is filed under (without country and year).
    fn keys(&self, c: &Corpus<'_>, p: &Prep, out: &mut Vec<u64>) {
        out.clear();
        match self {
            BlockingRule::Financier { .. } => out.extend(p.financiers.iter().map(|&o| o as u64)),
            BlockingRule::Amount { .. } => {
                out.extend(p.usd.iter().map(|&x| amount_bin(x) as u64));
            }
            BlockingRule::FinancierAmount { .. } => {
                for &o in &p.financiers {
                    for &x in &p.usd {
                        out.push(((o as u64) << 32) | (amount_bin(x) as u32 as u64));
                    }
                }
            }
            BlockingRule::Word { max_df, .. } => out.extend(
                p.words
                    .iter()
                    .filter(|&&w| c.word_df[w as usize] <= *max_df)
                    .map(|&w| w as u64),
            ),
        }
        out.sort_unstable();
        out.dedup();
    }

    /// The keys to look up for a record: its own, and for amounts the adjacent bins.
    fn probes(&self, c: &Corpus<'_>, p: &Prep, out: &mut Vec<u64>) {
        self.keys(c, p, out);
        let own: Vec<u64> = out.clone();
        match self {
            BlockingRule::Amount { adjacent: true, .. } => {
                for k in own {
                    let b = k as i64;
                    out.push((b - 1) as u64);
                    out.push((b + 1) as u64);
                }
            }
            BlockingRule::FinancierAmount { .. } => {
                for k in own {
                    let (o, b) = (k >> 32, (k as u32) as i32);
                    out.push((o << 32) | ((b - 1) as u32 as u64));
                    out.push((o << 32) | ((b + 1) as u32 as u64));
                }
            }
            _ => {}
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// The default rules of ruta's same-flow linkage.
pub fn default_rules() -> Vec<BlockingRule> {
    vec![
        BlockingRule::Financier { window: 1 },
        BlockingRule::Amount {
            window: 1,
            adjacent: true,
        },
        BlockingRule::Word {
            window: 2,
            max_df: 50,
        },
    ]
}

/// Year used in keys: records without a year block among themselves.
fn year_of(p: &Prep) -> i32 {
    p.year.unwrap_or(i32::MIN / 2)
}

/// An index of the records under every rule's keys.
pub struct BlockIndex {
    rules: Vec<BlockingRule>,
    /// (rule, country, key, year) → record indices, ascending.
    blocks: HashMap<(u8, u32, u64, i32), Vec<u32>>,
}

impl BlockIndex {
    /// Files every record under each rule's keys. Linear in the records.
    pub fn new(c: &Corpus<'_>, rules: &[BlockingRule]) -> BlockIndex {
        let mut blocks: HashMap<(u8, u32, u64, i32), Vec<u32>> = HashMap::new();
        let mut keys = Vec::new();
        for (i, p) in c.prepared.iter().enumerate() {
            for (r, rule) in rules.iter().enumerate() {
                rule.keys(c, p, &mut keys);
                for &k in &keys {
                    blocks
                        .entry((r as u8, p.country, k, year_of(p)))
                        .or_default()
                        .push(i as u32);
                }
            }
        }
        BlockIndex {
            rules: rules.to_vec(),
            blocks,
        }
    }

    pub fn rules(&self) -> &[BlockingRule] {
        &self.rules
    }

    /// The records record `i` is compared with, each with the index of the first rule
    /// that proposes the pair; `accept(j)` filters (e.g. `j > i` for a full run).
    pub fn candidates(
        &self,
        c: &Corpus<'_>,
        i: usize,
        accept: impl Fn(u32) -> bool,
        out: &mut Vec<(u32, u8)>,
    ) {
        out.clear();
        let p = &c.prepared[i];
        let mut probes = Vec::new();
        let y = year_of(p);
        for (r, rule) in self.rules.iter().enumerate() {
            rule.probes(c, p, &mut probes);
            let w = if p.year.is_some() { rule.window() } else { 0 };
            for &k in &probes {
                for yy in y - w..=y + w {
                    if let Some(list) = self.blocks.get(&(r as u8, p.country, k, yy)) {
                        out.extend(
                            list.iter()
                                .copied()
                                .filter(|&j| j as usize != i && accept(j))
                                .map(|j| (j, r as u8)),
                        );
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup_by_key(|x| x.0);
    }
}
