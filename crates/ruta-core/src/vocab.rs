//! Closed vocabularies of the domain (status, flow kind, sector group, roles …).
//!
//! Every vocabulary has one canonical snake_case spelling per value (what ruta
//! writes: JSON, CSV, SQLite) and a few accepted aliases (what ruta reads:
//! CLI flags, API parameters, importers).

use std::fmt;
use std::str::FromStr;

/// A value that is not in a vocabulary; the message lists the accepted values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{value}'; accepted values: {}", accepted.join(", "))]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
    pub accepted: Vec<&'static str>,
}

/// Lower-cases, trims and maps spaces and hyphens to underscores.
pub fn vocab_key(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $label:literal {
        $($(#[$vmeta:meta])* $variant:ident => $text:literal $(| $alias:literal)*),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in canonical order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What one value of this vocabulary is called in messages.
            pub const LABEL: &'static str = $label;

            /// The canonical spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Canonical spellings of every value.
            pub fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }

            /// Parses a canonical spelling or an alias (case, spaces and hyphens ignored).
            pub fn parse(s: &str) -> Option<Self> {
                let k = vocab_key(s);
                $(if k == $text $(|| k == $alias)* { return Some($name::$variant); })+
                None
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                Self::parse(s).ok_or_else(|| UnknownValue {
                    kind: $label,
                    value: s.to_string(),
                    accepted: Self::names(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary! {
    /// Where a project stands (AidData's status values, without the "Pipeline:" prefix).
    Status, "status" {
        Pledge => "pledge" | "pipeline:_pledge" | "pledged" | "announced",
        Commitment => "commitment" | "pipeline:_commitment" | "committed" | "signed",
        Implementation => "implementation" | "under_construction" | "in_progress" | "ongoing",
        Completion => "completion" | "completed" | "complete" | "operational",
        Suspended => "suspended" | "stalled" | "on_hold",
        Cancelled => "cancelled" | "canceled" | "cancellation",
    }
}

vocabulary! {
    /// What kind of commitment a flow is.
    FlowKind, "flow kind" {
        /// A loan, credit line, buyer's or supplier's credit, or finance lease
        /// (lenders → borrower).
        Loan => "loan" | "credit" | "lease",
        /// A grant, donation, in-kind gift, scholarship or technical assistance.
        Grant => "grant" | "donation" | "aid" | "in_kind",
        /// An equity investment: greenfield foreign direct investment, a new company, a
        /// concession's capital (investor → target).
        Equity => "equity" | "fdi" | "investment" | "greenfield",
        /// A merger or acquisition: buying all or part of an existing company or asset.
        MAndA => "m_and_a" | "m&a" | "ma" | "mna" | "acquisition",
        /// A construction, engineering or supply contract (contractor ← employer).
        ConstructionContract => "construction_contract" | "construction" | "contract",
        /// Debt forgiveness or rescheduling of earlier loans (AidData's debt relief types).
        DebtRelief => "debt_relief" | "debt_forgiveness" | "debt_rescheduling",
        /// The source does not say and ruta's rules could not tell. Never a silent
        /// "other": an unknown kind is reported as such.
        Unknown => "unknown" | "other" | "vague",
    }
}

impl FlowKind {
    /// Whether money is lent (and so has lenders, terms and debt service).
    pub fn is_lending(self) -> bool {
        self == FlowKind::Loan
    }
}

vocabulary! {
    /// ruta's sector grouping: traditional infrastructure versus the new frontier,
    /// plus the rest. Assigned by the rule set in `data/sector_rules.toml`.
    SectorGroup, "sector group" {
        TraditionalInfrastructure => "traditional_infrastructure" | "traditional" | "infrastructure",
        NewFrontier => "new_frontier" | "frontier" | "new",
        Extractives => "extractives" | "extractive",
        Agriculture => "agriculture",
        Social => "social",
        FinanceOther => "finance_other" | "finance" | "other" | "finance/other",
    }
}

vocabulary! {
    /// The part an organization plays in a project.
    Role, "role" {
        /// A Chinese (or, for a non-Chinese dataset, the dataset's subject) lender of the
        /// flow's amount.
        Lender => "lender" | "funder",
        /// Another financier of the same project (AidData's co-financing agencies: KfW,
        /// IFC, Proparco …); never credited with the flow's amount.
        CoFinancier => "co_financier" | "cofinancier" | "co_financing",
        Donor => "donor",
        Investor => "investor" | "acquirer" | "buyer",
        Contractor => "contractor" | "builder" | "epc",
        Operator => "operator",
        Borrower => "borrower",
        Recipient => "recipient" | "receiver",
        Guarantor => "guarantor",
        Insurer => "insurer",
        Implementer => "implementer" | "implementing_agency",
        Target => "target" | "acquired" | "partner",
        Owner => "owner" | "concessionaire",
    }
}

vocabulary! {
    /// What kind of body an organization is.
    OrgKind, "organization kind" {
        PolicyBank => "policy_bank" | "development_bank",
        CommercialBank => "commercial_bank" | "bank",
        StateOwnedEnterprise => "state_owned_enterprise" | "state_owned_contractor" | "soe" | "state_owned_company",
        PrivateCompany => "private_company" | "company" | "private",
        GovernmentBody => "government_body" | "government" | "government_agency" | "ministry",
        Multilateral => "multilateral" | "multilateral_bank",
        Other => "other",
    }
}

vocabulary! {
    /// Dated implementation problems and milestones.
    EventKind, "event kind" {
        Corruption => "corruption" | "bribery",
        Protest => "protest",
        LabourAbuse => "labour_abuse" | "labor_abuse" | "labour",
        EnvironmentalHarm => "environmental_harm" | "environment",
        StructuralDefect => "structural_defect" | "defect",
        DelayCostOverrun => "delay_cost_overrun" | "delay" | "cost_overrun",
        Arbitration => "arbitration" | "dispute",
        DebtDistress => "debt_distress" | "default",
        Cancellation => "cancellation" | "cancelled",
        Inauguration => "inauguration" | "opening",
        Milestone => "milestone",
    }
}

impl EventKind {
    /// Whether the event is an implementation problem (as opposed to a milestone).
    pub fn is_problem(self) -> bool {
        !matches!(self, EventKind::Inauguration | EventKind::Milestone)
    }
}

vocabulary! {
    /// What kind of document a source is.
    SourceKind, "source kind" {
        DatasetRecord => "dataset_record" | "dataset",
        OfficialDocument => "official_document" | "official",
        Report => "report" | "study",
        NewsArticle => "news_article" | "news" | "article",
        Other => "other",
    }
}

vocabulary! {
    /// How two records (and the flows they state) relate.
    RelationKind, "relation kind" {
        /// Two records of one flow (two datasets, two releases, registry and dataset,
        /// article and dataset). Symmetric.
        SameAs => "same_as" | "duplicate",
        /// A loan (from) pays for a construction contract (to).
        Finances => "finances" | "financed",
        /// A loan (from) refinances an earlier loan or acquisition (to).
        Refinances => "refinances" | "refinancing",
        /// A tranche of a syndicated loan, or a child of an umbrella agreement (from), and
        /// the whole (to).
        PartOf => "part_of" | "tranche" | "child_of",
        /// A newer release (from) of the same dataset record (to).
        Supersedes => "supersedes" | "newer_release",
        /// Two records about one project but different flows (a registry project and
        /// the dataset rows of its flows). Symmetric.
        SameProject => "same_project",
    }
}

impl RelationKind {
    /// Relations whose two ends describe one real-world project (they merge projects).
    /// `part_of` merges only tranches, not umbrella children (see `relation`).
    pub fn joins_projects(self) -> bool {
        !matches!(self, RelationKind::PartOf)
    }

    /// Whether (a, b) and (b, a) mean the same.
    pub fn symmetric(self) -> bool {
        matches!(self, RelationKind::SameAs | RelationKind::SameProject)
    }
}

vocabulary! {
    /// Who asserted a relation.
    RelationOrigin, "relation origin" {
        /// A dataset's own field (AidData's Parent ID and Umbrella, a release's record id).
        Dataset => "dataset",
        /// ruta's curated registry.
        Registry => "registry",
        /// A named deterministic rule in ruta.
        Rule => "rule",
        /// The record linker's model (with a score).
        Linker => "linker",
        /// A person's decision (`ruta link accept|reject`); wins over every other origin.
        Person => "person",
    }
}

vocabulary! {
    /// What a relation asserts.
    Judgement, "judgement" {
        /// The relation holds.
        Positive => "positive" | "accept" | "accepted" | "yes",
        /// The relation does not hold (a person's rejection overrides positives).
        Negative => "negative" | "reject" | "rejected" | "no",
        /// Proposed, waiting for review; has no effect on projects or totals.
        Candidate => "candidate" | "unsure",
    }
}

impl SourceKind {
    /// Rank used by the display rule: higher wins (see `resolve`).
    pub fn rank(self) -> u8 {
        match self {
            SourceKind::DatasetRecord => 4,
            SourceKind::OfficialDocument => 3,
            SourceKind::Report => 2,
            SourceKind::NewsArticle => 1,
            SourceKind::Other => 0,
        }
    }
}

/// IATI GeographicalPrecision codes 1–9.
pub const PRECISION_NAMES: [&str; 9] = [
    "exact location",
    "near exact location",
    "second-order administrative division",
    "first-order administrative division",
    "estimated coordinates",
    "independent political entity",
    "unclear - capital",
    "unclear - country",
    "administrative region",
];

/// Name of an IATI precision code, or None outside 1–9.
pub fn precision_name(code: u8) -> Option<&'static str> {
    PRECISION_NAMES
        .get((code as usize).checked_sub(1)?)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_aliases_and_rejects_unknown() {
        assert_eq!(
            Status::parse("Pipeline: Commitment"),
            Some(Status::Commitment)
        );
        assert_eq!(Status::parse("  COMPLETION "), Some(Status::Completion));
        assert_eq!(FlowKind::parse("M&A"), Some(FlowKind::MAndA));
        assert_eq!(FlowKind::parse("fdi"), Some(FlowKind::Equity));
        assert_eq!(FlowKind::parse("other"), Some(FlowKind::Unknown));
        assert_eq!(Role::parse("co-financier"), Some(Role::CoFinancier));
        assert_eq!(
            SectorGroup::parse("new-frontier"),
            Some(SectorGroup::NewFrontier)
        );
        let err = "done".parse::<Status>().unwrap_err();
        assert!(
            err.to_string()
                .contains("pledge, commitment, implementation")
        );
    }

    #[test]
    fn serde_round_trip_uses_canonical_names() {
        let j = serde_json::to_string(&FlowKind::ConstructionContract).unwrap();
        assert_eq!(j, "\"construction_contract\"");
        let back: FlowKind = serde_json::from_str("\"construction\"").unwrap();
        assert_eq!(back, FlowKind::ConstructionContract);
    }

    #[test]
    fn precision_names_cover_one_to_nine() {
        assert_eq!(precision_name(1), Some("exact location"));
        assert_eq!(precision_name(8), Some("unclear - country"));
        assert_eq!(precision_name(0), None);
        assert_eq!(precision_name(10), None);
    }
}
