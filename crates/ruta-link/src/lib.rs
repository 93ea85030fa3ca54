//! ruta-link: record linkage for ruta — which records state the same flow (two datasets,
//! two releases of one dataset, a registry entry and a dataset row, an article and a
//! dataset row), which loan pays for which contract — done as the field does it and
//! named as Splink names it:
//!
//! - [`blocking`]: blocking rules (country; year window; shared financier, amount or
//!   rare name word), so the work grows with the records, not their square;
//! - [`comparison`]: comparisons with levels (kinds, years, months, amounts in original
//!   currency and nominal dollars with relative tolerances, financiers and counterparts
//!   through ruta's organization gazetteer, names on normalised EN/ES/PT words, sector
//!   groups, shared cited sources, releases);
//! - [`model`]: Fellegi–Sunter match weights — u from random pairs, m from documented
//!   priors or by expectation–maximisation — with term-frequency adjustments and a
//!   match-weight waterfall for every pair;
//! - [`linker`]: clustering into flows under constraints (one record per release per
//!   flow; a person's rejection keeps flows apart) and the relations it proposes:
//!   `same_as`, `supersedes`, `finances`, with a score, a judgement (`positive` above
//!   the upper threshold, `candidate` between the thresholds) and the waterfall as
//!   evidence.
//!
//! It is pure: no SQLite, no files, no clock. It proposes relations and never writes
//! totals; the store persists the proposals, and counting follows from the relations
//! that hold (`ruta_core::count`).

pub mod blocking;
pub mod comparison;
pub mod corpus;
pub mod eval;
pub mod linker;
pub mod model;
pub mod record;
pub mod text;

pub use linker::{Linker, Proposal, Report, Scope, Settings};
pub use model::Explanation;
pub use record::{Known, LinkParty, LinkRecord, Origin};

/// Runs the linker over `records` with `settings`: the relations it proposes and what
/// it did.
pub fn link(
    records: &[LinkRecord],
    known: &[Known],
    scope: &Scope,
    settings: Settings,
) -> (Vec<Proposal>, Report) {
    Linker::new(records, settings).run(known, scope)
}
