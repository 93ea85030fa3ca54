//! Command-line grammar (clap). Every listing takes `--format table|json|csv`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use ruta_core::{FlowKind, SectorGroup, Status};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "ruta",
    version,
    about = "An open observatory of China's finance, investment and trade in Latin America and the Caribbean",
    long_about = "ruta keeps projects, loans, investments and contracts with claim-level provenance in one SQLite file.\n\
                  Every number traces to a source; sources that disagree are kept side by side.\n\n\
                  The database is ./ruta.db unless --db or RUTA_DB says otherwise; it is created and loaded\n\
                  with the built-in registry of flagship projects on first use.",
    propagate_version = true
)]
pub struct Cli {
    /// SQLite database file
    #[arg(
        long,
        global = true,
        env = "RUTA_DB",
        default_value = "ruta.db",
        value_name = "PATH"
    )]
    pub db: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create or upgrade the database and load the built-in registry
    Init,
    /// List projects, with filters
    Projects(ProjectsArgs),
    /// Show one project: its value, its flows, every claim with its source, every event
    Project(ProjectArgs),
    /// List flows (loans, grants, investments, contracts): counted or not, and why
    Flows(FlowsArgs),
    /// Totals of counted flows (constant 2021 USD): every dollar once
    Stats(StatsArgs),
    /// Implementation problems: how many projects met one, and the rate, by group
    Problems(ProblemsArgs),
    /// List events (implementation problems and milestones) across the database
    Events(EventsArgs),
    /// List countries: projects, counted totals, Belt and Road membership and its dates
    Countries(CountriesArgs),
    /// Import dataset files: gcdf, gcdf-adm, geojson, aei-cgit, bu-cgef, dots, comtrade, ports, wb-ids, aiddata-hcl
    Import(ImportArgs),
    /// China–LAC goods trade (IMF DOTS, UN Comtrade, news): both reporters, the gap, the shown value
    Trade(TradeArgs),
    /// Loans as debt: schedules, debt service beside what the World Bank reports, terms
    Debt(DebtArgs),
    /// Extract money, organizations, countries, quantities, dates and projects from news
    Extract(ExtractArgs),
    /// Store articles as sources and their figures and events as claims on projects
    Ingest(IngestArgs),
    /// Search figures from the news that no project could be linked to
    Evidence(EvidenceArgs),
    /// Find the same flow across datasets, releases, the registry and articles, and the
    /// loan behind each contract; review, accept, reject or undo what the linker proposes
    Link(LinkArgs),
    /// Serve the JSON API (OpenAPI at /api/openapi.json) and the dashboard
    Serve(ServeArgs),
    /// Write the whole database as a Frictionless Data Package (datapackage.json + CSVs)
    Export(ExportArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DetailFormat {
    #[default]
    Table,
    Json,
}

fn parse_country(s: &str) -> Result<String, String> {
    ruta_core::country::parse_iso3(s).map_err(|e| e.to_string())
}

fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
        .map_err(|e: ruta_core::UnknownValue| e.to_string())
}

fn parse_flow(s: &str) -> Result<FlowKind, String> {
    s.parse()
        .map_err(|e: ruta_core::UnknownValue| e.to_string())
}

fn parse_group(s: &str) -> Result<SectorGroup, String> {
    s.parse()
        .map_err(|e: ruta_core::UnknownValue| e.to_string())
}

/// Filters shared by listings and totals.
#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Recipient country, ISO 3166-1 alpha-3 (e.g. PER)
    #[arg(long, value_name = "ISO3", value_parser = parse_country)]
    pub country: Option<String>,
    /// traditional_infrastructure, new_frontier, extractives, agriculture, social, finance_other
    #[arg(long = "sector-group", value_name = "G", value_parser = parse_group)]
    pub sector_group: Option<SectorGroup>,
    /// pledge, commitment, implementation, completion, suspended, cancelled
    #[arg(long, value_name = "S", value_parser = parse_status)]
    pub status: Option<Status>,
    /// loan, grant, equity, m_and_a, construction_contract, debt_relief, unknown
    #[arg(long = "flow-kind", value_name = "K", value_parser = parse_flow)]
    pub flow_kind: Option<FlowKind>,
    /// Full-text search over names, aliases, descriptions and parties
    #[arg(long, value_name = "TEXT")]
    pub q: Option<String>,
    /// Organization id or name, in any role (e.g. china-eximbank)
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// First year (commitment or deal year)
    #[arg(long = "year-from", value_name = "YEAR")]
    pub year_from: Option<i32>,
    /// Last year
    #[arg(long = "year-to", value_name = "YEAR")]
    pub year_to: Option<i32>,
    /// Dataset as stored (e.g. "AidData GCDF"), or "registry" for curated records
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Belt and Road membership of the country when the flow was committed: member or
    /// non-member (GFDC's list of May 2025; a year-only date is taken as 1 July)
    #[arg(long, value_name = "M", value_parser = parse_bri)]
    pub bri: Option<ruta_store::query::Bri>,
}

fn parse_bri(s: &str) -> Result<ruta_store::query::Bri, String> {
    ruta_store::query::Bri::parse(s).ok_or_else(|| {
        format!(
            "unknown membership '{s}'; accepted values: {}",
            ruta_store::query::Bri::NAMES.join(", ")
        )
    })
}

impl FilterArgs {
    pub fn filter(&self) -> ruta_store::query::Filter {
        ruta_store::query::Filter {
            country: self.country.clone(),
            sector_group: self.sector_group,
            status: self.status,
            flow_kind: self.flow_kind,
            q: self.q.clone(),
            org: self.org.clone(),
            year_from: self.year_from,
            year_to: self.year_to,
            bbox: None,
            dataset: self.dataset.clone(),
            project: None,
            counted: None,
            bri: self.bri,
        }
    }
}

fn parse_sort(s: &str) -> Result<ruta_store::query::Sort, String> {
    ruta_store::query::Sort::parse(s).ok_or_else(|| {
        format!(
            "unknown sort '{s}'; accepted values: {}",
            ruta_store::query::Sort::NAMES.join(", ")
        )
    })
}

#[derive(Args, Debug)]
pub struct ProjectsArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Order: -amount (default), amount, -year, year, name, country, relevance
    #[arg(long, value_name = "ORDER", value_parser = parse_sort, default_value = "-amount",
          allow_hyphen_values = true)]
    pub sort: ruta_store::query::Sort,
    /// Maximum rows (0 = all)
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: u32,
    /// Rows to skip
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct ProjectArgs {
    /// Project id (see `ruta projects`)
    pub id: String,
    #[arg(long, value_enum, default_value_t = DetailFormat::Table)]
    pub format: DetailFormat,
}

fn parse_problems_by(s: &str) -> Result<ruta_store::problems::ProblemsBy, String> {
    ruta_store::problems::ProblemsBy::parse(s).ok_or_else(|| {
        format!(
            "unknown dimension '{s}'; accepted values: {}",
            ruta_store::problems::ProblemsBy::NAMES.join(", ")
        )
    })
}

fn parse_population(s: &str) -> Result<ruta_store::problems::Population, String> {
    ruta_store::problems::Population::parse(s).ok_or_else(|| {
        format!(
            "unknown population '{s}'; accepted values: {}",
            ruta_store::problems::Population::NAMES.join(", ")
        )
    })
}

#[derive(Args, Debug)]
pub struct ProblemsArgs {
    /// Group by sector-group, country, lender, year or kind (of event)
    #[arg(long, value_name = "DIM", value_parser = parse_problems_by, default_value = "sector-group")]
    pub by: ruta_store::problems::ProblemsBy,
    /// infrastructure-finance (default: AidData's population) or all-counted
    #[arg(long, value_name = "P", value_parser = parse_population, default_value = "infrastructure-finance")]
    pub population: ruta_store::problems::Population,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_event_kind(s: &str) -> Result<ruta_core::EventKind, String> {
    s.parse()
        .map_err(|e: ruta_core::UnknownValue| e.to_string())
}

#[derive(Args, Debug)]
pub struct EventsArgs {
    /// Only the events of this project (any of its record ids)
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
    /// ISO 3166-1 alpha-3 of the project's (or article's) country
    #[arg(long, value_name = "ISO3", value_parser = parse_country)]
    pub country: Option<String>,
    /// corruption, protest, labour_abuse, environmental_harm, structural_defect,
    /// delay_cost_overrun, arbitration, debt_distress, cancellation, inauguration, milestone
    #[arg(long, value_name = "K", value_parser = parse_event_kind)]
    pub kind: Option<ruta_core::EventKind>,
    /// Only events no project could be identified for
    #[arg(long)]
    pub unattached: bool,
    /// Only implementation problems (no inaugurations or milestones)
    #[arg(long)]
    pub problems: bool,
    /// Words of the summary, the project or a source's quote
    #[arg(long, value_name = "TEXT")]
    pub q: Option<String>,
    /// Maximum rows (0 = all)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub limit: u32,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Every Latin American and Caribbean state, and every other country with projects, largest\n\
                  counted total first. amount_usd: counted flows, constant 2021 USD; bri_member_usd: the\n\
                  part committed while the country was a Belt and Road member. Membership and its dates:\n\
                  Green Finance & Development Center (FISF Fudan University), list of May 2025."
)]
pub struct CountriesArgs {
    /// Only the 33 Latin American and Caribbean states
    #[arg(long)]
    pub lac: bool,
    /// member (a BRI member today) or non-member
    #[arg(long, value_name = "M", value_parser = parse_bri)]
    pub bri: Option<ruta_store::query::Bri>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Directory to write datapackage.json and one CSV per table into (created if missing)
    pub dir: PathBuf,
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!("'{s}' is not true or false")),
    }
}

#[derive(Args, Debug)]
pub struct FlowsArgs {
    /// Only the flows of this project (any of its record ids)
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
    /// loan, grant, equity, m_and_a, construction_contract, debt_relief, unknown
    #[arg(long, value_name = "K", value_parser = parse_flow)]
    pub kind: Option<FlowKind>,
    /// true: only the flows totals count; false: only those they leave out
    #[arg(long, value_name = "BOOL", value_parser = parse_bool)]
    pub counted: Option<bool>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Maximum rows (0 = all)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub limit: u32,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

impl FlowsArgs {
    pub fn filter(&self) -> ruta_store::query::Filter {
        let mut f = self.filter.filter();
        f.project = self.project.clone();
        f.counted = self.counted;
        if self.kind.is_some() {
            f.flow_kind = self.kind;
        }
        f
    }
}

fn parse_by(s: &str) -> Result<ruta_store::flows::StatsBy, String> {
    ruta_store::flows::StatsBy::parse(s).ok_or_else(|| {
        format!(
            "unknown dimension '{s}'; accepted values: year, country, sector-group, flow-kind, lender"
        )
    })
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// Group by year, country, sector-group, flow-kind or lender
    #[arg(long, value_name = "DIM", value_parser = parse_by, default_value = "year")]
    pub by: ruta_store::flows::StatsBy,
    /// Each year's new-frontier share instead (digital, renewables, EVs and batteries,
    /// critical minerals): total, new-frontier amount and share per year
    #[arg(long, conflicts_with = "by")]
    pub frontier_share: bool,
    /// Split each group by a second dimension: year, country, sector-group, flow-kind or
    /// lender (e.g. `--by year --split lender`: each year's loans by lender)
    #[arg(long, value_name = "DIM", value_parser = parse_by, conflicts_with = "frontier_share")]
    pub split: Option<ruta_store::flows::StatsBy>,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_kind(s: &str) -> Result<ruta_ingest::Kind, String> {
    ruta_ingest::Kind::parse(s).ok_or_else(|| {
        format!(
            "unknown import kind '{s}'; accepted values: {}",
            ruta_ingest::Kind::NAMES.join(", ")
        )
    })
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RegionArg {
    /// The 33 Latin American and Caribbean states (and regional records for the Americas)
    #[default]
    Lac,
    /// Every record
    All,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Kinds:\n  gcdf      AidData GCOF 1.0, GCDF 2.0 and 3.0, GeoGCDF input, CLG-Global 1.0 (CSV, or the XLSX sheet holding them)\n  gcdf-adm  AidData GCDF ADM1/ADM2 location CSVs (level from the file name: ...adm2... is ADM2)\n  geojson   GeoGCDF per-project GeoJSON (both property layouts)\n  aei-cgit  AEI China Global Investment Tracker: the workbook (every sheet by its role) or one table as CSV\n  bu-cgef   Boston University China's Global Energy Finance\n  dots      IMF Direction of Trade Statistics, bulk layout (CSV, or XLSX sheet TradeData)\n  comtrade  UN Comtrade extracts: current API naming or the legacy 35-column layout (CSV with , or ;, or XLSX)\n  wb-ids    World Bank International Debt Statistics, debt service by creditor (DT.AMT.BLAT.CD, DT.INT.BLAT.CD)\n  aiddata-hcl  AidData How China Lends (XLSX sheet ContractData, or CSV): contract terms and clauses as claims on stored GCDF loans\n\nEach file is imported in one transaction. Bad rows are reported (file:line: column: value: reason)\nand skipped; the exit code is 1 if any row was skipped or any file failed. A bad value in an optional\nfield is reported and left empty; the row is kept. CSV files are read in their dialect (encoding,\ndelimiter, decimal comma, date order), detected from the file; --dry-run prints what was detected."
)]
pub struct ImportArgs {
    /// gcdf, gcdf-adm, geojson, aei-cgit, bu-cgef, dots, comtrade, ports, wb-ids or aiddata-hcl
    #[arg(value_parser = parse_kind, value_name = "KIND")]
    pub kind: ruta_ingest::Kind,
    /// Files to import
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Parse, validate and report; write nothing
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Abort a file at its first bad row (nothing of it is written)
    #[arg(long)]
    pub strict: bool,
    /// Which records to keep
    #[arg(long, value_enum, default_value_t = RegionArg::Lac)]
    pub region: RegionArg,
    /// Write a JSON report of every file and every problem
    #[arg(long, value_name = "FILE.json")]
    pub report: Option<PathBuf>,
    /// Do not link the imported records to the stored flows (run `ruta link` later)
    #[arg(long = "no-link")]
    pub no_link: bool,
    /// CSV text encoding: utf-8, windows-1252 or latin-1 (default: detected)
    #[arg(long, value_name = "ENC", value_parser = parse_encoding)]
    pub encoding: Option<ruta_ingest::Encoding>,
    /// CSV field separator: ',', ';' or tab (default: detected)
    #[arg(long, value_name = "SEP", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Order of nn/nn/yyyy dates in CSV files: dmy or mdy (default: each column's own
    /// evidence, else the dataset's documented order)
    #[arg(long = "date-order", value_name = "ORDER", value_parser = parse_date_order)]
    pub date_order: Option<ruta_ingest::DateOrder>,
}

fn parse_encoding(s: &str) -> Result<ruta_ingest::Encoding, String> {
    ruta_ingest::Encoding::parse(s).ok_or_else(|| {
        format!("unknown encoding '{s}'; accepted values: utf-8, windows-1252, latin-1")
    })
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        _ => Err(format!(
            "unknown delimiter '{s}'; accepted values: ',', ';', tab"
        )),
    }
}

fn parse_date_order(s: &str) -> Result<ruta_ingest::DateOrder, String> {
    ruta_ingest::DateOrder::parse(s)
        .ok_or_else(|| format!("unknown date order '{s}'; accepted values: dmy, mdy"))
}

fn parse_trade_by(s: &str) -> Result<ruta_store::trade::TradeBy, String> {
    ruta_store::trade::TradeBy::parse(s).ok_or_else(|| {
        format!(
            "unknown level '{s}'; accepted values: {}",
            ruta_store::trade::TradeBy::NAMES.join(", ")
        )
    })
}

fn parse_reporter(s: &str) -> Result<ruta_store::trade::ReporterFilter, String> {
    ruta_store::trade::ReporterFilter::parse(s).ok_or_else(|| {
        format!(
            "unknown reporter '{s}'; accepted values: {}",
            ruta_store::trade::ReporterFilter::NAMES.join(", ")
        )
    })
}

fn parse_year(s: &str) -> Result<i32, String> {
    match s.parse::<i32>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok(y),
        _ => Err(format!("'{s}' is not a year between 1900 and 2100")),
    }
}

#[derive(Args, Debug)]
#[command(
    after_help = "Rows are seen from China: flow export = China -> the country, import = the country -> China.\n\
                  reporter CHN is China's customs statistics, the country's ISO3 its own (the mirror).\n\
                  Values are nominal USD: exports FOB, imports CIF. The shown value is the importer's\n\
                  figure unless missing; the gap is partner-reported minus China-reported.\n\
                  --reporter news lists trade figures stated in ingested articles."
)]
pub struct TradeArgs {
    /// LAC partner, ISO 3166-1 alpha-3 (default: every LAC state)
    #[arg(long, value_name = "ISO3", value_parser = parse_country)]
    pub country: Option<String>,
    /// One year
    #[arg(long, value_name = "YEAR", value_parser = parse_year)]
    pub year: Option<i32>,
    /// year (all goods) or hs2 (HS chapters)
    #[arg(long, value_name = "LEVEL", value_parser = parse_trade_by, default_value = "year")]
    pub by: ruta_store::trade::TradeBy,
    /// china, partner, both (the mirror) or news
    #[arg(long, value_name = "WHO", value_parser = parse_reporter, default_value = "both")]
    pub reporter: ruta_store::trade::ReporterFilter,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ExtractFormat {
    #[default]
    Jsonl,
    Json,
    Table,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LangArg {
    #[default]
    Auto,
    En,
    Es,
    Pt,
}

impl LangArg {
    pub fn lang(self) -> Option<ruta_extract::Lang> {
        match self {
            LangArg::Auto => None,
            LangArg::En => Some(ruta_extract::Lang::En),
            LangArg::Es => Some(ruta_extract::Lang::Es),
            LangArg::Pt => Some(ruta_extract::Lang::Pt),
        }
    }
}

#[derive(Args, Debug)]
#[command(
    after_help = "Input: .txt, .html/.htm (markup, scripts and page furniture stripped), .jsonl (one article per\nline: text or html, optional url, title, date, lang, publisher), or directories (recursively).\n\nOutput (jsonl): one object per article {source, language, title, host, mentions}; every mention has\nkind, text and start/end, the byte offsets of text in the extracted text (the file itself\nfor .txt, minus a BOM; the page text for HTML; see --with-text). Money and quantity mentions\ncarry bound (at_least/at_most or null), a range amount_high/value_high, a unit price per_unit;\nevent mentions carry event_kind; project mentions rule and, when ambiguous, candidates; each\narticle its host country."
)]
pub struct ExtractArgs {
    /// Files or directories
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ExtractFormat::Jsonl)]
    pub format: ExtractFormat,
    /// Language of the articles
    #[arg(long, value_enum, default_value_t = LangArg::Auto)]
    pub lang: LangArg,
    /// Include the extracted text (the offsets refer to it)
    #[arg(long = "with-text")]
    pub with_text: bool,
}

#[derive(Subcommand, Debug)]
pub enum IngestWhat {
    /// News articles (.txt, .html, .jsonl, directories)
    News(IngestNewsArgs),
}

#[derive(Args, Debug)]
pub struct IngestArgs {
    #[command(subcommand)]
    pub what: IngestWhat,
}

#[derive(Args, Debug)]
pub struct IngestNewsArgs {
    /// Files or directories
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Language of the articles
    #[arg(long, value_enum, default_value_t = LangArg::Auto)]
    pub lang: LangArg,
    /// Publisher to record for articles that do not name one
    #[arg(long, value_name = "NAME")]
    pub publisher: Option<String>,
    /// Write a JSON report (counts and every file that could not be read)
    #[arg(long, value_name = "FILE.json")]
    pub report: Option<PathBuf>,
}

fn parse_evidence_kind(s: &str) -> Result<String, String> {
    match s {
        "money" | "quantity" | "percent" | "event" => Ok(s.to_string()),
        _ => Err(format!(
            "unknown figure kind '{s}'; accepted values: money, quantity, percent, event"
        )),
    }
}

#[derive(Args, Debug)]
pub struct EvidenceArgs {
    /// Full-text search over the sentences that state the figures
    #[arg(long, value_name = "TEXT")]
    pub q: Option<String>,
    /// Country the sentence names, ISO 3166-1 alpha-3
    #[arg(long, value_name = "ISO3", value_parser = parse_country)]
    pub country: Option<String>,
    /// money, quantity or percent; `event` lists the unattached events instead (as
    /// `ruta events --unattached` does)
    #[arg(long, value_name = "KIND", value_parser = parse_evidence_kind)]
    pub kind: Option<String>,
    /// Maximum rows
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: u32,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Opens http://ADDR/ : overview, map, projects, project pages with their evidence, countries,\norganizations. The API is read-only; POST /api/import exists only with --admin-token-file and\nneeds `Authorization: Bearer <token>`."
)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Open the database read-only (it must exist; the registry is not loaded)
    #[arg(long = "read-only")]
    pub read_only: bool,
    /// File holding the admin token that enables POST /api/import
    #[arg(long = "admin-token-file", value_name = "FILE")]
    pub admin_token_file: Option<PathBuf>,
    /// Compute every API response afresh (by default responses are kept until the
    /// database file changes)
    #[arg(long = "no-cache")]
    pub no_cache: bool,
}

#[derive(Args, Debug)]
pub struct DebtArgs {
    #[command(subcommand)]
    pub what: DebtWhat,
}

#[derive(Subcommand, Debug)]
pub enum DebtWhat {
    /// Debt-service schedules of counted loans: principal, interest and year-end
    /// outstanding per loan and year (nominal USD)
    Schedule(DebtScheduleArgs),
    /// Projected debt service by year, country or lender, beside what the World Bank's
    /// IDS reports was paid to China, and as a share of GDP
    Service(DebtServiceArgs),
    /// Counted loans with their terms, grant elements and schedule assumptions, or what
    /// they lack
    Loans(DebtLoansArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DisbursementArg {
    /// All at commitment (the view AidData's grant elements and IDS projections take)
    #[default]
    Full,
    /// Equal semiannual tranches over the grace period
    Linear,
}

fn parse_years_arg(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a number of years between 0 and 100")),
    }
}

fn parse_percent_arg(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a percent between 0 and 100")),
    }
}

/// Which loans and how to schedule them.
#[derive(Args, Debug, Clone)]
pub struct DebtCommon {
    /// Borrower country, ISO 3166-1 alpha-3 (e.g. ECU)
    #[arg(long, value_name = "ISO3", value_parser = parse_country)]
    pub country: Option<String>,
    /// One loan: any record id of its same-flow group (e.g. gcdf-54912)
    #[arg(long, value_name = "ID")]
    pub flow: Option<String>,
    /// When the face value is paid out
    #[arg(long, value_enum, default_value_t = DisbursementArg::Full)]
    pub disbursement: DisbursementArg,
    /// Maturity (years, grace included) to assume for loans stating none; each use is
    /// listed as an assumption (default: such loans are not scheduled)
    #[arg(long = "assume-maturity", value_name = "YEARS", value_parser = parse_years_arg)]
    pub assume_maturity: Option<f64>,
    /// Grace (years) to assume for loans stating none (default: 0, AidData's convention)
    #[arg(long = "assume-grace", value_name = "YEARS", value_parser = parse_years_arg)]
    pub assume_grace: Option<f64>,
    /// Interest rate (percent a year) to assume for loans stating none (default:
    /// principal only)
    #[arg(long = "assume-rate", value_name = "PERCENT", value_parser = parse_percent_arg)]
    pub assume_rate: Option<f64>,
}

impl DebtCommon {
    pub fn filter(&self) -> ruta_store::debt::DebtFilter {
        ruta_store::debt::DebtFilter {
            country: self.country.clone(),
            flow: self.flow.clone(),
        }
    }

    pub fn options(&self) -> ruta_store::debt::DebtOptions {
        ruta_store::debt::DebtOptions {
            disbursement: match self.disbursement {
                DisbursementArg::Full => ruta_debt::Disbursement::Full,
                DisbursementArg::Linear => ruta_debt::Disbursement::Linear,
            },
            assume: ruta_store::debt::Assume {
                maturity_years: self.assume_maturity,
                grace_years: self.assume_grace,
                interest_percent: self.assume_rate,
            },
        }
    }
}

#[derive(Args, Debug)]
#[command(
    after_help = "Counted loan flows only (each dollar once, as totals count it), with the terms of their\n\
                  same-flow group: equal principal, semiannual, from the first to the last repayment date\n\
                  (else commitment + grace to commitment + maturity), interest on the outstanding balance.\n\
                  --format json: [{flow_id, country, year, principal_usd, interest_usd, outstanding_usd, ...}],\n\
                  nominal US dollars, outstanding at year end. The table lists the loans lacking terms\n\
                  and every assumption made."
)]
pub struct DebtScheduleArgs {
    #[command(flatten)]
    pub common: DebtCommon,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_service_by(s: &str) -> Result<ruta_store::debt::ServiceBy, String> {
    ruta_store::debt::ServiceBy::parse(s).ok_or_else(|| {
        format!(
            "unknown dimension '{s}'; accepted values: {}",
            ruta_store::debt::ServiceBy::NAMES.join(", ")
        )
    })
}

#[derive(Args, Debug)]
#[command(
    after_help = "projected = principal + interest ruta's schedules put in the group (nominal USD);\n\
                  reported = principal + interest paid to China as the World Bank's IDS reports it (import\n\
                  it with `ruta import wb-ids FILE...`; its latest years are the Bank's projections, marked p);\n\
                  gap = projected - reported; gdp_share = projected as a percent of GDP.\n\
                  --format json: [{key, label, projected_usd, reported_usd, gap_usd, gdp_share, ...}]"
)]
pub struct DebtServiceArgs {
    #[command(flatten)]
    pub common: DebtCommon,
    /// Group by year, country or lender
    #[arg(long, value_name = "DIM", value_parser = parse_service_by, default_value = "year")]
    pub by: ruta_store::debt::ServiceBy,
    /// First year
    #[arg(long = "year-from", value_name = "YEAR", value_parser = parse_year)]
    pub year_from: Option<i32>,
    /// Last year
    #[arg(long = "year-to", value_name = "YEAR", value_parser = parse_year)]
    pub year_to: Option<i32>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct DebtLoansArgs {
    #[command(flatten)]
    pub common: DebtCommon,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_relation_kind(s: &str) -> Result<ruta_core::RelationKind, String> {
    s.parse()
        .map_err(|e: ruta_core::UnknownValue| e.to_string())
}

#[derive(Args, Debug)]
#[command(
    after_help = "Without a subcommand, `ruta link` links every flow in the database with every other the\nblocking rules propose, replaces what earlier runs proposed, and reports what it applied.\nImports link the records they write automatically.\n\nHow a pair is decided: a Fellegi-Sunter match weight (the sum of each comparison's log2(m/u)\nand a prior) is turned into a probability. From 0.99 the relation is applied (judgement\npositive) and totals count the flow once; from 0.2 it is a candidate for `ruta link review`.\nA person's decision (accept, reject) wins over the model, survives re-imports and re-runs,\nand `undo` gives the decision back to the model."
)]
pub struct LinkArgs {
    #[command(subcommand)]
    pub what: Option<LinkWhat>,
    /// Output of the run's report
    #[arg(long, value_enum, default_value_t = DetailFormat::Table)]
    pub format: DetailFormat,
}

#[derive(Subcommand, Debug)]
pub enum LinkWhat {
    /// List the linker's candidates (not yet decided by a person) with their evidence
    Review(LinkReviewArgs),
    /// Record that the relation between two records holds (wins over the model)
    Accept(LinkDecideArgs),
    /// Record that the relation between two records does not hold (wins over the model)
    Reject(LinkDecideArgs),
    /// Withdraw a person's decision on two records: the model's judgement applies again
    Undo(LinkDecideArgs),
    /// Show how the linker scores two records: the match-weight waterfall
    Explain(LinkPairArgs),
}

#[derive(Args, Debug)]
pub struct LinkReviewArgs {
    /// Only candidates of this kind (same_as, supersedes, finances …)
    #[arg(long, value_name = "KIND", value_parser = parse_relation_kind)]
    pub kind: Option<ruta_core::RelationKind>,
    /// Maximum candidates (0 = all)
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
    #[arg(long, value_enum, default_value_t = DetailFormat::Table)]
    pub format: DetailFormat,
}

#[derive(Args, Debug)]
pub struct LinkDecideArgs {
    /// One record id (for directed kinds: the loan, the newer release, the part)
    pub a: String,
    /// The other record id
    pub b: String,
    /// same_as, supersedes, finances, refinances, part_of, same_project (default: the
    /// kind the linker or another origin stated for the pair, else same_as)
    #[arg(long, value_name = "KIND", value_parser = parse_relation_kind)]
    pub kind: Option<ruta_core::RelationKind>,
    /// Who decides (recorded with the decision)
    #[arg(long, value_name = "NAME", env = "USER", default_value = "unknown")]
    pub by: String,
}

#[derive(Args, Debug)]
pub struct LinkPairArgs {
    pub a: String,
    pub b: String,
    #[arg(long, value_enum, default_value_t = DetailFormat::Table)]
    pub format: DetailFormat,
}
