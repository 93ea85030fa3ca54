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
    /// What kind of money moves.
    FlowKind, "flow kind" {
        Loan => "loan" | "credit",
        Grant => "grant" | "donation" | "aid",
        /// Foreign direct investment or an equity stake (greenfield).
        Fdi => "fdi" | "equity" | "investment" | "greenfield",
        /// Mergers and acquisitions (brownfield investment).
        MAndA => "m_and_a" | "m&a" | "ma" | "mna" | "acquisition",
        ConstructionContract => "construction_contract" | "construction" | "contract",
        Other => "other",
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
        Lender => "lender" | "funder" | "co_financier" | "cofinancier",
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
