//! What the record linker reads and writes: every flow as `ruta_link::LinkRecord`, the
//! relation statements it must respect, its proposals (relations of origin `linker`,
//! replaced at every run over their scope) and a person's decisions (origin `person`,
//! never replaced by a run or a re-import; the latest decision on a pair wins).

use super::Writer;
use crate::Result;
use crate::derive::load_relations;
use rusqlite::params;
use ruta_core::relation::effective;
use ruta_core::{FlowKind, Judgement, RelationKind, RelationOrigin, Role, SectorGroup};
use ruta_link::{Known, LinkParty, LinkRecord, Origin, Proposal};
use std::collections::{HashMap, HashSet};

/// What writing a run's proposals changed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LinkChanges {
    /// Relations that now hold and did not before, or became candidates, or went away:
    /// (kind, from, to, score).
    pub applied: Vec<(String, String, String, f64)>,
    pub new_candidates: Vec<(String, String, String, f64)>,
    pub withdrawn: Vec<(String, String, String)>,
    /// Proposals whose judgement, score or evidence changed.
    pub updated: usize,
    /// Proposals stored after the run (positive + candidate).
    pub positive: usize,
    pub candidates: usize,
}

impl Writer<'_> {
    /// Every flow as the linker compares it: facts from `flows`, the record's name and
    /// aliases, its parties (organizations as the gazetteer resolved them, with their
    /// group), its other amount readings (every `amount` claim's nominal dollars) and
    /// the sources it cites as a whole.
    pub fn link_records(&self) -> Result<Vec<LinkRecord>> {
        let mut recs: Vec<LinkRecord> = self
            .tx
            .prepare(
                "SELECT f.id, f.origin, f.dataset, f.dataset_version, f.kind, f.kind_inferred, f.country, f.year,
                   f.commitment_date, f.amount, f.currency, f.amount_usd_nominal, f.sector_group, f.umbrella, p.name
                 FROM flows f JOIN projects p ON p.id = f.id ORDER BY f.id",
            )?
            .query_map([], |r| {
                let origin: String = r.get(1)?;
                let kind: String = r.get(4)?;
                let date: Option<String> = r.get(8)?;
                let group: String = r.get(12)?;
                let name: String = r.get(14)?;
                let mut rec = LinkRecord::new(
                    &r.get::<_, String>(0)?,
                    match origin.as_str() {
                        "dataset" => Origin::Dataset,
                        "registry" => Origin::Registry,
                        _ => Origin::Article,
                    },
                    FlowKind::parse(&kind).unwrap_or(FlowKind::Unknown),
                    &name,
                );
                rec.dataset = r.get(2)?;
                rec.version = r.get(3)?;
                rec.kind_inferred = r.get(5)?;
                rec.country = r.get(6)?;
                rec.year = r.get::<_, Option<i64>>(7)?.map(|y| y as i32);
                rec.month = date
                    .as_deref()
                    .and_then(|d| d.get(5..7))
                    .and_then(|m| m.parse().ok());
                rec.amount = r.get(9)?;
                rec.currency = r.get(10)?;
                rec.usd_nominal = r.get(11)?;
                rec.sector_group = SectorGroup::parse(&group);
                rec.umbrella = r.get(13)?;
                Ok(rec)
            })?
            .collect::<rusqlite::Result<_>>()?;
        let pos: HashMap<String, usize> = recs
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let mut each =
            |sql: &str,
             f: &mut dyn FnMut(&mut LinkRecord, &rusqlite::Row<'_>) -> rusqlite::Result<()>|
             -> Result<()> {
                let mut st = self.tx.prepare(sql)?;
                let mut rows = st.query([])?;
                while let Some(row) = rows.next()? {
                    let id: String = row.get(0)?;
                    if let Some(&i) = pos.get(&id) {
                        f(&mut recs[i], row)?;
                    }
                }
                Ok(())
            };
        each(
            "SELECT project_id, alias FROM project_aliases WHERE project_id IN (SELECT id FROM flows)",
            &mut |rec, row| {
                let a: String = row.get(1)?;
                rec.name.push_str(" ; ");
                rec.name.push_str(&a);
                Ok(())
            },
        )?;
        each(
            "SELECT pa.project_id, pa.org_id, o.name, pa.role, o.parent_id FROM parties pa
             JOIN organizations o ON o.id = pa.org_id WHERE pa.project_id IN (SELECT id FROM flows)",
            &mut |rec, row| {
                let role: String = row.get(3)?;
                if let Some(role) = Role::parse(&role) {
                    rec.parties.push(LinkParty {
                        org: row.get(1)?,
                        name: row.get(2)?,
                        role,
                        parent: row.get(4)?,
                    });
                }
                Ok(())
            },
        )?;
        each(
            "SELECT DISTINCT project_id, usd_nominal FROM claims
             WHERE field = 'amount' AND usd_nominal IS NOT NULL AND project_id IN (SELECT id FROM flows)",
            &mut |rec, row| {
                let x: f64 = row.get(1)?;
                if rec.usd_nominal != Some(x) {
                    rec.alt_usd.push(x);
                }
                Ok(())
            },
        )?;
        each(
            "SELECT ps.project_id, s.key FROM project_sources ps JOIN sources s ON s.id = ps.source_id
             WHERE ps.project_id IN (SELECT id FROM flows)",
            &mut |rec, row| {
                rec.sources.push(row.get(1)?);
                Ok(())
            },
        )?;
        Ok(recs)
    }

    /// The statements the linker respects: every same-flow relation (`same_as`,
    /// `supersedes`) and `finances` that holds, except the linker's own within `scope` (which the run
    /// replaces; None = all of them), and a person's rejections.
    pub fn link_known(&self, scope: Option<&HashSet<String>>) -> Result<Vec<Known>> {
        let rels = load_relations(&self.tx)?;
        let replaced = |r: &ruta_core::relation::Relation| {
            r.origin == RelationOrigin::Linker
                && scope.is_none_or(|s| s.contains(&r.from) || s.contains(&r.to))
        };
        let kept: Vec<ruta_core::relation::Relation> =
            rels.iter().filter(|r| !replaced(r)).cloned().collect();
        let same_flow =
            |k: RelationKind| matches!(k, RelationKind::SameAs | RelationKind::Supersedes);
        let mut out: Vec<Known> = effective(&kept)
            .into_iter()
            .filter(|r| same_flow(r.kind) || r.kind == RelationKind::Finances)
            .map(|r| Known {
                kind: r.kind,
                from: r.from.clone(),
                to: r.to.clone(),
                holds: true,
                person: r.origin == RelationOrigin::Person,
            })
            .collect();
        // A person's latest decision on a pair, when it is a rejection.
        let mut latest: HashMap<(RelationKind, &str, &str), &ruta_core::relation::Relation> =
            HashMap::new();
        for r in rels.iter().filter(|r| r.origin == RelationOrigin::Person) {
            let e = latest.entry(r.pair()).or_insert(r);
            if r.id > e.id {
                *e = r;
            }
        }
        for r in latest.values() {
            if r.judgement == Judgement::Negative && same_flow(r.kind) {
                out.push(Known {
                    kind: r.kind,
                    from: r.from.clone(),
                    to: r.to.clone(),
                    holds: false,
                    person: true,
                });
            }
        }
        Ok(out)
    }

    /// Records written by this transaction that state a flow (what an import's
    /// incremental linkage looks at).
    pub fn written_flows(&self) -> Result<HashSet<String>> {
        let mut st = self
            .tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM flows WHERE id = ?1)")?;
        let mut out = HashSet::new();
        for id in &self.written {
            if st.query_row([id], |r| r.get::<_, bool>(0))? {
                out.insert(id.clone());
            }
        }
        Ok(out)
    }

    /// Replaces the linker's relations within `scope` (None = all of them) by `proposals`:
    /// a proposal already stored keeps its row (score, judgement and evidence updated),
    /// new ones are added, stored ones no longer proposed are withdrawn. A person's
    /// decisions are never touched.
    pub fn write_link_proposals(
        &mut self,
        scope: Option<&HashSet<String>>,
        proposals: &[Proposal],
    ) -> Result<LinkChanges> {
        struct Row {
            id: i64,
            kind: String,
            from: String,
            to: String,
            rule: String,
            judgement: String,
            score: Option<f64>,
            evidence: Option<String>,
        }
        let stored: Vec<Row> = self
            .tx
            .prepare(
                "SELECT id, kind, from_id, to_id, rule, judgement, score, evidence FROM relations WHERE origin = 'linker'",
            )?
            .query_map([], |r| {
                Ok(Row {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    from: r.get(2)?,
                    to: r.get(3)?,
                    rule: r.get(4)?,
                    judgement: r.get(5)?,
                    score: r.get(6)?,
                    evidence: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let in_scope = |r: &Row| scope.is_none_or(|s| s.contains(&r.from) || s.contains(&r.to));
        let mut old: HashMap<(String, String, String, String), Row> = stored
            .into_iter()
            .filter(|r| in_scope(r))
            .map(|r| {
                (
                    (r.kind.clone(), r.from.clone(), r.to.clone(), r.rule.clone()),
                    r,
                )
            })
            .collect();
        let mut ch = LinkChanges::default();
        let mut dirty = false;
        for p in proposals {
            let evidence = serde_json::to_string(&p.evidence).unwrap_or_default();
            let judgement = p.judgement.as_str();
            let key = (
                p.kind.as_str().to_string(),
                p.from.clone(),
                p.to.clone(),
                p.rule.clone(),
            );
            let triple = (key.0.clone(), key.1.clone(), key.2.clone(), p.score);
            if p.judgement == Judgement::Positive {
                ch.positive += 1;
            } else {
                ch.candidates += 1;
            }
            match old.remove(&key) {
                Some(r) => {
                    if r.judgement != judgement {
                        dirty = true;
                        if p.judgement == Judgement::Positive {
                            ch.applied.push(triple);
                        } else {
                            ch.new_candidates.push(triple);
                        }
                    }
                    if r.judgement != judgement
                        || r.score != Some(p.score)
                        || r.evidence.as_deref() != Some(evidence.as_str())
                    {
                        ch.updated += 1;
                        self.tx
                            .prepare_cached(
                                "UPDATE relations SET judgement = ?2, score = ?3, evidence = ?4 WHERE id = ?1",
                            )?
                            .execute(params![r.id, judgement, p.score, evidence])?;
                    }
                }
                None => {
                    self.tx
                        .prepare_cached(
                            "INSERT INTO relations(kind, from_id, to_id, origin, rule, score, judgement, evidence, created_at)
                             VALUES (?1, ?2, ?3, 'linker', ?4, ?5, ?6, ?7, ?8)",
                        )?
                        .execute(params![
                            p.kind.as_str(),
                            p.from,
                            p.to,
                            p.rule,
                            p.score,
                            judgement,
                            evidence,
                            self.now
                        ])?;
                    if p.judgement == Judgement::Positive {
                        dirty = true;
                        ch.applied.push(triple);
                    } else {
                        ch.new_candidates.push(triple);
                    }
                }
            }
        }
        for (_, r) in old {
            self.tx
                .prepare_cached("DELETE FROM relations WHERE id = ?1")?
                .execute([r.id])?;
            if r.judgement == "positive" {
                dirty = true;
            }
            ch.withdrawn.push((r.kind, r.from, r.to));
        }
        if dirty {
            self.membership_dirty = true;
            self.counting_dirty = true;
        }
        Ok(ch)
    }

    /// Records a person's decision on a relation between two records: `Positive`
    /// (accept), `Negative` (reject) or `Candidate` (undo: the model's statement holds
    /// again). Each decision is a new statement of origin `person` (rule
    /// `ruta link accept|reject|undo`), so the latest wins (`relation::effective`); it
    /// survives re-imports and linker runs. Returns the relation's id.
    pub fn decide_relation(
        &mut self,
        kind: RelationKind,
        from: &str,
        to: &str,
        judgement: Judgement,
        who: &str,
    ) -> Result<i64> {
        let (a, b) = if kind.symmetric() && to < from {
            (to, from)
        } else {
            (from, to)
        };
        let rule = match judgement {
            Judgement::Positive => "ruta link accept",
            Judgement::Negative => "ruta link reject",
            Judgement::Candidate => "ruta link undo",
        };
        self.tx
            .prepare_cached(
                "DELETE FROM relations WHERE kind = ?1 AND from_id = ?2 AND to_id = ?3 AND origin = 'person' AND rule = ?4",
            )?
            .execute(params![kind.as_str(), a, b, rule])?;
        let evidence = serde_json::json!({ "decided_by": who, "decided_at": self.now }).to_string();
        self.tx
            .prepare_cached(
                "INSERT INTO relations(kind, from_id, to_id, origin, rule, judgement, evidence, created_at)
                 VALUES (?1, ?2, ?3, 'person', ?4, ?5, ?6, ?7)",
            )?
            .execute(params![kind.as_str(), a, b, rule, judgement.as_str(), evidence, self.now])?;
        self.membership_dirty = true;
        self.counting_dirty = true;
        Ok(self.tx.last_insert_rowid())
    }

    /// The kind of relation stated between two records by anyone, preferring the
    /// linker's (for `ruta link accept A B` without `--kind`), with its direction.
    pub fn relation_between(
        &self,
        a: &str,
        b: &str,
    ) -> Result<Option<(RelationKind, String, String)>> {
        use rusqlite::OptionalExtension;
        let row: Option<(String, String, String)> = self
            .tx
            .prepare_cached(
                "SELECT kind, from_id, to_id FROM relations
                 WHERE (from_id = ?1 AND to_id = ?2) OR (from_id = ?2 AND to_id = ?1)
                 ORDER BY origin = 'linker' DESC, id DESC LIMIT 1",
            )?
            .query_row(params![a, b], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(row.and_then(|(k, f, t)| RelationKind::parse(&k).map(|k| (k, f, t))))
    }

    /// Sum of `amount_usd` over counted flows, as this transaction sees it (after
    /// `derive`).
    pub fn counted_total(&mut self) -> Result<f64> {
        self.derive()?;
        Ok(self.tx.query_row(
            "SELECT COALESCE(SUM(amount_usd), 0) FROM flows WHERE counted = 1",
            [],
            |r| r.get(0),
        )?)
    }
}
