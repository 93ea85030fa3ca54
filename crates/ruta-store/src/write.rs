//! Idempotent writes of core records, inside one transaction.

use crate::{Result, StoreError, now};
use rusqlite::{OptionalExtension, Transaction, params, params_from_iter};
use ruta_core::model::{Claim, ClaimValue, Event, Location, OrgRef, Record, Source};
use ruta_core::resolve::{self, Candidate};
use ruta_core::{SourceKind, orgs};
use std::collections::{HashMap, HashSet};

/// What writing one record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new project.
    Imported,
    /// An existing project whose record changed (new claims are added, old ones kept).
    Updated,
    /// The same record was already stored: nothing was written.
    Unchanged,
}

/// A write transaction. Dropping it without [`Writer::commit`] rolls back.
pub struct Writer<'c> {
    tx: Transaction<'c>,
    source_ids: HashMap<String, i64>,
    known_orgs: HashSet<String>,
    now: String,
    /// Full-text work done once at commit: FTS5 flushes its buffer at every statement
    /// savepoint, so indexing row by row inside a long transaction is slow.
    fts_projects: HashSet<String>,
    fts_sources: Vec<i64>,
    fts_claims: Vec<i64>,
    fts_orgs: Vec<String>,
}

/// The parameters both project inserts bind first (?1–?18: the descriptive columns, then
/// `now` for created/updated), followed by `extra`.
fn project_params<'a>(
    p: &'a ruta_core::model::Project,
    now: &'a String,
    extra: &[&'a dyn rusqlite::ToSql],
) -> Vec<Box<dyn rusqlite::ToSql + 'a>> {
    let mut v: Vec<Box<dyn rusqlite::ToSql + 'a>> = vec![
        Box::new(&p.id),
        Box::new(&p.name),
        Box::new(&p.description),
        Box::new(&p.country),
        Box::new(&p.sector_code),
        Box::new(&p.sector_name),
        Box::new(p.sector_group.as_str()),
        Box::new(&p.sector_subgroup),
        Box::new(&p.sector_rule),
        Box::new(p.flow_kind.as_str()),
        Box::new(&p.parent_id),
        Box::new(&p.package_id),
        Box::new(p.umbrella),
        Box::new(p.include_in_aggregates),
        Box::new(&p.dataset),
        Box::new(&p.record_id),
        Box::new(json(&p.attributes)),
        Box::new(now),
    ];
    v.extend(
        extra
            .iter()
            .map(|x| Box::new(*x) as Box<dyn rusqlite::ToSql + 'a>),
    );
    v
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

impl<'c> Writer<'c> {
    pub(crate) fn new(tx: Transaction<'c>) -> Result<Writer<'c>> {
        Ok(Writer {
            tx,
            source_ids: HashMap::new(),
            known_orgs: HashSet::new(),
            now: now(),
            fts_projects: HashSet::new(),
            fts_sources: Vec::new(),
            fts_claims: Vec::new(),
            fts_orgs: Vec::new(),
        })
    }

    /// Makes everything written visible, atomically (full-text indexes included).
    pub fn commit(mut self) -> Result<()> {
        self.flush_fts()?;
        self.tx.commit()?;
        Ok(())
    }

    /// Brings the full-text indexes up to date with what this transaction wrote, in a few
    /// set-wise statements.
    fn flush_fts(&mut self) -> Result<()> {
        if !self.fts_projects.is_empty() {
            self.tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS ruta_fts_pending(rowid INTEGER PRIMARY KEY);
                 DELETE FROM ruta_fts_pending;
                 CREATE TEMP TABLE IF NOT EXISTS ruta_country_names(iso3 TEXT PRIMARY KEY, names TEXT NOT NULL);",
            )?;
            let empty: bool = self.tx.query_row(
                "SELECT NOT EXISTS(SELECT 1 FROM ruta_country_names)",
                [],
                |r| r.get(0),
            )?;
            if empty {
                let mut st = self
                    .tx
                    .prepare("INSERT INTO ruta_country_names(iso3, names) VALUES (?1, ?2)")?;
                for c in ruta_core::country::all() {
                    let mut names = c.name.clone();
                    if let Some(l) = ruta_core::country::lac_by_iso3(&c.iso3) {
                        names.push_str(&format!(" {} {}", l.name_es, l.name_pt));
                    }
                    st.execute(params![c.iso3, names])?;
                }
            }
            {
                let mut st = self
                    .tx
                    .prepare("INSERT OR IGNORE INTO ruta_fts_pending(rowid) SELECT rowid FROM projects WHERE id = ?1")?;
                for id in self.fts_projects.drain() {
                    st.execute([id])?;
                }
            }
            self.tx.execute_batch(
                "DELETE FROM projects_fts WHERE rowid IN (SELECT rowid FROM ruta_fts_pending);
                 INSERT INTO projects_fts(rowid, name, aliases, body)
                 SELECT p.rowid, p.name,
                        COALESCE((SELECT group_concat(alias, char(10)) FROM project_aliases a WHERE a.project_id = p.id), ''),
                        concat_ws(char(10), p.description,
                          (SELECT group_concat(o.name, char(10)) FROM parties pa JOIN organizations o ON o.id = pa.org_id
                            WHERE pa.project_id = p.id),
                          p.sector_name, c.names)
                 FROM ruta_fts_pending f JOIN projects p ON p.rowid = f.rowid
                 LEFT JOIN ruta_country_names c ON c.iso3 = p.country;
                 DELETE FROM ruta_fts_pending;",
            )?;
        }
        if !self.fts_sources.is_empty() {
            self.tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS ruta_fts_ids(id INTEGER PRIMARY KEY); DELETE FROM ruta_fts_ids;",
            )?;
            {
                let mut st = self
                    .tx
                    .prepare("INSERT OR IGNORE INTO ruta_fts_ids(id) VALUES (?1)")?;
                for id in self.fts_sources.drain(..) {
                    st.execute([id])?;
                }
            }
            self.tx.execute_batch(
                "INSERT INTO sources_fts(rowid, title, publisher)
                 SELECT s.id, s.title, s.publisher FROM ruta_fts_ids f JOIN sources s ON s.id = f.id
                 WHERE s.title IS NOT NULL OR s.publisher IS NOT NULL;
                 DELETE FROM ruta_fts_ids;",
            )?;
        }
        if !self.fts_claims.is_empty() {
            self.tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS ruta_fts_ids(id INTEGER PRIMARY KEY); DELETE FROM ruta_fts_ids;",
            )?;
            {
                let mut st = self
                    .tx
                    .prepare("INSERT OR IGNORE INTO ruta_fts_ids(id) VALUES (?1)")?;
                for id in self.fts_claims.drain(..) {
                    st.execute([id])?;
                }
            }
            self.tx.execute_batch(
                "INSERT INTO claims_fts(rowid, quote)
                 SELECT c.id, c.quote FROM ruta_fts_ids f JOIN claims c ON c.id = f.id WHERE c.quote IS NOT NULL;
                 DELETE FROM ruta_fts_ids;",
            )?;
        }
        if !self.fts_orgs.is_empty() {
            let mut st = self.tx.prepare_cached("INSERT INTO organizations_fts(org_id, names) SELECT id, name FROM organizations WHERE id = ?1")?;
            for id in self.fts_orgs.drain(..) {
                st.execute([id])?;
            }
        }
        Ok(())
    }

    /// The transaction, for callers' own statements.
    pub fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    /// Sets a `meta` value.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Loads the organization gazetteer (curated names, kinds, parents, aliases) when it
    /// changed since the last load.
    pub fn sync_gazetteer(&mut self) -> Result<bool> {
        let g = orgs::gazetteer();
        let fingerprint = ruta_core::hash::fingerprint(&json(&g.entries()));
        let stored: Option<String> = self
            .tx
            .query_row("SELECT value FROM meta WHERE key = 'gazetteer'", [], |r| {
                r.get(0)
            })
            .optional()?;
        if stored.as_deref() == Some(fingerprint.as_str()) {
            return Ok(false);
        }
        for e in g.entries() {
            self.tx.execute(
                "INSERT INTO organizations(id, name, kind, country, parent_id, curated) VALUES (?1, ?2, ?3, ?4, ?5, 1)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                   country = excluded.country, parent_id = excluded.parent_id, curated = 1",
                params![e.id, e.name, e.kind.as_str(), e.country, e.parent],
            )?;
            self.tx
                .execute("DELETE FROM org_aliases WHERE org_id = ?1", [&e.id])?;
            for a in e.aliases.iter().chain(&e.cased) {
                self.tx.execute(
                    "INSERT OR IGNORE INTO org_aliases(org_id, alias) VALUES (?1, ?2)",
                    params![e.id, a],
                )?;
            }
            let names: Vec<&str> = std::iter::once(e.name.as_str())
                .chain(e.aliases.iter().map(String::as_str))
                .chain(e.cased.iter().map(String::as_str))
                .collect();
            self.tx
                .execute("DELETE FROM organizations_fts WHERE org_id = ?1", [&e.id])?;
            self.tx.execute(
                "INSERT INTO organizations_fts(org_id, names) VALUES (?1, ?2)",
                params![e.id, names.join("\n")],
            )?;
        }
        self.set_meta("gazetteer", &fingerprint)?;
        Ok(true)
    }

    /// The id of a source, inserting it on first sight. Known sources keep their first
    /// description, filling only fields that were empty.
    pub fn source_id(&mut self, s: &Source) -> Result<i64> {
        let key = s.key();
        if let Some(&id) = self.source_ids.get(&key) {
            return Ok(id);
        }
        // Insert first (the common case in bulk imports); on conflict the row exists.
        let inserted: Option<i64> = self
            .tx
            .prepare_cached(
                "INSERT INTO sources(key, kind, title, publisher, url, date, language, dataset, dataset_version, record_id, note, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT(key) DO NOTHING RETURNING id",
            )?
            .query_row(
                params![
                    key,
                    s.kind.as_str(),
                    s.title,
                    s.publisher,
                    s.url,
                    s.date,
                    s.language,
                    s.dataset,
                    s.dataset_version,
                    s.record_id,
                    s.note,
                    self.now
                ],
                |r| r.get(0),
            )
            .optional()?;
        let id = match inserted {
            Some(id) => {
                // Dataset records are found through their projects; articles and
                // documents are searchable by title and publisher.
                if s.kind != SourceKind::DatasetRecord
                    && (s.title.is_some() || s.publisher.is_some())
                {
                    self.fts_sources.push(id);
                }
                id
            }
            None => {
                let id: i64 = self
                    .tx
                    .prepare_cached("SELECT id FROM sources WHERE key = ?1")?
                    .query_row([&key], |r| r.get(0))?;
                self.tx
                    .prepare_cached(
                        "UPDATE sources SET title = COALESCE(title, ?2), publisher = COALESCE(publisher, ?3),
                           url = COALESCE(url, ?4), date = COALESCE(date, ?5), language = COALESCE(language, ?6)
                         WHERE id = ?1 AND (title IS NULL OR publisher IS NULL OR url IS NULL OR date IS NULL OR language IS NULL)",
                    )?
                    .execute(params![id, s.title, s.publisher, s.url, s.date, s.language])?;
                id
            }
        };
        self.source_ids.insert(key, id);
        Ok(id)
    }

    fn source_id_by_key(&mut self, rec_sources: &[Source], key: &str) -> Result<i64> {
        if let Some(&id) = self.source_ids.get(key) {
            return Ok(id);
        }
        if let Some(s) = rec_sources.iter().find(|s| s.key() == key) {
            return self.source_id(s);
        }
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM sources WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?;
        match found {
            Some(id) => {
                self.source_ids.insert(key.to_string(), id);
                Ok(id)
            }
            None => Err(StoreError::Invalid(format!(
                "source '{key}' is referenced but not defined"
            ))),
        }
    }

    /// The id of an organization, creating a non-curated one for names the gazetteer
    /// does not know.
    pub fn org_id(&mut self, o: &OrgRef) -> Result<String> {
        let id = orgs::org_id(&o.name);
        if self.known_orgs.contains(&id) {
            return Ok(id);
        }
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO organizations(id, name, kind, country, curated) VALUES (?1, ?2, ?3, ?4, 0)
                 ON CONFLICT(id) DO NOTHING",
            )?
            .execute(params![id, o.name, o.kind.map(|k| k.as_str()), o.country])?;
        if inserted == 1 {
            self.fts_orgs.push(id.clone());
        } else if o.kind.is_some() || o.country.is_some() {
            self.tx
                .prepare_cached(
                    "UPDATE organizations SET kind = COALESCE(kind, ?2), country = COALESCE(country, ?3)
                     WHERE id = ?1 AND (kind IS NULL OR country IS NULL)",
                )?
                .execute(params![id, o.kind.map(|k| k.as_str()), o.country])?;
        }
        self.known_orgs.insert(id.clone());
        Ok(id)
    }

    /// Writes one record: the project, its sources, claims, parties, locations, events
    /// and references. Writing the same record again (same origin, same content) changes
    /// nothing; a record of another origin about the same project merges into it (empty
    /// fields never erase stored ones, attributes are merged, claims accumulate).
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
        let hash = hash.to_string();
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
        if stored.as_deref() == Some(hash.as_str()) {
            return Ok(Outcome::Unchanged);
        }
        // A project seen for the first time gets its displayed values computed from the
        // record itself and written with the row; others are merged and re-resolved.
        let fresh = !exists && !had_locations;
        if fresh {
            let shown = displayed_of_record(rec);
            self.tx
                .prepare_cached(
                    "INSERT INTO projects(id, name, description, country, sector_code, sector_name, sector_group,
                       sector_subgroup, sector_rule, flow_kind, parent_id, package_id, umbrella, include_in_aggregates,
                       dataset, record_id, attributes, created_at, updated_at,
                       status, amount, currency, amount_year, amount_usd_nominal, amount_usd, year, commitment_date,
                       planned_start_date, actual_start_date, planned_completion_date, actual_completion_date,
                       interest_rate, maturity_years, grace_period_years, management_fee, commitment_fee, collateral,
                       first_repayment_date, last_repayment_date, lat, lon, precision, source_count)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, COALESCE(?13, 0), COALESCE(?14, 1),
                       ?15, ?16, ?17, ?18, ?18,
                       ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37,
                       ?38, ?39, ?40, ?41, ?42)",
                )?
                .execute(params_from_iter(project_params(p, &self.now, &[
                    &shown.status,
                    &shown.amount,
                    &shown.currency,
                    &shown.amount_year,
                    &shown.usd_nominal,
                    &shown.usd,
                    &shown.year,
                    &shown.commitment_date,
                    &shown.planned_start_date,
                    &shown.actual_start_date,
                    &shown.planned_completion_date,
                    &shown.actual_completion_date,
                    &shown.interest_rate,
                    &shown.maturity_years,
                    &shown.grace_period_years,
                    &shown.management_fee,
                    &shown.commitment_fee,
                    &shown.collateral,
                    &shown.first_repayment_date,
                    &shown.last_repayment_date,
                    &shown.lat,
                    &shown.lon,
                    &shown.precision,
                    &shown.source_count,
                ])))?;
        } else {
            self.upsert_project(p)?;
        }
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
        for x in &p.xrefs {
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO project_links(project_id, other_id, kind) VALUES (?1, ?2, 'same_as')")?
                .execute(params![p.id, x])?;
        }
        for s in &rec.sources {
            self.source_id(s)?;
        }
        for key in &rec.references {
            let sid = self.source_id_by_key(&rec.sources, key)?;
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO project_sources(project_id, source_id) VALUES (?1, ?2)",
                )?
                .execute(params![p.id, sid])?;
        }
        // Parties: a record restates its parties; drop what the same sources said before.
        if exists {
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
        self.replace_locations(&p.id, &rec.sources, &rec.locations, !fresh)?;
        for c in &rec.claims {
            let sid = self.source_id_by_key(&rec.sources, &c.source)?;
            self.insert_claim(&p.id, c, sid)?;
        }
        for e in &rec.events {
            self.insert_event(&p.id, e, &rec.sources)?;
        }
        self.fts_projects.insert(p.id.clone());
        if !fresh {
            self.resolve(&p.id)?;
        }
        Ok(if exists {
            Outcome::Updated
        } else {
            Outcome::Imported
        })
    }

    fn upsert_project(&mut self, p: &ruta_core::model::Project) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO projects(id, name, description, country, sector_code, sector_name, sector_group,
                   sector_subgroup, sector_rule, flow_kind, parent_id, package_id, umbrella, include_in_aggregates,
                   dataset, record_id, attributes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, COALESCE(?13, 0), COALESCE(?14, 1),
                   ?15, ?16, ?17, ?18, ?18)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                   description = COALESCE(excluded.description, description),
                   country = COALESCE(excluded.country, country),
                   sector_code = COALESCE(excluded.sector_code, sector_code),
                   sector_name = COALESCE(excluded.sector_name, sector_name),
                   sector_group = excluded.sector_group, sector_subgroup = excluded.sector_subgroup,
                   sector_rule = excluded.sector_rule, flow_kind = excluded.flow_kind,
                   parent_id = COALESCE(excluded.parent_id, parent_id),
                   package_id = COALESCE(excluded.package_id, package_id),
                   umbrella = COALESCE(?13, umbrella),
                   include_in_aggregates = COALESCE(?14, include_in_aggregates),
                   dataset = COALESCE(excluded.dataset, dataset), record_id = COALESCE(excluded.record_id, record_id),
                   attributes = json_patch(attributes, excluded.attributes), updated_at = excluded.updated_at",
            )?
            .execute(params_from_iter(project_params(p, &self.now, &[])))?;
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
                   intersection_share, feature_id, source_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
                sid
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

    /// Replaces the locations one source gave a project (AidData ADM files, GeoJSON).
    /// The project need not exist yet. Returns true when something changed.
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
                "SELECT lat, lon, precision, admin1, admin2, place, geometry, share, intersection_share, feature_id
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
        let exists: bool = self
            .tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM projects WHERE id = ?1)")?
            .query_row([project], |r| r.get(0))?;
        if exists {
            self.resolve(project)?;
        }
        Ok(true)
    }

    /// Inserts a claim unless the same source already said the same thing of the same
    /// field. Returns the new claim's id.
    fn insert_claim(&mut self, project: &str, c: &Claim, sid: i64) -> Result<Option<i64>> {
        if !(0.0..=1.0).contains(&c.confidence) {
            return Err(StoreError::Invalid(format!(
                "claim confidence {} outside 0–1",
                c.confidence
            )));
        }
        let cols = crate::claimrow::ClaimColumns::of(&c.value);
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO claims(project_id, field, kind, amount, currency, money_year, usd_nominal,
                   usd_2021, conversion, number, unit, text, value_key, source_id, locator, span_start, span_end,
                   quote, confidence, qualifier, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                   unixepoch())",
            )?
            .execute(params![
                project,
                c.field,
                cols.kind,
                cols.amount,
                cols.currency,
                cols.money_year,
                cols.usd_nominal,
                cols.usd_2021,
                cols.conversion,
                cols.number,
                cols.unit,
                cols.text,
                ruta_core::hash::fingerprint(&c.value.key()),
                sid,
                c.locator,
                c.span.map(|s| s[0] as i64),
                c.span.map(|s| s[1] as i64),
                c.quote,
                c.confidence,
                c.qualifier
            ])?;
        if n == 0 {
            if let Some([a, b]) = c.span {
                self.locate_claim(project, c, sid, a, b)?;
            }
            return Ok(None);
        }
        let id = self.tx.last_insert_rowid();
        if c.quote.is_some() {
            self.fts_claims.push(id);
        }
        Ok(Some(id))
    }

    /// A claim already stored without a place in its source (a registry claim citing an
    /// article) gains the span, locator and fuller quote that reading the article found.
    fn locate_claim(
        &mut self,
        project: &str,
        c: &Claim,
        sid: i64,
        a: usize,
        b: usize,
    ) -> Result<()> {
        let row: Option<(i64, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT id, quote FROM claims WHERE project_id = ?1 AND field = ?2 AND source_id = ?3
                   AND value_key = ?4 AND span_start IS NULL",
            )?
            .query_row(
                params![project, c.field, sid, ruta_core::hash::fingerprint(&c.value.key())],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, old)) = row else {
            return Ok(());
        };
        // A fuller quote replaces one it contains; a different one is kept.
        let quote = match (&old, &c.quote) {
            (Some(o), Some(q)) if q.contains(o.as_str()) => Some(q.clone()),
            (None, q) => q.clone(),
            (o, _) => o.clone(),
        };
        self.tx
            .prepare_cached(
                "UPDATE claims SET span_start = ?2, span_end = ?3, locator = ?4, quote = ?5 WHERE id = ?1",
            )?
            .execute(params![id, a as i64, b as i64, c.locator, quote])?;
        if quote != old {
            self.tx
                .prepare_cached("DELETE FROM claims_fts WHERE rowid = ?1")?
                .execute([id])?;
            self.fts_claims.push(id);
        }
        Ok(())
    }

    fn insert_event(&mut self, project: &str, e: &Event, sources: &[Source]) -> Result<()> {
        let key = format!(
            "{}|{}|{}",
            e.kind,
            e.date.as_deref().unwrap_or(""),
            ruta_core::text::fold(&e.summary)
        );
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO events(project_id, kind, date, summary, event_key) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![project, e.kind.as_str(), e.date, e.summary, key])?;
        let eid: i64 = self
            .tx
            .prepare_cached("SELECT id FROM events WHERE project_id = ?1 AND event_key = ?2")?
            .query_row(params![project, key], |r| r.get(0))?;
        for s in &e.sources {
            let sid = self.source_id_by_key(sources, &s.source)?;
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO event_sources(event_id, source_id, quote, locator) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![eid, sid, s.quote, s.locator])?;
        }
        Ok(())
    }

    /// Adds claims, events and their sources to an existing project (news ingestion).
    /// Returns how many claims were new.
    pub fn add_evidence(
        &mut self,
        project: &str,
        sources: &[Source],
        claims: &[Claim],
        events: &[Event],
    ) -> Result<usize> {
        for s in sources {
            self.source_id(s)?;
        }
        let mut added = 0;
        for c in claims {
            let sid = self.source_id_by_key(sources, &c.source)?;
            if self.insert_claim(project, c, sid)?.is_some() {
                added += 1;
            }
        }
        for e in events {
            self.insert_event(project, e, sources)?;
        }
        self.resolve(project)?;
        Ok(added)
    }

    /// Recomputes a project's displayed values from all its claims (the display rule in
    /// `ruta_core::resolve`), its representative location and its source count.
    pub fn resolve(&mut self, project: &str) -> Result<()> {
        struct Row {
            id: i64,
            field: String,
            value: ClaimValue,
            key: String,
            kind: SourceKind,
            date: Option<String>,
            confidence: f64,
        }
        let rows: Vec<Row> = self
            .tx
            .prepare_cached(&format!(
                "SELECT c.id, c.field, s.key, s.kind, s.date, c.confidence, {}
                     FROM claims c JOIN sources s ON s.id = c.source_id WHERE c.project_id = ?1",
                crate::claimrow::COLUMNS
            ))?
            .query_map([project], |r| {
                let kind: String = r.get(3)?;
                Ok(Row {
                    id: r.get(0)?,
                    field: r.get(1)?,
                    key: r.get(2)?,
                    kind: kind.parse().unwrap_or(SourceKind::Other),
                    date: r.get(4)?,
                    confidence: r.get(5)?,
                    value: crate::claimrow::value_at(r, 6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let cands: Vec<Candidate<'_>> = rows
            .iter()
            .map(|r| Candidate {
                id: r.id,
                field: &r.field,
                value: &r.value,
                source_key: &r.key,
                source_kind: r.kind,
                source_date: r.date.as_deref(),
                confidence: r.confidence,
            })
            .collect();
        let point: Option<(f64, f64, Option<i64>)> = self
            .tx
            .prepare_cached(
                "SELECT lat, lon, precision FROM locations WHERE project_id = ?1 AND lat IS NOT NULL AND lon IS NOT NULL
                 ORDER BY COALESCE(precision, 9), share IS NULL, share DESC, id LIMIT 1",
            )?
            .query_row([project], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let source_count: i64 = self
            .tx
            .prepare_cached(
                "SELECT COUNT(*) FROM (
                   SELECT source_id FROM claims WHERE project_id = ?1
                   UNION SELECT source_id FROM project_sources WHERE project_id = ?1
                   UNION SELECT es.source_id FROM event_sources es JOIN events e ON e.id = es.event_id WHERE e.project_id = ?1
                   UNION SELECT source_id FROM locations WHERE project_id = ?1 AND source_id IS NOT NULL)",
            )?
            .query_row([project], |r| r.get(0))?;
        self.update_displayed(project, &cands, point, source_count)
    }

    /// Writes the displayed columns chosen by the display rule.
    fn update_displayed(
        &mut self,
        project: &str,
        cands: &[Candidate<'_>],
        point: Option<(f64, f64, Option<i64>)>,
        source_count: i64,
    ) -> Result<()> {
        let d = displayed(cands, point, source_count);
        self.tx
            .prepare_cached(
                "UPDATE projects SET status = ?2, amount = ?3, currency = ?4, amount_year = ?5, amount_usd_nominal = ?6,
                   amount_usd = ?7, year = ?8, commitment_date = ?9, planned_start_date = ?10,
                   actual_start_date = ?11, planned_completion_date = ?12, actual_completion_date = ?13,
                   interest_rate = ?14, maturity_years = ?15, grace_period_years = ?16, management_fee = ?17,
                   commitment_fee = ?18, collateral = ?19, first_repayment_date = ?20, last_repayment_date = ?21,
                   lat = ?22, lon = ?23, precision = ?24, source_count = ?25
                 WHERE id = ?1",
            )?
            .execute(params![
                project,
                d.status,
                d.amount,
                d.currency,
                d.amount_year,
                d.usd_nominal,
                d.usd,
                d.year,
                d.commitment_date,
                d.planned_start_date,
                d.actual_start_date,
                d.planned_completion_date,
                d.actual_completion_date,
                d.interest_rate,
                d.maturity_years,
                d.grace_period_years,
                d.management_fee,
                d.commitment_fee,
                d.collateral,
                d.first_repayment_date,
                d.last_repayment_date,
                d.lat,
                d.lon,
                d.precision,
                d.source_count
            ])?;
        Ok(())
    }

    /// Records an import in the `imports` log.
    #[allow(clippy::too_many_arguments)]
    pub fn log_import(
        &self,
        kind: &str,
        file: &str,
        rows_read: u64,
        imported: u64,
        updated: u64,
        unchanged: u64,
        skipped: u64,
        started_at: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO imports(kind, file, rows_read, imported, updated, unchanged, skipped, started_at, finished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![kind, file, rows_read as i64, imported as i64, updated as i64, unchanged as i64, skipped as i64, started_at, now()],
        )?;
        Ok(())
    }
}

/// The displayed columns of a project.
#[derive(Default)]
struct Displayed {
    status: Option<String>,
    amount: Option<f64>,
    currency: Option<String>,
    amount_year: Option<i32>,
    usd_nominal: Option<f64>,
    usd: Option<f64>,
    year: Option<i64>,
    commitment_date: Option<String>,
    planned_start_date: Option<String>,
    actual_start_date: Option<String>,
    planned_completion_date: Option<String>,
    actual_completion_date: Option<String>,
    interest_rate: Option<f64>,
    maturity_years: Option<f64>,
    grace_period_years: Option<f64>,
    management_fee: Option<f64>,
    commitment_fee: Option<f64>,
    collateral: Option<String>,
    first_repayment_date: Option<String>,
    last_repayment_date: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    precision: Option<i64>,
    source_count: i64,
}

/// Applies the display rule (`ruta_core::resolve`) to a project's claims.
fn displayed(
    cands: &[Candidate<'_>],
    point: Option<(f64, f64, Option<i64>)>,
    source_count: i64,
) -> Displayed {
    let best = resolve::choose(cands);
    let text = |f: &str| -> Option<String> {
        best.get(f).and_then(|c| match c.value {
            ClaimValue::Date { value } | ClaimValue::Text { value } => Some(value.clone()),
            ClaimValue::Status { value } => Some(value.to_string()),
            _ => None,
        })
    };
    let num = |f: &str| -> Option<f64> {
        best.get(f).and_then(|c| match c.value {
            ClaimValue::Number { value } | ClaimValue::Percent { value } => Some(*value),
            ClaimValue::Quantity { value, .. } => Some(*value),
            _ => None,
        })
    };
    let money = best.get("amount").and_then(|c| match c.value {
        ClaimValue::Money(m) => Some(m),
        _ => None,
    });
    let commitment_date = text("commitment_date");
    let year = num("year")
        .map(|y| y as i64)
        .or_else(|| {
            commitment_date
                .as_deref()
                .and_then(|d| d.get(..4)?.parse().ok())
        })
        .or_else(|| money.and_then(|m| m.year.map(i64::from)));
    Displayed {
        status: text("status"),
        amount: money.map(|m| m.amount),
        currency: money.map(|m| m.currency.clone()),
        amount_year: money.and_then(|m| m.year),
        usd_nominal: money.and_then(|m| m.usd_nominal),
        usd: money.and_then(|m| m.usd_2021),
        year,
        commitment_date,
        planned_start_date: text("planned_start_date"),
        actual_start_date: text("actual_start_date"),
        planned_completion_date: text("planned_completion_date"),
        actual_completion_date: text("actual_completion_date"),
        interest_rate: num("interest_rate"),
        maturity_years: num("maturity_years"),
        grace_period_years: num("grace_period_years"),
        management_fee: num("management_fee"),
        commitment_fee: num("commitment_fee"),
        collateral: text("collateral"),
        first_repayment_date: text("first_repayment_date"),
        last_repayment_date: text("last_repayment_date"),
        lat: point.map(|p| p.0),
        lon: point.map(|p| p.1),
        precision: point.and_then(|p| p.2),
        source_count,
    }
}

/// Displayed values of a project seen for the first time, from its own record: claims
/// take their order as ids (they are inserted in that order).
fn displayed_of_record(rec: &Record) -> Displayed {
    let kinds: HashMap<String, (SourceKind, Option<&str>)> = rec
        .sources
        .iter()
        .map(|s| (s.key(), (s.kind, s.date.as_deref())))
        .collect();
    let cands: Vec<Candidate<'_>> = rec
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (kind, date) = kinds
                .get(&c.source)
                .copied()
                .unwrap_or((SourceKind::Other, None));
            Candidate {
                id: i as i64,
                field: &c.field,
                value: &c.value,
                source_key: &c.source,
                source_kind: kind,
                source_date: date,
                confidence: c.confidence,
            }
        })
        .collect();
    let point = rec
        .locations
        .iter()
        .filter(|l| l.lat.is_some() && l.lon.is_some())
        .min_by(|a, b| {
            a.precision
                .unwrap_or(9)
                .cmp(&b.precision.unwrap_or(9))
                .then(b.share.unwrap_or(-1.0).total_cmp(&a.share.unwrap_or(-1.0)))
        })
        .map(|l| {
            (
                l.lat.unwrap_or_default(),
                l.lon.unwrap_or_default(),
                l.precision.map(i64::from),
            )
        });
    let mut keys: HashSet<&str> = HashSet::new();
    keys.extend(rec.claims.iter().map(|c| c.source.as_str()));
    keys.extend(rec.references.iter().map(String::as_str));
    keys.extend(
        rec.events
            .iter()
            .flat_map(|e| e.sources.iter().map(|s| s.source.as_str())),
    );
    keys.extend(rec.locations.iter().filter_map(|l| l.source.as_deref()));
    displayed(&cands, point, keys.len() as i64)
}

/// Now, for callers that log imports.
pub fn timestamp() -> String {
    now()
}
