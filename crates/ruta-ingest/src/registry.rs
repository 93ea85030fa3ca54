//! Loading ruta's built-in registry (`ruta_registry`) into a store: once per registry
//! version, in one transaction. Loading twice changes nothing. Besides its records, the
//! registry states debt events (reschedulings, deferrals, rate changes) about its loans;
//! they are stored in `debt_events` with `stated_by = 'registry'` and stated anew by
//! each new registry version.

use ruta_store::{Outcome, Store};

/// Why the registry could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RegistryLoadError {
    #[error(transparent)]
    Registry(#[from] ruta_registry::RegistryError),
    #[error(transparent)]
    Store(#[from] ruta_store::StoreError),
}

/// What loading did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoadSummary {
    pub version: String,
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Writes the registry into the store (one transaction). Idempotent.
pub fn load(store: &mut Store) -> Result<LoadSummary, RegistryLoadError> {
    let recs = ruta_registry::records()?;
    let events = ruta_registry::debt_events()?;
    let mut sum = LoadSummary {
        version: ruta_registry::version()?,
        ..LoadSummary::default()
    };
    let new_version = store.meta("registry_version")?.as_deref() != Some(sum.version.as_str());
    let mut w = store.writer()?;
    if new_version {
        // A new registry version states its records anew: what an older version said
        // (claims, parties, relations) must not linger beside it.
        for r in &recs {
            w.clear_registry_record(&r.project.id)?;
        }
        w.clear_debt_events("registry")?;
    }
    for r in &recs {
        match w.write_record(r)? {
            Outcome::Imported => sum.imported += 1,
            Outcome::Updated => sum.updated += 1,
            Outcome::Unchanged => sum.unchanged += 1,
        }
    }
    // Reschedulings and deferrals the registry states about its loans.
    for e in &events {
        let sid = w.source_id(&e.source)?;
        w.state_debt_event(
            &e.flow,
            &e.change,
            sid,
            None,
            e.quote.as_deref(),
            "registry",
        )?;
    }
    w.set_meta("registry_version", &sum.version)?;
    w.commit()?;
    Ok(sum)
}

/// Loads the registry when the store has not seen this version yet ("first use").
/// Returns None when nothing had to be done or the store is read-only.
pub fn ensure_loaded(store: &mut Store) -> Result<Option<LoadSummary>, RegistryLoadError> {
    if !store.is_writable() {
        return Ok(None);
    }
    if store.meta("registry_version")?.as_deref() == Some(ruta_registry::version()?.as_str()) {
        return Ok(None);
    }
    load(store).map(Some)
}
