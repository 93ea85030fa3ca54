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
    /// Show one project: every field, every claim with its source, every event
    Project(ProjectArgs),
    /// Totals of flows (constant 2021 USD) that honour include-in-aggregates
    Stats(StatsArgs),
    /// Import dataset files: gcdf, gcdf-adm, geojson, aei-cgit, bu-cgef
    Import(ImportArgs),
    /// Extract money, organizations, countries, quantities, dates and projects from news
    Extract(ExtractArgs),
    /// Store articles as sources and their figures and events as claims on projects
    Ingest(IngestArgs),
    /// Search figures from the news that no project could be linked to
    Evidence(EvidenceArgs),
    /// Serve the JSON API (OpenAPI at /api/openapi.json) and the dashboard
    Serve(ServeArgs),
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
    /// loan, grant, fdi, m_and_a, construction_contract, other
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
    #[arg(long, value_name = "ORDER", value_parser = parse_sort, default_value = "-amount")]
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

fn parse_by(s: &str) -> Result<ruta_store::query::StatsBy, String> {
    ruta_store::query::StatsBy::parse(s).ok_or_else(|| {
        format!(
            "unknown dimension '{s}'; accepted values: year, country, sector-group, flow-kind, lender"
        )
    })
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// Group by year, country, sector-group, flow-kind or lender
    #[arg(long, value_name = "DIM", value_parser = parse_by, default_value = "year")]
    pub by: ruta_store::query::StatsBy,
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
    after_help = "Kinds:\n  gcdf      AidData GCDF 3.0 (126 columns; CSV, or XLSX sheet GCDF_3.0), GeoGCDF input (17 columns), GCDF 2.0\n  gcdf-adm  AidData GCDF ADM1/ADM2 location CSVs (level from the file name: ...adm2... is ADM2)\n  geojson   GeoGCDF per-project GeoJSON (both property layouts)\n  aei-cgit  AEI China Global Investment Tracker (2025 investments layout, 2020 combined layout)\n  bu-cgef   Boston University China's Global Energy Finance\n\nEach file is imported in one transaction. Bad rows are reported (file:line: column: value: reason)\nand skipped; the exit code is 1 if any row was skipped or any file failed."
)]
pub struct ImportArgs {
    /// gcdf, gcdf-adm, geojson, aei-cgit or bu-cgef
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
        "money" | "quantity" | "percent" => Ok(s.to_string()),
        _ => Err(format!(
            "unknown figure kind '{s}'; accepted values: money, quantity, percent"
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
    /// money, quantity or percent
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
