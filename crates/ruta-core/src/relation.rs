//! Relations between records, and the projects they make.
//!
//! A *record* is one dataset row, one registry entry (or one of its flows) or one
//! article's statement. Records relate to each other through statements made by a
//! dataset field, the registry, a rule, the linker or a person ([`Relation`]):
//! `same_as` (two records of one flow), `finances` (a loan pays a contract),
//! `refinances`, `part_of` (a tranche, or a child of an umbrella agreement),
//! `supersedes` (a newer release of one dataset record) and `same_project` (two flows of
//! one project). Like OpenSanctions' judgements, relations are data: the resolver here
//! is a pure function of them, so a decision can be undone and everything recomputed.
//!
//! Two rules live here:
//! - [`effective`]: which statements hold. A person's latest decision on a pair wins
//!   over every other origin (accept or reject); otherwise a pair holds when any origin
//!   asserts it positively. Candidates (proposals awaiting review) never hold.
//! - [`projects`]: which records form one project. Records joined by a holding relation
//!   of any kind but `part_of` are one project; `part_of` joins a tranche to its
//!   syndicated whole, but not a child to an umbrella agreement (an umbrella credit line
//!   funds many projects). Each project is named by its curated registry record when it
//!   has one, otherwise by its oldest record (then the smallest id), so ids a user saved
//!   stay valid: every record id resolves to the project that now holds it.

use crate::vocab::{Judgement, RelationKind, RelationOrigin};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One stored relation statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub id: i64,
    pub kind: RelationKind,
    /// For directed kinds: the loan that finances, the refinancing, the part, the newer
    /// release. For symmetric kinds the smaller id.
    pub from: String,
    pub to: String,
    pub origin: RelationOrigin,
    pub judgement: Judgement,
}

impl Relation {
    /// The key under which statements about the same relation compete.
    pub fn pair(&self) -> (RelationKind, &str, &str) {
        if self.kind.symmetric() && self.to < self.from {
            (self.kind, &self.to, &self.from)
        } else {
            (self.kind, &self.from, &self.to)
        }
    }
}

/// The relations that hold, one per (kind, pair): a person's latest decision (highest
/// id) wins; otherwise any positive statement holds; candidates and negatives from
/// other origins only record disagreement.
pub fn effective(rels: &[Relation]) -> Vec<&Relation> {
    let mut by_pair: BTreeMap<(RelationKind, &str, &str), Vec<&Relation>> = BTreeMap::new();
    for r in rels {
        by_pair.entry(r.pair()).or_default().push(r);
    }
    let mut out = Vec::new();
    for (_, stmts) in by_pair {
        let person = stmts
            .iter()
            .filter(|r| r.origin == RelationOrigin::Person)
            .max_by_key(|r| r.id);
        let holds = match person {
            Some(p) => {
                p.judgement == Judgement::Positive
                    || (p.judgement == Judgement::Candidate
                        && stmts.iter().any(|r| {
                            r.origin != RelationOrigin::Person && r.judgement == Judgement::Positive
                        }))
            }
            None => stmts.iter().any(|r| r.judgement == Judgement::Positive),
        };
        if holds {
            let best = person
                .filter(|p| p.judgement == Judgement::Positive)
                .or_else(|| stmts.iter().find(|r| r.judgement == Judgement::Positive))
                .copied()
                .unwrap_or(stmts[0]);
            out.push(best);
        }
    }
    out
}

/// A record as the project resolver sees it.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub id: &'a str,
    /// A curated registry record describing a whole project (it names its project).
    pub curated_project: bool,
    /// When the record was first stored (ISO timestamp): the oldest names its project.
    pub created: &'a str,
    /// The record states an umbrella agreement (its `part_of` children stay apart).
    pub umbrella: bool,
}

/// Disjoint sets over indices.
pub(crate) struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub(crate) fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub(crate) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// The project of every record: record id → id of the record that names its project
/// (itself for a record that stands alone). Relations to records not in `members` are
/// ignored until those records arrive.
pub fn projects(members: &[Member<'_>], rels: &[&Relation]) -> HashMap<String, String> {
    let index: HashMap<&str, usize> = members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let umbrellas: HashSet<&str> = members
        .iter()
        .filter(|m| m.umbrella)
        .map(|m| m.id)
        .collect();
    let mut uf = UnionFind::new(members.len());
    for r in rels {
        if r.kind == RelationKind::PartOf && umbrellas.contains(r.to.as_str()) {
            continue;
        }
        if let (Some(&a), Some(&b)) = (index.get(r.from.as_str()), index.get(r.to.as_str())) {
            uf.union(a, b);
        }
    }
    let mut namer: HashMap<usize, usize> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        let root = uf.find(i);
        let e = namer.entry(root).or_insert(i);
        let cur = &members[*e];
        let better = (
            m.curated_project,
            std::cmp::Reverse(m.created),
            std::cmp::Reverse(m.id),
        ) > (
            cur.curated_project,
            std::cmp::Reverse(cur.created),
            std::cmp::Reverse(cur.id),
        );
        if better {
            *e = i;
        }
    }
    members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let root = uf.find(i);
            (m.id.to_string(), members[namer[&root]].id.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(
        id: i64,
        kind: RelationKind,
        from: &str,
        to: &str,
        origin: RelationOrigin,
        j: Judgement,
    ) -> Relation {
        Relation {
            id,
            kind,
            from: from.into(),
            to: to.into(),
            origin,
            judgement: j,
        }
    }

    #[test]
    fn a_persons_decision_wins_and_can_be_undone() {
        use Judgement::*;
        use RelationOrigin::*;
        let mut rels = vec![
            rel(1, RelationKind::SameAs, "b", "a", Linker, Positive),
            rel(2, RelationKind::SameAs, "a", "b", Person, Negative),
        ];
        assert!(effective(&rels).is_empty(), "the rejection wins");
        rels.push(rel(3, RelationKind::SameAs, "a", "b", Person, Candidate));
        assert_eq!(
            effective(&rels).len(),
            1,
            "undoing the decision restores the model's"
        );
        rels.push(rel(4, RelationKind::SameAs, "c", "d", Linker, Candidate));
        assert_eq!(effective(&rels).len(), 1, "candidates never hold");
    }

    #[test]
    fn records_join_into_projects_named_by_the_registry_or_the_oldest() {
        use Judgement::Positive;
        use RelationOrigin::*;
        let m = |id, curated, created, umbrella| Member {
            id,
            curated_project: curated,
            created,
            umbrella,
        };
        let members = vec![
            m("gcdf-38935", false, "2026-01-01", false),
            m("ecu-coca-codo-sinclair", true, "2026-02-01", false),
            m("ecu-coca-codo-sinclair~loan", false, "2026-02-01", false),
            m("cgit-contract", false, "2026-01-02", false),
            m("umbrella", false, "2025-01-01", true),
            m("child-1", false, "2026-03-01", false),
            m("child-2", false, "2026-03-02", false),
        ];
        let rels = [
            rel(
                1,
                RelationKind::SameProject,
                "ecu-coca-codo-sinclair",
                "ecu-coca-codo-sinclair~loan",
                Registry,
                Positive,
            ),
            rel(
                2,
                RelationKind::SameAs,
                "ecu-coca-codo-sinclair~loan",
                "gcdf-38935",
                Registry,
                Positive,
            ),
            rel(
                3,
                RelationKind::Finances,
                "gcdf-38935",
                "cgit-contract",
                Rule,
                Positive,
            ),
            rel(
                4,
                RelationKind::PartOf,
                "child-1",
                "umbrella",
                Dataset,
                Positive,
            ),
            rel(
                5,
                RelationKind::PartOf,
                "child-2",
                "umbrella",
                Dataset,
                Positive,
            ),
            rel(
                6,
                RelationKind::SameAs,
                "child-2",
                "absent",
                Dataset,
                Positive,
            ),
        ];
        let refs: Vec<&Relation> = rels.iter().collect();
        let p = projects(&members, &refs);
        for id in ["gcdf-38935", "ecu-coca-codo-sinclair~loan", "cgit-contract"] {
            assert_eq!(p[id], "ecu-coca-codo-sinclair", "{id}");
        }
        assert_eq!(p["child-1"], "child-1", "umbrella children stay apart");
        assert_eq!(p["child-2"], "child-2");
        assert_eq!(p["umbrella"], "umbrella");
    }
}
