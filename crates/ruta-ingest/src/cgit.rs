//! The American Enterprise Institute's China Global Investment Tracker, as AEI distributes
//! it and as users re-save it.
//!
//! **Tables.** AEI's workbook has a sheet per table: `Dataset 1` (investments),
//! `Dataset 2` (construction contracts; the Chinese party's column is `Contractor`),
//! `Dataset 3` (troubled transactions; `Chinese Entity`, no share) and `Dataset 1+2`
//! (the first two combined). Every sheet is read by its role: the name says it (or the
//! banner above the header, `Dataset 2 Construction`, for a sheet renamed); the combined
//! sheet only when neither of the other two is there (it repeats them). A CSV is one
//! table: its banner says which, else its header (`Contractor` → construction; `Chinese
//! Entity` without a share column → troubled; `Chinese Entity` with one → combined;
//! `Millions` and `Partner/Target` → investments, the 2025 layout), else its name
//! (`1+2`, `combined`), else investments.
//!
//! **Rows.** The header is found by content (the row naming `Year` and `Month`, on row 1
//! or after a 5-line banner); reading stops at the data's end (rows of empty, formatted
//! cells are not rows), and a subtotal row a user added (no year, and "Total" or numbers
//! only) is read and not kept. `Investor`, `Contractor` and `Chinese Entity` are the
//! Chinese party; `Quantity in Millions` and `Millions` the amount (millions of US
//! dollars, `" $\t1.420 "` = 1,420 in AEI's 2020 CSV); `Share Size` is a fraction
//! (`0.85` = 85 %, `1` = 100 %), a percent (`51%`) or one percent per investor (`10%,
//! 10%`).
//!
//! **Kinds.** An investment-table row is equity (a greenfield mark, or neither a share
//! nor a target) or M&A (a target or a share bought); a construction-table row is a
//! construction contract, whatever its share. The combined table does not say which rows
//! are which; ruta decides, in order: (1) a row matching an investment of the investment
//! table already in the database (same year, month and country, amount within 2%) is an
//! investment; (2) a greenfield mark or a share size means an investment; (3) an entity
//! that is a builder (name contains Construction, Engineering, Railway, Hydro, Power,
//! Harbour, Machinery …) or a row with no transaction party means a construction
//! contract; (4) otherwise an investment. The reason is the flow's `kind_basis`, and a
//! combined-table row whose kind ruta decided is marked `kind_inferred`. Which rows of two
//! releases or tables are one deal — and that the newer release supersedes the older — is
//! the record linker's call (`ruta_link`, run at the end of the import), not this
//! importer's.
//!
//! **Troubled transactions** are deals AEI lists as failed (blocked by regulators,
//! abandoned, collapsed). Each becomes a problem event — its kind from the row's own
//! account of what went wrong when the table has such a column ([`trouble_kind`]), else
//! `cancellation` — and a `status` claim `cancelled`, both sourced to the troubled row:
//! on the flow of the same workbook it concerns when there is one (same Chinese party
//! and country, amount within 2% or $5 m, dated no later than the trouble), else on a
//! record of its own (`cgit-trb-…`) whose flow, of the kind the combined-table rules
//! infer, never counts (status). The report counts both.
//!
//! **Editions and ids.** A file's edition (`dataset_version`) is the latest year-month
//! its tables hold (`2022-06` for AEI's spring 2022 workbook). Record ids are derived
//! from the row: `cgit-<table>-<year>-<month>-<party>-<country>[-<target>]`, `<table>`
//! being `inv`, `con` and `trb` for the investment, construction and troubled tables and,
//! for the layouts ruta read before workbooks (ids users have saved), `2025` (investment
//! table with `Millions`) and `2020` (combined table). Where a key repeats within a table
//! the new tables add the amount (`-370m`), and a key and amount that repeat add the
//! edition and an ordinal, so the same id in two editions is the same deal; the legacy
//! layouts add an ordinal (`-2`). Two editions of one deal with the same id are one record
//! whose newer claims win; others are left to the linker.

use crate::gcdf::Region;
use crate::input::{self, FileError, Rows, Sniffed};
use crate::table::{Cells, Header, normalize};
use crate::{
    FileReport, ImportError, Mapped, Options, Problem, Progress, Sink, TableReport, parse,
};
use ruta_core::model::{
    ClaimValue, Event, EventSource, FlowStmt, OrgRef, Party, Project, Record, Source,
};
use ruta_core::sector::{ClassifyInput, classify};
use ruta_core::text::slug;
use ruta_core::{EventKind, FlowKind, Role, Status};
use ruta_store::Writer;
use serde_json::json;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

pub const DATASET: &str = "AEI China Global Investment Tracker";

/// Most data rows read from one AEI file (AEI's tables have a few thousand): the id plan
/// and the troubled-transaction index are held in memory.
pub const MAX_ROWS: u64 = 1_000_000;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether a row is the header (AEI's files have banner lines first): it names `Year`
/// and `Month` among its first cells.
pub fn is_header(cells: &[String]) -> bool {
    let n: Vec<String> = cells.iter().take(4).map(|c| normalize(c)).collect();
    n.iter().any(|c| c == "year") && n.iter().any(|c| c == "month")
}

/// Builders' name fragments (rule 3 above).
const BUILDERS: &[&str] = &[
    "construction",
    "engineering",
    "railway",
    "sinohydro",
    "harbour",
    "harbor",
    "road and bridge",
    "sinomach",
    "machinery",
    "electric",
    "gezhouba",
    "camc",
    "hydro",
    "dredg",
    "metallurg",
    "power",
    "sinoma",
    "cmec",
    "installation",
    "grid",
    "transmission",
    "water resources",
    "survey",
    "design",
    "complete plant",
    "tbea",
    "zpmc",
    "mcc",
    "norinco",
    "genertec",
    "sinosteel",
    "china nonferrous",
    "huawei",
    "zte",
    "sino great wall",
    "international economic",
    "jiangsu international",
    "jiangxi international",
    "poly",
    "huadian",
    "three gorges",
];

/// What an AEI table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    Investments,
    Construction,
    Troubled,
    Combined,
}

impl Table {
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Investments => "investments",
            Table::Construction => "construction",
            Table::Troubled => "troubled",
            Table::Combined => "combined",
        }
    }

    /// The role words a sheet name, banner line or file name carries ("Dataset 2",
    /// "Dataset 1 and 2 combined", "Troubled Transactions" …).
    pub fn from_words(text: &str) -> Option<Table> {
        // The tracker's own name is in every banner; it says nothing of the table.
        let l = normalize(text).replace("global investment tracker", "");
        let compact: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        if l.contains("combined") || compact.contains("1+2") || l.contains("1 and 2") {
            Some(Table::Combined)
        } else if l.contains("troubled") || compact.contains("dataset3") {
            Some(Table::Troubled)
        } else if l.contains("construction") || compact.contains("dataset2") {
            Some(Table::Construction)
        } else if l.contains("investment") || compact.contains("dataset1") {
            Some(Table::Investments)
        } else {
            None
        }
    }

    /// The role a header implies (see the module documentation); None when it could be
    /// the investment table or the combined one.
    fn from_header(h: &Header) -> Option<Table> {
        if h.has("contractor") {
            Some(Table::Construction)
        } else if h.has("millions") {
            Some(Table::Investments)
        } else if h.has("chinese entity") && h.find(&["share size", "share"]).is_none() {
            Some(Table::Troubled)
        } else if h.has("chinese entity") {
            Some(Table::Combined)
        } else {
            None
        }
    }
}

/// Millions as an id part: `370m`, `12-5m`.
fn amount_label(millions: f64) -> String {
    let s = if millions.fract() == 0.0 {
        format!("{}", millions as i64)
    } else {
        format!("{millions:.1}").replace('.', "-")
    };
    format!("{s}m")
}

/// Shares as AEI writes them, in percent per investor: `0.85` → 85, `1` → 100, `51%` →
/// 51, `10%, 10%` → [10, 10]; a bare number over 1 is a percent. None where a part is
/// empty or not a number.
pub fn shares(text: &str) -> Vec<Option<f64>> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    text.split(',')
        .map(|p| {
            let p = p.trim();
            let percent = p.trim_end().ends_with('%');
            let v = parse::number(p).ok()?;
            if !(0.0..=100.0).contains(&v) {
                return None;
            }
            Some(if percent || v > 1.0 { v } else { v * 100.0 })
        })
        .collect()
}

/// A row's own account of what went wrong, in ruta's event vocabulary. The first match
/// wins: corruption (corrupt, brib, kickback); protest (protest, opposition, community,
/// indigenous, demonstrat); labour abuse (labor, labour, worker); environmental harm
/// (environment, pollution, spill, deforest); structural defect (defect, crack,
/// structural); delay or cost overrun (delay, overrun, stalled, behind schedule);
/// arbitration (arbitration, lawsuit, litigation, court, dispute, sued); debt distress
/// (default, bankrupt, insolven, arrears, unpaid, debt); cancellation (cancel, terminat,
/// withdr, abandon, block, reject, veto, rescind, scrap, called off, fell through,
/// failed, denied, not approved, regulator, cfius, national security, collapse). None
/// when the text says none of these (the event is then a cancellation: AEI lists failed
/// deals).
pub fn trouble_kind(text: &str) -> Option<EventKind> {
    let l = text.to_lowercase();
    let any = |ws: &[&str]| ws.iter().any(|w| l.contains(w));
    Some(if any(&["corrupt", "brib", "kickback"]) {
        EventKind::Corruption
    } else if any(&[
        "protest",
        "opposition",
        "community",
        "indigenous",
        "demonstrat",
    ]) {
        EventKind::Protest
    } else if any(&["labor", "labour", "worker"]) {
        EventKind::LabourAbuse
    } else if any(&["environment", "pollution", "spill", "deforest"]) {
        EventKind::EnvironmentalHarm
    } else if any(&["defect", "crack", "structural"]) {
        EventKind::StructuralDefect
    } else if any(&["delay", "overrun", "stalled", "behind schedule"]) {
        EventKind::DelayCostOverrun
    } else if any(&[
        "arbitration",
        "lawsuit",
        "litigation",
        "court",
        "dispute",
        "sued",
    ]) {
        EventKind::Arbitration
    } else if any(&[
        "default", "bankrupt", "insolven", "arrears", "unpaid", "debt",
    ]) {
        EventKind::DebtDistress
    } else if any(&[
        "cancel",
        "terminat",
        "withdr",
        "abandon",
        "block",
        "reject",
        "veto",
        "rescind",
        "scrap",
        "called off",
        "fell through",
        "failed",
        "denied",
        "not approved",
        "regulator",
        "cfius",
        "national security",
        "collapse",
    ]) {
        EventKind::Cancellation
    } else {
        return None;
    })
}

/// Columns of one AEI table.
pub struct CgitColumns {
    table: Table,
    /// The id part naming the table: `2025`, `2020` (legacy layouts), `inv`, `con`, `trb`.
    layout: &'static str,
    /// Ids with an ordinal for repeated keys (the layouts ruta read before workbooks).
    legacy: bool,
    year: Option<usize>,
    month: Option<usize>,
    entity: Option<usize>,
    amount: Option<usize>,
    share: Option<usize>,
    party: Option<usize>,
    sector: Option<usize>,
    subsector: Option<usize>,
    country: Option<usize>,
    region: Option<usize>,
    bri: Option<usize>,
    greenfield: Option<usize>,
    /// A column saying what went wrong (troubled transactions), when the table has one.
    problem: Option<usize>,
    /// The file's edition (latest year-month), set after the first pass.
    edition: String,
    seen: RefCell<HashMap<String, u32>>,
    /// From the first pass: how often each key, and each key with its amount, occurs.
    key_counts: HashMap<String, u32>,
    key_amount_counts: HashMap<(String, u64), u32>,
    /// Investment-table rows already stored.
    investments: InvestmentIndex,
    /// Troubled rows of the same workbook, by the id of the flow they concern.
    troubles: HashMap<String, Vec<Trouble>>,
    /// Lines of this (troubled) table whose trouble went onto a flow.
    attached: HashSet<u64>,
}

/// A deal as one row states it.
struct Deal<'a> {
    year: i32,
    month: u32,
    month_text: &'a str,
    entity: &'a str,
    millions: f64,
    country_name: &'a str,
    iso3: Option<String>,
    party: &'a str,
    share: &'a str,
    sector: &'a str,
    subsector: &'a str,
    greenfield: bool,
}

impl<'a> Deal<'a> {
    /// The key ids are made of: year-month-party-country[-target].
    fn key(&self) -> String {
        let place = self
            .iso3
            .clone()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_else(|| slug(self.country_name, 24));
        let mut rid = format!(
            "{}-{}-{}-{place}",
            self.year,
            MONTHS[self.month as usize - 1],
            slug(self.entity, 48)
        );
        if !self.party.is_empty() {
            rid.push('-');
            rid.push_str(&slug(self.party, 32));
        }
        rid
    }

    fn ym(&self) -> (i32, u32) {
        (self.year, self.month)
    }
}

/// A troubled row's event and status, for the flow it concerns.
#[derive(Debug, Clone)]
struct Trouble {
    source: Source,
    kind: EventKind,
    date: String,
    summary: String,
    locator: String,
    quote: String,
}

impl CgitColumns {
    /// Finds the columns of a table whose role is `table` (None: decide from the header).
    pub fn new(h: &Header, table: Option<Table>, w: &Writer<'_>) -> Result<CgitColumns, String> {
        let need = |a: &[&str]| {
            h.find(a).ok_or_else(|| {
                format!(
                    "not an AEI China Global Investment Tracker table: no '{}' column",
                    a[0]
                )
            })
        };
        let table = table
            .or_else(|| Table::from_header(h))
            .unwrap_or(Table::Investments);
        let (layout, legacy) = match table {
            Table::Combined => ("2020", true),
            Table::Investments if h.has("millions") => ("2025", true),
            Table::Investments => ("inv", false),
            Table::Construction => ("con", false),
            Table::Troubled => ("trb", false),
        };
        let investments = if table == Table::Combined {
            stored_investments(w).map_err(|e| e.to_string())?
        } else {
            HashMap::new()
        };
        Ok(CgitColumns {
            table,
            layout,
            legacy,
            year: Some(need(&["year"])?),
            month: Some(need(&["month"])?),
            entity: Some(need(&["investor", "chinese entity", "contractor"])?),
            amount: Some(need(&[
                "millions",
                "quantity in millions",
                "quantity in millions of usd",
            ])?),
            share: h.find(&["share size", "share"]),
            party: h.find(&["partner/target", "transaction party", "target"]),
            sector: h.find(&["sector"]),
            subsector: h.find(&["subsector"]),
            country: Some(need(&["country"])?),
            region: h.find(&["region"]),
            bri: h.find(&["bri"]),
            greenfield: h.find(&["greenfield"]),
            problem: h.find(&[
                "what went wrong",
                "reason",
                "reasons",
                "problem",
                "problems",
                "issue",
                "issues",
                "cause",
                "outcome",
                "status",
                "explanation",
                "notes",
                "note",
                "comment",
                "comments",
                "description",
            ]),
            edition: String::new(),
            seen: RefCell::new(HashMap::new()),
            key_counts: HashMap::new(),
            key_amount_counts: HashMap::new(),
            investments,
            troubles: HashMap::new(),
            attached: HashSet::new(),
        })
    }

    pub fn table(&self) -> Table {
        self.table
    }

    /// The edition label (`dataset_version`): the file's latest year-month.
    fn version(&self) -> &str {
        &self.edition
    }

    fn is_subtotal(&self, c: &Cells<'_>) -> bool {
        c.is_subtotal(&[self.year], |v| parse::year(v).is_ok())
    }

    /// The deal a row states, or why it cannot be read.
    fn deal<'a>(&self, c: &Cells<'a>) -> Result<Deal<'a>, Problem> {
        let year = c
            .parse(self.year, parse::year)?
            .ok_or_else(|| c.problem(self.year, "missing year"))?;
        let month_text = c.get(self.month);
        let month = MONTHS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(month_text.trim()))
            .map(|i| i as u32 + 1)
            .ok_or_else(|| c.problem(self.month, "not a month name"))?;
        let entity = c.get(self.entity);
        if entity.is_empty() {
            return Err(c.problem(self.entity, "missing investor"));
        }
        let millions =
            parse::aei_millions(c.get(self.amount)).map_err(|r| c.problem(self.amount, r))?;
        let country_name = c.get(self.country);
        if country_name.is_empty() {
            return Err(c.problem(self.country, "missing country"));
        }
        let iso3 = ruta_core::country::resolve(country_name).map(|k| k.iso3.clone());
        Ok(Deal {
            year,
            month,
            month_text,
            entity,
            millions,
            country_name,
            iso3,
            party: c.get(self.party),
            share: c.get(self.share),
            sector: c.get(self.sector),
            subsector: c.get(self.subsector),
            greenfield: c.get(self.greenfield).eq_ignore_ascii_case("g"),
        })
    }

    /// The record id of a deal (see the module documentation).
    fn rid(&self, d: &Deal<'_>) -> String {
        let key = d.key();
        let mut seen = self.seen.borrow_mut();
        if self.legacy {
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            return if *n > 1 { format!("{key}-{n}") } else { key };
        }
        if self.key_counts.get(&key).copied().unwrap_or(1) <= 1 {
            return key;
        }
        let with_amount = format!("{key}-{}", amount_label(d.millions));
        let same = self
            .key_amount_counts
            .get(&(key, d.millions.to_bits()))
            .copied()
            .unwrap_or(1);
        if same <= 1 {
            return with_amount;
        }
        let n = seen.entry(with_amount.clone()).or_insert(0);
        *n += 1;
        format!("{with_amount}-{}-{n}", self.edition)
    }

    /// The dataset record id of a row whose id key is `rid`: the key itself in the
    /// legacy layouts, prefixed with the table (`inv-…`, `con-…`, `trb-…`) otherwise, so
    /// the tables of one workbook never share a record id.
    fn record_id(&self, rid: &str) -> String {
        if self.legacy {
            rid.to_string()
        } else {
            format!("{}-{rid}", self.layout)
        }
    }

    /// The flow kind of a deal, and why.
    fn kind_of(&self, d: &Deal<'_>, matched: bool) -> (FlowKind, &'static str) {
        let low = d.entity.to_ascii_lowercase();
        let investment = if d.greenfield || (d.share.is_empty() && d.party.is_empty()) {
            FlowKind::Equity
        } else {
            FlowKind::MAndA
        };
        match self.table {
            Table::Investments => (investment, "investment table"),
            Table::Construction => (FlowKind::ConstructionContract, "construction table"),
            _ if matched => (investment, "matched the investment table"),
            _ if d.greenfield => (investment, "greenfield mark"),
            _ if !d.share.is_empty() => (investment, "share size"),
            _ if BUILDERS.iter().any(|b| low.contains(b)) => {
                (FlowKind::ConstructionContract, "builder entity")
            }
            _ if d.party.is_empty() => (FlowKind::ConstructionContract, "no transaction party"),
            _ => (investment, "transaction party"),
        }
    }

    /// Maps one row as the row driver takes it.
    pub fn map_row(&self, c: &Cells<'_>, region: Region) -> Result<Mapped, Problem> {
        if self.is_subtotal(c) {
            return Ok(Mapped::NotKept("a subtotal row".into()));
        }
        if self.table == Table::Troubled && self.attached.contains(&c.row.line) {
            // Its event and status went onto the flow it concerns.
            let d = self.deal(c)?;
            if !region.keeps(d.iso3.as_deref(), None) {
                return Ok(Mapped::OutsideRegion);
            }
            return Ok(Mapped::Deferred);
        }
        Ok(match self.map(c, region)? {
            Some(r) => Mapped::Record(Box::new(r)),
            None => Mapped::OutsideRegion,
        })
    }

    /// Maps one row. Ok(None) when the row lies outside the region.
    pub fn map(&self, c: &Cells<'_>, region: Region) -> Result<Option<Record>, Problem> {
        let d = self.deal(c)?;
        if !region.keeps(d.iso3.as_deref(), None) {
            return Ok(None);
        }
        let rid = self.rid(&d);
        let record_id = self.record_id(&rid);
        let (year, month, millions) = (d.year, d.month, d.millions);
        let (entity, party, sector, subsector) = (d.entity, d.party, d.sector, d.subsector);
        // Flow kind (see the module documentation).
        let matched = d.iso3.as_ref().and_then(|i| {
            self.investments
                .get(&(year, month, i.clone()))?
                .iter()
                .find(|(m, _)| (m - millions).abs() <= (0.02 * millions).max(5.0))
                .map(|(_, id)| id.clone())
        });
        let low = entity.to_ascii_lowercase();
        let (flow, basis) = self.kind_of(&d, matched.is_some());
        // AEI files roads under "Transport / Autos": builders' "Autos" are roads.
        let sub_label = if subsector.eq_ignore_ascii_case("autos") {
            if flow == FlowKind::ConstructionContract || BUILDERS.iter().any(|b| low.contains(b)) {
                "roads highways"
            } else {
                "automobiles"
            }
        } else {
            subsector
        };
        let label = format!("{sector} {sub_label}");
        let country_label = d
            .iso3
            .as_deref()
            .and_then(ruta_core::country::by_iso3)
            .map(|k| k.name.clone())
            .unwrap_or_else(|| d.country_name.to_string());
        let mut name = match (flow, party.is_empty()) {
            (FlowKind::ConstructionContract, _) => format!(
                "{entity}: {} contract in {country_label}",
                sector_phrase(sector, sub_label)
            ),
            (_, false) => format!("{entity} investment in {party} ({country_label})"),
            (_, true) => format!(
                "{entity}: {} investment in {country_label}",
                sector_phrase(sector, sub_label)
            ),
        };
        if self.table == Table::Troubled {
            name = format!("{name} (troubled transaction)");
        }
        let class = classify(&ClassifyInput {
            title: &format!("{entity} {party}"),
            crs_code: None,
            labels: &[&label],
        });
        let mut attributes = BTreeMap::new();
        attributes.insert("layout".into(), json!(self.layout));
        attributes.insert("table".into(), json!(self.table.as_str()));
        if let Some(s) = c.sheet {
            attributes.insert("sheet".into(), json!(s));
        }
        attributes.insert("flow_kind_basis".into(), json!(basis));
        attributes.insert("sector".into(), json!(sector));
        if !subsector.is_empty() {
            attributes.insert("subsector".into(), json!(subsector));
        }
        attributes.insert("country_name".into(), json!(d.country_name));
        attributes.insert("month".into(), json!(month));
        for (k, col) in [
            ("aei_region", self.region),
            ("bri", self.bri),
            ("share_size", self.share),
        ] {
            if let Some(v) = c.opt(col) {
                attributes.insert(k.into(), json!(v));
            }
        }
        if d.greenfield {
            attributes.insert("greenfield".into(), json!(true));
        }
        let project = Project {
            id: format!("cgit-{}-{rid}", self.layout),
            name,
            aliases: Vec::new(),
            description: None,
            country: d.iso3.clone(),
            sector_code: None,
            sector_name: Some(label.trim().to_string()),
            sector_group: class.group,
            sector_subgroup: Some(class.subgroup),
            sector_rule: Some(class.rule),
            parent_id: None,
            package_id: None,
            dataset: Some(DATASET.into()),
            record_id: Some(record_id.clone()),
            attributes,
        };
        let mut rec = Record::new(&format!("aei-cgit-{}", self.layout), project);
        let sheet_words = c
            .sheet
            .map(|s| format!(" (sheet '{s}')"))
            .unwrap_or_default();
        rec.flow = Some(match self.table {
            Table::Troubled => FlowStmt {
                kind: flow,
                kind_basis: format!(
                    "AEI troubled transactions{sheet_words}: {basis} (the table does not say investment or contract)"
                ),
                kind_inferred: true,
                include_in_aggregates: None,
                umbrella: None,
            },
            Table::Combined => {
                let mut stmt = FlowStmt::stated(
                    flow,
                    format!("AEI {} layout{sheet_words}: {basis}", self.layout),
                );
                // The combined table does not say which rows are investments and which
                // are contracts: unless the row matched the investment table, the kind
                // is ruta's.
                stmt.kind_inferred = matched.is_none();
                stmt
            }
            _ => FlowStmt::stated(
                flow,
                format!("AEI {} table{sheet_words}", self.table.as_str()),
            ),
        });
        let src = c.dataset_source(
            DATASET,
            self.version(),
            &record_id,
            Some(format!(
                "AEI CGIT {} {}: {entity}, {} {year}, {}",
                self.version(),
                self.table.as_str(),
                d.month_text,
                d.country_name
            )),
        );
        let key = rec.add_source(src.clone());
        let qualifier = if flow == FlowKind::ConstructionContract {
            "contract value"
        } else {
            "investment"
        };
        rec.claims
            .push(c.usd_millions_claim(self.amount, millions, year, &key, qualifier));
        rec.claim(
            "year",
            ClaimValue::Number { value: year as f64 },
            &key,
            Some(c.locator(self.year)),
        );
        rec.claim(
            "commitment_date",
            ClaimValue::Date {
                value: format!("{year}-{month:02}"),
            },
            &key,
            Some(c.locator(self.month)),
        );
        let shares = shares(d.share);
        let role = if flow == FlowKind::ConstructionContract {
            Role::Contractor
        } else {
            Role::Investor
        };
        for (i, inv) in entity
            .split(", ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            rec.parties.push(Party {
                org: OrgRef {
                    name: inv.to_string(),
                    kind: None,
                    country: Some("CHN".into()),
                },
                role,
                share: shares.get(i).copied().flatten(),
                source: Some(key.clone()),
            });
        }
        if !party.is_empty() {
            rec.parties.push(Party {
                org: OrgRef {
                    name: party.to_string(),
                    kind: None,
                    country: None,
                },
                role: if flow == FlowKind::ConstructionContract {
                    Role::Owner
                } else {
                    Role::Target
                },
                share: None,
                source: Some(key.clone()),
            });
        }
        // A troubled row's own trouble, or the troubles of this flow in the workbook.
        let own = (self.table == Table::Troubled).then(|| self.trouble(c, &d, src));
        let id = rec.project.id.clone();
        for t in own
            .into_iter()
            .chain(self.troubles.get(&id).into_iter().flatten().cloned())
        {
            let tkey = rec.add_source(t.source.clone());
            rec.claims.push(ruta_core::Claim {
                field: "status".into(),
                value: ClaimValue::Status {
                    value: Status::Cancelled,
                },
                source: tkey.clone(),
                locator: Some(t.locator.clone()),
                span: None,
                quote: None,
                confidence: 1.0,
                qualifier: Some("AEI lists the deal among its troubled transactions".into()),
            });
            rec.events.push(Event {
                kind: t.kind,
                date: Some(t.date.clone()),
                summary: t.summary.clone(),
                sources: vec![EventSource {
                    source: tkey,
                    quote: Some(t.quote.clone()),
                    locator: Some(t.locator.clone()),
                }],
            });
        }
        Ok(Some(rec))
    }

    /// The trouble a troubled-table row states (its event, status and source).
    fn trouble(&self, c: &Cells<'_>, d: &Deal<'_>, source: Source) -> Trouble {
        let said = c.get(self.problem);
        let kind = trouble_kind(said).unwrap_or(EventKind::Cancellation);
        let country = d
            .iso3
            .as_deref()
            .and_then(ruta_core::country::by_iso3)
            .map(|k| k.name.clone())
            .unwrap_or_else(|| d.country_name.to_string());
        let with = if d.party.is_empty() {
            String::new()
        } else {
            format!(" with {}", d.party)
        };
        let mut summary = format!(
            "AEI lists {}'s ${} million deal{with} in {country} ({}) among its troubled transactions: it failed",
            d.entity,
            crate::input::format_float(d.millions),
            if d.sector.is_empty() {
                "sector not stated"
            } else {
                d.sector
            }
        );
        if !said.is_empty() {
            summary.push_str(&format!(" ({said})"));
        }
        let quote: Vec<&str> = c
            .row
            .cells
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        Trouble {
            source,
            kind,
            date: format!("{}-{:02}", d.year, d.month),
            summary,
            locator: c.locator(None),
            quote: quote.join(" | "),
        }
    }
}

fn sector_phrase(sector: &str, sub: &str) -> String {
    let s = if sub.is_empty() {
        sector.to_string()
    } else {
        format!("{sector} ({sub})")
    };
    s.to_lowercase()
}

/// (year, month, iso3) → [(millions of USD, project id)] of stored investment-table rows.
type InvestmentIndex = HashMap<(i32, u32, String), Vec<(f64, String)>>;

/// Investment-table rows already in the database, for telling the combined table's
/// investments from its construction contracts.
fn stored_investments(w: &Writer<'_>) -> ruta_store::Result<InvestmentIndex> {
    let mut out = InvestmentIndex::new();
    for f in w.stored_flows_with_prefix(DATASET, &["cgit-2025-", "cgit-inv-"])? {
        let month = f
            .commitment_date
            .as_deref()
            .and_then(|d| d.get(5..7)?.parse::<u32>().ok());
        if let (Some(y), Some(m), Some(c), Some(a)) = (f.year, month, f.country, f.amount) {
            out.entry((y as i32, m, c))
                .or_default()
                .push((a / 1e6, f.id));
        }
    }
    Ok(out)
}

// ---- Reading a file: its tables, two passes ----------------------------------------

/// One table of the file: a workbook sheet or the CSV itself.
struct TableSrc {
    /// The sheet (None for a CSV).
    sheet: Option<String>,
    /// The sheet's name, or the file's.
    name: String,
    /// The role the sheet's name or banner gives (the header decides otherwise).
    hint: Option<Table>,
}

/// A table found: its rows' header and columns.
struct Found {
    src: TableSrc,
    header: Header,
    header_line: u64,
    cols: CgitColumns,
}

/// The facts of a deal the second pass needs to tie troubles to flows.
struct DealFacts {
    id: String,
    entity: String,
    iso3: Option<String>,
    millions: f64,
    ym: (i32, u32),
}

/// Opens a table's rows (a sheet of a workbook already checked, or the CSV in its
/// dialect) and reads up to its header; returns the rows after it.
fn open_table(
    path: &Path,
    src: &TableSrc,
    opts: &Options,
    report: Option<&mut FileReport>,
) -> Result<(Rows, input::Row, Vec<input::Row>), ImportError> {
    let mut rows = match &src.sheet {
        Some(s) => Rows::Xlsx(input::XlsxRows::open_unchecked(path, s)?),
        None => {
            let (order, words) = crate::Kind::AeiCgit.default_date_order();
            let (rows, d) = Rows::open_with(path, None, &opts.dialect, order, words)?;
            if let (Some(r), Some(d)) = (report, d) {
                r.dialect = Some(d);
            }
            rows
        }
    };
    let (header, banner) = crate::find_header(&mut rows, path, is_header)?;
    Ok((rows, header, banner))
}

/// The tables of the file, by role (see the module documentation).
fn tables(path: &Path) -> Result<Vec<TableSrc>, ImportError> {
    if input::sniff(path)? != Sniffed::Zip {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![TableSrc {
            sheet: None,
            hint: None,
            name,
        }]);
    }
    // Checks the workbook once (every part inflated against its cap).
    let names = input::sheet_names(path)?;
    let mut out: Vec<TableSrc> = Vec::new();
    for n in &names {
        let hint = Table::from_words(n);
        out.push(TableSrc {
            sheet: Some(n.clone()),
            name: n.clone(),
            hint,
        });
    }
    Ok(out)
}

/// Imports an AEI file (workbook or CSV) in the writer's transaction.
pub fn import(
    w: &mut Writer<'_>,
    path: &Path,
    opts: &Options,
    report: &mut FileReport,
    progress: &dyn Progress,
) -> Result<bool, ImportError> {
    progress.start(path, 0);
    // Every candidate table's header, role and columns.
    let mut found: Vec<Found> = Vec::new();
    for src in tables(path)? {
        let (_rows, header_row, banner) = match open_table(path, &src, opts, Some(&mut *report)) {
            Ok(x) => x,
            Err(e) if src.sheet.is_some() => {
                report
                    .notes
                    .push(format!("sheet '{}' not read: {e}", src.name));
                continue;
            }
            Err(e) => return Err(e),
        };
        if src.sheet.is_some() && !is_header(&header_row.cells) {
            report.notes.push(format!(
                "sheet '{}' not read: no row names Year and Month",
                src.name
            ));
            continue;
        }
        let header = Header::new(&header_row.cells);
        let banner_role = banner
            .iter()
            .flat_map(|r| r.cells.iter())
            .find_map(|c| Table::from_words(c));
        let hint = src.hint.or(banner_role).or_else(|| {
            // A CSV's name, when its header could be either table.
            if src.sheet.is_none()
                && Table::from_header(&header).is_none()
                && Table::from_words(&src.name) == Some(Table::Combined)
            {
                Some(Table::Combined)
            } else {
                None
            }
        });
        let cols = CgitColumns::new(&header, hint, w).map_err(|r| {
            FileError::new(
                path,
                match &src.sheet {
                    Some(s) => format!("sheet '{s}': {r}"),
                    None => r,
                },
            )
        })?;
        found.push(Found {
            src,
            header,
            header_line: header_row.line,
            cols,
        });
    }
    if found.is_empty() {
        return Err(FileError::new(
            path,
            "no sheet holds an AEI table (a header naming Year and Month)",
        )
        .into());
    }
    // The combined table only when neither table it combines is there.
    let has_parts = found
        .iter()
        .any(|f| matches!(f.cols.table, Table::Investments | Table::Construction));
    if has_parts && found.len() > 1 {
        found.retain(|f| {
            let keep = f.cols.table != Table::Combined;
            if !keep {
                report.notes.push(format!(
                    "sheet '{}' not read: it combines the investment and construction sheets read on their own",
                    f.src.name
                ));
            }
            keep
        });
    }
    found.sort_by_key(|f| f.cols.table);

    // First pass: the edition, the id plan and the deals troubles may concern.
    let mut latest: Option<(i32, u32)> = None;
    let mut read = 0u64;
    let mut deals_of: Vec<Vec<(u64, DealFactsPending)>> = Vec::new();
    for f in found.iter_mut() {
        let (mut rows, _, _) = open_table(path, &f.src, opts, None)?;
        rows.set_width(f.header.len());
        let mut pending = Vec::new();
        while let Some(item) = rows.next_item()? {
            let Ok(row) = item else { continue };
            read += 1;
            if read > MAX_ROWS {
                return Err(FileError::new(
                    path,
                    format!(
                        "more than {MAX_ROWS} rows: not an AEI table ruta reads (AEI's have a few thousand)"
                    ),
                )
                .into());
            }
            let c = Cells::new(&row, &f.header, path, f.src.sheet.as_deref());
            if f.cols.is_subtotal(&c) {
                continue;
            }
            let Ok(d) = f.cols.deal(&c) else { continue };
            latest = latest.max(Some(d.ym()));
            let key = d.key();
            *f.cols.key_counts.entry(key.clone()).or_default() += 1;
            *f.cols
                .key_amount_counts
                .entry((key, d.millions.to_bits()))
                .or_default() += 1;
            pending.push((
                row.line,
                DealFactsPending {
                    entity: slug(d.entity, 48),
                    iso3: d.iso3.clone(),
                    millions: d.millions,
                    ym: d.ym(),
                    trouble: (f.cols.table == Table::Troubled).then(|| c.row.clone()),
                },
            ));
        }
        deals_of.push(pending);
    }
    let edition = match latest {
        Some((y, m)) => format!("{y:04}-{m:02}"),
        None => "undated".to_string(),
    };
    for f in found.iter_mut() {
        f.cols.edition = edition.clone();
    }

    // The ids of the deals troubles may concern, computed as the second pass will.
    let mut flows: Vec<DealFacts> = Vec::new();
    for (f, pending) in found.iter().zip(&deals_of) {
        if !matches!(f.cols.table, Table::Investments | Table::Construction) {
            continue;
        }
        let (mut rows, _, _) = open_table(path, &f.src, opts, None)?;
        rows.set_width(f.header.len());
        let by_line: HashMap<u64, &DealFactsPending> =
            pending.iter().map(|(l, p)| (*l, p)).collect();
        while let Some(item) = rows.next_item()? {
            let Ok(row) = item else { continue };
            let Some(p) = by_line.get(&row.line) else {
                continue;
            };
            let c = Cells::new(&row, &f.header, path, f.src.sheet.as_deref());
            let Ok(d) = f.cols.deal(&c) else { continue };
            flows.push(DealFacts {
                id: format!("cgit-{}-{}", f.cols.layout, f.cols.rid(&d)),
                entity: p.entity.clone(),
                iso3: p.iso3.clone(),
                millions: p.millions,
                ym: p.ym,
            });
        }
        // The second pass numbers repeated keys afresh.
        f.cols.seen.borrow_mut().clear();
    }

    // Troubles tied to the flows they concern.
    let mut troubles: HashMap<String, Vec<Trouble>> = HashMap::new();
    let mut attached_lines: HashMap<usize, HashSet<u64>> = HashMap::new();
    for (i, (f, pending)) in found.iter().zip(&deals_of).enumerate() {
        if f.cols.table != Table::Troubled {
            continue;
        }
        for (line, p) in pending {
            let Some(row) = &p.trouble else { continue };
            let best = flows
                .iter()
                .filter(|g| {
                    g.iso3 == p.iso3
                        && g.entity == p.entity
                        && g.ym <= p.ym
                        && (g.millions - p.millions).abs() <= (0.02 * p.millions).max(5.0)
                })
                .max_by_key(|g| g.ym);
            let Some(g) = best else { continue };
            let c = Cells::new(row, &f.header, path, f.src.sheet.as_deref());
            let Ok(d) = f.cols.deal(&c) else { continue };
            let rid = f.cols.record_id(&f.cols.rid(&d));
            let src = c.dataset_source(
                DATASET,
                &edition,
                &rid,
                Some(format!(
                    "AEI CGIT {edition} troubled: {}, {} {}, {}",
                    d.entity, d.month_text, d.year, d.country_name
                )),
            );
            troubles
                .entry(g.id.clone())
                .or_default()
                .push(f.cols.trouble(&c, &d, src));
            attached_lines.entry(i).or_default().insert(*line);
        }
    }
    let attached_total: usize = attached_lines.values().map(HashSet::len).sum();
    for (i, f) in found.iter_mut().enumerate() {
        f.cols.seen.borrow_mut().clear();
        f.cols.troubles = troubles.clone();
        f.cols.attached = attached_lines.remove(&i).unwrap_or_default();
    }

    // Second pass: the records.
    let mut sink = Sink::default();
    for f in &found {
        let (mut rows, _, _) = open_table(path, &f.src, opts, None)?;
        rows.set_width(f.header.len());
        let before = (
            report.rows_read,
            report.imported + report.updated + report.unchanged,
            report.outside_region,
            report.not_kept,
            report.skipped,
        );
        let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
        while let Some(item) = rows.next_item()? {
            let (line, mapped, emptied) = match item {
                Ok(row) => {
                    if row.cells.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let c = Cells::new(&row, &f.header, path, f.src.sheet.as_deref());
                    let mapped = f.cols.map_row(&c, opts.region);
                    match &mapped {
                        Ok(Mapped::Record(r)) => {
                            let k = r.flow.as_ref().map(|x| x.kind.as_str()).unwrap_or("none");
                            let k = if f.cols.table == Table::Troubled {
                                "own_record"
                            } else {
                                k
                            };
                            *kinds.entry(k.to_string()).or_default() += 1;
                        }
                        Ok(Mapped::Deferred) => *kinds.entry("onto_flow".into()).or_default() += 1,
                        _ => {}
                    }
                    (row.line, mapped, c.emptied.take())
                }
                Err(d) => (
                    d.line,
                    Err(Problem {
                        file: path.display().to_string(),
                        line: d.line,
                        column: None,
                        value: None,
                        reason: d.reason,
                    }),
                    Vec::new(),
                ),
            };
            if sink.take(w, path, opts, report, line, mapped, emptied, None)? {
                return Ok(false);
            }
        }
        report.tables.push(TableReport {
            name: f.src.name.clone(),
            role: f.cols.table.as_str().to_string(),
            header_line: f.header_line,
            rows_read: report.rows_read - before.0,
            records: report.imported + report.updated + report.unchanged - before.1,
            outside_region: report.outside_region - before.2,
            not_kept: report.not_kept - before.3,
            skipped: report.skipped - before.4,
            kinds,
        });
    }
    report.notes.push(format!(
        "edition {edition} (the latest year-month in the data); {attached_total} troubled transactions (any region) concern a flow of the file's own tables"
    ));
    Ok(true)
}

/// What the first pass keeps of a row.
struct DealFactsPending {
    entity: String,
    iso3: Option<String>,
    millions: f64,
    ym: (i32, u32),
    /// For a troubled row: the row.
    trouble: Option<input::Row>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_as_aei_writes_them() {
        assert_eq!(shares("0.85"), vec![Some(85.0)]);
        assert_eq!(shares("1"), vec![Some(100.0)]);
        assert_eq!(shares("51%"), vec![Some(51.0)]);
        assert_eq!(shares("100\u{a0}%"), vec![Some(100.0)]);
        assert_eq!(shares("10%, 10%"), vec![Some(10.0), Some(10.0)]);
        assert_eq!(
            shares("45%, 35%,20%"),
            vec![Some(45.0), Some(35.0), Some(20.0)]
        );
        assert_eq!(shares("51"), vec![Some(51.0)]);
        assert!(shares("").is_empty());
        assert_eq!(shares("n/a"), vec![None]);
    }

    #[test]
    fn tables_by_their_words() {
        assert_eq!(Table::from_words("Dataset 1"), Some(Table::Investments));
        assert_eq!(Table::from_words("Dataset 2"), Some(Table::Construction));
        assert_eq!(Table::from_words("Dataset 3"), Some(Table::Troubled));
        assert_eq!(Table::from_words("Dataset 1+2"), Some(Table::Combined));
        assert_eq!(
            Table::from_words("Dataset 1 and 2 combined"),
            Some(Table::Combined)
        );
        assert_eq!(
            Table::from_words("Dataset 3 Troubled Transactions"),
            Some(Table::Troubled)
        );
        assert_eq!(Table::from_words("Sheet1"), None);
        assert_eq!(Table::from_words("China Global Investment Tracker"), None);
    }

    #[test]
    fn troubles_in_rutas_words() {
        assert_eq!(
            trouble_kind("Blocked by CFIUS"),
            Some(EventKind::Cancellation)
        );
        assert_eq!(
            trouble_kind("local protests halted it"),
            Some(EventKind::Protest)
        );
        assert_eq!(
            trouble_kind("contract dispute, arbitration"),
            Some(EventKind::Arbitration)
        );
        assert_eq!(trouble_kind(""), None);
        assert_eq!(amount_label(370.0), "370m");
        assert_eq!(amount_label(12.5), "12-5m");
    }
}
