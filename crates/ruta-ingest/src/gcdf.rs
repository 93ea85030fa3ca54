//! AidData's Chinese development finance records in every generation users hold: the
//! 2017 Global Chinese Official Finance 1.0 (`project_id`, `usd_defl_2014`,
//! `recommended_for_research`, `Name, Type; …` agency lists; its workbook's sheet
//! `ChineseOfficialFinance1.0`), GCDF 2.0, the 126-column GCDF 3.0 table and the
//! 17-column GeoGCDF input table with dotted names, and the 2025 CLG-Global 1.0 release
//! (`AidData_Record_ID`, `Country_of_Activity_ISO3`, `Amount_Constant_USD_2023` …), in
//! CSV or on any sheet of a workbook whose header carries these names (`GCDF_3.0`,
//! `Data`, `CLG-Global 1.0_Records` …). `-`, `N/A` and `NA` are missing values.
//!
//! One row is one AidData record → one record `gcdf-<record id>`: AidData keeps its
//! record ids across generations, so every generation of a record is the same ruta
//! record, its values claims sourced to `dataset` "AidData GCDF" with the generation as
//! `dataset_version` — `1.0` (GCOF 1.0), `2.0`, `3.0`, and `4.0 (CLG-Global 1.0)` (or
//! `4.0 (CLG-LMIC 1.0)`): AidData's 2025 release continues the same record series, so it
//! is filed as the fourth generation of the same dataset, its own name kept in the
//! label. Versions compare naturally, so a newer generation's claim supersedes an older
//! one's for the same field (the display rule) while every claim stays visible, and the
//! store keeps the newest generation's name and flow kind (an older file imported later
//! adds its claims only).

use crate::Problem;
use crate::parse;
use crate::table::{Cells, Header};
use ruta_core::model::{
    ClaimValue, FlowStmt, Location, OrgRef, Party, Project, Record, RelationStmt, Source,
};
use ruta_core::sector::{ClassifyInput, classify, crs_code_for_name};
use ruta_core::{FlowKind, Money, OrgKind, RelationKind, RelationOrigin, Role, SourceKind, Status};
use ruta_debt::InterestRate;
use serde_json::json;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

pub const DATASET: &str = "AidData GCDF";

/// Column aliases, normalised (see `table::normalize`).
mod col {
    pub const ID: &[&str] = &[
        "aiddata record id",
        "aiddata tuff project id",
        "project id",
        "id",
    ];
    pub const RFA: &[&str] = &["recommended for aggregates", "recommended for research"];
    pub const PARENT: &[&str] = &["aiddata parent id", "parent id"];
    pub const UMBRELLA: &[&str] = &["umbrella"];
    pub const RECIPIENT: &[&str] = &[
        "recipient",
        "recipient condensed",
        "recipient name",
        "country of activity",
    ];
    pub const ISO3: &[&str] = &[
        "recipient iso-3",
        "recipient iso3",
        "recipient iso",
        "country of activity iso3",
        "country of activity iso-3",
    ];
    pub const REGION: &[&str] = &["recipient region", "region of activity"];
    pub const YEAR: &[&str] = &["commitment year", "year"];
    pub const START_YEAR: &[&str] = &["implementation start year"];
    pub const END_YEAR: &[&str] = &["completion year"];
    pub const TITLE: &[&str] = &["title", "project title"];
    pub const DESCRIPTION: &[&str] = &["description", "narrative description"];
    pub const STATUS: &[&str] = &["status"];
    pub const FLOW_TYPE: &[&str] = &["flow type", "flow"];
    pub const FLOW_SIMPLE: &[&str] = &["flow type simplified"];
    pub const SECTOR_CODE: &[&str] = &["sector code", "crs sector code", "aiddata sector code"];
    pub const SECTOR_NAME: &[&str] = &["sector name", "aiddata sector name", "crs sector name"];
    pub const FUNDING: &[&str] = &["funding agencies", "funding agency"];
    pub const FUNDING_T: &[&str] = &["funding agencies type", "funding agency type"];
    pub const COFIN: &[&str] = &["co-financing agencies", "cofinancing agency"];
    pub const COFIN_T: &[&str] = &["co-financing agencies type"];
    pub const DIRECT_RCV: &[&str] = &[
        "direct receiving agencies",
        "receiving agencies",
        "receiving agency",
        "recipient agencies",
    ];
    pub const DIRECT_RCV_T: &[&str] =
        &["direct receiving agencies type", "receiving agencies type"];
    pub const INDIRECT_RCV: &[&str] = &["indirect receiving agencies"];
    pub const INDIRECT_RCV_T: &[&str] = &["indirect receiving agencies type"];
    pub const IMPLEMENTING: &[&str] = &["implementing agencies", "implementing agency"];
    pub const IMPLEMENTING_T: &[&str] = &["implementing agencies type"];
    pub const GUARANTOR: &[&str] = &["guarantor"];
    pub const GUARANTOR_T: &[&str] = &["guarantor agency type"];
    pub const INSURER: &[&str] = &["insurance provider"];
    pub const INSURER_T: &[&str] = &["insurance provider agency type"];
    pub const COLLATERAL: &[&str] = &["collateral"];
    pub const AMOUNT: &[&str] = &[
        "amount (original currency)",
        "amount original currency",
        "amount",
    ];
    pub const CURRENCY: &[&str] = &["original currency", "currency"];
    pub const AMOUNT_ESTIMATED: &[&str] = &["amount estimated"];
    pub const USD_2023: &[&str] = &["amount (constant usd 2023)", "amount constant usd 2023"];
    pub const USD_2021: &[&str] = &["amount (constant usd 2021)", "amount constant usd 2021"];
    pub const USD_2017: &[&str] = &["amount (constant usd2017)", "amount (constant usd 2017)"];
    pub const USD_2014: &[&str] = &["usd defl 2014"];
    pub const USD_NOMINAL: &[&str] = &[
        "amount (nominal usd)",
        "amount (nominal)",
        "amount nominal usd",
        "usd current",
    ];
    pub const ADJ_AMOUNT: &[&str] = &[
        "adjusted amount (original currency)",
        "adjusted amount original currency",
    ];
    pub const ADJ_USD_2021: &[&str] = &[
        "adjusted amount (constant usd 2021)",
        "adjusted amount constant usd 2021",
        "adjusted amount (constant usd 2023)",
        "adjusted amount constant usd 2023",
    ];
    pub const ADJ_USD_NOMINAL: &[&str] = &[
        "adjusted amount (nominal usd)",
        "adjusted amount nominal usd",
    ];
    pub const COMMIT_DATE: &[&str] = &["commitment date (mm/dd/yyyy)", "commitment date"];
    pub const PLANNED_START: &[&str] = &[
        "planned implementation start date (mm/dd/yyyy)",
        "planned implementation start date",
        "start planned",
    ];
    pub const ACTUAL_START: &[&str] = &[
        "actual implementation start date (mm/dd/yyyy)",
        "actual implementation start date",
        "start actual",
    ];
    pub const PLANNED_END: &[&str] = &[
        "planned completion date (mm/dd/yyyy)",
        "planned completion date",
        "end planned",
    ];
    pub const ACTUAL_END: &[&str] = &[
        "actual completion date (mm/dd/yyyy)",
        "actual completion date",
        "end actual",
    ];
    pub const MATURITY: &[&str] = &["maturity"];
    pub const INTEREST: &[&str] = &["interest rate"];
    pub const GRACE: &[&str] = &["grace period"];
    pub const MGMT_FEE: &[&str] = &["management fee"];
    pub const COMMIT_FEE: &[&str] = &["commitment fee"];
    pub const INS_FEE: &[&str] = &["insurance fee (percent)"];
    pub const DEFAULT_RATE: &[&str] = &["default interest rate"];
    pub const INTEREST_FREE: &[&str] = &["interest-free loan"];
    pub const COLLATERALIZED: &[&str] = &["collateralized", "collateralized/securitized"];
    pub const COLLATERAL_PROVIDER: &[&str] = &["collateral provider"];
    pub const GE_CASH: &[&str] = &[
        "grant element (oecd cash-flow)",
        "grant element oecd cash-flow",
        "grant element oecd cash flow",
    ];
    pub const GE_EQUIV: &[&str] = &[
        "grant element (oecd grant-equiv)",
        "grant element oecd grant-equiv",
        "grant element oecd grant equivalent",
    ];
    pub const GE_IMF: &[&str] = &["grant element (imf)", "grant element imf"];
    /// GCOF 1.0's single grant element (the OECD calculator of 2017, its readme says).
    pub const GE_GCOF: &[&str] = &["grant element"];
    pub const INCOME: &[&str] = &["oecd oda income group"];
    pub const FIRST_REPAY: &[&str] = &["first loan repayment date"];
    pub const LAST_REPAY: &[&str] = &["last loan repayment date"];
    pub const SOURCE_URLS: &[&str] = &["source urls"];
    /// GCOF 1.0's sources: `url, Resource Type; url, Resource Type`.
    pub const SOURCES_1_0: &[&str] = &["sources"];
    pub const SOURCE_TITLES: &[&str] = &["source titles"];
    pub const SOURCE_PUBLISHERS: &[&str] = &["source publishers"];
    pub const SOURCE_TYPES: &[&str] = &["source resource types"];
    pub const NARRATIVE: &[&str] = &["location narrative"];
    pub const PRECISION: &[&str] = &["level of precision"];
    pub const OSM_TYPE: &[&str] = &["type of the osm feature"];
    pub const OSM_LINK: &[&str] = &["osm link", "osm links"];
}

/// Whether a row is a GCDF header (of any generation): it names a record id and a title.
pub fn is_header(cells: &[String]) -> bool {
    let names: Vec<String> = cells.iter().map(|c| crate::table::normalize(c)).collect();
    let has = |aliases: &[&str]| names.iter().any(|n| aliases.contains(&n.as_str()));
    has(col::ID) && has(col::TITLE)
}

/// Sheets AidData names its tables on, in the order ruta prefers them.
pub const KNOWN_SHEETS: &[&str] = &[
    "GCDF_3.0",
    "CLG-Global 1.0_Records",
    "CLG-LMIC 1.0_Records",
    "GCDF_2.0",
    "ChineseOfficialFinance1.0",
    "Data",
];

/// The sheet of a workbook holding AidData records: a sheet AidData names so
/// ([`KNOWN_SHEETS`]), else the first whose first 50 rows hold a GCDF header (any sheet
/// name: a user's `Sheet1`, How China Collateralizes' `Data`).
pub fn choose_sheet(path: &std::path::Path) -> Result<String, crate::FileError> {
    let names = crate::input::sheet_names(path)?;
    if let Some(k) = KNOWN_SHEETS.iter().find(|k| names.iter().any(|n| n == *k)) {
        // A known name still has to hold the header (a `Data` sheet may be anything).
        if *k != "Data" || sheet_has_header(path, k)? {
            return Ok(k.to_string());
        }
    }
    for n in &names {
        if sheet_has_header(path, n)? {
            return Ok(n.clone());
        }
    }
    Err(crate::FileError::new(
        path,
        format!(
            "no sheet holds an AidData table (a header with 'AidData Record ID' or 'project_id' and 'Title'); the workbook has: {}",
            names.join(", ")
        ),
    ))
}

fn sheet_has_header(path: &std::path::Path, sheet: &str) -> Result<bool, crate::FileError> {
    let mut rows = crate::input::XlsxRows::open_unchecked(path, sheet)?;
    for _ in 0..50 {
        match rows.next_row()? {
            Some(r) if is_header(&r.cells) => return Ok(true),
            Some(_) => {}
            None => break,
        }
    }
    Ok(false)
}

/// Columns of one file, found once.
pub struct GcdfColumns {
    /// The generation, as `dataset_version`: `1.0`, `2.0`, `3.0` or `4.0 (CLG 1.0)`.
    pub version: &'static str,
    /// The generation's short tag in record origins: `1.0` … `4.0`.
    pub tag: &'static str,
    pub layout: &'static str,
    id: Option<usize>,
    rfa: Option<usize>,
    parent: Option<usize>,
    umbrella: Option<usize>,
    recipient: Option<usize>,
    iso3: Option<usize>,
    region: Option<usize>,
    year: Option<usize>,
    start_year: Option<usize>,
    end_year: Option<usize>,
    title: Option<usize>,
    description: Option<usize>,
    status: Option<usize>,
    flow_type: Option<usize>,
    flow_simple: Option<usize>,
    sector_code: Option<usize>,
    sector_name: Option<usize>,
    parties: Vec<(Option<usize>, Option<usize>, PartyColumn)>,
    collateral: Option<usize>,
    amount: Option<usize>,
    currency: Option<usize>,
    amount_estimated: Option<usize>,
    usd_2023: Option<usize>,
    usd_2021: Option<usize>,
    usd_2017: Option<usize>,
    usd_2014: Option<usize>,
    usd_nominal: Option<usize>,
    adj_amount: Option<usize>,
    dates: Vec<(&'static str, Option<usize>)>,
    maturity: Option<usize>,
    interest: Option<usize>,
    grace: Option<usize>,
    mgmt_fee: Option<usize>,
    commit_fee: Option<usize>,
    ins_fee: Option<usize>,
    default_rate: Option<usize>,
    interest_free: Option<usize>,
    collateralized: Option<usize>,
    collateral_provider: Option<usize>,
    grant_elements: [(&'static str, Option<usize>); 3],
    ge_gcof: Option<usize>,
    sources_1_0: Option<usize>,
    income: Option<usize>,
    source_urls: Option<usize>,
    source_titles: Option<usize>,
    source_publishers: Option<usize>,
    source_types: Option<usize>,
    narrative: Option<usize>,
    precision: Option<usize>,
    osm_type: Option<usize>,
    osm_link: Option<usize>,
    used: HashSet<usize>,
    /// AidData Parent ID → [(record id, umbrella)] of the rows read so far.
    packages: RefCell<BTreeMap<String, Vec<(String, bool)>>>,
}

#[derive(Clone, Copy)]
enum PartyColumn {
    Funding,
    Cofinancing,
    DirectReceiving,
    IndirectReceiving,
    Implementing,
    Guarantor,
    Insurer,
}

impl GcdfColumns {
    /// Finds the columns; a file without a record id or a title is not GCDF.
    pub fn new(h: &Header) -> Result<GcdfColumns, String> {
        let mut used = HashSet::new();
        let mut f = |aliases: &[&str]| {
            let c = h.find(aliases);
            if let Some(i) = c {
                used.insert(i);
            }
            c
        };
        let id = f(col::ID);
        let title = f(col::TITLE);
        if id.is_none() || title.is_none() {
            return Err(format!(
                "not an AidData GCDF table: no {} column (columns found: {})",
                if id.is_none() {
                    "'AidData Record ID'"
                } else {
                    "'Title'"
                },
                h.names
                    .iter()
                    .take(12)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let (version, tag) = if h.find(col::USD_2023).is_some()
            || h.has("country of activity iso3")
            || h.has("adjusted amount constant usd 2023")
        {
            ("4.0 (CLG 1.0)", "4.0")
        } else if h.has("aiddata record id") || h.has("amount (constant usd 2021)") {
            ("3.0", "3.0")
        } else if h.has("aiddata tuff project id") || h.has("amount (constant usd2017)") {
            ("2.0", "2.0")
        } else {
            ("1.0", "1.0")
        };
        let layout = if h.has("level of precision") {
            "geo"
        } else if h.has("description") {
            "full"
        } else {
            "partial"
        };
        let parties = vec![
            (f(col::FUNDING), f(col::FUNDING_T), PartyColumn::Funding),
            (f(col::COFIN), f(col::COFIN_T), PartyColumn::Cofinancing),
            (
                f(col::DIRECT_RCV),
                f(col::DIRECT_RCV_T),
                PartyColumn::DirectReceiving,
            ),
            (
                f(col::INDIRECT_RCV),
                f(col::INDIRECT_RCV_T),
                PartyColumn::IndirectReceiving,
            ),
            (
                f(col::IMPLEMENTING),
                f(col::IMPLEMENTING_T),
                PartyColumn::Implementing,
            ),
            (
                f(col::GUARANTOR),
                f(col::GUARANTOR_T),
                PartyColumn::Guarantor,
            ),
            (f(col::INSURER), f(col::INSURER_T), PartyColumn::Insurer),
        ];
        // AidData's adjusted USD figures are its own conversions of the adjusted amount:
        // ruta derives its own (the columns are known, so they are not attributes).
        let _ = (f(col::ADJ_USD_2021), f(col::ADJ_USD_NOMINAL));
        let dates = vec![
            ("commitment_date", f(col::COMMIT_DATE)),
            ("planned_start_date", f(col::PLANNED_START)),
            ("actual_start_date", f(col::ACTUAL_START)),
            ("planned_completion_date", f(col::PLANNED_END)),
            ("actual_completion_date", f(col::ACTUAL_END)),
            ("first_repayment_date", f(col::FIRST_REPAY)),
            ("last_repayment_date", f(col::LAST_REPAY)),
        ];
        Ok(GcdfColumns {
            version,
            tag,
            layout,
            id,
            rfa: f(col::RFA),
            parent: f(col::PARENT),
            umbrella: f(col::UMBRELLA),
            recipient: f(col::RECIPIENT),
            iso3: f(col::ISO3),
            region: f(col::REGION),
            year: f(col::YEAR),
            start_year: f(col::START_YEAR),
            end_year: f(col::END_YEAR),
            title,
            description: f(col::DESCRIPTION),
            status: f(col::STATUS),
            flow_type: f(col::FLOW_TYPE),
            flow_simple: f(col::FLOW_SIMPLE),
            sector_code: f(col::SECTOR_CODE),
            sector_name: f(col::SECTOR_NAME),
            parties,
            collateral: f(col::COLLATERAL),
            amount: f(col::AMOUNT),
            currency: f(col::CURRENCY),
            amount_estimated: f(col::AMOUNT_ESTIMATED),
            usd_2023: f(col::USD_2023),
            usd_2021: f(col::USD_2021),
            usd_2017: f(col::USD_2017),
            usd_2014: f(col::USD_2014),
            usd_nominal: f(col::USD_NOMINAL),
            adj_amount: f(col::ADJ_AMOUNT),
            dates,
            maturity: f(col::MATURITY),
            interest: f(col::INTEREST),
            grace: f(col::GRACE),
            mgmt_fee: f(col::MGMT_FEE),
            commit_fee: f(col::COMMIT_FEE),
            ins_fee: f(col::INS_FEE),
            default_rate: f(col::DEFAULT_RATE),
            interest_free: f(col::INTEREST_FREE),
            collateralized: f(col::COLLATERALIZED),
            collateral_provider: f(col::COLLATERAL_PROVIDER),
            grant_elements: [
                ("grant_element_oecd_cash_flow", f(col::GE_CASH)),
                ("grant_element_oecd_grant_equivalent", f(col::GE_EQUIV)),
                ("grant_element_imf", f(col::GE_IMF)),
            ],
            ge_gcof: if tag == "1.0" { f(col::GE_GCOF) } else { None },
            sources_1_0: if tag == "1.0" {
                f(col::SOURCES_1_0)
            } else {
                None
            },
            income: f(col::INCOME),
            source_urls: f(col::SOURCE_URLS),
            source_titles: f(col::SOURCE_TITLES),
            source_publishers: f(col::SOURCE_PUBLISHERS),
            source_types: f(col::SOURCE_TYPES),
            narrative: f(col::NARRATIVE),
            precision: f(col::PRECISION),
            osm_type: f(col::OSM_TYPE),
            osm_link: f(col::OSM_LINK),
            used,
            packages: RefCell::new(BTreeMap::new()),
        })
    }

    /// The origin tag under which this layout writes records.
    pub fn origin(&self) -> String {
        format!("gcdf{}-{}", self.tag, self.layout)
    }
}

/// Years as GCDF writes them ("21.75", "15 years"), by `ruta_debt`'s parser.
fn years(s: &str) -> Result<f64, String> {
    ruta_debt::terms::parse_years(s).map_err(|e| e.reason)
}

/// A percent ("2.0", "0.25%"), by `ruta_debt`'s parser.
fn percent(s: &str) -> Result<f64, String> {
    ruta_debt::terms::parse_percent(s).map_err(|e| e.reason)
}

/// An interest rate: a percent, or a reference rate and margin ("LIBOR + 3.1").
fn interest_rate(s: &str) -> Result<InterestRate, String> {
    ruta_debt::terms::parse_interest_rate(s).map_err(|e| e.reason)
}

/// AidData agency types ("Chinese State-owned Policy Bank", "Recipient Government
/// Agency" …) to an organization kind and, where the type says, a country.
fn org_kind(t: &str, recipient: Option<&str>) -> (Option<OrgKind>, Option<String>) {
    let l = t.to_ascii_lowercase();
    let kind = if l.contains("policy bank") {
        Some(OrgKind::PolicyBank)
    } else if l.contains("bank") {
        Some(OrgKind::CommercialBank)
    } else if l.contains("government") {
        Some(OrgKind::GovernmentBody)
    } else if l.contains("state-owned") || l.contains("state owned") {
        Some(OrgKind::StateOwnedEnterprise)
    } else if l.contains("private") {
        Some(OrgKind::PrivateCompany)
    } else if l.contains("intergovernmental") || l.contains("multilateral") {
        Some(OrgKind::Multilateral)
    } else if l.is_empty() {
        None
    } else {
        Some(OrgKind::Other)
    };
    let country = if l.starts_with("chinese") {
        Some("CHN".to_string())
    } else if l.starts_with("recipient") {
        recipient.map(str::to_string)
    } else {
        None
    };
    (kind, country)
}

/// GCOF 1.0's agency lists, "Name, Type; Name, Type", as (name, type) pairs (the type
/// is what follows the last comma; an entry without one has an empty type).
fn named_types(s: &str) -> Vec<(String, String)> {
    s.split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| match e.rsplit_once(',') {
            Some((name, t)) if !name.trim().is_empty() => {
                (name.trim().to_string(), t.trim().to_string())
            }
            _ => (e.to_string(), String::new()),
        })
        .collect()
}

/// AidData resource types to source kinds.
fn source_kind(t: &str) -> SourceKind {
    let l = t.to_ascii_lowercase();
    if l.contains("media") {
        SourceKind::NewsArticle
    } else if l.contains("official")
        || l.contains("government")
        || l.contains("implementing")
        || l.contains("intermediary")
    {
        SourceKind::OfficialDocument
    } else if l.contains("academic") || l.contains("research") || l.contains("report") {
        SourceKind::Report
    } else {
        SourceKind::Other
    }
}

/// AidData's flow type text ("Loan", "Export Buyer's Credit", "Grant", "Debt
/// Forgiveness", "Vague (Official Finance)" …) to ruta's flow kind.
pub fn flow_kind(t: &str) -> FlowKind {
    let l = t.to_ascii_lowercase();
    // GCOF 1.0 writes "Loan (excluding debt rescheduling)".
    let l = l.replace("excluding debt rescheduling", "");
    if l.contains("debt") {
        FlowKind::DebtRelief
    } else if l.contains("vague") {
        FlowKind::Unknown
    } else if l.contains("loan") || l.contains("credit") || l.contains("lease") {
        FlowKind::Loan
    } else if l.contains("grant")
        || l.contains("scholarship")
        || l.contains("technical assistance")
        || l.contains("in-kind")
        || l.contains("donation")
    {
        FlowKind::Grant
    } else if l.contains("equity") || l.contains("investment") {
        FlowKind::Equity
    } else {
        FlowKind::Unknown
    }
}

/// GeoGCDF precision words to IATI codes: PRECISE → 1, APPROXIMATE → 2,
/// ADM1 → 4, ADM2 → 3, deeper ADM levels (smaller units) → 2.
pub fn precision_code(word: &str) -> Option<u8> {
    let w = word.trim().to_ascii_uppercase();
    match w.as_str() {
        "PRECISE" => Some(1),
        "APPROXIMATE" | "WITHIN 5KM" | "NEAR" => Some(2),
        "ADM1" => Some(4),
        "ADM2" => Some(3),
        "ADM0" | "COUNTRY" => Some(8),
        _ if w.starts_with("ADM") => Some(2),
        _ => None,
    }
}

/// Latitude and longitude from an OpenStreetMap link's `#map=zoom/lat/lon` anchor.
pub fn osm_anchor(link: &str) -> Option<(f64, f64)> {
    let anchor = link.split("#map=").nth(1)?;
    let mut parts = anchor.split('/');
    let _zoom = parts.next()?;
    let lat: f64 = parts.next()?.trim().parse().ok()?;
    let lon: f64 = parts
        .next()?
        .trim()
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// Which rows a region keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// The 33 Latin American and Caribbean states, and regional records for the Americas.
    Lac,
    All,
}

impl Region {
    pub fn keeps(self, iso3: Option<&str>, region_name: Option<&str>) -> bool {
        match self {
            Region::All => true,
            Region::Lac => match iso3 {
                Some(c) => ruta_core::country::is_lac(c),
                None => region_name.is_some_and(|r| {
                    r.eq_ignore_ascii_case("america")
                        || r.to_ascii_lowercase().contains("latin america")
                }),
            },
        }
    }
}

impl GcdfColumns {
    /// Maps one row as the row driver takes it: a record, a row outside the region, or a
    /// subtotal row someone wrote into the table (no record id, "Total" or numbers only).
    pub fn map_row(&self, c: &Cells<'_>, region: Region) -> Result<crate::Mapped, Problem> {
        if c.is_subtotal(&[self.id], |v| parse::number(v).is_ok()) {
            return Ok(crate::Mapped::NotKept("a subtotal row".into()));
        }
        Ok(match self.map(c, region)? {
            Some(r) => crate::Mapped::Record(Box::new(r)),
            None => crate::Mapped::OutsideRegion,
        })
    }

    /// Maps one row. Ok(None) when the row lies outside the region.
    pub fn map(&self, c: &Cells<'_>, region: Region) -> Result<Option<Record>, Problem> {
        let id = c.get(self.id);
        if id.is_empty() {
            return Err(c.problem(self.id, "missing record id"));
        }
        let id = match parse::number(id) {
            Ok(v) if v.fract() == 0.0 && v > 0.0 => format!("{}", v as i64),
            _ => return Err(c.problem(self.id, "record id is not a positive whole number")),
        };
        let title = c.get(self.title);
        if title.is_empty() {
            return Err(c.problem(self.title, "missing title"));
        }
        // GCOF 1.0 lists a regional record's recipients ("ECU; BOL; COL"): no one country.
        let regional = c
            .opt(self.iso3)
            .filter(|v| v.contains(';') || v.contains(','));
        let iso3 = match c.opt(self.iso3).filter(|_| regional.is_none()) {
            None => None,
            Some(v) => match ruta_core::country::by_iso3(v) {
                Some(k) if v.len() == 3 => Some(k.iso3.clone()),
                // A bad code with a recipient name ruta knows: the name decides.
                _ if c
                    .opt(self.recipient)
                    .and_then(ruta_core::country::by_name)
                    .is_some() =>
                {
                    c.emptied.borrow_mut().push(c.problem(
                        self.iso3,
                        "not an ISO 3166-1 alpha-3 code; the recipient's name gives the country",
                    ));
                    None
                }
                _ => return Err(c.problem(self.iso3, "not an ISO 3166-1 alpha-3 code")),
            },
        };
        let iso3 = iso3.or_else(|| {
            c.opt(self.recipient)
                .and_then(ruta_core::country::by_name)
                .map(|k| k.iso3.clone())
        });
        let region_name = c.opt(self.region);
        if !region.keeps(iso3.as_deref(), region_name) {
            return Ok(None);
        }
        let ds = c.dataset_source(DATASET, self.version, &id, None);
        let sector_name = c.opt(self.sector_name).map(str::to_string);
        let sector_code = c
            .optional(self.sector_code, |v| match parse::number(v) {
                Ok(n) if n.fract() == 0.0 && n >= 0.0 => Ok(format!("{}", n as i64)),
                _ => Err("not a sector code".into()),
            })
            .or_else(|| {
                sector_name
                    .as_deref()
                    .and_then(crs_code_for_name)
                    .map(str::to_string)
            });
        let class = classify(&ClassifyInput {
            title,
            crs_code: sector_code.as_deref(),
            labels: &[],
        });
        let flow_text = c
            .opt(self.flow_simple)
            .or_else(|| c.opt(self.flow_type))
            .unwrap_or("");
        // The flow kind: the dataset's own column when it has one; otherwise what the
        // record says of itself (title, then description), by ruta's rule set.
        let stated_col = if c.opt(self.flow_simple).is_some() {
            self.flow_simple
        } else {
            self.flow_type
        };
        let mut stmt = if !flow_text.is_empty() {
            FlowStmt::stated(
                flow_kind(flow_text),
                format!("{}: {flow_text}", c.column_name(stated_col)),
            )
        } else {
            match ruta_core::flowkind::infer(title, c.opt(self.description)) {
                Some(i) => FlowStmt {
                    kind: i.kind,
                    kind_basis: i.basis,
                    kind_inferred: true,
                    include_in_aggregates: None,
                    umbrella: None,
                },
                None => FlowStmt {
                    kind: FlowKind::Unknown,
                    kind_basis: "no flow-type column, and no inference rule matched the title"
                        .into(),
                    kind_inferred: true,
                    include_in_aggregates: None,
                    umbrella: None,
                },
            }
        };
        let flow = stmt.kind;
        let rfa = c.optional(self.rfa, parse::flag).flatten();
        let umbrella = c.optional(self.umbrella, parse::flag).flatten();
        let package = c
            .optional(self.parent, parse::number)
            .map(|n| format!("{}", n as i64));
        // Attributes: every non-empty column no field above took, by normalised name.
        let mut attributes = BTreeMap::new();
        for i in 0..c.row.cells.len() {
            let v = c.get(Some(i));
            if v.is_empty() || self.used.contains(&i) || i >= c.header.len() {
                continue;
            }
            attributes.insert(c.header.normalized(i).replace(' ', "_"), json!(v));
        }
        if !flow_text.is_empty() {
            attributes.insert(
                "flow_type".into(),
                json!(c.opt(self.flow_type).unwrap_or(flow_text)),
            );
        }
        if let Some(r) = c.opt(self.recipient) {
            attributes.insert("recipient".into(), json!(r));
        }
        if let Some(r) = regional {
            attributes.insert("recipients".into(), json!(r));
        }
        if let Some(pkg) = &package {
            self.packages
                .borrow_mut()
                .entry(pkg.clone())
                .or_default()
                .push((format!("gcdf-{id}"), umbrella == Some(true)));
        }
        stmt.include_in_aggregates = rfa;
        stmt.umbrella = umbrella;
        let project = Project {
            id: format!("gcdf-{id}"),
            name: title.to_string(),
            aliases: Vec::new(),
            description: c.opt(self.description).map(str::to_string),
            country: iso3.clone(),
            sector_code,
            sector_name,
            sector_group: class.group,
            sector_subgroup: Some(class.subgroup),
            sector_rule: Some(class.rule),
            parent_id: None,
            package_id: package,
            dataset: Some(DATASET.to_string()),
            record_id: Some(id.clone()),
            attributes,
        };
        let mut rec = Record::new(&self.origin(), project);
        rec.flow = Some(stmt);
        let key = rec.add_source(ds);

        // Status and years.
        if let Some(st) = c.optional(self.status, |s| {
            Status::parse(s).ok_or_else(|| "unknown status".to_string())
        }) {
            rec.claim(
                "status",
                ClaimValue::Status { value: st },
                &key,
                Some(c.locator(self.status)),
            );
        }
        let year = c.optional(self.year, parse::year);
        if let Some(y) = year {
            rec.claim(
                "year",
                ClaimValue::Number { value: y as f64 },
                &key,
                Some(c.locator(self.year)),
            );
        }
        for (field, colx) in [
            ("implementation_start_year", self.start_year),
            ("completion_year", self.end_year),
        ] {
            if let Some(y) = c.optional(colx, parse::year) {
                rec.project.attributes.insert(field.into(), json!(y));
            }
        }
        for (field, colx) in &self.dates {
            if let Some(d) = c.optional(*colx, parse::date) {
                rec.claim(
                    field,
                    ClaimValue::Date { value: d },
                    &key,
                    Some(c.locator(*colx)),
                );
            }
        }

        // Money: the original amount with AidData's own USD figures.
        let estimated = c
            .optional(self.amount_estimated, parse::flag)
            .flatten()
            .unwrap_or(false);
        let amount = c.parse(self.amount, parse::number)?;
        let usd_2023 = c.parse(self.usd_2023, parse::number)?;
        let usd_2021 = c.parse(self.usd_2021, parse::number)?;
        let usd_nominal = c.parse(self.usd_nominal, parse::number)?;
        let usd_2017 = c.parse(self.usd_2017, parse::number)?;
        let usd_2014 = c.parse(self.usd_2014, parse::number)?;
        for v in [amount, usd_2023, usd_2021, usd_nominal, usd_2017, usd_2014]
            .into_iter()
            .flatten()
        {
            if v < 0.0 {
                return Err(c.problem(
                    self.amount.or(self.usd_2021).or(self.usd_2023),
                    "negative amount",
                ));
            }
        }
        // One method for every total (see `ruta_core::money`): the amount in its original
        // currency, converted by ruta's tables; AidData's own constant-dollar figure is
        // kept as a claim of its own. A row that publishes constant dollars only (the
        // GeoGCDF table, GCDF 2.0, GCOF 1.0) gets its nominal dollars back with AidData's
        // factors.
        let qualifier = if estimated {
            "estimated".to_string()
        } else {
            flow.as_str().replace('_', " ")
        };
        let confidence = if estimated { 0.8 } else { 1.0 };
        let money = if let Some(a) = amount {
            let cur = c.get(self.currency).to_ascii_uppercase();
            let cur = if cur.is_empty() {
                "USD".to_string()
            } else {
                cur
            };
            if !ruta_core::money::is_currency(&cur) {
                return Err(c.problem(self.currency, "unknown ISO 4217 currency code"));
            }
            Some((Money::derive(a, &cur, year), self.amount, 1.0))
        } else {
            let published = [
                (usd_2023, 2023, self.usd_2023),
                (usd_2021, 2021, self.usd_2021),
                (usd_2017, 2017, self.usd_2017),
                (usd_2014, 2014, self.usd_2014),
            ]
            .into_iter()
            .find_map(|(v, base, col)| v.map(|v| (v, base, col)));
            // Dollars recovered from a published constant figure are a step removed
            // from what the record states: a row of the same release that states the
            // original amount is preferred (confidence 0.95 against 1.0).
            match (published, usd_nominal) {
                (_, Some(n)) => Some((Money::derive(n, "USD", year), self.usd_nominal, 1.0)),
                (Some((v, base, col)), None) => year
                    .and_then(|y| Money::from_published_constant(v, base, y))
                    .map(|m| (m, col, 0.95)),
                (None, None) => None,
            }
        };
        if let Some((m, colx, certainty)) = money {
            let confidence = confidence * certainty;
            rec.claims.push(ruta_core::Claim {
                field: "amount".into(),
                value: ClaimValue::Money(m),
                source: key.clone(),
                locator: Some(c.locator(colx)),
                span: None,
                quote: Some(c.quote(colx).to_string()).filter(|q| !q.is_empty()),
                confidence,
                qualifier: Some(qualifier.clone()),
            });
        }
        for (v, base, colx) in [
            (usd_2023, 2023, self.usd_2023),
            (usd_2021, 2021, self.usd_2021),
            (usd_2017, 2017, self.usd_2017),
            (usd_2014, 2014, self.usd_2014),
        ] {
            if let Some(v) = v {
                rec.claims.push(ruta_core::Claim {
                    field: "amount_published_constant".into(),
                    value: ClaimValue::Money(Money::published_constant(v, base)),
                    source: key.clone(),
                    locator: Some(c.locator(colx)),
                    span: None,
                    quote: None,
                    confidence,
                    qualifier: Some(format!("constant {base} USD as AidData publishes it")),
                });
            }
        }
        if let Some(a) = c.optional(self.adj_amount, parse::number) {
            let cur = c.get(self.currency).to_ascii_uppercase();
            if ruta_core::money::is_currency(&cur) {
                let m = Money::derive(a, &cur, year);
                rec.claim(
                    "adjusted_amount",
                    ClaimValue::Money(m),
                    &key,
                    Some(c.locator(self.adj_amount)),
                );
            }
        }

        // Loan terms, each a claim of its own (AidData's field definitions: rates and fees
        // in percent; maturity in years, grace included; grace in years to the first
        // repayment; a floating rate is AidData's value at commitment, but a cell that
        // names the reference rate — "LIBOR + 3.1" — is kept as written).
        for (field, colx) in [
            ("maturity_years", self.maturity),
            ("grace_period_years", self.grace),
        ] {
            if let Some(v) = c.optional(colx, years) {
                rec.claim(
                    field,
                    ClaimValue::Number { value: v },
                    &key,
                    Some(c.locator(colx)),
                );
            }
        }
        match c.optional(self.interest, interest_rate) {
            Some(InterestRate::Fixed { percent }) => rec.claim(
                "interest_rate",
                ClaimValue::Percent { value: percent },
                &key,
                Some(c.locator(self.interest)),
            ),
            Some(InterestRate::Variable { .. }) => rec.claim(
                "interest_rate",
                ClaimValue::Text {
                    value: c.get(self.interest).to_string(),
                },
                &key,
                Some(c.locator(self.interest)),
            ),
            None => {
                // "Interest-Free Loan = Yes" with no rate states a rate of 0.
                if c.optional(self.interest_free, parse::flag).flatten() == Some(true) {
                    rec.claims.push(ruta_core::Claim {
                        field: "interest_rate".into(),
                        value: ClaimValue::Percent { value: 0.0 },
                        source: key.clone(),
                        locator: Some(c.locator(self.interest_free)),
                        span: None,
                        quote: Some(c.get(self.interest_free).to_string()),
                        confidence: 1.0,
                        qualifier: Some("interest-free loan".into()),
                    });
                }
            }
        }
        for (field, colx) in [
            ("management_fee", self.mgmt_fee),
            ("commitment_fee", self.commit_fee),
            ("insurance_fee", self.ins_fee),
        ] {
            if let Some(v) = c.optional(colx, percent) {
                rec.claim(
                    field,
                    ClaimValue::Percent { value: v },
                    &key,
                    Some(c.locator(colx)),
                );
            }
        }
        if let Some(v) = c.optional(self.collateralized, parse::flag).flatten() {
            rec.claim(
                "collateralized",
                ClaimValue::Text {
                    value: if v { "yes" } else { "no" }.into(),
                },
                &key,
                Some(c.locator(self.collateralized)),
            );
        }
        for (field, colx) in [
            ("collateral", self.collateral),
            ("collateral_provider", self.collateral_provider),
            ("default_interest_rate", self.default_rate),
            ("income_group", self.income),
        ] {
            if let Some(t) = c.opt(colx) {
                rec.claim(
                    field,
                    ClaimValue::Text {
                        value: t.to_string(),
                    },
                    &key,
                    Some(c.locator(colx)),
                );
            }
        }
        // AidData's own grant elements: claims beside the ones ruta computes.
        for (field, colx) in self.grant_elements {
            if let Some(v) = c.optional(colx, percent) {
                rec.claims.push(ruta_core::Claim {
                    field: field.into(),
                    value: ClaimValue::Percent { value: v },
                    source: key.clone(),
                    locator: Some(c.locator(colx)),
                    span: None,
                    quote: None,
                    confidence: 1.0,
                    qualifier: Some("as AidData publishes it".into()),
                });
            }
        }
        // GCOF 1.0's one grant element: its readme says the source's own value where one
        // states it, else the OECD calculator of the time (10 %, cash-flow) — not GCDF
        // 3.0's conventions, which ruta reproduces (it differs by 0.5–1.8 points).
        if let Some(v) = c.optional(self.ge_gcof, percent) {
            rec.claims.push(ruta_core::Claim {
                field: "grant_element_oecd_cash_flow".into(),
                value: ClaimValue::Percent { value: v },
                source: key.clone(),
                locator: Some(c.locator(self.ge_gcof)),
                span: None,
                quote: None,
                confidence: 1.0,
                qualifier: Some(
                    "as AidData GCOF 1.0 publishes it (the source's value or the OECD calculator of 2017)"
                        .into(),
                ),
            });
        }

        // A layout without a funding-agency column (the GeoGCDF table): the Chinese banks
        // the title names ("China Eximbank provides $2.45 billion loan …") are the loan's
        // lenders, so lender totals need not leave its money unattributed.
        if self.parties[0].0.is_none() && flow == FlowKind::Loan {
            for m in ruta_extract::names::find_organizations(title) {
                let Some(e) =
                    m.id.as_deref()
                        .and_then(|id| ruta_core::orgs::gazetteer().get(id))
                else {
                    continue;
                };
                let bank = matches!(e.kind, OrgKind::PolicyBank | OrgKind::CommercialBank);
                if bank && e.country.as_deref() == Some("CHN") {
                    rec.party(
                        &e.name,
                        Some(e.kind),
                        Some("CHN".into()),
                        Role::Lender,
                        Some(key.clone()),
                    );
                }
            }
        }

        // Parties from the `|` lists, with their parallel type lists.
        for (names_col, types_col, which) in &self.parties {
            let (names, types) = if self.tag == "1.0" {
                // GCOF 1.0: "China Development Bank (CDB), Government Agency; Bank of China
                // (BOC), State-Owned Company".
                named_types(c.get(*names_col)).into_iter().unzip()
            } else {
                (
                    parse::pipe_list(c.get(*names_col)),
                    parse::pipe_list(c.get(*types_col)),
                )
            };
            for (i, name) in names.iter().enumerate() {
                if name.is_empty() {
                    continue;
                }
                let t = types.get(i).map(String::as_str).unwrap_or("");
                let (kind, mut country) = org_kind(t, iso3.as_deref());
                if matches!(which, PartyColumn::Funding) && country.is_none() {
                    // AidData's funding agencies are Chinese by the dataset's definition.
                    country = Some("CHN".to_string());
                }
                let company = matches!(
                    kind,
                    Some(OrgKind::StateOwnedEnterprise) | Some(OrgKind::PrivateCompany)
                );
                let role = match which {
                    PartyColumn::Funding => {
                        if flow == FlowKind::Grant {
                            Role::Donor
                        } else {
                            Role::Lender
                        }
                    }
                    // Co-financiers (often Western: KfW, IFC, Proparco) finance the project
                    // beside the Chinese amount, never as its lenders.
                    PartyColumn::Cofinancing => Role::CoFinancier,
                    PartyColumn::DirectReceiving => {
                        if flow == FlowKind::Loan {
                            Role::Borrower
                        } else {
                            Role::Recipient
                        }
                    }
                    PartyColumn::IndirectReceiving => Role::Recipient,
                    PartyColumn::Implementing => {
                        if company {
                            Role::Contractor
                        } else {
                            Role::Implementer
                        }
                    }
                    PartyColumn::Guarantor => Role::Guarantor,
                    PartyColumn::Insurer => Role::Insurer,
                };
                if rec
                    .parties
                    .iter()
                    .any(|p| p.role == role && p.org.name == *name)
                {
                    continue;
                }
                rec.parties.push(Party {
                    org: OrgRef {
                        name: name.clone(),
                        kind,
                        country,
                    },
                    role,
                    share: None,
                    source: Some(key.clone()),
                });
            }
        }

        // The sources AidData cites, from the parallel `|` lists.
        let (urls, titles, publishers, types) = if self.sources_1_0.is_some() {
            // GCOF 1.0: "url, Media Report, including Wikileaks; url, …".
            let (u, t): (Vec<String>, Vec<String>) = c
                .get(self.sources_1_0)
                .split(';')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|e| match e.split_once(", ") {
                    Some((url, kind)) => (url.trim().to_string(), kind.trim().to_string()),
                    None => (e.to_string(), String::new()),
                })
                .unzip();
            (u, Vec::new(), Vec::new(), t)
        } else {
            (
                parse::pipe_list(c.get(self.source_urls)),
                parse::pipe_list(c.get(self.source_titles)),
                parse::pipe_list(c.get(self.source_publishers)),
                parse::pipe_list(c.get(self.source_types)),
            )
        };
        let n = urls.len().max(titles.len());
        for i in 0..n {
            let url = urls.get(i).filter(|u| !u.is_empty()).cloned();
            let title = titles.get(i).filter(|t| !t.is_empty()).cloned();
            if url.is_none() && title.is_none() {
                continue;
            }
            let s = Source {
                kind: types
                    .get(i)
                    .map(|t| source_kind(t))
                    .unwrap_or(SourceKind::Other),
                title,
                publisher: publishers.get(i).filter(|p| !p.is_empty()).cloned(),
                url,
                date: None,
                language: None,
                dataset: None,
                dataset_version: None,
                record_id: None,
                note: None,
                file: None,
                sheet: None,
                line: None,
            };
            let k = rec.add_source(s);
            if !rec.references.contains(&k) {
                rec.references.push(k);
            }
        }

        // GeoGCDF locations: one per OSM feature, with the map anchor as a point when the
        // link has one.
        let links: Vec<&str> = c
            .get(self.osm_link)
            .split([',', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let precisions: Vec<&str> = c
            .get(self.precision)
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if !links.is_empty() || !precisions.is_empty() {
            let n = links.len().max(precisions.len());
            for i in 0..n {
                let p = precisions
                    .get(i)
                    .or(precisions.first())
                    .copied()
                    .unwrap_or("");
                let link = links.get(i).copied();
                let point = link.and_then(osm_anchor);
                rec.locations.push(Location {
                    lat: point.map(|p| p.0),
                    lon: point.map(|p| p.1),
                    precision: precision_code(p)
                        .map(|code| if point.is_some() { code.max(2) } else { code }),
                    place: c.opt(self.osm_type).map(|t| format!("OpenStreetMap {t}")),
                    feature_id: link.map(str::to_string),
                    source: Some(key.clone()),
                    ..Location::default()
                });
            }
        }
        if let Some(n) = c.opt(self.narrative) {
            rec.project
                .attributes
                .insert("location_narrative".into(), json!(n));
        }
        Ok(Some(rec))
    }
}

impl GcdfColumns {
    /// At the end of a file: AidData's packages (`AidData Parent ID`) with exactly one
    /// umbrella record make every other record of the package `part_of` that umbrella
    /// (AidData: "one umbrella record to record the full amount … and a linked set of
    /// subsidiary records"). Returns (child, statement) pairs.
    pub fn package_relations(&self) -> Vec<(String, RelationStmt)> {
        let mut out = Vec::new();
        for members in self.packages.borrow().values() {
            let umbrellas: Vec<&str> = members
                .iter()
                .filter(|(_, u)| *u)
                .map(|(id, _)| id.as_str())
                .collect();
            let [umbrella] = umbrellas.as_slice() else {
                continue;
            };
            for (child, u) in members {
                if !*u {
                    out.push((
                        child.clone(),
                        RelationStmt {
                            kind: RelationKind::PartOf,
                            other: umbrella.to_string(),
                            outgoing: true,
                            origin: RelationOrigin::Dataset,
                            rule: "AidData Parent ID + Umbrella".into(),
                            source: None,
                        },
                    ));
                }
            }
        }
        out
    }
}

/// Maps a GeoGCDF GeoJSON feature's properties (either layout) as a GCDF row.
pub fn properties_as_row(
    props: &serde_json::Map<String, serde_json::Value>,
) -> (Header, crate::input::Row) {
    let mut names = Vec::with_capacity(props.len());
    let mut cells = Vec::with_capacity(props.len());
    for (k, v) in props {
        names.push(k.clone());
        cells.push(match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => {
                if *b {
                    "Yes".into()
                } else {
                    "No".into()
                }
            }
            other => other.to_string(),
        });
    }
    (
        Header::new(&names),
        crate::input::Row {
            line: 0,
            cells,
            original: Vec::new(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_mappings() {
        assert_eq!(flow_kind("Export Buyer's Credit"), FlowKind::Loan);
        assert_eq!(flow_kind("Grant"), FlowKind::Grant);
        assert_eq!(flow_kind("Debt Rescheduling"), FlowKind::DebtRelief);
        assert_eq!(flow_kind("Vague (Official Finance)"), FlowKind::Unknown);
        assert_eq!(
            org_kind("State-owned Policy Bank", None).0,
            Some(OrgKind::PolicyBank)
        );
        assert_eq!(
            org_kind("Recipient Government Agency", Some("SLV")),
            (Some(OrgKind::GovernmentBody), Some("SLV".into()))
        );
        assert_eq!(
            org_kind("Chinese State-owned Company", None).1.as_deref(),
            Some("CHN")
        );
        assert_eq!(source_kind("Media Report"), SourceKind::NewsArticle);
        assert_eq!(precision_code("ADM2"), Some(3));
        assert_eq!(precision_code("adm6"), Some(2));
        assert_eq!(
            osm_anchor("https://www.openstreetmap.org/way/1#map=14/10.0936/-69.1945"),
            Some((10.0936, -69.1945))
        );
        assert_eq!(osm_anchor("https://www.openstreetmap.org/way/1"), None);
        assert!(Region::Lac.keeps(Some("PER"), None) && !Region::Lac.keeps(Some("AGO"), None));
        assert!(
            Region::Lac.keeps(None, Some("America")) && !Region::Lac.keeps(None, Some("Africa"))
        );
    }
}
