//! The linker: blocking → comparisons → match weights → clustering → proposed
//! relations.
//!
//! 1. **Same flow.** Candidate pairs come from the blocking rules; each is scored by the
//!    same-flow model. Pairs are then clustered into flows, strongest first
//!    (constrained clustering, as nomenklatura's resolver keeps judgements consistent):
//!    relations already stated by a dataset, the registry, a rule or a person join
//!    clusters first; a pair above the upper threshold joins two clusters unless that
//!    would put **two records of one release** in one flow (a release lists a flow once:
//!    two tranches of one acquisition, or two investors' stakes, stay apart) or a
//!    person has rejected a link between them. Joined pairs become `same_as` — or
//!    `supersedes`, from the newer release of one dataset to the older — with judgement
//!    `positive`; pairs between the thresholds, or blocked by a constraint, become
//!    `candidate`s for review.
//! 2. **Finances.** Each loan is compared with the contracts (construction contracts,
//!    or investments whose kind ruta only inferred) of the same country within three
//!    years, by the finances model; `finances` from the loan to the contract, positive
//!    above its upper threshold, candidate between.
//!
//! The linker proposes relations; it never writes totals: counting follows from the
//! relations that hold (`ruta_core::count`).

use crate::blocking::{BlockIndex, BlockingRule, default_rules};
use crate::corpus::Corpus;
use crate::model::{Explanation, Model, probability, weight_of};
use crate::record::{Known, LinkRecord};
use rayon::prelude::*;
use ruta_core::{FlowKind, Judgement, RelationKind};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How the linker decides.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Match probability from which a same-flow pair is applied (positive).
    pub upper: f64,
    /// Match probability from which a same-flow pair is proposed for review.
    pub lower: f64,
    /// The same for the finances model.
    pub finances_upper: f64,
    pub finances_lower: f64,
    /// Random pairs drawn to estimate u.
    pub u_pairs: usize,
    pub seed: u64,
    /// Expected number of other records of the same flow per record: λ = this / (N − 1).
    pub matches_per_record: f64,
    /// Expected number of contracts a loan pays for: λ of the finances model = this /
    /// (number of contracts).
    pub contracts_per_loan: f64,
    pub rules: Vec<BlockingRule>,
    /// Whether to propose `finances`.
    pub finances: bool,
}

impl Default for Settings {
    /// Thresholds chosen on ruta's labelled pairs (BENCHMARKS.md, "Record linkage"):
    /// applied from a match probability of 0.99 (weight 6.6), reviewed from 0.2
    /// (weight −2); finances applied from 0.99 and reviewed from 0.5.
    fn default() -> Settings {
        Settings {
            upper: 0.99,
            lower: 0.2,
            finances_upper: 0.99,
            finances_lower: 0.5,
            u_pairs: 200_000,
            seed: 0x5275_7461,
            matches_per_record: 0.5,
            contracts_per_loan: 0.3,
            rules: default_rules(),
            finances: true,
        }
    }
}

/// Which pairs to look at.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every pair the blocking rules propose.
    All,
    /// Only pairs involving these record ids (after an import: the records it wrote).
    Records(HashSet<String>),
}

/// A relation the linker proposes.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub kind: RelationKind,
    /// For `supersedes` the newer release, for `finances` the loan; for `same_as` the
    /// smaller id.
    pub from: String,
    pub to: String,
    /// Match probability (0–1).
    pub score: f64,
    pub judgement: Judgement,
    /// The model's rule name (`ruta-link same_flow`, `ruta-link finances`).
    pub rule: String,
    pub evidence: Explanation,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub records: usize,
    /// Pairs scored, per blocking rule (same flow) and for finances.
    pub pairs_compared: u64,
    pub pairs_by_rule: Vec<(String, u64)>,
    pub finances_pairs: u64,
    /// Random pairs sampled to estimate u.
    pub u_pairs: usize,
    pub positive: usize,
    pub candidates: usize,
    /// Pairs above the upper threshold kept apart by a constraint.
    pub constrained: usize,
}

/// Rule names written on relations.
pub const SAME_FLOW_RULE: &str = "ruta-link same_flow";
pub const FINANCES_RULE: &str = "ruta-link finances";

/// A scored pair (record indices, weight, blocking rule index).
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    pub i: u32,
    pub j: u32,
    pub weight: f64,
    pub rule: u8,
}

/// A prepared linker: the corpus, its block index and the fitted models. Building it is
/// linear in the records; [`Linker::candidates_for`] links one record against it.
pub struct Linker<'r> {
    pub corpus: Corpus<'r>,
    pub index: BlockIndex,
    pub same_flow: Model,
    pub finances: Model,
    pub settings: Settings,
    pub u_pairs: usize,
}

impl<'r> Linker<'r> {
    /// Prepares `records` and estimates u from random pairs.
    pub fn new(records: &'r [LinkRecord], settings: Settings) -> Linker<'r> {
        let corpus = Corpus::new(records);
        let index = BlockIndex::new(&corpus, &settings.rules);
        let n = records.len().max(2) as f64;
        let mut same_flow =
            Model::same_flow((settings.matches_per_record / (n - 1.0)).clamp(1e-9, 0.5));
        let u_pairs = same_flow.estimate_u(&corpus, settings.u_pairs, settings.seed);
        let contracts: Vec<usize> = (0..records.len())
            .filter(|&i| contract_like(&records[i]))
            .collect();
        let loans: Vec<usize> = (0..records.len())
            .filter(|&i| records[i].kind == FlowKind::Loan)
            .collect();
        let mut finances = Model::finances(
            (settings.contracts_per_loan / contracts.len().max(1) as f64).clamp(1e-9, 0.5),
        );
        finances.estimate_u_between(&corpus, &loans, &contracts, settings.u_pairs, settings.seed);
        Linker {
            corpus,
            index,
            same_flow,
            finances,
            settings,
            u_pairs,
        }
    }

    /// Scores every pair the blocking rules propose within `scope` (in parallel) and
    /// returns those at or above the review threshold, and the number scored per rule.
    pub fn score_pairs(&self, scope: &Scope) -> (Vec<Scored>, Vec<u64>) {
        let n = self.corpus.prepared.len();
        let in_scope: Vec<bool> = match scope {
            Scope::All => vec![true; n],
            Scope::Records(ids) => self
                .corpus
                .records
                .iter()
                .map(|r| ids.contains(&r.id))
                .collect(),
        };
        let all = matches!(scope, Scope::All);
        let min_w = weight_of(self.settings.lower);
        let nrules = self.index.rules().len();
        let results: Vec<(Vec<Scored>, Vec<u64>)> = (0..n)
            .into_par_iter()
            .filter(|&i| in_scope[i])
            .fold(
                || (Vec::new(), vec![0u64; nrules], Vec::new()),
                |(mut out, mut counts, mut buf), i| {
                    let accept = |j: u32| {
                        let j = j as usize;
                        if all { j > i } else { !in_scope[j] || j > i }
                    };
                    self.index.candidates(&self.corpus, i, accept, &mut buf);
                    for &(j, r) in &buf {
                        counts[r as usize] += 1;
                        let w = self.same_flow.score(&self.corpus, i, j as usize);
                        if w >= min_w {
                            out.push(Scored {
                                i: i as u32,
                                j,
                                weight: w,
                                rule: r,
                            });
                        }
                    }
                    (out, counts, buf)
                },
            )
            .map(|(o, c, _)| (o, c))
            .collect();
        let mut pairs = Vec::new();
        let mut counts = vec![0u64; nrules];
        for (o, c) in results {
            pairs.extend(o);
            for (k, v) in c.into_iter().enumerate() {
                counts[k] += v;
            }
        }
        pairs.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then(a.i.cmp(&b.i))
                .then(a.j.cmp(&b.j))
        });
        (pairs, counts)
    }

    /// The records one record would link to (weight at or above the review
    /// threshold), best first: the incremental path for one new record.
    pub fn candidates_for(&self, i: usize) -> Vec<Scored> {
        let mut buf = Vec::new();
        self.index.candidates(&self.corpus, i, |_| true, &mut buf);
        let min_w = weight_of(self.settings.lower);
        let mut out: Vec<Scored> = buf
            .iter()
            .filter_map(|&(j, r)| {
                let w = self.same_flow.score(&self.corpus, i, j as usize);
                (w >= min_w).then_some(Scored {
                    i: i as u32,
                    j,
                    weight: w,
                    rule: r,
                })
            })
            .collect();
        out.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        out
    }

    fn rule_name(&self, r: u8) -> String {
        self.index.rules()[r as usize].describe()
    }

    /// Runs the linker over `scope`, respecting `known` statements.
    pub fn run(&self, known: &[Known], scope: &Scope) -> (Vec<Proposal>, Report) {
        let records = self.corpus.records;
        let n = records.len();
        let pos: HashMap<&str, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let (pairs, counts) = self.score_pairs(scope);
        let mut report = Report {
            records: n,
            pairs_compared: counts.iter().sum(),
            pairs_by_rule: counts
                .iter()
                .enumerate()
                .map(|(r, c)| (self.rule_name(r as u8), *c))
                .collect(),
            u_pairs: self.u_pairs,
            ..Report::default()
        };
        // Clusters seeded by what others stated.
        let mut cl = Clusters::new(&self.corpus);
        let mut financed: Vec<(usize, usize)> = Vec::new();
        let mut by_person: HashSet<(usize, usize)> = HashSet::new();
        for k in known {
            let (Some(&a), Some(&b)) = (pos.get(k.from.as_str()), pos.get(k.to.as_str())) else {
                continue;
            };
            if k.person {
                by_person.insert((a.min(b), a.max(b)));
            }
            match (k.same_flow(), k.holds) {
                (true, true) => cl.force(a, b),
                (true, false) => cl.forbid(a, b),
                (false, true) if k.kind == RelationKind::Finances => financed.push((a, b)),
                _ => {}
            }
        }
        // Flows as others stated them: the model's proposals within one are redundant.
        let stated_root: Vec<usize> = (0..n).map(|i| cl.root(i)).collect();
        let upper = weight_of(self.settings.upper);
        // Decisions first (sequential: clustering is order-dependent), proposals with
        // their waterfalls after (in parallel).
        let mut decided: Vec<(Scored, Judgement, Option<String>)> = Vec::new();
        let mut pending: Vec<(Scored, Option<String>)> = Vec::new();
        for s in &pairs {
            let (i, j) = (s.i as usize, s.j as usize);
            if by_person.contains(&(i.min(j), i.max(j))) {
                // The model's own judgement, kept beside the person's decision.
                let j = if s.weight >= upper {
                    Judgement::Positive
                } else {
                    Judgement::Candidate
                };
                decided.push((*s, j, None));
                continue;
            }
            if stated_root[i] == stated_root[j] || cl.decided(i, j) {
                continue;
            }
            let gate = if s.weight >= upper {
                self.applicable(i, j)
            } else {
                Ok(())
            };
            if let Err(why) = gate {
                pending.push((*s, Some(why)));
            } else if s.weight >= upper {
                match cl.try_join(i, j) {
                    Ok(()) => decided.push((*s, Judgement::Positive, None)),
                    Err(why) => {
                        report.constrained += 1;
                        pending.push((*s, Some(why)));
                    }
                }
            } else {
                pending.push((*s, None));
            }
        }
        for (s, note) in pending {
            let (i, j) = (s.i as usize, s.j as usize);
            // Two records of one release are never one flow: not worth a review.
            let one_release = self.corpus.prepared[i].release != 0
                && self.corpus.prepared[i].release == self.corpus.prepared[j].release;
            if cl.same(i, j) || cl.decided(i, j) || one_release {
                continue;
            }
            decided.push((s, Judgement::Candidate, note));
        }
        let mut proposals: Vec<Proposal> = decided
            .into_par_iter()
            .map(|(s, j, note)| self.same_flow_proposal(&s, j, note))
            .collect();
        if self.settings.finances {
            let financed: HashSet<(usize, usize)> = financed
                .into_iter()
                .map(|(a, b)| (stated_root[a], stated_root[b]))
                .collect();
            let (f, compared) = self.finances_proposals(scope, &mut cl, &financed, &stated_root);
            report.finances_pairs = compared;
            proposals.extend(f);
        }
        report.positive = proposals
            .iter()
            .filter(|p| p.judgement == Judgement::Positive)
            .count();
        report.candidates = proposals.len() - report.positive;
        (proposals, report)
    }

    /// Whether a pair above the upper threshold can be applied without a person (else
    /// it is proposed for review, with the reason):
    /// - an amount, or the financiers, or the counterparts of both records could be
    ///   compared — names, places and years alone ("Port A", Peru, 2019) never join two
    ///   flows;
    /// - amounts more than 25 % apart join only records that state the same month (a
    ///   release's revision of one deal: AEI's Shaanxi 1,010 → 110 in June 2010), not
    ///   two loans of one year and lender (AidData's Las Bambas $6 bn and $969 m).
    fn applicable(&self, i: usize, j: usize) -> Result<(), String> {
        use crate::comparison::{Comparison, NULL};
        let (a, b) = (&self.corpus.prepared[i], &self.corpus.prepared[j]);
        let level = |c: Comparison| c.compare(&self.corpus, a, b).level;
        if [
            Comparison::Amount,
            Comparison::Financiers,
            Comparison::Counterparts,
        ]
        .iter()
        .all(|&c| level(c) == NULL)
        {
            return Err("not applied: neither an amount nor a party could be compared".into());
        }
        let far = Comparison::Amount.levels().len() as u8 - 1;
        if level(Comparison::Amount) == far && level(Comparison::Month) != 0 {
            return Err(
                "not applied: amounts more than 25% apart and no common commitment month".into(),
            );
        }
        Ok(())
    }

    fn same_flow_proposal(&self, s: &Scored, j: Judgement, note: Option<String>) -> Proposal {
        let (a, b) = (
            &self.corpus.records[s.i as usize],
            &self.corpus.records[s.j as usize],
        );
        let mut ev = self.same_flow.explain(
            &self.corpus,
            s.i as usize,
            s.j as usize,
            &self.rule_name(s.rule),
        );
        ev.note = note;
        let same_dataset = a.origin == crate::record::Origin::Dataset
            && b.origin == crate::record::Origin::Dataset
            && a.dataset == b.dataset
            && a.version != b.version;
        let (kind, from, to) = if same_dataset {
            let newer_a =
                ruta_core::resolve::version_cmp(a.version.as_deref(), b.version.as_deref())
                    == std::cmp::Ordering::Greater;
            if newer_a {
                (RelationKind::Supersedes, &a.id, &b.id)
            } else {
                (RelationKind::Supersedes, &b.id, &a.id)
            }
        } else if a.id < b.id {
            (RelationKind::SameAs, &a.id, &b.id)
        } else {
            (RelationKind::SameAs, &b.id, &a.id)
        };
        Proposal {
            kind,
            from: from.clone(),
            to: to.clone(),
            score: round4(probability(s.weight)),
            judgement: j,
            rule: SAME_FLOW_RULE.into(),
            evidence: ev,
        }
    }

    /// Loans × contracts of the same country within three years.
    fn finances_proposals(
        &self,
        scope: &Scope,
        cl: &mut Clusters,
        financed: &HashSet<(usize, usize)>,
        stated_root: &[usize],
    ) -> (Vec<Proposal>, u64) {
        let recs = self.corpus.records;
        let in_scope = |i: usize| match scope {
            Scope::All => true,
            Scope::Records(ids) => ids.contains(&recs[i].id),
        };
        let mut contracts: HashMap<(u32, i32), Vec<usize>> = HashMap::new();
        for (i, r) in recs.iter().enumerate() {
            if contract_like(r)
                && let Some(y) = r.year
            {
                contracts
                    .entry((self.corpus.prepared[i].country, y))
                    .or_default()
                    .push(i);
            }
        }
        // A record clustered with an investment whose kind a source states is not a
        // contract.
        let investment_cluster: HashSet<usize> = recs
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                matches!(r.kind, FlowKind::Equity | FlowKind::MAndA) && !r.kind_inferred
            })
            .map(|(i, _)| cl.root(i))
            .collect();
        let lower = weight_of(self.settings.finances_lower);
        let upper = weight_of(self.settings.finances_upper);
        let mut scored: Vec<(usize, usize, f64)> = Vec::new();
        let mut compared = 0u64;
        for (i, r) in recs.iter().enumerate() {
            if r.kind != FlowKind::Loan || self.corpus.prepared[i].country == 0 {
                continue;
            }
            let Some(y) = r.year else { continue };
            for yy in y - 3..=y + 3 {
                let Some(list) = contracts.get(&(self.corpus.prepared[i].country, yy)) else {
                    continue;
                };
                for &j in list {
                    if !(in_scope(i) || in_scope(j)) || cl.same(i, j) {
                        continue;
                    }
                    if investment_cluster.contains(&cl.root(j))
                        || financed.contains(&(stated_root[i], stated_root[j]))
                    {
                        continue;
                    }
                    compared += 1;
                    let w = self.finances.score(&self.corpus, i, j);
                    if w >= lower {
                        scored.push((i, j, w));
                    }
                }
            }
        }
        scored.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        let out = scored
            .into_iter()
            .map(|(i, j, w)| Proposal {
                kind: RelationKind::Finances,
                from: recs[i].id.clone(),
                to: recs[j].id.clone(),
                score: round4(probability(w)),
                judgement: if w >= upper {
                    Judgement::Positive
                } else {
                    Judgement::Candidate
                },
                rule: FINANCES_RULE.into(),
                evidence: self.finances.explain(
                    &self.corpus,
                    i,
                    j,
                    "same country, contract within three years of the loan",
                ),
            })
            .collect();
        (out, compared)
    }

    /// The waterfall of any two records by id (`ruta link explain`), under the model
    /// that fits their kinds.
    pub fn explain(&self, a: &str, b: &str) -> Option<Explanation> {
        let i = self.corpus.records.iter().position(|r| r.id == a)?;
        let j = self.corpus.records.iter().position(|r| r.id == b)?;
        let (ri, rj) = (&self.corpus.records[i], &self.corpus.records[j]);
        Some(if ri.kind == FlowKind::Loan && contract_like(rj) {
            self.finances.explain(&self.corpus, i, j, "asked for")
        } else if rj.kind == FlowKind::Loan && contract_like(ri) {
            self.finances.explain(&self.corpus, j, i, "asked for")
        } else {
            self.same_flow.explain(&self.corpus, i, j, "asked for")
        })
    }
}

/// A record that may be the contract a loan pays for: a construction contract, or an
/// investment whose kind ruta only inferred (AEI's combined table does not say which
/// rows are contracts).
pub fn contract_like(r: &LinkRecord) -> bool {
    r.kind == FlowKind::ConstructionContract
        || (r.kind_inferred && matches!(r.kind, FlowKind::Equity | FlowKind::MAndA))
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Constrained clusters over the corpus's records.
struct Clusters {
    parent: Vec<usize>,
    /// Per root: its members' releases (sorted) and members.
    releases: HashMap<usize, Vec<u32>>,
    members: HashMap<usize, Vec<usize>>,
    /// Record → records a person said are not the same flow.
    forbidden: HashMap<usize, Vec<usize>>,
    release_names: Vec<u32>,
    names: Vec<String>,
}

impl Clusters {
    fn new(c: &Corpus<'_>) -> Clusters {
        let n = c.prepared.len();
        Clusters {
            parent: (0..n).collect(),
            releases: HashMap::new(),
            members: HashMap::new(),
            forbidden: HashMap::new(),
            release_names: c.prepared.iter().map(|p| p.release).collect(),
            names: c
                .records
                .iter()
                .map(|r| match r.release() {
                    Some((d, v)) if v.is_empty() => d,
                    Some((d, v)) => format!("{d} {v}"),
                    None => String::new(),
                })
                .collect(),
        }
    }

    fn root(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn same(&mut self, a: usize, b: usize) -> bool {
        self.root(a) == self.root(b)
    }

    fn members_of(&mut self, r: usize) -> Vec<usize> {
        self.members.get(&r).cloned().unwrap_or_else(|| vec![r])
    }

    fn releases_of(&self, r: usize) -> Vec<u32> {
        self.releases.get(&r).cloned().unwrap_or_else(|| {
            let rel = self.release_names[r];
            if rel == 0 { vec![] } else { vec![rel] }
        })
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let mut rel = self.releases_of(ra);
        rel.extend(self.releases_of(rb));
        rel.sort_unstable();
        let mut mem = self.members_of(ra);
        mem.extend(self.members_of(rb));
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[gone] = keep;
        self.releases.remove(&gone);
        self.members.remove(&gone);
        self.releases.insert(keep, rel);
        self.members.insert(keep, mem);
    }

    /// Joins unconditionally (a statement by a dataset, the registry, a rule or a person).
    fn force(&mut self, a: usize, b: usize) {
        self.union(a, b);
    }

    fn forbid(&mut self, a: usize, b: usize) {
        self.forbidden.entry(a).or_default().push(b);
        self.forbidden.entry(b).or_default().push(a);
    }

    fn forbidden(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.root(a), self.root(b));
        let ma = self.members_of(ra);
        for x in ma {
            if let Some(list) = self.forbidden.get(&x).cloned() {
                for y in list {
                    if self.root(y) == rb {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Whether a person decided this exact pair (either way).
    fn decided(&self, a: usize, b: usize) -> bool {
        self.forbidden.get(&a).is_some_and(|l| l.contains(&b))
    }

    /// Joins two clusters unless a constraint forbids it (and says which).
    fn try_join(&mut self, a: usize, b: usize) -> Result<(), String> {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return Ok(());
        }
        if self.forbidden(a, b) {
            return Err("a person decided that these flows are not one".into());
        }
        let x = self.releases_of(ra);
        let y = self.releases_of(rb);
        if x.iter().any(|r| y.contains(r)) {
            let who = self.names[a].clone();
            return Err(format!(
                "kept apart: the flow would hold two records of {who} (a release lists a flow once)"
            ));
        }
        self.union(a, b);
        Ok(())
    }
}
