//! The counting rules: which flows a total adds, and why each other flow does not.
//!
//! A total is a promise: an analyst must be able to defend every dollar of it. ruta
//! therefore sums **flows** (one financial commitment each), and every flow that a
//! total leaves out carries a reason. [`decide`] is a pure function of the flows' facts
//! and the relations that hold (see `relation::effective`); the store caches its
//! output in `flows.counted` / `flows.not_counted_reason`. The rules, in order:
//!
//! 1. **One flow, one count.** Flows joined by `same_as` or `supersedes` are one group
//!    (the same loan in AidData and BU; two releases of one AEI deal; a registry entry
//!    and the dataset row it describes). The group counts once, through its
//!    best-evidenced member: not superseded by a newer release in the group; then a
//!    dataset row over a registry entry over an article; then the stronger source kind
//!    of its amount (dataset record > official document > report > news); then a member
//!    with an amount over one without; then higher confidence; then the newer release;
//!    then the smaller id. The others are `superseded_by:<flow>` (an older release of the
//!    representative) or `duplicate_of:<flow>`.
//! 2. **Pledges, cancelled and suspended flows never count** (`status`).
//! 3. **Umbrella parents never count when their children are recorded** (`umbrella`):
//!    an umbrella agreement, or a syndicated whole, with at least one `part_of` child.
//! 4. **The dataset's own flag is honoured** (`dataset_flag`): AidData's Recommended For
//!    Aggregates = No.
//! 5. **A refinancing does not add what it refinances** (`refinances:<flow>`): a flow
//!    that refinances a counted flow does not count (the acquisition or loan it pays for
//!    is already in the total).
//! 6. **A contract financed by a counted Chinese loan does not add its financed part**
//!    (`financed_by:<flow>`): the loan is the Chinese money; the contract is what it
//!    bought. ruta does not split a contract into a financed part and a remainder: the
//!    remainder is paid by the employer, not by Chinese finance, so the whole contract
//!    stays out of totals and is shown beside its loan.
//!
//! A flow with no amount may count (it adds nothing but is counted as a flow).

use crate::relation::{Relation, UnionFind};
use crate::vocab::{FlowKind, RelationKind, Status};
use std::cmp::Ordering;
use std::collections::HashMap;

/// What the counting rules need to know of one flow.
#[derive(Debug, Clone)]
pub struct FlowFacts<'a> {
    pub id: &'a str,
    pub kind: FlowKind,
    pub status: Option<Status>,
    /// The dataset's own aggregation flag (AidData's Recommended For Aggregates).
    pub include_in_aggregates: Option<bool>,
    pub umbrella: bool,
    pub evidence: Evidence<'a>,
}

/// How well a flow is evidenced, for choosing a group's representative.
#[derive(Debug, Clone, Default)]
pub struct Evidence<'a> {
    /// What states the flow: 3 a dataset row, 2 the registry, 1 an article.
    pub origin_rank: u8,
    /// `SourceKind::rank` of the source of the flow's displayed amount (0 without one).
    pub source_rank: u8,
    pub has_amount: bool,
    /// Confidence of the displayed amount's claim (0 without one).
    pub confidence: f64,
    /// The dataset release the flow was read from.
    pub version: Option<&'a str>,
}

/// Why a flow does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCounted {
    /// Another record of the same flow counts instead.
    DuplicateOf(String),
    /// A newer release of the same dataset record counts instead.
    SupersededBy(String),
    /// A contract paid for by this counted loan.
    FinancedBy(String),
    /// A refinancing of this counted flow.
    Refinances(String),
    /// An umbrella agreement or syndicated whole whose parts are recorded.
    Umbrella,
    /// A pledge, or a cancelled or suspended commitment.
    Status,
    /// The dataset recommends leaving it out of aggregates.
    DatasetFlag,
}

impl NotCounted {
    /// The reason as `ruta flows` prints it: `duplicate_of:<flow>`, `superseded_by:<flow>`,
    /// `financed_by:<flow>`, `refinances:<flow>`, `umbrella`, `status`, `dataset_flag`.
    pub fn code(&self) -> String {
        match self {
            NotCounted::DuplicateOf(f) => format!("duplicate_of:{f}"),
            NotCounted::SupersededBy(f) => format!("superseded_by:{f}"),
            NotCounted::FinancedBy(f) => format!("financed_by:{f}"),
            NotCounted::Refinances(f) => format!("refinances:{f}"),
            NotCounted::Umbrella => "umbrella".into(),
            NotCounted::Status => "status".into(),
            NotCounted::DatasetFlag => "dataset_flag".into(),
        }
    }

    /// The reason in words, for pages and tables.
    pub fn explain(&self) -> String {
        match self {
            NotCounted::DuplicateOf(f) => format!("another record of the same flow ({f}) counts"),
            NotCounted::SupersededBy(f) => format!("a newer release of this record ({f}) counts"),
            NotCounted::FinancedBy(f) => format!("paid for by the counted loan {f}"),
            NotCounted::Refinances(f) => format!("refinances {f}, which counts"),
            NotCounted::Umbrella => "umbrella agreement whose parts are recorded and count".into(),
            NotCounted::Status => "a pledge, or cancelled or suspended".into(),
            NotCounted::DatasetFlag => "the dataset recommends leaving it out of aggregates".into(),
        }
    }
}

/// The outcome for one flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub counted: bool,
    pub reason: Option<NotCounted>,
    /// The flow that represents its `same_as`/`supersedes` group (itself when alone).
    pub group: String,
}

fn better(a: &FlowFacts<'_>, a_super: bool, b: &FlowFacts<'_>, b_super: bool) -> Ordering {
    // Greater = a is the better representative.
    let (x, y) = (&a.evidence, &b.evidence);
    (!a_super)
        .cmp(&!b_super)
        .then(x.origin_rank.cmp(&y.origin_rank))
        .then(x.source_rank.cmp(&y.source_rank))
        .then(x.has_amount.cmp(&y.has_amount))
        .then(
            x.confidence
                .partial_cmp(&y.confidence)
                .unwrap_or(Ordering::Equal),
        )
        .then(crate::resolve::version_cmp(x.version, y.version))
        .then(b.id.cmp(a.id))
}

/// Decides, for every flow, whether totals count it and why not. `rels` are the
/// relations that hold (`relation::effective`); relations to flows not in `flows` are
/// ignored.
pub fn decide(flows: &[FlowFacts<'_>], rels: &[&Relation]) -> HashMap<String, Decision> {
    let index: HashMap<&str, usize> = flows.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
    let pair = |r: &Relation| Some((*index.get(r.from.as_str())?, *index.get(r.to.as_str())?));
    let mut uf = UnionFind::new(flows.len());
    let mut superseded_by: HashMap<usize, usize> = HashMap::new();
    let mut has_parts = vec![false; flows.len()];
    let mut finances: Vec<(usize, usize)> = Vec::new();
    let mut refinances: Vec<(usize, usize)> = Vec::new();
    for r in rels {
        let Some((a, b)) = pair(r) else { continue };
        match r.kind {
            RelationKind::SameAs => uf.union(a, b),
            RelationKind::Supersedes => {
                uf.union(a, b);
                superseded_by.entry(b).or_insert(a);
            }
            RelationKind::PartOf => has_parts[b] = true,
            RelationKind::Finances => finances.push((a, b)),
            RelationKind::Refinances => refinances.push((a, b)),
            RelationKind::SameProject => {}
        }
    }
    // Rule 1: one representative per group.
    let mut rep: HashMap<usize, usize> = HashMap::new();
    for i in 0..flows.len() {
        let root = uf.find(i);
        let e = rep.entry(root).or_insert(i);
        if better(
            &flows[i],
            superseded_by.contains_key(&i),
            &flows[*e],
            superseded_by.contains_key(e),
        ) == Ordering::Greater
        {
            *e = i;
        }
    }
    let group_of = |uf: &mut UnionFind, i: usize| rep[&uf.find(i)];
    let mut reason: Vec<Option<NotCounted>> = vec![None; flows.len()];
    let mut group_parts = vec![false; flows.len()];
    for (i, parts) in has_parts.iter().enumerate() {
        if *parts {
            let g = group_of(&mut uf, i);
            group_parts[g] = true;
        }
    }
    for i in 0..flows.len() {
        let g = group_of(&mut uf, i);
        if g != i {
            reason[i] = Some(match superseded_by.get(&i) {
                Some(&newer) if group_of(&mut uf, newer) == g => {
                    NotCounted::SupersededBy(flows[newer].id.to_string())
                }
                _ => NotCounted::DuplicateOf(flows[g].id.to_string()),
            });
            continue;
        }
        let f = &flows[i];
        reason[i] = if matches!(
            f.status,
            Some(Status::Pledge | Status::Cancelled | Status::Suspended)
        ) {
            Some(NotCounted::Status)
        } else if group_parts[i] {
            Some(NotCounted::Umbrella)
        } else if f.include_in_aggregates == Some(false) {
            Some(NotCounted::DatasetFlag)
        } else {
            None
        };
    }
    // Rule 5: refinancings of counted flows.
    let first: Vec<bool> = reason.iter().map(Option::is_none).collect();
    for &(a, b) in &refinances {
        let (ga, gb) = (group_of(&mut uf, a), group_of(&mut uf, b));
        if ga != gb && first[gb] && reason[ga].is_none() {
            reason[ga] = Some(NotCounted::Refinances(flows[gb].id.to_string()));
        }
    }
    // Rule 6: contracts financed by counted loans.
    let counted_now: Vec<bool> = reason.iter().map(Option::is_none).collect();
    for &(loan, contract) in &finances {
        let (gl, gc) = (group_of(&mut uf, loan), group_of(&mut uf, contract));
        if gl != gc && counted_now[gl] && flows[gl].kind == FlowKind::Loan && reason[gc].is_none() {
            reason[gc] = Some(NotCounted::FinancedBy(flows[gl].id.to_string()));
        }
    }
    flows
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let g = group_of(&mut uf, i);
            (
                f.id.to_string(),
                Decision {
                    counted: reason[i].is_none(),
                    reason: reason[i].clone(),
                    group: flows[g].id.to_string(),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{Judgement, RelationOrigin};

    fn flow<'a>(id: &'a str, kind: FlowKind, origin_rank: u8) -> FlowFacts<'a> {
        FlowFacts {
            id,
            kind,
            status: Some(Status::Completion),
            include_in_aggregates: None,
            umbrella: false,
            evidence: Evidence {
                origin_rank,
                source_rank: if origin_rank == 3 { 4 } else { 1 },
                has_amount: true,
                confidence: 1.0,
                version: None,
            },
        }
    }

    fn rel(kind: RelationKind, from: &str, to: &str) -> Relation {
        Relation {
            id: 0,
            kind,
            from: from.into(),
            to: to.into(),
            origin: RelationOrigin::Registry,
            judgement: Judgement::Positive,
        }
    }

    #[test]
    fn every_dollar_once() {
        let mut flows = vec![
            flow("registry-loan", FlowKind::Loan, 2),
            flow("gcdf-38935", FlowKind::Loan, 3),
            flow("bu-loan", FlowKind::Loan, 3),
            flow("aei-contract", FlowKind::ConstructionContract, 3),
            flow("aei-2020", FlowKind::MAndA, 3),
            flow("aei-2025", FlowKind::MAndA, 3),
            flow("umbrella", FlowKind::Loan, 3),
            flow("child", FlowKind::Loan, 3),
            flow("pledge", FlowKind::Loan, 3),
            flow("acquisition", FlowKind::MAndA, 3),
            flow("refinancing", FlowKind::Loan, 3),
            flow("flagged", FlowKind::Grant, 3),
        ];
        flows[5].evidence.version = Some("2025H1");
        flows[4].evidence.version = Some("2020-02");
        flows[6].umbrella = true;
        flows[8].status = Some(Status::Pledge);
        flows[11].include_in_aggregates = Some(false);
        // BU's row has a weaker source than AidData's: AidData represents the group.
        flows[2].evidence.source_rank = 3;
        let rels = [
            rel(RelationKind::SameAs, "registry-loan", "gcdf-38935"),
            rel(RelationKind::SameAs, "bu-loan", "gcdf-38935"),
            rel(RelationKind::Finances, "registry-loan", "aei-contract"),
            rel(RelationKind::Supersedes, "aei-2025", "aei-2020"),
            rel(RelationKind::PartOf, "child", "umbrella"),
            rel(RelationKind::Refinances, "refinancing", "acquisition"),
        ];
        let refs: Vec<&Relation> = rels.iter().collect();
        let d = decide(&flows, &refs);
        let code = |id: &str| d[id].reason.as_ref().map(NotCounted::code);
        assert_eq!(code("gcdf-38935"), None);
        assert_eq!(
            code("registry-loan").as_deref(),
            Some("duplicate_of:gcdf-38935")
        );
        assert_eq!(code("bu-loan").as_deref(), Some("duplicate_of:gcdf-38935"));
        assert_eq!(
            code("aei-contract").as_deref(),
            Some("financed_by:gcdf-38935")
        );
        assert_eq!(code("aei-2020").as_deref(), Some("superseded_by:aei-2025"));
        assert_eq!(code("aei-2025"), None);
        assert_eq!(code("umbrella").as_deref(), Some("umbrella"));
        assert_eq!(code("child"), None);
        assert_eq!(code("pledge").as_deref(), Some("status"));
        assert_eq!(code("acquisition"), None);
        assert_eq!(
            code("refinancing").as_deref(),
            Some("refinances:acquisition")
        );
        assert_eq!(code("flagged").as_deref(), Some("dataset_flag"));
        assert_eq!(d["bu-loan"].group, "gcdf-38935");
    }

    #[test]
    fn a_contract_whose_loan_does_not_count_counts() {
        let mut flows = vec![
            flow("loan", FlowKind::Loan, 3),
            flow("contract", FlowKind::ConstructionContract, 3),
        ];
        flows[0].status = Some(Status::Cancelled);
        let rels = [rel(RelationKind::Finances, "loan", "contract")];
        let refs: Vec<&Relation> = rels.iter().collect();
        let d = decide(&flows, &refs);
        assert!(!d["loan"].counted && d["contract"].counted);
    }
}
