//! What the linker knows of a record: the facts of the flow it states, as the store holds
//! them (`LinkRecord`), and the existing relation statements it must respect
//! (`Known`).

use ruta_core::{FlowKind, Role, SectorGroup};
use serde::{Deserialize, Serialize};

/// Where a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A dataset row.
    Dataset,
    /// A registry flow.
    Registry,
    /// An article's statement.
    Article,
}

/// A party of a flow: an organization (resolved through ruta's gazetteer, so
/// "China Development Bank", "CDB" and "Banco de Desarrollo de China" are one `org`) in a
/// role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkParty {
    /// Organization id (`ruta_core::orgs::org_id`).
    pub org: String,
    /// The organization's name as stored (for fuzzy comparison of names that are not in
    /// the gazetteer).
    pub name: String,
    pub role: Role,
    /// The group the organization belongs to (gazetteer `parent`), if known.
    #[serde(default)]
    pub parent: Option<String>,
}

impl LinkParty {
    /// Whether the party is on the Chinese side of the flow: it lends, invests, builds,
    /// donates or co-finances.
    pub fn financier(&self) -> bool {
        matches!(
            self.role,
            Role::Lender | Role::Investor | Role::Contractor | Role::Donor | Role::CoFinancier
        )
    }
}

/// One record that states a flow, as the linker compares it. Money is in units of the
/// currency (not millions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRecord {
    /// The record's id (`gcdf-38935`, `cgit-2025-…`, `cgef-…`, `per-chancay-port~…`).
    pub id: String,
    pub origin: Origin,
    /// Dataset name and release, for dataset rows.
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    pub kind: FlowKind,
    /// Whether ruta's rules inferred the kind (from a title, or AEI's combined table)
    /// rather than the source stating it.
    #[serde(default)]
    pub kind_inferred: bool,
    /// ISO 3166-1 alpha-3; None for regional records.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub year: Option<i32>,
    /// 1–12 when the commitment date states a month.
    #[serde(default)]
    pub month: Option<u8>,
    /// The displayed amount in its original currency.
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
    /// Nominal US dollars of the amount's year (ruta's one method; for a record AidData
    /// publishes in constant dollars only, recovered with AidData's factors).
    #[serde(default)]
    pub usd_nominal: Option<f64>,
    /// Other readings of the flow's amount in nominal US dollars: other releases'
    /// figures, the dataset's own constant dollars. A match on any reading counts.
    #[serde(default)]
    pub alt_usd: Vec<f64>,
    #[serde(default)]
    pub sector_group: Option<SectorGroup>,
    /// The record's name and aliases.
    pub name: String,
    #[serde(default)]
    pub parties: Vec<LinkParty>,
    /// Keys of the sources the record cites as a whole (URLs, AidData's source lists).
    #[serde(default)]
    pub sources: Vec<String>,
    /// An umbrella agreement (its parts are other records).
    #[serde(default)]
    pub umbrella: bool,
}

impl LinkRecord {
    /// A record with only the fields every record has; the rest empty.
    pub fn new(id: &str, origin: Origin, kind: FlowKind, name: &str) -> LinkRecord {
        LinkRecord {
            id: id.to_string(),
            origin,
            dataset: None,
            version: None,
            kind,
            kind_inferred: false,
            country: None,
            year: None,
            month: None,
            amount: None,
            currency: None,
            usd_nominal: None,
            alt_usd: Vec::new(),
            sector_group: None,
            name: name.to_string(),
            parties: Vec::new(),
            sources: Vec::new(),
            umbrella: false,
        }
    }

    /// The release a record belongs to: a dataset row's (dataset, version), the registry,
    /// or None for articles (any number of articles may report one flow).
    pub fn release(&self) -> Option<(String, String)> {
        match self.origin {
            Origin::Dataset => Some((
                self.dataset.clone().unwrap_or_default(),
                self.version.clone().unwrap_or_default(),
            )),
            Origin::Registry => Some(("registry".into(), String::new())),
            Origin::Article => None,
        }
    }
}

/// A relation statement already made by a dataset, the registry, a rule or a person,
/// which the linker respects: same-flow statements (`same_as`, `supersedes`) that hold
/// join clusters before the model's proposals; a person's rejection of one keeps two
/// clusters apart; a `finances` statement that holds makes the model's own redundant.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub kind: ruta_core::RelationKind,
    pub from: String,
    pub to: String,
    /// The statement holds (true) or a person rejected it (false).
    pub holds: bool,
    /// A person's decision: the model still states its own judgement on the pair (so
    /// that undoing the decision gives the pair back to the model), but clustering
    /// follows the person.
    pub person: bool,
}

impl Known {
    /// Whether the statement says the two records are one flow.
    pub fn same_flow(&self) -> bool {
        matches!(
            self.kind,
            ruta_core::RelationKind::SameAs | ruta_core::RelationKind::Supersedes
        )
    }
}
