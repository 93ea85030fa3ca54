//! Record linkage over the store: the flows are read (`Writer::link_records`), the
//! linker (`ruta_link`) proposes relations, the store keeps them
//! (`Writer::write_link_proposals`), inside the caller's transaction. After an import
//! only pairs involving the records it wrote are looked at ([`link_written`]); `ruta
//! link` looks at every pair ([`link_all`]).

use ruta_link::{Scope, Settings};
use ruta_store::{LinkChanges, Writer};
use std::collections::HashSet;
use std::time::Instant;

/// What one linkage run did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkSummary {
    /// "all", or the number of records the run was limited to.
    pub scope: String,
    pub report: ruta_link::Report,
    pub changes: LinkChanges,
    pub seconds: f64,
}

fn run(
    w: &mut Writer<'_>,
    scope: Option<HashSet<String>>,
    settings: Settings,
) -> ruta_store::Result<LinkSummary> {
    let started = Instant::now();
    let records = w.link_records()?;
    let known = w.link_known(scope.as_ref())?;
    let s = match &scope {
        None => Scope::All,
        Some(ids) => Scope::Records(ids.clone()),
    };
    let (proposals, report) = ruta_link::link(&records, &known, &s, settings);
    let changes = w.write_link_proposals(scope.as_ref(), &proposals)?;
    Ok(LinkSummary {
        scope: match &scope {
            None => "all".into(),
            Some(ids) => format!("{} record(s)", ids.len()),
        },
        report,
        changes,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Links the flows this transaction wrote against every stored flow. None when it wrote
/// no flow.
pub fn link_written(w: &mut Writer<'_>) -> ruta_store::Result<Option<LinkSummary>> {
    let ids = w.written_flows()?;
    if ids.is_empty() {
        return Ok(None);
    }
    run(w, Some(ids), Settings::default()).map(Some)
}

/// Links every stored flow with every other the blocking rules propose, replacing every
/// proposal of earlier runs (a person's decisions stay).
pub fn link_all(w: &mut Writer<'_>) -> ruta_store::Result<LinkSummary> {
    run(w, None, Settings::default())
}

/// The waterfall of two records by id, as the linker would score them now.
pub fn explain(
    w: &Writer<'_>,
    a: &str,
    b: &str,
) -> ruta_store::Result<Option<ruta_link::Explanation>> {
    let records = w.link_records()?;
    let linker = ruta_link::Linker::new(&records, Settings::default());
    Ok(linker.explain(a, b))
}
