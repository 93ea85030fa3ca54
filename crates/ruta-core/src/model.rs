//! The records ruta keeps: projects and what is said about them.

use crate::money::Money;
use crate::vocab::{
    EventKind, FlowKind, OrgKind, RelationKind, RelationOrigin, Role, SectorGroup, SourceKind,
    Status,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Another name of a project or organization, with its language when known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// What one record says of the project it belongs to: the descriptive part. A record is
/// one dataset row, one registry entry (or one of its flows) or one article's
/// statement; records about the same real-world project are joined into one project by
/// relations (see `relation`). Values that sources state (amount, status, dates, loan
/// terms) are claims.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// Stable id: `<dataset prefix>-<record id>` for dataset rows ("gcdf-38935"),
    /// a slug for registry records ("per-chancay-port").
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<Alias>,
    #[serde(default)]
    pub description: Option<String>,
    /// ISO 3166-1 alpha-3; None for regional or multi-country records.
    #[serde(default)]
    pub country: Option<String>,
    /// OECD CRS purpose code and name as the source gives them.
    #[serde(default)]
    pub sector_code: Option<String>,
    #[serde(default)]
    pub sector_name: Option<String>,
    pub sector_group: SectorGroup,
    #[serde(default)]
    pub sector_subgroup: Option<String>,
    /// Id of the sector rule that assigned the group.
    #[serde(default)]
    pub sector_rule: Option<String>,
    /// Umbrella or parent record (another record's id).
    #[serde(default)]
    pub parent_id: Option<String>,
    /// AidData "Parent ID": the linked package the record belongs to.
    #[serde(default)]
    pub package_id: Option<String>,
    /// Dataset and record the project came from (kept so records can be merged later).
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub record_id: Option<String>,
    /// Dataset-specific attributes without a column of their own (intent, flow class …).
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// Where a project is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Location {
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    /// IATI GeographicalPrecision code 1–9.
    #[serde(default)]
    pub precision: Option<u8>,
    #[serde(default)]
    pub admin1: Option<String>,
    #[serde(default)]
    pub admin2: Option<String>,
    /// Place name or location narrative.
    #[serde(default)]
    pub place: Option<String>,
    /// GeoJSON geometry, as text.
    #[serde(default)]
    pub geometry: Option<String>,
    /// Share of the project's value in this place (AidData ADM even-split ratio).
    #[serde(default)]
    pub share: Option<f64>,
    /// Share of the project's footprint inside this place (AidData ADM intersection ratio).
    #[serde(default)]
    pub intersection_share: Option<f64>,
    /// Identifier of the administrative unit (geoBoundaries shapeID) or OSM link.
    #[serde(default)]
    pub feature_id: Option<String>,
    /// Key of the source that located it.
    #[serde(default)]
    pub source: Option<String>,
    /// AidData ADM files: the project's commitment value attributed to this unit by the
    /// even split (constant 2021 USD as AidData publishes them). The sum over a file's
    /// units is the record's amount in that release.
    #[serde(default)]
    pub commitment_value: Option<f64>,
}

/// How a record names an organization; the store resolves it to a canonical one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgRef {
    pub name: String,
    #[serde(default)]
    pub kind: Option<OrgKind>,
    #[serde(default)]
    pub country: Option<String>,
}

/// Project × organization × role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    pub org: OrgRef,
    pub role: Role,
    /// Ownership or financing share in percent, when stated.
    #[serde(default)]
    pub share: Option<f64>,
    #[serde(default)]
    pub source: Option<String>,
}

/// A document that says something: a dataset record, an article, an official paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// ISO date, possibly partial ("2024", "2024-11", "2024-11-14").
    #[serde(default)]
    pub date: Option<String>,
    /// ISO 639-1.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub dataset_version: Option<String>,
    #[serde(default)]
    pub record_id: Option<String>,
    /// Anything else worth knowing (AidData's resource type …).
    #[serde(default)]
    pub note: Option<String>,
    /// For a dataset record read from a file: the file's base name.
    #[serde(default)]
    pub file: Option<String>,
    /// The workbook sheet the record is on (None for CSV and JSON files).
    #[serde(default)]
    pub sheet: Option<String>,
    /// The 1-based line (CSV) or row (sheet) where the record starts.
    #[serde(default)]
    pub line: Option<u64>,
}

impl Source {
    /// The natural key that makes a source unique: dataset + version + record id (+ the
    /// file it was read from, when known: the same record read from two files is two
    /// dataset rows), else the URL, else publisher + title + date. The line is not part
    /// of the key: a re-imported file whose rows moved is the same source.
    pub fn key(&self) -> String {
        if let (Some(d), Some(r)) = (&self.dataset, &self.record_id) {
            let v = self.dataset_version.as_deref().unwrap_or("");
            return match (&self.file, &self.sheet) {
                (Some(f), Some(s)) => format!("dataset:{d}:{v}:{r}@{f}#{s}"),
                (Some(f), None) => format!("dataset:{d}:{v}:{r}@{f}"),
                _ => format!("dataset:{d}:{v}:{r}"),
            };
        }
        if let Some(u) = &self.url {
            let u = u.trim();
            if !u.is_empty() {
                return u.trim_end_matches('/').to_string();
            }
        }
        format!(
            "doc:{}|{}|{}",
            crate::text::fold(self.publisher.as_deref().unwrap_or("")),
            crate::text::fold(self.title.as_deref().unwrap_or("")),
            self.date.as_deref().unwrap_or("")
        )
    }

    /// A dataset-record source.
    pub fn dataset_record(
        dataset: &str,
        version: &str,
        record_id: &str,
        title: Option<String>,
    ) -> Source {
        Source {
            kind: SourceKind::DatasetRecord,
            title,
            publisher: None,
            url: None,
            date: None,
            language: None,
            dataset: Some(dataset.to_string()),
            dataset_version: Some(version.to_string()),
            record_id: Some(record_id.to_string()),
            note: None,
            file: None,
            sheet: None,
            line: None,
        }
    }

    /// The same source, located in a file (base name), sheet and line.
    pub fn located(mut self, file: &std::path::Path, sheet: Option<&str>, line: u64) -> Source {
        self.file = file.file_name().map(|n| n.to_string_lossy().into_owned());
        self.sheet = sheet.map(str::to_string);
        self.line = (line > 0).then_some(line);
        self
    }
}

/// A value asserted for one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClaimValue {
    Money(Money),
    Number {
        value: f64,
    },
    Quantity {
        value: f64,
        unit: String,
    },
    Percent {
        value: f64,
    },
    /// ISO date, possibly partial.
    Date {
        value: String,
    },
    Text {
        value: String,
    },
    Status {
        value: Status,
    },
}

impl ClaimValue {
    /// A canonical text of what the source said (money without derived USD), used to
    /// recognise the same claim when it is imported again.
    pub fn key(&self) -> String {
        match self {
            ClaimValue::Money(m) => format!(
                "money:{}:{}:{}",
                m.amount,
                m.currency,
                m.year.map(|y| y.to_string()).unwrap_or_default()
            ),
            ClaimValue::Number { value } => format!("number:{value}"),
            ClaimValue::Quantity { value, unit } => format!("quantity:{value}:{unit}"),
            ClaimValue::Percent { value } => format!("percent:{value}"),
            ClaimValue::Date { value } => format!("date:{value}"),
            ClaimValue::Text { value } => format!("text:{value}"),
            ClaimValue::Status { value } => format!("status:{value}"),
        }
    }

    /// The rendering of a value of `field`: a year (`year`, `…_year`) is written as a
    /// year ("2011", never "2,011"); anything else as `display`.
    pub fn display_for(&self, field: &str) -> String {
        match self {
            ClaimValue::Number { value }
                if (field == "year" || field.ends_with("_year"))
                    && value.fract() == 0.0
                    && value.abs() < 1e6 =>
            {
                format!("{}", *value as i64)
            }
            _ => self.display(),
        }
    }

    /// A short human rendering ("USD 3,600,000,000 (2024)", "17,000 cracks").
    pub fn display(&self) -> String {
        match self {
            ClaimValue::Money(m) => {
                let y = m.year.map(|y| format!(" ({y})")).unwrap_or_default();
                format!("{} {}{y}", m.currency, crate::fmt::thousands(m.amount))
            }
            ClaimValue::Number { value } => crate::fmt::thousands(*value),
            ClaimValue::Quantity { value, unit } => {
                format!("{} {unit}", crate::fmt::thousands(*value))
            }
            ClaimValue::Percent { value } => format!("{value}%"),
            ClaimValue::Date { value } => value.clone(),
            ClaimValue::Text { value } => value.clone(),
            ClaimValue::Status { value } => value.to_string(),
        }
    }
}

/// What a figure is beyond its value, written into a claim's (or an unattached figure's)
/// `qualifier` as `; `-separated parts in ruta's words, so that a bound stays a bound and
/// a range a range wherever the qualifier is shown or read back:
///
/// - what the figure is ("loan", "trade" …), as the extractor says;
/// - `at least` / `at most`: the value is a lower / upper bound ("more than $3 billion");
/// - `range to H U`: the value is the low end of a range whose high end is H (in U, the
///   claim's currency or unit);
/// - `per U`: a unit price (never a project's amount or value).
///
/// `figure_qualifier(Some("loan"), Some(Bound::AtLeast), None, None)` is `loan; at least`.
pub fn figure_qualifier(
    what: Option<&str>,
    bound: Option<FigureBound>,
    high: Option<(f64, &str)>,
    per_unit: Option<&str>,
) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(w) = what.filter(|w| !w.is_empty()) {
        parts.push(w.to_string());
    }
    match bound {
        Some(FigureBound::AtLeast) => parts.push("at least".into()),
        Some(FigureBound::AtMost) => parts.push("at most".into()),
        None => {}
    }
    if let Some((h, unit)) = high {
        parts.push(format!("range to {h} {unit}").trim_end().to_string());
    }
    if let Some(u) = per_unit {
        parts.push(format!("per {u}"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A bound a source puts on a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureBound {
    AtLeast,
    AtMost,
}

/// The bound a qualifier written by [`figure_qualifier`] states.
pub fn qualifier_bound(qualifier: &str) -> Option<FigureBound> {
    qualifier.split("; ").find_map(|p| match p {
        "at least" => Some(FigureBound::AtLeast),
        "at most" => Some(FigureBound::AtMost),
        _ => None,
    })
}

/// The high end of a range a qualifier written by [`figure_qualifier`] states.
pub fn qualifier_high(qualifier: &str) -> Option<f64> {
    qualifier
        .split("; ")
        .find_map(|p| p.strip_prefix("range to ")?.split(' ').next()?.parse().ok())
}

/// One value for one field of one project, asserted by one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// One of `FIELDS` (amount, status, year, dates, loan terms) or `quantity`/`percent`.
    pub field: String,
    pub value: ClaimValue,
    /// Key of the asserting source (`Source::key`).
    pub source: String,
    /// Where in the source: "line 12, column Amount (Constant USD 2021)", "bytes 120-134".
    #[serde(default)]
    pub locator: Option<String>,
    /// Byte span in the source text, for articles.
    #[serde(default)]
    pub span: Option<[usize; 2]>,
    /// The words the source used.
    #[serde(default)]
    pub quote: Option<String>,
    /// 0–1: how sure ruta is that the source asserts this of this project.
    pub confidence: f64,
    /// What the figure is ("loan", "total cost", "first phase").
    #[serde(default)]
    pub qualifier: Option<String>,
}

/// A source's backing of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSource {
    pub source: String,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub locator: Option<String>,
}

/// A dated implementation problem or milestone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    /// ISO date, possibly partial.
    #[serde(default)]
    pub date: Option<String>,
    pub summary: String,
    pub sources: Vec<EventSource>,
}

/// The financial commitment a record states (a loan, a grant, an equity investment or
/// acquisition, a construction contract). Its amount, year, status and terms are the
/// record's claims; the flow's id is the record's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowStmt {
    pub kind: FlowKind,
    /// How the kind is known: the dataset field and value ("Flow Type: Loan"), the
    /// inference rule that read the title ("title rule loan-word: 'loan'"), the sheet,
    /// or "registry".
    pub kind_basis: String,
    /// Whether the kind was inferred by ruta's rules rather than stated by the source.
    #[serde(default)]
    pub kind_inferred: bool,
    /// AidData's "Recommended For Aggregates": false for umbrella agreements and records
    /// whose amounts would double count. None when the source does not say (counts as
    /// true, and never overrides what another layout of the record said).
    #[serde(default)]
    pub include_in_aggregates: Option<bool>,
    /// An umbrella agreement (AidData's `Umbrella`); None when the source does not say.
    #[serde(default)]
    pub umbrella: Option<bool>,
}

impl FlowStmt {
    /// A flow of a kind the source states.
    pub fn stated(kind: FlowKind, basis: impl Into<String>) -> FlowStmt {
        FlowStmt {
            kind,
            kind_basis: basis.into(),
            kind_inferred: false,
            include_in_aggregates: None,
            umbrella: None,
        }
    }
}

/// A relation a record asserts between itself and another record (by id; the other
/// record need not be stored yet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationStmt {
    pub kind: RelationKind,
    /// The other record's id.
    pub other: String,
    /// True when this record is the relation's `from` end: it finances, refinances,
    /// supersedes or is part of `other`. Ignored for symmetric kinds.
    pub outgoing: bool,
    pub origin: RelationOrigin,
    /// The rule, dataset field or registry entry that asserts it.
    pub rule: String,
    /// Key of the source that states it, when one does.
    #[serde(default)]
    pub source: Option<String>,
}

/// Everything one importer row or registry entry says about one project: the unit the
/// store writes in one go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Who writes the record ("registry", "gcdf3-full", "gcdf3-geo" …). Records of
    /// different origins about the same project merge; the same origin writing the same
    /// record again changes nothing.
    pub origin: String,
    pub project: Project,
    /// The commitment the record states, if it states one.
    #[serde(default)]
    pub flow: Option<FlowStmt>,
    /// Relations the record asserts to other records.
    #[serde(default)]
    pub relations: Vec<RelationStmt>,
    /// Definitions of every source the record refers to by key.
    pub sources: Vec<Source>,
    pub claims: Vec<Claim>,
    pub parties: Vec<Party>,
    pub locations: Vec<Location>,
    pub events: Vec<Event>,
    /// Keys of sources the record cites as a whole (AidData's source lists).
    pub references: Vec<String>,
}

impl Record {
    pub fn new(origin: &str, project: Project) -> Record {
        Record {
            origin: origin.to_string(),
            project,
            flow: None,
            relations: Vec::new(),
            sources: Vec::new(),
            claims: Vec::new(),
            parties: Vec::new(),
            locations: Vec::new(),
            events: Vec::new(),
            references: Vec::new(),
        }
    }

    /// A fingerprint of the whole record: equal records have equal fingerprints.
    pub fn fingerprint(&self) -> String {
        crate::hash::fingerprint(&serde_json::to_string(self).unwrap_or_default())
    }

    /// Adds a source (once) and returns its key.
    pub fn add_source(&mut self, s: Source) -> String {
        let key = s.key();
        if !self.sources.iter().any(|x| x.key() == key) {
            self.sources.push(s);
        }
        key
    }

    /// Adds a relation from this record to `other`.
    pub fn relate(
        &mut self,
        kind: RelationKind,
        other: &str,
        outgoing: bool,
        origin: RelationOrigin,
        rule: &str,
    ) {
        if other == self.project.id
            || self
                .relations
                .iter()
                .any(|r| r.kind == kind && r.other == other && r.outgoing == outgoing)
        {
            return;
        }
        self.relations.push(RelationStmt {
            kind,
            other: other.to_string(),
            outgoing,
            origin,
            rule: rule.to_string(),
            source: None,
        });
    }

    /// Adds a claim with full confidence.
    pub fn claim(&mut self, field: &str, value: ClaimValue, source: &str, locator: Option<String>) {
        self.claims.push(Claim {
            field: field.to_string(),
            value,
            source: source.to_string(),
            locator,
            span: None,
            quote: None,
            confidence: 1.0,
            qualifier: None,
        });
    }

    /// Adds a party once.
    pub fn party(
        &mut self,
        name: &str,
        kind: Option<OrgKind>,
        country: Option<String>,
        role: Role,
        source: Option<String>,
    ) {
        let Some(name) = crate::text::clean(name) else {
            return;
        };
        if self
            .parties
            .iter()
            .any(|p| p.role == role && p.org.name == name)
        {
            return;
        }
        self.parties.push(Party {
            org: OrgRef {
                name,
                kind,
                country,
            },
            role,
            share: None,
            source,
        });
    }
}

/// Claim fields whose chosen value is cached on the flow or project (and what they hold).
pub const FIELDS: &[(&str, &str)] = &[
    (
        "amount",
        "money: the flow's amount (loan principal, investment, grant or contract value)",
    ),
    (
        "value",
        "money: the project's value (total cost or investment size), whoever finances it",
    ),
    (
        "amount_published_constant",
        "money: the dataset's own constant-dollar figure, as published (never totalled)",
    ),
    (
        "amount_mentioned",
        "money: a figure an article states about the project that is neither its value nor a known flow",
    ),
    ("status", "status"),
    ("year", "number: commitment or deal year"),
    ("commitment_date", "date"),
    ("planned_start_date", "date"),
    ("actual_start_date", "date"),
    ("planned_completion_date", "date"),
    ("actual_completion_date", "date"),
    ("interest_rate", "percent per year"),
    ("maturity_years", "number of years"),
    ("grace_period_years", "number of years"),
    ("management_fee", "percent"),
    ("commitment_fee", "percent"),
    ("collateral", "text"),
    ("first_repayment_date", "date"),
    ("last_repayment_date", "date"),
    (
        "collateralized",
        "text: yes or no, whether the loan is collateralised",
    ),
    ("collateral_provider", "text: who provides the collateral"),
    ("insurance_fee", "percent of total debt service"),
    (
        "default_interest_rate",
        "text: the penalty interest clause as stated",
    ),
    (
        "income_group",
        "text: the recipient's income group in the commitment year (OECD DAC list)",
    ),
    (
        "grant_element_oecd_cash_flow",
        "percent: the dataset's own grant element, OECD cash-flow method (10 %)",
    ),
    (
        "grant_element_oecd_grant_equivalent",
        "percent: the dataset's own grant element, OECD grant-equivalent method (9/7/6 %)",
    ),
    (
        "grant_element_imf",
        "percent: the dataset's own grant element, IMF method (5 %)",
    ),
    (
        "escrow_account",
        "text: yes or no, an escrow account in the security package (How China Lends)",
    ),
    (
        "revenue_account",
        "text: yes or no, a revenue account in the security package (How China Lends)",
    ),
    (
        "reserve_account",
        "text: yes or no, a debt-service reserve account (How China Lends)",
    ),
    (
        "cross_default",
        "text: yes or no, a cross-default clause (the clause as quote)",
    ),
    (
        "confidentiality",
        "text: no, or yes with the parties bound (borrower, lender)",
    ),
    (
        "no_paris_club_clause",
        "text: yes or no, a clause keeping the loan out of Paris Club restructuring",
    ),
    (
        "stabilization_clause",
        "text: yes or no, a stabilisation (change-of-law) clause",
    ),
    (
        "penalty_interest_clause",
        "text: yes or no, a penalty interest clause (its terms in default_interest_rate)",
    ),
    (
        "governing_law",
        "text: the law governing the contract, and whose (borrower's, lender's, third-party)",
    ),
    (
        "arbitration",
        "text: the arbitration forum the contract names",
    ),
    ("jurisdiction", "text: the courts with jurisdiction"),
    ("guarantor", "text: the guarantor the contract names"),
];

#[cfg(test)]
mod display_tests {
    use super::ClaimValue;

    #[test]
    fn years_have_no_thousands_separator() {
        let y = ClaimValue::Number { value: 2011.0 };
        assert_eq!(y.display_for("year"), "2011");
        assert_eq!(y.display_for("commitment_year"), "2011");
        assert_eq!(y.display_for("quantity"), "2,011");
    }
}

#[cfg(test)]
mod figure_qualifier_tests {
    use super::*;

    #[test]
    fn bounds_and_ranges_read_back() {
        let q = figure_qualifier(Some("loan"), Some(FigureBound::AtLeast), None, None).unwrap();
        assert_eq!(q, "loan; at least");
        assert_eq!(qualifier_bound(&q), Some(FigureBound::AtLeast));
        assert_eq!(qualifier_high(&q), None);
        let q = figure_qualifier(None, None, Some((3e9, "USD")), None).unwrap();
        assert_eq!(q, "range to 3000000000 USD");
        assert_eq!(qualifier_high(&q), Some(3e9));
        assert_eq!(qualifier_bound(&q), None);
        assert_eq!(
            figure_qualifier(None, Some(FigureBound::AtMost), None, Some("tonne")).as_deref(),
            Some("at most; per tonne")
        );
        assert_eq!(figure_qualifier(None, None, None, None), None);
        assert_eq!(qualifier_bound("syndicated loan"), None);
    }
}
