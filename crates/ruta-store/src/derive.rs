//! What is derived from all records at once, at every commit: which records form one
//! project (`projects.canonical_id`), what totals count (`flows.counted`,
//! `flows.not_counted_reason`, `flows.group_id`) and what each project displays
//! (`projects.amount_usd` and the other aggregates). These columns are a cache of pure
//! functions — `ruta_core::relation::projects`, `ruta_core::count::decide` and the
//! display rule — over claims and relations; they are never written otherwise.

use crate::Result;
use crate::write::Writer;
use rusqlite::{Connection, params};
use ruta_core::count::{self, Evidence, FlowFacts};
use ruta_core::relation::{self, Member, Relation};
use ruta_core::resolve::Candidate;
use ruta_core::{FlowKind, Judgement, RelationKind, RelationOrigin, Status};
use std::collections::HashSet;

/// Every stored relation statement.
pub(crate) fn load_relations(conn: &Connection) -> Result<Vec<Relation>> {
    let mut st = conn.prepare_cached(
        "SELECT id, kind, from_id, to_id, origin, judgement FROM relations ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        let kind: String = r.get(1)?;
        let origin: String = r.get(4)?;
        let judgement: String = r.get(5)?;
        Ok((
            r.get::<_, i64>(0)?,
            kind,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            origin,
            judgement,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, from, to, origin, judgement) = row?;
        let (Some(kind), Some(origin), Some(judgement)) = (
            RelationKind::parse(&kind),
            RelationOrigin::parse(&origin),
            Judgement::parse(&judgement),
        ) else {
            continue;
        };
        out.push(Relation {
            id,
            kind,
            from,
            to,
            origin,
            judgement,
        });
    }
    Ok(out)
}

impl Writer<'_> {
    /// Brings projects, counts and project aggregates up to date with what this
    /// transaction wrote (called by `commit`; safe to call more than once).
    pub fn derive(&mut self) -> Result<()> {
        let mut affected: HashSet<String> = HashSet::new();
        let mut rejoined: HashSet<String> = HashSet::new();
        if self.membership_dirty || self.counting_dirty {
            self.totals_dirty = true;
            let rels = load_relations(&self.tx)?;
            let holding = relation::effective(&rels);
            if self.membership_dirty {
                self.join_projects(&holding, &mut affected, &mut rejoined)?;
            }
            self.count_flows(&holding, &mut affected)?;
            self.membership_dirty = false;
            self.counting_dirty = false;
        }
        for id in std::mem::take(&mut self.touched) {
            affected.insert(id);
        }
        if !affected.is_empty() || !self.written.is_empty() {
            self.totals_dirty = true;
        }
        if !affected.is_empty() {
            self.aggregate_projects(&affected, &rejoined)?;
        }
        if std::mem::take(&mut self.totals_dirty) {
            crate::totals::rebuild(&self.tx)?;
        }
        Ok(())
    }

    /// Re-derives everything from scratch (after a migration, or on demand).
    pub fn rederive_all(&mut self) -> Result<()> {
        let ids: Vec<String> = self
            .tx
            .prepare("SELECT id FROM projects")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in &ids {
            self.resolve(id)?;
        }
        self.touched.extend(ids);
        self.membership_dirty = true;
        self.counting_dirty = true;
        self.derive()
    }

    fn join_projects(
        &mut self,
        holding: &[&Relation],
        affected: &mut HashSet<String>,
        rejoined: &mut HashSet<String>,
    ) -> Result<()> {
        struct Row {
            id: String,
            curated: bool,
            created: String,
            umbrella: bool,
            canonical: Option<String>,
        }
        let rows: Vec<Row> = self
            .tx
            .prepare(
                "SELECT p.id, p.curated_project, p.created_at, COALESCE(f.umbrella, 0), p.canonical_id
                 FROM projects p LEFT JOIN flows f ON f.id = p.id",
            )?
            .query_map([], |r| {
                Ok(Row {
                    id: r.get(0)?,
                    curated: r.get(1)?,
                    created: r.get(2)?,
                    umbrella: r.get(3)?,
                    canonical: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let members: Vec<Member<'_>> = rows
            .iter()
            .map(|r| Member {
                id: &r.id,
                curated_project: r.curated,
                created: &r.created,
                umbrella: r.umbrella,
            })
            .collect();
        let map = relation::projects(&members, holding);
        for r in &rows {
            let new = &map[&r.id];
            if r.canonical.as_deref() != Some(new.as_str()) {
                self.tx
                    .prepare_cached("UPDATE projects SET canonical_id = ?2 WHERE id = ?1")?
                    .execute(params![r.id, new])?;
                self.tx
                    .prepare_cached("UPDATE flows SET project_id = ?2 WHERE id = ?1")?
                    .execute(params![r.id, new])?;
                if let Some(old) = &r.canonical {
                    affected.insert(old.clone());
                    rejoined.insert(old.clone());
                }
                affected.insert(new.clone());
                rejoined.insert(new.clone());
                rejoined.insert(r.id.clone());
            }
        }
        Ok(())
    }

    fn count_flows(&mut self, holding: &[&Relation], affected: &mut HashSet<String>) -> Result<()> {
        struct Row {
            id: String,
            kind: String,
            status: Option<String>,
            rfa: Option<bool>,
            umbrella: bool,
            origin: String,
            source_rank: u8,
            has_amount: bool,
            confidence: f64,
            version: Option<String>,
            counted: bool,
            reason: Option<String>,
            group: String,
            project: String,
        }
        let rows: Vec<Row> = self
            .tx
            .prepare(
                "SELECT id, kind, status, include_in_aggregates, umbrella, origin, amount_source_rank,
                   amount IS NOT NULL, amount_confidence, dataset_version, counted, not_counted_reason,
                   group_id, project_id
                 FROM flows",
            )?
            .query_map([], |r| {
                Ok(Row {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    status: r.get(2)?,
                    rfa: r.get(3)?,
                    umbrella: r.get(4)?,
                    origin: r.get(5)?,
                    source_rank: r.get(6)?,
                    has_amount: r.get(7)?,
                    confidence: r.get(8)?,
                    version: r.get(9)?,
                    counted: r.get(10)?,
                    reason: r.get(11)?,
                    group: r.get(12)?,
                    project: r.get(13)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let facts: Vec<FlowFacts<'_>> = rows
            .iter()
            .map(|r| FlowFacts {
                id: &r.id,
                kind: FlowKind::parse(&r.kind).unwrap_or(FlowKind::Unknown),
                status: r.status.as_deref().and_then(Status::parse),
                include_in_aggregates: r.rfa,
                umbrella: r.umbrella,
                evidence: Evidence {
                    origin_rank: match r.origin.as_str() {
                        "dataset" => 3,
                        "registry" => 2,
                        _ => 1,
                    },
                    source_rank: r.source_rank,
                    has_amount: r.has_amount,
                    confidence: r.confidence,
                    version: r.version.as_deref(),
                },
            })
            .collect();
        let decisions = count::decide(&facts, holding);
        for r in &rows {
            let d = &decisions[&r.id];
            let reason = d.reason.as_ref().map(count::NotCounted::code);
            if d.counted != r.counted || reason != r.reason || d.group != r.group {
                self.tx
                    .prepare_cached(
                        "UPDATE flows SET counted = ?2, not_counted_reason = ?3, group_id = ?4 WHERE id = ?1",
                    )?
                    .execute(params![r.id, d.counted, reason, d.group])?;
                affected.insert(r.project.clone());
            }
        }
        Ok(())
    }

    /// Project-level display for `ids`' projects: a project of several records shows
    /// what the display rule chooses among all their claims (status, value, dates), its
    /// most precise location and its distinct sources; every project shows its flows'
    /// aggregates (see SCHEMA.md, "Projects").
    fn aggregate_projects(
        &mut self,
        ids: &HashSet<String>,
        rejoined: &HashSet<String>,
    ) -> Result<()> {
        self.tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS ruta_affected(id TEXT PRIMARY KEY);
             DELETE FROM ruta_affected;",
        )?;
        {
            let mut st = self.tx.prepare_cached(
                "INSERT OR IGNORE INTO ruta_affected(id)
                 SELECT canonical_id FROM projects WHERE id = ?1 AND canonical_id IS NOT NULL",
            )?;
            for id in ids {
                st.execute([id])?;
            }
        }
        let multi: Vec<String> = self
            .tx
            .prepare(
                "SELECT a.id FROM ruta_affected a
                 WHERE (SELECT COUNT(*) FROM projects p WHERE p.canonical_id = a.id) > 1",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let multi_set: HashSet<&str> = multi.iter().map(String::as_str).collect();
        for id in rejoined {
            if !multi_set.contains(id.as_str()) && self.record_exists(id)? {
                // A record that stands alone again shows its own claims.
                self.resolve(id)?;
            }
        }
        for id in &multi {
            self.resolve_project(id)?;
        }
        self.tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS ruta_agg(pid TEXT PRIMARY KEY, n INTEGER, nc INTEGER, usd REAL,
               nominal REAL, one_amount REAL, one_currency TEXT, one_year INTEGER, first_year INTEGER, kind TEXT);
             DELETE FROM ruta_agg;
             INSERT INTO ruta_agg
             SELECT f.project_id, COUNT(*), SUM(f.counted),
                 SUM(CASE WHEN f.counted THEN f.amount_usd END),
                 SUM(CASE WHEN f.counted THEN f.amount_usd_nominal END),
                 MAX(CASE WHEN f.counted THEN f.amount END),
                 MAX(CASE WHEN f.counted THEN f.currency END),
                 MAX(CASE WHEN f.counted THEN f.amount_year END),
                 MIN(f.year),
                 (SELECT k.kind FROM flows k WHERE k.project_id = f.project_id
                  ORDER BY k.counted DESC, k.amount_usd IS NULL, k.amount_usd DESC, k.id LIMIT 1)
             FROM ruta_affected t JOIN flows f ON f.project_id = t.id GROUP BY f.project_id;
             UPDATE projects SET
               flow_count = COALESCE(a.n, 0),
               counted_usd = a.usd,
               include_in_aggregates = COALESCE(a.nc, 0) > 0,
               year = COALESCE(a.first_year, projects.year),
               flow_kind = COALESCE(a.kind, 'unknown'),
               amount = CASE WHEN projects.value_amount IS NOT NULL THEN projects.value_amount
                             WHEN a.nc = 1 THEN a.one_amount END,
               currency = CASE WHEN projects.value_amount IS NOT NULL THEN projects.value_currency
                               WHEN a.nc = 1 THEN a.one_currency END,
               amount_year = CASE WHEN projects.value_amount IS NOT NULL THEN projects.value_year
                                  WHEN a.nc = 1 THEN a.one_year END,
               amount_usd_nominal = CASE WHEN projects.value_amount IS NOT NULL THEN projects.value_usd_nominal
                                         ELSE a.nominal END,
               amount_usd = CASE WHEN projects.value_amount IS NOT NULL THEN projects.value_usd ELSE a.usd END
             FROM ruta_affected t LEFT JOIN ruta_agg a ON a.pid = t.id
             WHERE projects.id = t.id;
             DELETE FROM ruta_affected;
             DELETE FROM ruta_agg;",
        )?;
        Ok(())
    }

    /// The display of a project made of several records, over all their claims.
    fn resolve_project(&mut self, id: &str) -> Result<()> {
        use crate::write::claims::{RecordDisplay, StoredClaim, stored_claim, stored_claims_sql};
        let rows: Vec<StoredClaim> = self
            .tx
            .prepare_cached(&stored_claims_sql(
                "c.project_id IN (SELECT id FROM projects WHERE canonical_id = ?1)",
            ))?
            .query_map([id], stored_claim)?
            .collect::<rusqlite::Result<_>>()?;
        let cands: Vec<Candidate<'_>> = rows.iter().map(StoredClaim::candidate).collect();
        let point = self
            .tx
            .prepare_cached(
                "SELECT l.lat, l.lon, l.precision FROM locations l JOIN projects p ON p.id = l.project_id
                 WHERE p.canonical_id = ?1 AND l.lat IS NOT NULL AND l.lon IS NOT NULL
                 ORDER BY COALESCE(l.precision, 9), l.share IS NULL, l.share DESC, p.curated_project DESC, l.id
                 LIMIT 1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .ok();
        let source_count: i64 = self
            .tx
            .prepare_cached(
                "WITH m AS (SELECT id FROM projects WHERE canonical_id = ?1)
                 SELECT COUNT(*) FROM (
                   SELECT source_id FROM claims WHERE project_id IN m
                   UNION SELECT source_id FROM project_sources WHERE project_id IN m
                   UNION SELECT es.source_id FROM event_sources es JOIN events e ON e.id = es.event_id
                     WHERE e.project_id IN m
                   UNION SELECT source_id FROM locations WHERE project_id IN m AND source_id IS NOT NULL)",
            )?
            .query_row([id], |r| r.get(0))?;
        let d = RecordDisplay::of(&cands, point, source_count);
        self.update_record_display(id, &d)
    }
}

impl Writer<'_> {
    /// Schema 3 → 4: every record of a schema-3 database stated one flow (its
    /// `flow_kind`); the registry's curated entries become project records again when the
    /// registry is next loaded. Then projects and counts are derived from scratch.
    pub(crate) fn flows_from_schema_3(&mut self) -> Result<()> {
        self.tx.execute(
            "INSERT OR IGNORE INTO flows(id, project_id, kind, kind_basis, kind_inferred, origin, dataset,
               dataset_version, country, sector_group, include_in_aggregates, umbrella, group_id, created_at, updated_at)
             SELECT p.id, p.id, p.flow_kind, 'schema 3 record', 0,
               CASE WHEN p.dataset IS NULL THEN 'registry' ELSE 'dataset' END, p.dataset,
               (SELECT MAX(s.dataset_version) FROM claims c JOIN sources s ON s.id = c.source_id
                 WHERE c.project_id = p.id AND s.dataset = p.dataset),
               p.country, p.sector_group, p.include_in_aggregates, p.umbrella, p.id, p.created_at, ?1
             FROM projects p",
            [&self.now],
        )?;
        self.rederive_all()
    }
}
