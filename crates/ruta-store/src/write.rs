//! Idempotent writes of core records, inside one transaction.

use crate::{Result, StoreError, now};
use rusqlite::{OptionalExtension, Transaction, params};
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
        })
    }

    /// Makes everything written visible, atomically.
    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
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
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM sources WHERE key = ?1")?
            .query_row([&key], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => {
                self.tx
                    .prepare_cached(
                        "UPDATE sources SET title = COALESCE(title, ?2), publisher = COALESCE(publisher, ?3),
                           url = COALESCE(url, ?4), date = COALESCE(date, ?5), language = COALESCE(language, ?6)
                         WHERE id = ?1 AND (title IS NULL OR publisher IS NULL OR url IS NULL OR date IS NULL OR language IS NULL)",
                    )?
                    .execute(params![id, s.title, s.publisher, s.url, s.date, s.language])?;
                id
            }
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO sources(key, kind, title, publisher, url, date, language, dataset, dataset_version, record_id, note, added_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    )?
                    .execute(params![
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
                    ])?;
                let id = self.tx.last_insert_rowid();
                if s.title.is_some() || s.publisher.is_some() {
                    self.tx
                        .prepare_cached(
                            "INSERT INTO sources_fts(rowid, title, publisher) VALUES (?1, ?2, ?3)",
                        )?
                        .execute(params![id, s.title, s.publisher])?;
                }
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
            self.tx
                .prepare_cached("INSERT INTO organizations_fts(org_id, names) VALUES (?1, ?2)")?
                .execute(params![id, o.name])?;
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
        let p = &rec.project;
        let hash = ruta_core::hash::fingerprint(&json(rec));
        let (exists, stored): (bool, Option<String>) = self
            .tx
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM projects WHERE id = ?1),
                        (SELECT hash FROM record_origins WHERE project_id = ?1 AND origin = ?2)",
            )?
            .query_row(params![p.id, rec.origin], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if stored.as_deref() == Some(hash.as_str()) {
            return Ok(Outcome::Unchanged);
        }
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
                p.flow_kind.as_str(),
                p.parent_id,
                p.package_id,
                p.umbrella,
                p.include_in_aggregates,
                p.dataset,
                p.record_id,
                json(&p.attributes),
                self.now
            ])?;
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
        let mut org_names = Vec::with_capacity(rec.parties.len());
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
            org_names.push(org_display_name(&org, &party.org.name));
        }
        let had_locations = exists || self.has_locations(&p.id)?;
        self.replace_locations(&p.id, &rec.sources, &rec.locations, had_locations)?;
        let mut new_claims: Vec<(i64, &Claim)> = Vec::with_capacity(rec.claims.len());
        for c in &rec.claims {
            let sid = self.source_id_by_key(&rec.sources, &c.source)?;
            if let Some(id) = self.insert_claim(&p.id, c, sid)? {
                new_claims.push((id, c));
            }
        }
        for e in &rec.events {
            self.insert_event(&p.id, e, &rec.sources)?;
        }
        if exists || had_locations {
            self.index_project(&p.id, exists)?;
            self.resolve(&p.id)?;
        } else {
            self.index_new_project(rec, &org_names)?;
            self.resolve_new(rec, &new_claims)?;
        }
        Ok(if exists {
            Outcome::Updated
        } else {
            Outcome::Imported
        })
    }

    fn has_locations(&mut self, project: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM locations WHERE project_id = ?1)")?
            .query_row([project], |r| r.get(0))?)
    }

    /// Full-text entry of a project written for the first time, from the record itself.
    fn index_new_project(&mut self, rec: &Record, org_names: &[String]) -> Result<()> {
        let p = &rec.project;
        let aliases: Vec<&str> = p.aliases.iter().map(|a| a.name.as_str()).collect();
        let body = fts_body(
            p.description.as_deref(),
            org_names.iter().map(String::as_str),
            p.sector_name.as_deref(),
            p.country.as_deref(),
        );
        self.tx
            .prepare_cached(
                "INSERT INTO projects_fts(rowid, name, aliases, body) SELECT rowid, ?2, ?3, ?4 FROM projects WHERE id = ?1",
            )?
            .execute(params![p.id, p.name, aliases.join("\n"), body])?;
        Ok(())
    }

    /// Displayed values of a project written for the first time, from its own claims.
    fn resolve_new(&mut self, rec: &Record, claims: &[(i64, &Claim)]) -> Result<()> {
        let kinds: HashMap<String, (SourceKind, Option<&str>)> = rec
            .sources
            .iter()
            .map(|s| (s.key(), (s.kind, s.date.as_deref())))
            .collect();
        let cands: Vec<Candidate<'_>> = claims
            .iter()
            .map(|(id, c)| {
                let (kind, date) = kinds
                    .get(&c.source)
                    .copied()
                    .unwrap_or((SourceKind::Other, None));
                Candidate {
                    id: *id,
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
        keys.extend(claims.iter().map(|(_, c)| c.source.as_str()));
        keys.extend(rec.references.iter().map(String::as_str));
        keys.extend(
            rec.events
                .iter()
                .flat_map(|e| e.sources.iter().map(|s| s.source.as_str())),
        );
        keys.extend(rec.locations.iter().filter_map(|l| l.source.as_deref()));
        self.update_displayed(&rec.project.id, &cands, point, keys.len() as i64)
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
        let (mut amount, mut currency, mut money_year, mut usd, mut usd21, mut conv) =
            (None, None, None, None, None, None);
        let (mut number, mut unit) = (None, None);
        match &c.value {
            ClaimValue::Money(m) => {
                amount = Some(m.amount);
                currency = Some(m.currency.clone());
                money_year = m.year;
                usd = m.usd_nominal;
                usd21 = m.usd_2021;
                conv = m.conversion.clone();
            }
            ClaimValue::Number { value } | ClaimValue::Percent { value } => number = Some(*value),
            ClaimValue::Quantity { value, unit: u } => {
                number = Some(*value);
                unit = Some(u.clone());
            }
            _ => {}
        }
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO claims(project_id, field, value, value_key, display, amount, currency, money_year,
                   usd_nominal, usd_2021, conversion, number, unit, source_id, locator, span_start, span_end, quote,
                   confidence, qualifier, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            )?
            .execute(params![
                project,
                c.field,
                json(&c.value),
                c.value.key(),
                c.value.display(),
                amount,
                currency,
                money_year,
                usd,
                usd21,
                conv,
                number,
                unit,
                sid,
                c.locator,
                c.span.map(|s| s[0] as i64),
                c.span.map(|s| s[1] as i64),
                c.quote,
                c.confidence,
                c.qualifier,
                self.now
            ])?;
        if n == 0 {
            return Ok(None);
        }
        let id = self.tx.last_insert_rowid();
        if let Some(q) = &c.quote {
            self.tx
                .prepare_cached("INSERT INTO claims_fts(rowid, quote) VALUES (?1, ?2)")?
                .execute(params![id, q])?;
        }
        Ok(Some(id))
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

    /// Rebuilds a project's full-text entry: name, aliases, description, parties, sector.
    fn index_project(&mut self, project: &str, replace: bool) -> Result<()> {
        let (rowid, name, desc, sector, country): (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        ) = self
            .tx
            .prepare_cached(
                "SELECT rowid, name, description, sector_name, country FROM projects WHERE id = ?1",
            )?
            .query_row([project], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        let aliases: Vec<String> = self
            .tx
            .prepare_cached("SELECT alias FROM project_aliases WHERE project_id = ?1")?
            .query_map([project], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let orgs: Vec<String> = self
            .tx
            .prepare_cached(
                "SELECT o.name FROM parties pa JOIN organizations o ON o.id = pa.org_id WHERE pa.project_id = ?1",
            )?
            .query_map([project], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let body = fts_body(
            desc.as_deref(),
            orgs.iter().map(String::as_str),
            sector.as_deref(),
            country.as_deref(),
        );
        if replace {
            self.tx
                .prepare_cached("DELETE FROM projects_fts WHERE rowid = ?1")?
                .execute([rowid])?;
        }
        self.tx
            .prepare_cached(
                "INSERT INTO projects_fts(rowid, name, aliases, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![rowid, name, aliases.join("\n"), body])?;
        Ok(())
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
            .prepare_cached(
                "SELECT c.id, c.field, c.value, s.key, s.kind, s.date, c.confidence
                 FROM claims c JOIN sources s ON s.id = c.source_id WHERE c.project_id = ?1",
            )?
            .query_map([project], |r| {
                let v: String = r.get(2)?;
                let kind: String = r.get(4)?;
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    v,
                    r.get(3)?,
                    kind,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .map(|row| {
                let (id, field, v, key, kind, date, confidence): (
                    i64,
                    String,
                    String,
                    String,
                    String,
                    Option<String>,
                    f64,
                ) = row?;
                let value = serde_json::from_str(&v).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        2,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?;
                Ok(Row {
                    id,
                    field,
                    value,
                    key,
                    kind: kind.parse().unwrap_or(SourceKind::Other),
                    date,
                    confidence,
                })
            })
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
            ClaimValue::Money(m) => Some((c.id, m)),
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
            .or_else(|| money.and_then(|(_, m)| m.year.map(i64::from)));
        self.tx
            .prepare_cached(
                "UPDATE projects SET status = ?2, amount = ?3, currency = ?4, amount_year = ?5, amount_usd_nominal = ?6,
                   amount_usd = ?7, amount_claim_id = ?8, year = ?9, commitment_date = ?10, planned_start_date = ?11,
                   actual_start_date = ?12, planned_completion_date = ?13, actual_completion_date = ?14,
                   interest_rate = ?15, maturity_years = ?16, grace_period_years = ?17, management_fee = ?18,
                   commitment_fee = ?19, collateral = ?20, first_repayment_date = ?21, last_repayment_date = ?22,
                   lat = ?23, lon = ?24, precision = ?25, source_count = ?26
                 WHERE id = ?1",
            )?
            .execute(params![
                project,
                text("status"),
                money.map(|(_, m)| m.amount),
                money.map(|(_, m)| m.currency.clone()),
                money.and_then(|(_, m)| m.year),
                money.and_then(|(_, m)| m.usd_nominal),
                money.and_then(|(_, m)| m.usd_2021),
                money.map(|(id, _)| id),
                year,
                commitment_date,
                text("planned_start_date"),
                text("actual_start_date"),
                text("planned_completion_date"),
                text("actual_completion_date"),
                num("interest_rate"),
                num("maturity_years"),
                num("grace_period_years"),
                num("management_fee"),
                num("commitment_fee"),
                text("collateral"),
                text("first_repayment_date"),
                text("last_repayment_date"),
                point.map(|p| p.0),
                point.map(|p| p.1),
                point.and_then(|p| p.2),
                source_count
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

/// The name shown for an organization: the gazetteer's canonical name, else as given.
fn org_display_name(id: &str, given: &str) -> String {
    orgs::gazetteer()
        .get(id)
        .map(|e| e.name.clone())
        .unwrap_or_else(|| given.to_string())
}

/// Text indexed for a project besides its name and aliases.
fn fts_body<'a>(
    description: Option<&str>,
    orgs: impl Iterator<Item = &'a str>,
    sector: Option<&'a str>,
    country: Option<&str>,
) -> String {
    let mut body = description.unwrap_or_default().to_string();
    for extra in orgs.chain(sector) {
        body.push('\n');
        body.push_str(extra);
    }
    if let Some(c) = country.and_then(ruta_core::country::by_iso3) {
        body.push('\n');
        body.push_str(&c.name);
        if let Some(l) = ruta_core::country::lac_by_iso3(&c.iso3) {
            body.push_str(&format!(" {} {}", l.name_es, l.name_pt));
        }
    }
    body
}

/// Now, for callers that log imports.
pub fn timestamp() -> String {
    now()
}
