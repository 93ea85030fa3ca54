//! Full-text indexing of what a transaction wrote, done set-wise at commit.

use super::Writer;
use crate::Result;
use rusqlite::params;

impl Writer<'_> {
    /// Brings the full-text indexes up to date with what this transaction wrote, in a few
    /// set-wise statements.
    pub(crate) fn flush_fts(&mut self) -> Result<()> {
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
        if !self.fts_events.is_empty() {
            self.tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS ruta_fts_ids(id INTEGER PRIMARY KEY); DELETE FROM ruta_fts_ids;",
            )?;
            {
                let mut st = self
                    .tx
                    .prepare("INSERT OR IGNORE INTO ruta_fts_ids(id) VALUES (?1)")?;
                for id in self.fts_events.drain(..) {
                    st.execute([id])?;
                }
            }
            self.tx.execute_batch(
                "DELETE FROM events_fts WHERE rowid IN (SELECT id FROM ruta_fts_ids);
                 INSERT INTO events_fts(rowid, body)
                 SELECT e.id, concat_ws(char(10), e.summary,
                        (SELECT group_concat(es.quote, char(10)) FROM event_sources es WHERE es.event_id = e.id))
                 FROM ruta_fts_ids f JOIN events e ON e.id = f.id;
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
}
