//! The records prepared once for comparing many pairs: names reduced to interned words
//! with their document frequencies, organizations interned with theirs (the term
//! frequencies of the term-frequency adjustments), amounts as nominal-dollar readings,
//! releases and countries as small integers.

use crate::record::{LinkRecord, Origin};
use crate::text;
use ruta_core::FlowKind;
use std::collections::HashMap;

/// One record, prepared.
#[derive(Debug, Clone)]
pub struct Prep {
    /// Interned country (0 = none).
    pub country: u32,
    pub year: Option<i32>,
    pub month: Option<u8>,
    pub kind: FlowKind,
    /// Whether the kind was inferred by ruta's rules rather than stated (an inferred
    /// investment of AEI's combined table may be a contract).
    pub kind_inferred: bool,
    /// Nominal US dollars: the displayed figure first, then the other readings.
    pub usd: Vec<f64>,
    /// Original amount and interned currency.
    pub original: Option<(f64, u32)>,
    /// Interned name words (fuzzy spellings mapped to the commonest), sorted, unique.
    pub words: Vec<u32>,
    /// Interned organizations on the Chinese side (lenders, investors, contractors,
    /// donors), sorted.
    pub financiers: Vec<u32>,
    /// Their groups (the organization itself when it has no parent), sorted.
    pub financier_groups: Vec<u32>,
    /// Interned counterparts (borrowers, targets, owners, operators, recipients,
    /// implementers), sorted.
    pub counterparts: Vec<u32>,
    /// Interned contractors and implementers (for `finances`), sorted.
    pub builders: Vec<u32>,
    /// Interned cited sources, sorted.
    pub sources: Vec<u32>,
    /// Interned release (dataset + version, or the registry); 0 for articles.
    pub release: u32,
    /// Interned dataset (0 for the registry and articles).
    pub dataset: u32,
    pub sector: Option<ruta_core::SectorGroup>,
    pub origin: Origin,
}

/// Records prepared for linkage, with the frequencies the comparisons need.
pub struct Corpus<'r> {
    pub records: &'r [LinkRecord],
    pub prepared: Vec<Prep>,
    strings: Interner,
    /// Number of records naming each word (index = interned id).
    pub word_df: Vec<u32>,
    /// Number of records naming each organization in any role.
    pub org_df: Vec<u32>,
    /// Inverse document frequency of each word: ln(N / df).
    pub word_idf: Vec<f32>,
    /// Organization names (folded words) by interned id, for fuzzy comparison.
    org_words: HashMap<u32, Vec<String>>,
    /// Records naming at least one organization.
    pub with_orgs: u32,
}

#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn get(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32 + 1;
        self.ids.insert(s.to_string(), i);
        self.names.push(s.to_string());
        i
    }
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

impl<'r> Corpus<'r> {
    /// Prepares `records`. Cost: linear in the records' words and parties.
    pub fn new(records: &'r [LinkRecord]) -> Corpus<'r> {
        let mut strings = Interner::default();
        let mut raw_words: Vec<Vec<u32>> = Vec::with_capacity(records.len());
        let mut org_words: HashMap<u32, Vec<String>> = HashMap::new();
        let mut prepared = Vec::with_capacity(records.len());
        use rayon::prelude::*;
        let tokenised: Vec<Vec<String>> =
            records.par_iter().map(|r| text::tokens(&r.name)).collect();
        for (r, toks) in records.iter().zip(tokenised) {
            let words: Vec<u32> = toks
                .iter()
                .map(|w| strings.get(&format!("w:{w}")))
                .collect();
            raw_words.push(sorted(words));
            let mut financiers = Vec::new();
            let mut groups = Vec::new();
            let mut counterparts = Vec::new();
            let mut builders = Vec::new();
            for p in &r.parties {
                let id = strings.get(&format!("o:{}", p.org));
                org_words.entry(id).or_insert_with(|| text::tokens(&p.name));
                if p.financier() {
                    financiers.push(id);
                    groups
                        .push(strings.get(&format!("o:{}", p.parent.as_deref().unwrap_or(&p.org))));
                } else {
                    counterparts.push(id);
                }
                if matches!(
                    p.role,
                    ruta_core::Role::Contractor | ruta_core::Role::Implementer
                ) {
                    builders.push(id);
                }
            }
            let mut usd: Vec<f64> = r.usd_nominal.into_iter().collect();
            for a in &r.alt_usd {
                if a.is_finite() && *a > 0.0 && !usd.iter().any(|x| (x - a).abs() < 0.5) {
                    usd.push(*a);
                }
            }
            usd.retain(|x| x.is_finite() && *x > 0.0);
            let release = match r.release() {
                Some((d, v)) => strings.get(&format!("r:{d}\u{1f}{v}")),
                None => 0,
            };
            prepared.push(Prep {
                country: r
                    .country
                    .as_deref()
                    .map(|c| strings.get(&format!("c:{c}")))
                    .unwrap_or(0),
                year: r.year,
                month: r.month.filter(|m| (1..=12).contains(m)),
                kind: r.kind,
                kind_inferred: r.kind_inferred,
                usd,
                original: match (r.amount, &r.currency) {
                    (Some(a), Some(c)) if a > 0.0 => Some((a, strings.get(&format!("$:{c}")))),
                    _ => None,
                },
                words: Vec::new(),
                financiers: sorted(financiers),
                financier_groups: sorted(groups),
                counterparts: sorted(counterparts),
                builders: sorted(builders),
                sources: sorted(
                    r.sources
                        .iter()
                        .map(|s| strings.get(&format!("s:{s}")))
                        .collect(),
                ),
                release,
                dataset: match (r.origin, &r.dataset) {
                    (Origin::Dataset, Some(d)) => strings.get(&format!("d:{d}")),
                    _ => 0,
                },
                sector: r.sector_group,
                origin: r.origin,
            });
        }
        let n_ids = strings.names.len() + 1;
        let mut word_df = vec![0u32; n_ids];
        for ws in &raw_words {
            for &w in ws {
                word_df[w as usize] += 1;
            }
        }
        // Spelling variants: each word maps to the commonest word it is a variant of
        // (`text::same_word`), compared within (first letter, length ± 1) buckets.
        let canon = fuzzy_canon(&strings.names, &word_df);
        for (p, ws) in prepared.iter_mut().zip(raw_words) {
            p.words = sorted(
                ws.into_iter()
                    .map(|w| canon.get(&w).copied().unwrap_or(w))
                    .collect(),
            );
        }
        let mut word_df = vec![0u32; n_ids];
        let mut org_df = vec![0u32; n_ids];
        let mut with_orgs = 0;
        for p in &prepared {
            for &w in &p.words {
                word_df[w as usize] += 1;
            }
            let mut orgs: Vec<u32> = p
                .financiers
                .iter()
                .chain(&p.counterparts)
                .chain(&p.financier_groups)
                .copied()
                .collect();
            orgs.sort_unstable();
            orgs.dedup();
            if !orgs.is_empty() {
                with_orgs += 1;
            }
            for o in orgs {
                org_df[o as usize] += 1;
            }
        }
        let n = records.len().max(1) as f32;
        let word_idf = word_df
            .iter()
            .map(|&df| {
                if df == 0 {
                    0.0
                } else {
                    (n / df as f32).ln().max(0.05)
                }
            })
            .collect();
        Corpus {
            records,
            prepared,
            strings,
            word_df,
            org_df,
            word_idf,
            org_words,
            with_orgs,
        }
    }

    /// The text behind an interned id, without its namespace prefix.
    pub fn name(&self, id: u32) -> &str {
        self.strings
            .names
            .get(id as usize - 1)
            .map(|s| s.get(2..).unwrap_or(""))
            .unwrap_or("")
    }

    /// The interned id of a word, organization (`o:`), country (`c:`) … if known.
    pub fn id(&self, namespaced: &str) -> Option<u32> {
        self.strings.ids.get(namespaced).copied()
    }

    /// Share of the records naming organization `org`: the term frequency of a match on
    /// it (Splink's `tf` of the value), at least 1/N.
    pub fn org_tf(&self, org: u32) -> f64 {
        let n = self.with_orgs.max(1) as f64;
        (self.org_df.get(org as usize).copied().unwrap_or(0) as f64 / n).max(1.0 / n)
    }

    /// Whether two organizations' names are one name written two ways: they share a
    /// distinctive word (not one of [`ORG_GENERIC`]), and shared words make up at least
    /// half of the shorter name, words matching their spelling variants ("Jiangxi
    /// Ganfeng" ~ "Ganfeng Lithium"; "Banko Industrial and Comercial" ~ "Banco
    /// Industrial e Comerical"; not "State Grid" ~ "State Power Investment").
    pub fn similar_orgs(&self, a: u32, b: u32) -> bool {
        let (Some(x), Some(y)) = (self.org_words.get(&a), self.org_words.get(&b)) else {
            return false;
        };
        if x.is_empty() || y.is_empty() {
            return false;
        }
        let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        let shared: Vec<&String> = short
            .iter()
            .filter(|w| long.iter().any(|v| v == *w || text::same_word(w, v)))
            .collect();
        shared.iter().any(|w| !ORG_GENERIC.contains(&w.as_str())) && shared.len() * 2 >= short.len()
    }
}

/// Words of organization names that do not tell one organization from another
/// (after `text::tokens` has dropped "China", "Group", "Corporation" …).
pub const ORG_GENERIC: &[&str] = &[
    "national",
    "international",
    "state",
    "holding",
    "industrial",
    "industry",
    "commercial",
    "energy",
    "power",
    "electric",
    "construction",
    "engineering",
    "development",
    "bank",
    "resources",
    "mining",
    "metals",
    "petroleum",
    "oil",
    "gas",
    "trust",
    "technology",
    "shipping",
    "general",
    "heavy",
    "machinery",
    "communications",
    "railway",
    "rail",
    "road",
    "bridge",
    "port",
    "harbour",
    "harbor",
    "water",
    "hydro",
    "fund",
    "capital",
    "asset",
    "management",
    "municipal",
    "province",
    "provincial",
    "city",
    "agricultural",
];

/// Maps each rare word (named by at most 3 records: typos are rare) to the commonest
/// spelling variant of it (`text::same_word`) among commoner words of the same first two
/// letters and a length within one.
fn fuzzy_canon(names: &[String], df: &[u32]) -> HashMap<u32, u32> {
    let mut buckets: HashMap<([u8; 2], usize), Vec<u32>> = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(w) = n.strip_prefix("w:")
            && w.len() >= 5
        {
            let b = w.as_bytes();
            buckets
                .entry(([b[0], b[1]], w.len()))
                .or_default()
                .push(i as u32 + 1);
        }
    }
    let word = |id: u32| &names[id as usize - 1][2..];
    let mut canon = HashMap::new();
    for (&(first, len), ids) in &buckets {
        for &a in ids.iter().filter(|&&a| df[a as usize] <= 3) {
            let mut best = a;
            for l in [len - 1, len, len + 1] {
                let Some(others) = buckets.get(&(first, l)) else {
                    continue;
                };
                for &b in others {
                    if b != a
                        && df[b as usize] > df[a as usize]
                        && (df[b as usize], std::cmp::Reverse(b))
                            > (df[best as usize], std::cmp::Reverse(best))
                        && text::same_word(word(a), word(b))
                    {
                        best = b;
                    }
                }
            }
            if best != a {
                canon.insert(a, best);
            }
        }
    }
    canon
}
