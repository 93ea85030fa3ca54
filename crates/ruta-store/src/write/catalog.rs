//! The catalog a record refers to: its sources, organizations, and ruta's gazetteer.

use super::Writer;
use crate::{Result, StoreError};
use rusqlite::{OptionalExtension, params};
use ruta_core::model::{OrgRef, Source};
use ruta_core::{SourceKind, orgs};

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

impl Writer<'_> {
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
                "INSERT INTO sources(key, kind, title, publisher, url, date, language, dataset, dataset_version, record_id, note, added_at,
                   file, sheet, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
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
                    self.now,
                    s.file,
                    s.sheet,
                    s.line.map(|l| l as i64)
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
                           url = COALESCE(url, ?4), date = COALESCE(date, ?5), language = COALESCE(language, ?6),
                           line = COALESCE(?7, line), file = COALESCE(file, ?8)
                         WHERE id = ?1 AND (title IS NULL OR publisher IS NULL OR url IS NULL OR date IS NULL
                           OR language IS NULL OR line IS NOT ?7 OR (file IS NULL AND ?8 IS NOT NULL))",
                    )?
                    .execute(params![
                        id,
                        s.title,
                        s.publisher,
                        s.url,
                        s.date,
                        s.language,
                        s.line.map(|l| l as i64),
                        s.file
                    ])?;
                id
            }
        };
        self.source_ids.insert(key, id);
        Ok(id)
    }

    pub(crate) fn source_id_by_key(&mut self, rec_sources: &[Source], key: &str) -> Result<i64> {
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
}
