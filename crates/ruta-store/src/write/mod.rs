//! Idempotent writes of core records, inside one transaction.
//!
//! One concept per file: [`Writer`] and its transaction here; sources, organizations and
//! the gazetteer in `catalog`; records, their flows, relations and locations in
//! `record`; claims, events and the record-level display in `claims`; full-text
//! indexing in `fts`; what the record linker reads and writes in `link`. What is
//! derived from all records at once — which records form one project, what totals
//! count, each project's displayed aggregates — is computed at commit by
//! `crate::derive`.

mod catalog;
pub(crate) mod claims;
mod fts;
mod link;
mod record;

pub use link::LinkChanges;
pub use record::{LocatedProject, StoredFlow};

use crate::{Result, now};
use rusqlite::{Transaction, params};
use std::collections::{HashMap, HashSet};

/// What writing one record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new record.
    Imported,
    /// An existing record that changed (new claims are added, old ones kept).
    Updated,
    /// The same record was already stored: nothing was written.
    Unchanged,
}

/// A write transaction. Dropping it without [`Writer::commit`] rolls back.
pub struct Writer<'c> {
    pub(crate) tx: Transaction<'c>,
    pub(crate) source_ids: HashMap<String, i64>,
    pub(crate) known_orgs: HashSet<String>,
    pub(crate) now: String,
    /// Full-text work done once at commit: FTS5 flushes its buffer at every statement
    /// savepoint, so indexing row by row inside a long transaction is slow.
    pub(crate) fts_projects: HashSet<String>,
    pub(crate) fts_sources: Vec<i64>,
    pub(crate) fts_claims: Vec<i64>,
    pub(crate) fts_orgs: Vec<String>,
    /// Project events whose summary or sources changed (re-indexed at commit).
    pub(crate) fts_events: Vec<i64>,
    /// Records written in this transaction (their projects are re-derived at commit).
    pub(crate) touched: HashSet<String>,
    /// Records written in this transaction (kept through `derive`, for the linker).
    pub(crate) written: HashSet<String>,
    /// Whether records or relations were added or changed (projects must be re-joined).
    pub(crate) membership_dirty: bool,
    /// The precomputed totals (`totals.rs`) must be rebuilt at commit.
    pub(crate) totals_dirty: bool,
    /// Whether flows or relations changed (counts must be re-decided).
    pub(crate) counting_dirty: bool,
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
            fts_events: Vec::new(),
            touched: HashSet::new(),
            written: HashSet::new(),
            membership_dirty: false,
            counting_dirty: false,
            totals_dirty: false,
        })
    }

    /// Makes everything written visible, atomically: projects, counts and full-text
    /// indexes are brought up to date first.
    pub fn commit(mut self) -> Result<()> {
        self.derive()?;
        self.flush_fts()?;
        self.tx.commit()?;
        Ok(())
    }

    /// Sets a `meta` value.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// A value from the `meta` table, as this transaction sees it.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .tx
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Whether a record (a `projects` row) exists.
    pub fn record_exists(&self, id: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM projects WHERE id = ?1)")?
            .query_row([id], |r| r.get(0))?)
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

/// Now, for callers that log imports.
pub fn timestamp() -> String {
    now()
}
