//! ruta-core: the domain of ruta, an observatory of China's finance, investment and
//! trade in Latin America and the Caribbean.
//!
//! It holds the types every other crate speaks ([`model::Project`], [`model::Claim`],
//! [`model::Source`], [`money::Money`] …), the closed vocabularies ([`vocab`]), the
//! reference tables (countries, currencies, conversion tables, the organization
//! gazetteer, Belt and Road membership) and the rules that classify sectors ([`sector`]), infer flow kinds
//! ([`flowkind`]), pick displayed values from competing claims ([`resolve`]), join
//! records into projects ([`relation`]) and decide what totals count ([`count`]).
//!
//! It is not a store, an importer or a server: it never touches SQLite, files or the
//! network. All its data is embedded at compile time from `data/`.

pub mod bri;
pub mod count;
pub mod country;
pub mod flowkind;
pub mod fmt;
pub mod hash;
pub mod model;
pub mod money;
pub mod orgs;
pub mod relation;
pub mod resolve;
pub mod sector;
pub mod text;
pub mod vocab;

pub use model::{
    Alias, Claim, ClaimValue, Event, EventSource, FlowStmt, Location, OrgRef, Party, Project,
    Record, RelationStmt, Source,
};
pub use money::Money;
pub use vocab::{
    EventKind, FlowKind, Judgement, OrgKind, RelationKind, RelationOrigin, Role, SectorGroup,
    SourceKind, Status, UnknownValue,
};
