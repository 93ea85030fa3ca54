//! Writing records: the `projects` row, its flow, the relations it states, its aliases,
//! parties and locations.

use super::claims::RecordDisplay;
use super::{Outcome, Writer};
use crate::Result;
use rusqlite::{OptionalExtension, params};
use ruta_core::model::{Location, Record, RelationStmt, Source};
use ruta_core::{ClaimValue, Money, SourceKind};
use std::collections::HashSet;

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Where a flow's record comes from: a dataset row, the registry or an article.
pub(crate) fn flow_origin(rec: &Record) -> &'static str {
    if rec.origin == "registry" {
        "registry"
    } else if rec.project.dataset.is_some() {
        "dataset"
    } else {
        "article"
    }
}

impl Writer<'_> {
    /// Writes one record: its `projects` row, sources, claims, parties, locations,
    /// events, references, the flow it states and the relations it asserts. Writing the
    /// same record again (same origin, same content) changes nothing; a record of another
    /// origin with the same id merges into it (empty fields never erase stored ones,
    /// attributes are merged, claims accumulate). Projects and counts are derived at
    /// commit.
    pub fn write_record(&mut self, rec: &Record) -> Result<Outcome> {
        self.write_record_hashed(rec, &rec.fingerprint())
    }

    /// [`Writer::write_record`] with the record's fingerprint computed by the caller
    /// (importers compute it on their reader thread).
    pub fn write_record_hashed(&mut self, rec: &Record, hash: &str) -> Result<Outcome> {
        // Keep memory bounded on large imports: index what is pending, forget old ids.
        if self.fts_projects.len() >= 200_000 {
            self.flush_fts()?;
        }
        if self.source_ids.len() >= 100_000 {
            self.source_ids.clear();
        }
        let p = &rec.project;
        let (exists, stored, had_locations): (bool, Option<String>, bool) = self
            .tx
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM projects WHERE id = ?1),
                        (SELECT hash FROM record_origins WHERE project_id = ?1 AND origin = ?2),
                        EXISTS(SELECT 1 FROM locations WHERE project_id = ?1)",
            )?
            .query_row(params![p.id, rec.origin], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if stored.as_deref() == Some(hash) {
            return Ok(Outcome::Unchanged);
        }
        // A record seen for the first time gets its displayed values computed from the
        // record itself and written with the row; others are merged and re-resolved.
        let fresh = !exists && !had_locations;
        let shown = if fresh {
            Some(RecordDisplay::of_record(rec))
        } else {
            None
        };
        // An older release of a record already stored from a newer one (AidData's GCOF
        // 1.0 after GCDF 3.0) adds its claims, sources, parties and events, and leaves
        // the record's name, kind, flags and relations as the newer release states them.
        let older = exists && self.is_older_release(rec)?;
        self.upsert_project(rec, shown.as_ref(), older)?;
        self.tx
            .prepare_cached(
                "INSERT INTO record_origins(project_id, origin, hash) VALUES (?1, ?2, ?3)
                 ON CONFLICT(project_id, origin) DO UPDATE SET hash = excluded.hash",
            )?
            .execute(params![p.id, rec.origin, hash])?;
        for a in &p.aliases {
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO project_aliases(project_id, alias, lang) VALUES (?1, ?2, ?3)")?
                .execute(params![p.id, a.name, a.lang])?;
        }
        for s in &rec.sources {
            self.source_id(s)?;
        }
        if !older {
            self.write_relations(rec)?;
        }
        for key in &rec.references {
            let sid = self.source_id_by_key(&rec.sources, key)?;
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO project_sources(project_id, source_id) VALUES (?1, ?2)",
                )?
                .execute(params![p.id, sid])?;
        }
        self.write_parties(rec, exists)?;
        self.replace_locations(&p.id, &rec.sources, &rec.locations, !fresh)?;
        let mut claim_ids = Vec::with_capacity(rec.claims.len());
        for c in &rec.claims {
            let sid = self.source_id_by_key(&rec.sources, &c.source)?;
            claim_ids.push(self.insert_claim(&p.id, c, sid)?);
        }
        for e in &rec.events {
            self.insert_event(&p.id, e, &rec.sources)?;
        }
        if rec.flow.is_some() {
            self.upsert_flow(rec, shown.as_ref(), &claim_ids, older)?;
        }
        // ADM files may have stated the record's amount before the record arrived.
        let adopted = rec.flow.is_some() && had_locations && self.adopt_adm_values(&p.id)?;
        self.fts_projects.insert(p.id.clone());
        if !fresh {
            // A fresh record's aggregates were written with it.
            self.touched.insert(p.id.clone());
        }
        self.written.insert(p.id.clone());
        self.totals_dirty = true;
        if !exists {
            self.membership_dirty = true;
        }
        if !fresh || adopted {
            self.resolve(&p.id)?;
        }
        Ok(if exists {
            Outcome::Updated
        } else {
            Outcome::Imported
        })
    }

    /// Whether `rec` comes from an older release of the dataset its stored record was
    /// last written from (versions compare naturally: `1.0` < `3.0` < `4.0 (CLG 1.0)`,
    /// `2021-12` < `2022-06`).
    fn is_older_release(&self, rec: &Record) -> Result<bool> {
        let p = &rec.project;
        let Some(dataset) = &p.dataset else {
            return Ok(false);
        };
        let incoming = rec
            .sources
            .iter()
            .find(|s| s.kind == SourceKind::DatasetRecord && s.dataset.as_ref() == Some(dataset))
            .and_then(|s| s.dataset_version.clone());
        let stored: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT DISTINCT s.dataset_version FROM claims c JOIN sources s ON s.id = c.source_id
                 WHERE c.project_id = ?1 AND s.dataset = ?2 AND s.kind = 'dataset_record'",
            )?
            .query_map(params![p.id, dataset], |r| r.get::<_, Option<String>>(0))?
            .filter_map(|v| v.ok().flatten())
            .max_by(|a, b| ruta_core::resolve::version_cmp(Some(a), Some(b)));
        Ok(matches!(
            (incoming.as_deref(), stored.as_deref()),
            (Some(i), Some(s)) if ruta_core::resolve::version_cmp(Some(i), Some(s)) == std::cmp::Ordering::Less
        ))
    }

    fn upsert_project(
        &mut self,
        rec: &Record,
        shown: Option<&RecordDisplay>,
        older: bool,
    ) -> Result<()> {
        if let Some(d) = shown {
            return self.insert_fresh_project(rec, d);
        }
        let p = &rec.project;
        if older {
            // The newer release's columns stand; the older one's attributes fill gaps.
            self.tx
                .prepare_cached(
                    "UPDATE projects SET attributes = json_patch(?2, attributes), updated_at = ?3 WHERE id = ?1",
                )?
                .execute(params![p.id, json(&p.attributes), self.now])?;
            return Ok(());
        }
        let kind = rec
            .flow
            .as_ref()
            .map(|f| f.kind.as_str())
            .unwrap_or("unknown");
        let curated = rec.origin == "registry" && rec.flow.is_none();
        let umbrella = rec.flow.as_ref().and_then(|f| f.umbrella);
        let rfa = rec.flow.as_ref().and_then(|f| f.include_in_aggregates);
        self.tx
            .prepare_cached(
                "INSERT INTO projects(id, name, description, country, sector_code, sector_name, sector_group,
                   sector_subgroup, sector_rule, flow_kind, parent_id, package_id, umbrella, include_in_aggregates,
                   dataset, record_id, attributes, created_at, updated_at, canonical_id, curated_project)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, COALESCE(?13, 0), COALESCE(?14, 1),
                   ?15, ?16, ?17, ?18, ?18, ?1, ?19)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                   description = COALESCE(excluded.description, description),
                   country = COALESCE(excluded.country, country),
                   sector_code = COALESCE(excluded.sector_code, sector_code),
                   sector_name = COALESCE(excluded.sector_name, sector_name),
                   sector_group = excluded.sector_group, sector_subgroup = excluded.sector_subgroup,
                   sector_rule = excluded.sector_rule,
                   parent_id = COALESCE(excluded.parent_id, parent_id),
                   package_id = COALESCE(excluded.package_id, package_id),
                   umbrella = COALESCE(?13, umbrella),
                   dataset = COALESCE(excluded.dataset, dataset), record_id = COALESCE(excluded.record_id, record_id),
                   attributes = json_patch(attributes, excluded.attributes), updated_at = excluded.updated_at,
                   curated_project = MAX(curated_project, excluded.curated_project)",
            )?
            .execute(params![
                p.id,
                p.name,
                p.description,
                p.country,
                p.sector_code,
                p.sector_name,
                p.sector_group.as_str(),
                p.sector_subgroup,
                p.sector_rule,
                kind,
                p.parent_id,
                p.package_id,
                umbrella,
                rfa,
                p.dataset,
                p.record_id,
                json(&p.attributes),
                self.now,
                curated
            ])?;
        Ok(())
    }

    /// A record seen for the first time, in one statement: its descriptive columns, what
    /// it displays, and — as a project of its own whose flow counts — its aggregates.
    /// `derive` corrects the aggregates when the record joins another project or its flow
    /// does not count.
    fn insert_fresh_project(&mut self, rec: &Record, d: &RecordDisplay) -> Result<()> {
        let p = &rec.project;
        let s = &d.shown;
        let date = |f: &str| s.dates.get(f).cloned();
        let term = |f: &str| s.terms.get(f).copied();
        let value = s.value.as_ref().map(|(m, _)| m);
        let flow_amount = rec
            .flow
            .as_ref()
            .and_then(|_| s.amount.as_ref().map(|(m, _)| m));
        let listed = value.or(flow_amount);
        let kind = rec
            .flow
            .as_ref()
            .map(|f| f.kind.as_str())
            .unwrap_or("unknown");
        let curated = rec.origin == "registry" && rec.flow.is_none();
        let umbrella = rec.flow.as_ref().and_then(|f| f.umbrella).unwrap_or(false);
        self.tx
            .prepare_cached(
                "INSERT INTO projects(id, name, description, country, sector_code, sector_name, sector_group,
                   sector_subgroup, sector_rule, flow_kind, parent_id, package_id, umbrella, include_in_aggregates,
                   dataset, record_id, attributes, created_at, updated_at, canonical_id, curated_project,
                   status, year, commitment_date, planned_start_date, actual_start_date, planned_completion_date,
                   actual_completion_date, interest_rate, maturity_years, grace_period_years, management_fee,
                   commitment_fee, collateral, first_repayment_date, last_repayment_date, lat, lon, precision,
                   source_count, value_amount, value_currency, value_year, value_usd_nominal, value_usd,
                   amount, currency, amount_year, amount_usd_nominal, amount_usd, flow_count, counted_usd)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?1,
                   ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37,
                   ?38, ?39, ?40, ?41, ?42, ?43, ?44, ?45, ?46, ?47, ?48, ?49, ?50)",
            )?
            .execute(rusqlite::params![
                p.id,
                p.name,
                p.description,
                p.country,
                p.sector_code,
                p.sector_name,
                p.sector_group.as_str(),
                p.sector_subgroup,
                p.sector_rule,
                kind,
                p.parent_id,
                p.package_id,
                umbrella,
                rec.flow.is_some(),
                p.dataset,
                p.record_id,
                json(&p.attributes),
                self.now,
                curated,
                s.status.map(|x| x.as_str()),
                s.year,
                date("commitment_date"),
                date("planned_start_date"),
                date("actual_start_date"),
                date("planned_completion_date"),
                date("actual_completion_date"),
                term("interest_rate"),
                term("maturity_years"),
                term("grace_period_years"),
                term("management_fee"),
                term("commitment_fee"),
                s.collateral,
                date("first_repayment_date"),
                date("last_repayment_date"),
                d.point.map(|p| p.0),
                d.point.map(|p| p.1),
                d.point.and_then(|p| p.2),
                d.source_count,
                value.map(|m| m.amount),
                value.map(|m| m.currency.clone()),
                value.and_then(|m| m.year),
                value.and_then(|m| m.usd_nominal),
                value.and_then(|m| m.usd_2021),
                listed.map(|m| m.amount),
                listed.map(|m| m.currency.clone()),
                listed.and_then(|m| m.year),
                listed.and_then(|m| m.usd_nominal),
                listed.and_then(|m| m.usd_2021),
                rec.flow.is_some() as i64,
                flow_amount.and_then(|m| m.usd_2021),
            ])?;
        Ok(())
    }

    /// The flow a record states: kind and flags from the record, displayed values from
    /// its claims (`claim_ids` are the ids `rec.claims` were stored under, None for a
    /// claim already stored).
    fn upsert_flow(
        &mut self,
        rec: &Record,
        shown: Option<&RecordDisplay>,
        claim_ids: &[Option<i64>],
        older: bool,
    ) -> Result<()> {
        let Some(f) = &rec.flow else { return Ok(()) };
        let p = &rec.project;
        let version = rec
            .sources
            .iter()
            .find(|s| s.kind == SourceKind::DatasetRecord && s.dataset == p.dataset)
            .and_then(|s| s.dataset_version.clone());
        if let Some(d) = shown {
            let amount_claim = d
                .amount_index
                .and_then(|i| claim_ids.get(i).copied().flatten());
            return self.insert_fresh_flow(rec, version, d, amount_claim);
        }
        if older {
            // The newer release's kind and flags stand (the flow exists when the record
            // does; an older release that states a flow the newer does not adds it).
            let has: bool = self
                .tx
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM flows WHERE id = ?1)")?
                .query_row([&p.id], |r| r.get(0))?;
            if has {
                return Ok(());
            }
        }
        let changed = self
            .tx
            .prepare_cached(
                "INSERT INTO flows(id, project_id, kind, kind_basis, kind_inferred, origin, dataset, dataset_version,
                   country, sector_group, include_in_aggregates, umbrella, group_id, created_at, updated_at, counted)
                 VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, COALESCE(?11, 0), ?1, ?12, ?12, 1)
                 ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, kind_basis = excluded.kind_basis,
                   kind_inferred = excluded.kind_inferred,
                   dataset = COALESCE(excluded.dataset, dataset),
                   dataset_version = CASE WHEN excluded.dataset_version IS NOT NULL
                     AND (dataset_version IS NULL OR excluded.dataset_version > dataset_version)
                     THEN excluded.dataset_version ELSE dataset_version END,
                   country = COALESCE(excluded.country, country), sector_group = excluded.sector_group,
                   include_in_aggregates = COALESCE(?10, include_in_aggregates),
                   umbrella = COALESCE(?11, umbrella), updated_at = excluded.updated_at",
            )?
            .execute(params![
                p.id,
                f.kind.as_str(),
                f.kind_basis,
                f.kind_inferred,
                flow_origin(rec),
                p.dataset,
                version,
                p.country,
                p.sector_group.as_str(),
                f.include_in_aggregates,
                f.umbrella,
                self.now
            ])?;
        if changed > 0 {
            self.counting_dirty = true;
            self.membership_dirty = true;
        }
        Ok(())
    }

    /// The flow of a record seen for the first time, with what it displays, in one
    /// statement; it is taken to count until `derive` decides otherwise.
    fn insert_fresh_flow(
        &mut self,
        rec: &Record,
        version: Option<String>,
        d: &RecordDisplay,
        amount_claim: Option<i64>,
    ) -> Result<()> {
        let (Some(f), p) = (&rec.flow, &rec.project) else {
            return Ok(());
        };
        let s = &d.shown;
        let date = |f: &str| s.dates.get(f).cloned();
        let term = |f: &str| s.terms.get(f).copied();
        let amount = s.amount.as_ref().map(|(m, _)| m);
        self.tx
            .prepare_cached(
                "INSERT INTO flows(id, project_id, kind, kind_basis, kind_inferred, origin, dataset, dataset_version,
                   country, sector_group, include_in_aggregates, umbrella, group_id, created_at, updated_at, counted,
                   year, status, amount, currency, amount_year, amount_usd_nominal, amount_usd, amount_claim_id,
                   amount_source_rank, amount_confidence, commitment_date, interest_rate, maturity_years,
                   grace_period_years, management_fee, commitment_fee, collateral, first_repayment_date,
                   last_repayment_date)
                 VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, COALESCE(?11, 0), ?1, ?12, ?12, 1,
                   ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)",
            )?
            .execute(rusqlite::params![
                p.id,
                f.kind.as_str(),
                f.kind_basis,
                f.kind_inferred,
                flow_origin(rec),
                p.dataset,
                version,
                p.country,
                p.sector_group.as_str(),
                f.include_in_aggregates,
                f.umbrella,
                self.now,
                s.year,
                s.status.map(|x| x.as_str()),
                amount.map(|m| m.amount),
                amount.map(|m| m.currency.clone()),
                amount.and_then(|m| m.year),
                amount.and_then(|m| m.usd_nominal),
                amount.and_then(|m| m.usd_2021),
                amount_claim,
                d.amount_source_rank,
                d.amount_confidence,
                date("commitment_date"),
                term("interest_rate"),
                term("maturity_years"),
                term("grace_period_years"),
                term("management_fee"),
                term("commitment_fee"),
                s.collateral,
                date("first_repayment_date"),
                date("last_repayment_date"),
            ])?;
        self.counting_dirty = true;
        self.membership_dirty = true;
        Ok(())
    }

    /// Flows of one dataset release already stored, for importers that tell a row by
    /// what an earlier file said (AEI's combined table).
    pub fn stored_flows(&self, dataset: &str, version: &str) -> Result<Vec<StoredFlow>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id, country, year, commitment_date, amount, currency FROM flows
                 WHERE dataset = ?1 AND dataset_version = ?2",
            )?
            .query_map(params![dataset, version], |r| {
                Ok(StoredFlow {
                    id: r.get(0)?,
                    country: r.get(1)?,
                    year: r.get(2)?,
                    commitment_date: r.get(3)?,
                    amount: r.get(4)?,
                    currency: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Flows of a dataset, any release, whose ids start with one of `prefixes` (AEI's
    /// investment tables: `cgit-2025-`, `cgit-inv-`), for importers that tell a row by
    /// what an earlier file said.
    pub fn stored_flows_with_prefix(
        &self,
        dataset: &str,
        prefixes: &[&str],
    ) -> Result<Vec<StoredFlow>> {
        let mut out = Vec::new();
        for p in prefixes {
            let rows: Vec<StoredFlow> = self
                .tx
                .prepare_cached(
                    "SELECT id, country, year, commitment_date, amount, currency FROM flows
                     WHERE dataset = ?1 AND substr(id, 1, length(?2)) = ?2",
                )?
                .query_map(params![dataset, p], |r| {
                    Ok(StoredFlow {
                        id: r.get(0)?,
                        country: r.get(1)?,
                        year: r.get(2)?,
                        commitment_date: r.get(3)?,
                        amount: r.get(4)?,
                        currency: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Stored projects of a country that have a location, for importers that join a
    /// record to the project at the same place.
    pub fn located_projects(&self, country: &str) -> Result<Vec<LocatedProject>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id, name, lat, lon, sector_subgroup FROM projects
                 WHERE canonical_id = id AND country = ?1 AND lat IS NOT NULL AND lon IS NOT NULL",
            )?
            .query_map([country], |r| {
                Ok(LocatedProject {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    lat: r.get(2)?,
                    lon: r.get(3)?,
                    sector_subgroup: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Records a relation that `from` asserts, outside a record (relations a dataset
    /// states across rows, known only at the end of a file). Idempotent.
    pub fn state_relation(&mut self, from: &str, r: &RelationStmt) -> Result<()> {
        let (a, b) = relation_ends(from, r);
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO relations(kind, from_id, to_id, origin, rule, judgement, stated_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'positive', ?6, ?7)
                 ON CONFLICT(kind, from_id, to_id, origin, rule) DO NOTHING",
            )?
            .execute(params![
                r.kind.as_str(),
                a,
                b,
                r.origin.as_str(),
                r.rule,
                from,
                self.now
            ])?;
        if n > 0 {
            self.membership_dirty = true;
            self.counting_dirty = true;
        }
        Ok(())
    }

    /// Replaces the relations this record stated when last written (statements by the
    /// linker or a person are never touched here).
    fn write_relations(&mut self, rec: &Record) -> Result<()> {
        let id = &rec.project.id;
        let removed = self
            .tx
            .prepare_cached(
                "DELETE FROM relations WHERE stated_by = ?1 AND origin IN ('dataset', 'registry', 'rule')",
            )?
            .execute([id])?;
        let mut added = 0;
        for r in &rec.relations {
            let (from, to) = relation_ends(id, r);
            let sid = match &r.source {
                Some(k) => Some(self.source_id_by_key(&rec.sources, k)?),
                None => None,
            };
            added += self
                .tx
                .prepare_cached(
                    "INSERT INTO relations(kind, from_id, to_id, origin, rule, judgement, source_id, stated_by, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'positive', ?6, ?7, ?8)
                     ON CONFLICT(kind, from_id, to_id, origin, rule) DO UPDATE SET stated_by = excluded.stated_by",
                )?
                .execute(params![
                    r.kind.as_str(),
                    from,
                    to,
                    r.origin.as_str(),
                    r.rule,
                    sid,
                    id,
                    self.now
                ])?;
        }
        if removed > 0 || added > 0 {
            self.membership_dirty = true;
            self.counting_dirty = true;
        }
        Ok(())
    }

    /// Parties: a record restates its parties; what the same sources said before goes.
    fn write_parties(&mut self, rec: &Record, existed: bool) -> Result<()> {
        let p = &rec.project;
        if existed {
            let mut party_sources = HashSet::new();
            for party in &rec.parties {
                if let Some(k) = &party.source {
                    party_sources.insert(self.source_id_by_key(&rec.sources, k)?);
                }
            }
            for sid in &party_sources {
                self.tx
                    .prepare_cached("DELETE FROM parties WHERE project_id = ?1 AND source_id = ?2")?
                    .execute(params![p.id, sid])?;
            }
        }
        for party in &rec.parties {
            let org = self.org_id(&party.org)?;
            let sid = match &party.source {
                Some(k) => Some(self.source_id_by_key(&rec.sources, k)?),
                None => None,
            };
            self.tx
                .prepare_cached(
                    "INSERT INTO parties(project_id, org_id, role, share, source_id) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(project_id, org_id, role) DO UPDATE SET share = COALESCE(excluded.share, parties.share)",
                )?
                .execute(params![p.id, org, party.role.as_str(), party.share, sid])?;
        }
        Ok(())
    }

    /// Forgets everything the registry stated on a record before, so that loading a new
    /// registry version states it anew (registry claims carry the locator
    /// `ruta registry <id>`; parties, aliases and relations of registry records are the
    /// registry's alone). Events stay: articles may back them too.
    pub fn clear_registry_record(&mut self, id: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM claims WHERE project_id = ?1 AND locator LIKE 'ruta registry %'",
            )?
            .execute([id])?;
        self.tx
            .prepare_cached("DELETE FROM parties WHERE project_id = ?1")?
            .execute([id])?;
        self.tx
            .prepare_cached(
                "DELETE FROM record_origins WHERE project_id = ?1 AND origin = 'registry'",
            )?
            .execute([id])?;
        self.tx
            .prepare_cached(
                "DELETE FROM relations WHERE (stated_by = ?1 OR from_id = ?1 OR to_id = ?1) AND origin = 'registry'",
            )?
            .execute([id])?;
        self.tx
            .prepare_cached("DELETE FROM project_links WHERE project_id = ?1")?
            .execute([id])?;
        self.tx
            .prepare_cached(
                "DELETE FROM flows WHERE id = ?1 AND (origin = 'registry' OR kind_basis = 'schema 3 record')",
            )?
            .execute([id])?;
        self.membership_dirty = true;
        self.counting_dirty = true;
        Ok(())
    }

    fn replace_locations(
        &mut self,
        project: &str,
        sources: &[Source],
        locs: &[Location],
        had: bool,
    ) -> Result<()> {
        let mut by_source: Vec<(Option<i64>, &Location)> = Vec::with_capacity(locs.len());
        for l in locs {
            let sid = match &l.source {
                Some(k) => Some(self.source_id_by_key(sources, k)?),
                None => None,
            };
            by_source.push((sid, l));
        }
        if had {
            let mut cleared = HashSet::new();
            for (sid, _) in &by_source {
                if cleared.insert(*sid) {
                    self.tx.execute(
                        "DELETE FROM locations WHERE project_id = ?1 AND source_id IS ?2",
                        params![project, sid],
                    )?;
                }
            }
        }
        for (sid, l) in by_source {
            self.insert_location(project, sid, l)?;
        }
        Ok(())
    }

    fn insert_location(&mut self, project: &str, sid: Option<i64>, l: &Location) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO locations(project_id, lat, lon, precision, admin1, admin2, place, geometry, share,
                   intersection_share, feature_id, source_id, commitment_value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                project,
                l.lat,
                l.lon,
                l.precision,
                l.admin1,
                l.admin2,
                l.place,
                l.geometry,
                l.share,
                l.intersection_share,
                l.feature_id,
                sid,
                l.commitment_value
            ])?;
        Ok(())
    }

    /// Whether a source has already given a project locations.
    pub fn has_locations_from(&mut self, project: &str, source: &Source) -> Result<bool> {
        let sid = self.source_id(source)?;
        Ok(self
            .tx
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM locations WHERE project_id = ?1 AND source_id = ?2)",
            )?
            .query_row(params![project, sid], |r| r.get(0))?)
    }

    /// Replaces the locations one source gave a record (AidData ADM files, GeoJSON).
    /// The record need not exist yet: when it arrives, the ADM files' commitment values
    /// become its amount claims. Returns true when something changed.
    pub fn set_locations(
        &mut self,
        project: &str,
        source: &Source,
        locs: &[Location],
    ) -> Result<bool> {
        let sid = self.source_id(source)?;
        let existing = self
            .tx
            .prepare_cached(
                "SELECT lat, lon, precision, admin1, admin2, place, geometry, share, intersection_share, feature_id,
                   commitment_value
                 FROM locations WHERE project_id = ?1 AND source_id = ?2 ORDER BY id",
            )?
            .query_map(params![project, sid], |r| {
                Ok(Location {
                    lat: r.get(0)?,
                    lon: r.get(1)?,
                    precision: r.get(2)?,
                    admin1: r.get(3)?,
                    admin2: r.get(4)?,
                    place: r.get(5)?,
                    geometry: r.get(6)?,
                    share: r.get(7)?,
                    intersection_share: r.get(8)?,
                    feature_id: r.get(9)?,
                    source: None,
                    commitment_value: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let wanted: Vec<Location> = locs
            .iter()
            .map(|l| Location {
                source: None,
                ..l.clone()
            })
            .collect();
        if existing == wanted {
            return Ok(false);
        }
        self.tx.execute(
            "DELETE FROM locations WHERE project_id = ?1 AND source_id = ?2",
            params![project, sid],
        )?;
        for l in &wanted {
            self.insert_location(project, Some(sid), l)?;
        }
        let has_flow: bool = self
            .tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM flows WHERE id = ?1)")?
            .query_row([project], |r| r.get(0))?;
        if has_flow {
            self.adopt_adm_values(project)?;
        }
        if self.record_exists(project)? {
            self.resolve(project)?;
            self.touched.insert(project.to_string());
        }
        Ok(true)
    }

    /// Turns the commitment values AidData's ADM files attribute to a record's units into
    /// the record's amount in that release: for each ADM source, a claim `amount` (the sum
    /// of the units' values — constant 2021 USD — brought back to nominal dollars of the
    /// commitment year with AidData's factors, then to constant 2021 with ruta's deflator;
    /// see `Money::from_published_constant`) and a claim `amount_published_constant` (the
    /// sum as published). Needs the record's commitment year; returns whether a claim was
    /// added.
    pub(crate) fn adopt_adm_values(&mut self, project: &str) -> Result<bool> {
        let sums: Vec<(i64, f64, i64)> = self
            .tx
            .prepare_cached(
                "SELECT l.source_id, SUM(l.commitment_value), COUNT(*) FROM locations l
                 WHERE l.project_id = ?1 AND l.commitment_value IS NOT NULL AND l.source_id IS NOT NULL
                 GROUP BY l.source_id",
            )?
            .query_map([project], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if sums.is_empty() {
            return Ok(false);
        }
        let year: Option<f64> = self
            .tx
            .prepare_cached(
                "SELECT c.number FROM claims c JOIN sources s ON s.id = c.source_id
                 WHERE c.project_id = ?1 AND c.field = 'year' AND c.number IS NOT NULL
                 ORDER BY s.dataset_version DESC, c.id DESC LIMIT 1",
            )?
            .query_row([project], |r| r.get(0))
            .optional()?;
        let Some(year) = year.map(|y| y as i32) else {
            return Ok(false);
        };
        let mut added = false;
        for (sid, sum, units) in sums {
            let locator = format!(
                "sum of even_split_ratio_commitment_value over {units} administrative unit(s)"
            );
            let mut claims = vec![ruta_core::Claim {
                field: "amount_published_constant".into(),
                value: ClaimValue::Money(Money::published_constant(sum, 2021)),
                source: String::new(),
                locator: Some(locator.clone()),
                span: None,
                quote: None,
                confidence: 1.0,
                qualifier: Some("constant 2021 USD as AidData publishes it".into()),
            }];
            if let Some(m) = Money::from_published_constant(sum, 2021, year) {
                claims.push(ruta_core::Claim {
                    field: "amount".into(),
                    value: ClaimValue::Money(m),
                    source: String::new(),
                    locator: Some(locator),
                    span: None,
                    quote: None,
                    // Recovered from published constant dollars: a step removed from
                    // what a row stating the original amount says (see gcdf.rs).
                    confidence: 0.95,
                    qualifier: Some("commitment, from the ADM files".into()),
                });
            }
            for c in &claims {
                added |= self.insert_claim(project, c, sid)?.is_some();
            }
        }
        Ok(added)
    }
}

/// A stored project with its representative point.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedProject {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub sector_subgroup: Option<String>,
}

/// A stored flow as importers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFlow {
    pub id: String,
    pub country: Option<String>,
    pub year: Option<i64>,
    pub commitment_date: Option<String>,
    /// In units of `currency`.
    pub amount: Option<f64>,
    pub currency: Option<String>,
}

/// The (from, to) ends of a relation `id` states: symmetric kinds are stored with the
/// smaller id first.
fn relation_ends<'a>(id: &'a str, r: &'a RelationStmt) -> (&'a str, &'a str) {
    if r.kind.symmetric() {
        if id < r.other.as_str() {
            (id, r.other.as_str())
        } else {
            (r.other.as_str(), id)
        }
    } else if r.outgoing {
        (id, r.other.as_str())
    } else {
        (r.other.as_str(), id)
    }
}
