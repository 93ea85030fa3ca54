//! Trade: goods exports and imports between China and each LAC state, as each side's
//! statistics state them (IMF DOTS, UN Comtrade) and as articles state them.
//!
//! Writing: importers hand typed [`TradeValue`]s to [`Writer::write_trade`]; each is one
//! row of `trade_values` with its source (a `sources` row: dataset, vintage, file) and
//! locator (line and column, or byte span). The same source stating the same value again
//! adds nothing; another vintage or another dataset is kept beside it.
//!
//! Reading: [`trade`] turns the stored values into rows seen from China — `export` is
//! China → the country, `import` is the country → China — for each reporter (China, or
//! the partner: the two sides of the mirror), with the gap between them, the value the
//! display rule shows and China's share of the country's trade where its totals are known.
//!
//! The rules, all pure functions of the stored values (tested without SQLite):
//! - **one reporter, several sources** ([`source_rank`]): UN Comtrade (the reporter's own
//!   customs submission) over IMF DOTS (which fills gaps with estimates) over articles;
//!   then the source imported last (a newer download of the same dataset is a newer
//!   vintage). Every source's value stays listed under `sources`.
//! - **all goods**: a value stated for all goods wins; else the sum of the chapters
//!   (`derived` says so).
//! - **the mirror** ([`shown_side`]): the importer's figure (CIF) unless missing — the
//!   practice of mirror statistics (IMF DOTS Guide; UN Comtrade's mirror-data notes):
//!   importers record origin more carefully because tariffs depend on it. For `export`
//!   (China → country) the country's imports from China; for `import` China's imports from
//!   the country; the exporter's figure (FOB) when the importer's is missing.
//! - **gap**: partner-reported minus China-reported, in USD and in percent of the
//!   China-reported value.
//! - **share**: the partner-reported value over the partner's reported trade with the
//!   world (partner `WLD`) in the same year and direction, in percent.

use crate::{Result, Writer};
use rusqlite::{Connection, params};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Dataset name of IMF Direction of Trade Statistics sources.
pub const DOTS: &str = "IMF DOTS";
/// Dataset name of UN Comtrade sources.
pub const COMTRADE: &str = "UN Comtrade";
/// Partner code of a reporter's trade with all partners.
pub const WORLD: &str = "WLD";

/// Direction of a value as its reporter states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Flow {
    /// The reporter's exports to the partner.
    Export,
    /// The reporter's imports from the partner.
    Import,
    /// Both directions (an article's "bilateral trade").
    Total,
}

impl Flow {
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Export => "export",
            Flow::Import => "import",
            Flow::Total => "total",
        }
    }

    pub fn parse(s: &str) -> Option<Flow> {
        Some(match s {
            "export" => Flow::Export,
            "import" => Flow::Import,
            "total" => Flow::Total,
            _ => return None,
        })
    }

    /// The other direction (a reporter's imports are its partner's exports).
    pub fn mirrored(self) -> Flow {
        match self {
            Flow::Export => Flow::Import,
            Flow::Import => Flow::Export,
            Flow::Total => Flow::Total,
        }
    }
}

/// What a value measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Nominal US dollars.
    ValueUsd,
    /// Percent of the country's exports (or imports) that go to (come from) China.
    SharePct,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::ValueUsd => "value_usd",
            Measure::SharePct => "share_pct",
        }
    }
}

/// How a value is priced at the border.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Valuation {
    /// Free on board: exports, at the exporter's border.
    Fob,
    /// Cost, insurance and freight: imports, at the importer's border.
    Cif,
}

impl Valuation {
    pub fn as_str(self) -> &'static str {
        match self {
            Valuation::Fob => "fob",
            Valuation::Cif => "cif",
        }
    }

    fn parse(s: &str) -> Option<Valuation> {
        match s {
            "fob" => Some(Valuation::Fob),
            "cif" => Some(Valuation::Cif),
            _ => None,
        }
    }
}

/// One value as one source states it: what importers produce and the store writes.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeValue {
    /// ISO3 of the reporting economy; None for an article's figure (then `flow` is seen
    /// from China).
    pub reporter: Option<String>,
    /// ISO3 of the counterpart, or [`WORLD`].
    pub partner: String,
    pub flow: Flow,
    pub year: i32,
    /// HS chapter, two digits; None = all goods.
    pub hs2: Option<String>,
    pub measure: Measure,
    /// Nominal USD (or percent, for [`Measure::SharePct`]).
    pub value: f64,
    pub valuation: Option<Valuation>,
    /// How the value was made when the source does not state it as such.
    pub derived: Option<String>,
    /// Where in the source ("line 12, column 2019").
    pub locator: String,
    /// Byte span in an article's text.
    pub span: Option<[usize; 2]>,
    /// The sentence that states it.
    pub quote: Option<String>,
    /// 0–1: 1 for dataset values.
    pub confidence: f64,
}

impl Writer<'_> {
    /// Stores one value of source `source_id` (see [`Writer::source_id`]). Returns false
    /// when the same source already states this value (nothing is written).
    pub fn write_trade(&mut self, source_id: i64, v: &TradeValue) -> Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO trade_values(reporter, partner, flow, year, hs2, measure, value, valuation,
                   derived, source_id, locator, span_start, span_end, quote, confidence, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?
            .execute(params![
                v.reporter,
                v.partner,
                v.flow.as_str(),
                v.year,
                v.hs2,
                v.measure.as_str(),
                v.value,
                v.valuation.map(Valuation::as_str),
                v.derived,
                source_id,
                v.locator,
                v.span.map(|s| s[0] as i64),
                v.span.map(|s| s[1] as i64),
                v.quote,
                v.confidence,
                crate::now(),
            ])?;
        Ok(n > 0)
    }
}

/// Which side's statistics to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReporterFilter {
    /// China's customs statistics.
    China,
    /// The LAC partner's statistics.
    Partner,
    /// Both sides of the mirror.
    #[default]
    Both,
    /// Figures stated in articles (reporter null).
    News,
}

impl ReporterFilter {
    pub const NAMES: &'static [&'static str] = &["china", "partner", "both", "news"];

    pub fn parse(s: &str) -> Option<ReporterFilter> {
        Some(match s {
            "china" => ReporterFilter::China,
            "partner" => ReporterFilter::Partner,
            "both" => ReporterFilter::Both,
            "news" => ReporterFilter::News,
            _ => return None,
        })
    }
}

/// The level of detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TradeBy {
    /// All goods, per year.
    #[default]
    Year,
    /// Per HS chapter and year.
    Hs2,
}

impl TradeBy {
    pub const NAMES: &'static [&'static str] = &["year", "hs2"];

    pub fn parse(s: &str) -> Option<TradeBy> {
        match s {
            "year" => Some(TradeBy::Year),
            "hs2" => Some(TradeBy::Hs2),
            _ => None,
        }
    }
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct TradeQuery {
    /// One LAC partner (ISO3); None = every LAC state.
    pub country: Option<String>,
    pub year: Option<i32>,
    pub by: TradeBy,
    pub reporter: ReporterFilter,
}

/// One source's statement of a row's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeSource {
    pub source_id: i64,
    /// "IMF DOTS", "UN Comtrade", or null for an article.
    pub dataset: Option<String>,
    /// The vintage (for imported files: the file's content fingerprint).
    pub version: Option<String>,
    /// The file name (datasets) or the article's title.
    pub file: Option<String>,
    pub url: Option<String>,
    /// Where in the source: "line 12, column 2019", "bytes 120-134".
    pub locator: String,
    /// What this source states (nominal USD, or percent for shares).
    pub value: f64,
    pub quote: Option<String>,
    /// Whether this source's value is the row's `value_usd`.
    pub used: bool,
}

/// One value seen from China, for one reporter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeRow {
    /// The LAC partner (ISO3).
    pub country: String,
    pub country_name: String,
    pub year: i32,
    /// `export` = China → the country; `import` = the country → China; `total` = both
    /// (articles only).
    pub flow: Flow,
    /// "CHN" or the partner's ISO3; null for a figure stated in an article.
    pub reporter: Option<String>,
    /// HS chapter; null for all goods.
    pub hs2: Option<String>,
    /// Nominal US dollars (null for a share stated in an article).
    pub value_usd: Option<f64>,
    /// fob (exporter-reported) or cif (importer-reported).
    pub valuation: Option<Valuation>,
    /// The other reporter's value for the same flow (the mirror).
    pub mirror_usd: Option<f64>,
    /// Partner-reported minus China-reported, USD.
    pub gap_usd: Option<f64>,
    /// `gap_usd` in percent of the China-reported value.
    pub gap_pct: Option<f64>,
    /// Whether the display rule shows this reporter's value for the flow.
    pub displayed: bool,
    /// Percent of the country's exports (flow import) or imports (flow export) that go to
    /// or come from China, from the partner's own figures; or as an article states it.
    pub share_pct: Option<f64>,
    /// How the value was made when no source states it as such ("sum of 95 HS chapters").
    pub derived: Option<String>,
    /// Every source of this value.
    pub sources: Vec<TradeSource>,
}

/// One stored value with its source, as read.
#[derive(Debug, Clone)]
struct Stored {
    reporter: Option<String>,
    partner: String,
    flow: Flow,
    year: i32,
    hs2: Option<String>,
    measure: String,
    value: f64,
    valuation: Option<Valuation>,
    derived: Option<String>,
    source: TradeSource,
}

/// Rank of a source for one reporter's value: higher wins (see the module docs).
pub fn source_rank(dataset: Option<&str>) -> u8 {
    match dataset {
        Some(COMTRADE) => 3,
        Some(DOTS) => 2,
        Some(_) => 1,
        None => 0,
    }
}

/// Which side of the mirror the display rule shows for a flow seen from China: the
/// importer's (China's for `import`, the partner's for `export`) unless missing.
pub fn shown_side(flow: Flow, china: Option<f64>, partner: Option<f64>) -> Option<Side> {
    let (importer, exporter, imp, exp) = match flow {
        Flow::Import => (Side::China, Side::Partner, china, partner),
        _ => (Side::Partner, Side::China, partner, china),
    };
    match (imp, exp) {
        (Some(_), _) => Some(importer),
        (None, Some(_)) => Some(exporter),
        _ => None,
    }
}

/// A side of the mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    China,
    Partner,
}

/// Row key: country, year, flow seen from China, HS chapter ("" = all goods), side.
type Key = (String, i32, Flow, String, Side);

fn read_stored(conn: &Connection, q: &TradeQuery) -> Result<Vec<Stored>> {
    let mut st = conn.prepare_cached(
        "SELECT t.reporter, t.partner, t.flow, t.year, t.hs2, t.measure, t.value, t.valuation, t.derived,
                t.source_id, s.dataset, s.dataset_version, COALESCE(s.record_id, s.title), s.url, t.locator, t.quote
         FROM trade_values t JOIN sources s ON s.id = t.source_id
         WHERE (?1 IS NULL OR t.year = ?1)
           AND (?2 IS NULL OR t.partner = ?2 OR t.reporter = ?2)
         ORDER BY t.source_id, t.id",
    )?;
    let rows = st.query_map(params![q.year, q.country], |r| {
        let flow: String = r.get(2)?;
        let valuation: Option<String> = r.get(7)?;
        Ok(Stored {
            reporter: r.get(0)?,
            partner: r.get(1)?,
            flow: Flow::parse(&flow).unwrap_or(Flow::Total),
            year: r.get(3)?,
            hs2: r.get(4)?,
            measure: r.get(5)?,
            value: r.get(6)?,
            valuation: valuation.as_deref().and_then(Valuation::parse),
            derived: r.get(8)?,
            source: TradeSource {
                source_id: r.get(9)?,
                dataset: r.get(10)?,
                version: r.get(11)?,
                file: r.get(12)?,
                url: r.get(13)?,
                locator: r.get(14)?,
                value: r.get(6)?,
                quote: r.get(15)?,
                used: false,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Whether `iso3` is a partner the query covers.
fn wanted(q: &TradeQuery, iso3: &str) -> bool {
    match &q.country {
        Some(c) => c == iso3,
        None => ruta_core::country::is_lac(iso3),
    }
}

/// The value a rule picks, its valuation and derivation, and every source.
type Picked = (f64, Option<Valuation>, Option<String>, Vec<TradeSource>);

/// Candidates for one value, best first after [`Candidates::pick`].
#[derive(Debug, Clone, Default)]
struct Candidates {
    list: Vec<(Stored, u8)>,
}

impl Candidates {
    fn push(&mut self, s: Stored) {
        let rank = source_rank(s.source.dataset.as_deref());
        self.list.push((s, rank));
    }

    /// The value the rule picks, with every source (the picked one marked `used`).
    fn pick(mut self) -> Option<Picked> {
        self.list.sort_by(|(a, ra), (b, rb)| {
            rb.cmp(ra).then(b.source.source_id.cmp(&a.source.source_id))
        });
        let (best, _) = self.list.first()?;
        let (value, valuation, derived) = (best.value, best.valuation, best.derived.clone());
        let sources = self
            .list
            .into_iter()
            .enumerate()
            .map(|(i, (s, _))| TradeSource {
                used: i == 0,
                ..s.source
            })
            .collect();
        Some((value, valuation, derived, sources))
    }
}

/// Rows of trade between China and LAC states (or one state), seen from China.
pub fn trade(conn: &Connection, q: &TradeQuery) -> Result<Vec<TradeRow>> {
    let stored = read_stored(conn, q)?;
    if q.reporter == ReporterFilter::News {
        return Ok(news_rows(q, stored));
    }
    // Both sides, every level; world totals of the partners for shares.
    let mut cands: BTreeMap<Key, Candidates> = BTreeMap::new();
    let mut world: BTreeMap<(String, i32, Flow), Candidates> = BTreeMap::new();
    for s in stored {
        if s.measure != Measure::ValueUsd.as_str() || s.flow == Flow::Total {
            continue;
        }
        let Some(reporter) = s.reporter.clone() else {
            continue;
        };
        let hs = s.hs2.clone().unwrap_or_default();
        if reporter == "CHN" && wanted(q, &s.partner) {
            let key = (s.partner.clone(), s.year, s.flow, hs, Side::China);
            cands.entry(key).or_default().push(s);
        } else if s.partner == "CHN" && wanted(q, &reporter) {
            let key = (reporter, s.year, s.flow.mirrored(), hs, Side::Partner);
            cands.entry(key).or_default().push(s);
        } else if s.partner == WORLD && wanted(q, &reporter) && s.hs2.is_none() {
            world.entry((reporter, s.year, s.flow)).or_default().push(s);
        }
    }
    let mut picked: BTreeMap<Key, TradeRow> = BTreeMap::new();
    for (key, c) in cands {
        let Some((value, valuation, derived, sources)) = c.pick() else {
            continue;
        };
        picked.insert(
            key.clone(),
            row_of(&key, value, valuation, derived, sources),
        );
    }
    // All goods: a stated value, else the sum of the chapters.
    let mut sums: BTreeMap<Key, (f64, usize, Vec<TradeSource>)> = BTreeMap::new();
    for (key, row) in &picked {
        if key.3.is_empty() {
            continue;
        }
        let total = (key.0.clone(), key.1, key.2, String::new(), key.4);
        let e = sums.entry(total).or_insert((0.0, 0, Vec::new()));
        e.0 += row.value_usd.unwrap_or(0.0);
        e.1 += 1;
        e.2.extend(row.sources.iter().filter(|s| s.used).cloned());
    }
    for (key, (sum, n, chapter_sources)) in sums {
        if picked.contains_key(&key) {
            continue;
        }
        // One entry per source: the sum of its chapters and how many there are.
        let mut sources: Vec<(TradeSource, usize)> = Vec::new();
        for s in chapter_sources {
            match sources.iter_mut().find(|(t, _)| t.source_id == s.source_id) {
                Some((t, k)) => {
                    t.value += s.value;
                    *k += 1;
                }
                None => sources.push((s, 1)),
            }
        }
        let sources: Vec<TradeSource> = sources
            .into_iter()
            .map(|(s, k)| TradeSource {
                locator: format!("{k} HS chapter row{}", if k == 1 { "" } else { "s" }),
                quote: None,
                ..s
            })
            .collect();
        let valuation = match (key.2, key.4) {
            (Flow::Export, Side::China) | (Flow::Import, Side::Partner) => Some(Valuation::Fob),
            _ => Some(Valuation::Cif),
        };
        let derived = Some(format!(
            "sum of {n} HS chapter{}",
            if n == 1 { "" } else { "s" }
        ));
        picked.insert(key.clone(), row_of(&key, sum, valuation, derived, sources));
    }
    let world: HashMap<(String, i32, Flow), f64> = world
        .into_iter()
        .filter_map(|(k, c)| c.pick().map(|(v, ..)| (k, v)))
        .collect();
    // The mirror, the display rule and shares.
    let values: HashMap<Key, f64> = picked
        .iter()
        .filter_map(|(k, r)| r.value_usd.map(|v| (k.clone(), v)))
        .collect();
    let mut out = Vec::new();
    for (key, mut row) in picked {
        if (q.by == TradeBy::Year) != key.3.is_empty() {
            continue;
        }
        let side = key.4;
        if (q.reporter == ReporterFilter::China && side != Side::China)
            || (q.reporter == ReporterFilter::Partner && side != Side::Partner)
        {
            continue;
        }
        let other = match side {
            Side::China => Side::Partner,
            Side::Partner => Side::China,
        };
        let mirror_key = (key.0.clone(), key.1, key.2, key.3.clone(), other);
        let mirror = values.get(&mirror_key).copied();
        let (china, partner) = match side {
            Side::China => (row.value_usd, mirror),
            Side::Partner => (mirror, row.value_usd),
        };
        row.mirror_usd = mirror;
        if let (Some(c), Some(p)) = (china, partner) {
            row.gap_usd = Some(p - c);
            row.gap_pct = (c != 0.0).then(|| (p - c) / c * 100.0);
        }
        row.displayed = shown_side(key.2, china, partner) == Some(side);
        if side == Side::Partner && key.3.is_empty() {
            // The partner's imports from China over its imports from the world, and so on.
            let own_flow = key.2.mirrored();
            if let (Some(v), Some(w)) = (
                row.value_usd,
                world.get(&(key.0.clone(), key.1, own_flow)).copied(),
            ) && w > 0.0
            {
                row.share_pct = Some(v / w * 100.0);
            }
        }
        out.push(row);
    }
    Ok(out)
}

fn row_of(
    key: &Key,
    value: f64,
    valuation: Option<Valuation>,
    derived: Option<String>,
    sources: Vec<TradeSource>,
) -> TradeRow {
    TradeRow {
        country: key.0.clone(),
        country_name: country_name(&key.0),
        year: key.1,
        flow: key.2,
        reporter: Some(match key.4 {
            Side::China => "CHN".to_string(),
            Side::Partner => key.0.clone(),
        }),
        hs2: (!key.3.is_empty()).then(|| key.3.clone()),
        value_usd: Some(value),
        valuation,
        mirror_usd: None,
        gap_usd: None,
        gap_pct: None,
        displayed: false,
        share_pct: None,
        derived,
        sources,
    }
}

fn country_name(iso3: &str) -> String {
    ruta_core::country::by_iso3(iso3)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| iso3.to_string())
}

/// Figures stated in articles, one row per country, year, flow and measure.
fn news_rows(q: &TradeQuery, stored: Vec<Stored>) -> Vec<TradeRow> {
    let mut groups: BTreeMap<(String, i32, Flow, String), Vec<Stored>> = BTreeMap::new();
    for s in stored {
        if s.reporter.is_some() || !wanted(q, &s.partner) {
            continue;
        }
        if q.by == TradeBy::Hs2 && s.hs2.is_none() {
            continue;
        }
        groups
            .entry((s.partner.clone(), s.year, s.flow, s.measure.clone()))
            .or_default()
            .push(s);
    }
    let mut out = Vec::new();
    for ((country, year, flow, measure), list) in groups {
        let value = list[0].value;
        let sources: Vec<TradeSource> = list
            .into_iter()
            .enumerate()
            .map(|(i, s)| TradeSource {
                used: i == 0,
                ..s.source
            })
            .collect();
        let share = measure == Measure::SharePct.as_str();
        out.push(TradeRow {
            country_name: country_name(&country),
            country,
            year,
            flow,
            reporter: None,
            hs2: None,
            value_usd: (!share).then_some(value),
            valuation: None,
            mirror_usd: None,
            gap_usd: None,
            gap_pct: None,
            displayed: false,
            share_pct: share.then_some(value),
            derived: None,
            sources,
        });
    }
    out
}

/// China–LAC trade per year: the displayed values summed over the LAC states.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeYear {
    pub year: i32,
    /// China → LAC, nominal USD.
    pub export_usd: f64,
    /// LAC → China, nominal USD.
    pub import_usd: f64,
    /// LAC states with a value in this year.
    pub countries: usize,
}

/// Sums the displayed all-goods values of `rows` per year (rows as [`trade`] returns them
/// with `by = year`): what the imported files say of China–LAC trade, and how many states
/// they cover.
pub fn totals_by_year(rows: &[TradeRow]) -> Vec<TradeYear> {
    let mut by: BTreeMap<i32, (f64, f64, std::collections::BTreeSet<String>)> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.displayed && r.hs2.is_none() && r.reporter.is_some())
    {
        let e = by.entry(r.year).or_default();
        let v = r.value_usd.unwrap_or(0.0);
        match r.flow {
            Flow::Export => e.0 += v,
            Flow::Import => e.1 += v,
            Flow::Total => continue,
        }
        e.2.insert(r.country.clone());
    }
    by.into_iter()
        .map(|(year, (x, m, c))| TradeYear {
            year,
            export_usd: x,
            import_usd: m,
            countries: c.len(),
        })
        .collect()
}

/// One LAC state's trade with China in one year: the displayed all-goods values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeCountry {
    /// ISO3.
    pub country: String,
    pub country_name: String,
    /// The year asked for, or the latest year with a value for the country.
    pub year: i32,
    /// China → the country, nominal USD; null when no file states it.
    pub export_usd: Option<f64>,
    /// The country → China, nominal USD; null when no file states it.
    pub import_usd: Option<f64>,
}

/// Per country, the displayed all-goods values of its latest year with any (rows as
/// [`trade`] returns them with `by = year`; pass rows of one year for that year).
pub fn latest_by_country(rows: &[TradeRow]) -> Vec<TradeCountry> {
    let mut by: BTreeMap<String, TradeCountry> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.displayed && r.hs2.is_none() && r.reporter.is_some())
    {
        let e = by.entry(r.country.clone()).or_insert_with(|| TradeCountry {
            country: r.country.clone(),
            country_name: r.country_name.clone(),
            year: r.year,
            export_usd: None,
            import_usd: None,
        });
        if r.year > e.year {
            e.year = r.year;
            e.export_usd = None;
            e.import_usd = None;
        }
        if r.year < e.year {
            continue;
        }
        match r.flow {
            Flow::Export => e.export_usd = r.value_usd,
            Flow::Import => e.import_usd = r.value_usd,
            Flow::Total => {}
        }
    }
    by.into_values().collect()
}

/// Number of stored trade values (all sources).
pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM trade_values", [], |r| r.get(0))?;
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use ruta_core::SourceKind;
    use ruta_core::model::Source;

    fn source(dataset: &str, file: &str) -> Source {
        Source {
            kind: SourceKind::DatasetRecord,
            title: Some(format!("{dataset} {file}")),
            publisher: None,
            url: None,
            date: None,
            language: None,
            dataset: Some(dataset.into()),
            dataset_version: Some("v1".into()),
            record_id: Some(file.into()),
            note: None,
            file: Some(file.into()),
            sheet: None,
            line: None,
        }
    }

    fn value(
        reporter: &str,
        partner: &str,
        flow: Flow,
        year: i32,
        hs2: Option<&str>,
        v: f64,
    ) -> TradeValue {
        TradeValue {
            reporter: Some(reporter.into()),
            partner: partner.into(),
            flow,
            year,
            hs2: hs2.map(str::to_string),
            measure: Measure::ValueUsd,
            value: v,
            valuation: Some(if flow == Flow::Export {
                Valuation::Fob
            } else {
                Valuation::Cif
            }),
            derived: None,
            locator: "line 2".into(),
            span: None,
            quote: None,
            confidence: 1.0,
        }
    }

    #[test]
    fn mirror_gap_display_rule_and_share() {
        let mut store = Store::open_in_memory().unwrap();
        let mut w = store.writer().unwrap();
        let dots = w.source_id(&source(DOTS, "dots.csv")).unwrap();
        let ct = w.source_id(&source(COMTRADE, "ct.csv")).unwrap();
        // China's exports to Brazil (FOB) vs Brazil's imports from China (CIF).
        assert!(
            w.write_trade(dots, &value("CHN", "BRA", Flow::Export, 2019, None, 35.0))
                .unwrap()
        );
        assert!(
            !w.write_trade(dots, &value("CHN", "BRA", Flow::Export, 2019, None, 35.0))
                .unwrap()
        );
        w.write_trade(dots, &value("BRA", "CHN", Flow::Import, 2019, None, 37.0))
            .unwrap();
        // China's imports from Brazil: DOTS and Comtrade disagree; Comtrade ranks first.
        w.write_trade(dots, &value("CHN", "BRA", Flow::Import, 2019, None, 79.2))
            .unwrap();
        w.write_trade(ct, &value("CHN", "BRA", Flow::Import, 2019, None, 79.9))
            .unwrap();
        w.write_trade(dots, &value("BRA", "CHN", Flow::Export, 2019, None, 62.0))
            .unwrap();
        w.write_trade(dots, &value("BRA", WORLD, Flow::Export, 2019, None, 248.0))
            .unwrap();
        // Chapters only, another year: the total is their sum.
        w.write_trade(
            ct,
            &value("CHN", "BRA", Flow::Import, 2020, Some("12"), 20.0),
        )
        .unwrap();
        w.write_trade(
            ct,
            &value("CHN", "BRA", Flow::Import, 2020, Some("26"), 10.0),
        )
        .unwrap();
        w.commit().unwrap();

        let q = TradeQuery {
            country: Some("BRA".into()),
            ..TradeQuery::default()
        };
        let rows = trade(store.conn(), &q).unwrap();
        let find = |year: i32, flow: Flow, rep: &str| {
            rows.iter()
                .find(|r| r.year == year && r.flow == flow && r.reporter.as_deref() == Some(rep))
                .unwrap_or_else(|| panic!("{year} {flow:?} {rep}"))
        };
        let x = find(2019, Flow::Export, "CHN");
        assert_eq!(x.value_usd, Some(35.0));
        assert_eq!(x.mirror_usd, Some(37.0));
        assert_eq!(x.gap_usd, Some(2.0));
        assert!(!x.displayed, "the importer's (Brazil's) figure is shown");
        assert!(find(2019, Flow::Export, "BRA").displayed);
        let m = find(2019, Flow::Import, "CHN");
        assert_eq!(m.value_usd, Some(79.9));
        assert!(m.displayed);
        assert_eq!(m.sources.len(), 2);
        assert!(m.sources[0].used && m.sources[0].dataset.as_deref() == Some(COMTRADE));
        let share = find(2019, Flow::Import, "BRA").share_pct.unwrap();
        assert!((share - 62.0 / 248.0 * 100.0).abs() < 1e-9);
        let derived = find(2020, Flow::Import, "CHN");
        assert_eq!(derived.value_usd, Some(30.0));
        assert_eq!(derived.derived.as_deref(), Some("sum of 2 HS chapters"));
        assert_eq!(derived.sources.len(), 1);
        assert_eq!(derived.sources[0].locator, "2 HS chapter rows");
        assert_eq!(derived.sources[0].value, 30.0);

        let chapters = trade(
            store.conn(),
            &TradeQuery {
                by: TradeBy::Hs2,
                reporter: ReporterFilter::China,
                ..q.clone()
            },
        )
        .unwrap();
        assert_eq!(chapters.len(), 2);
        assert!(chapters.iter().all(|r| r.hs2.is_some()));

        let totals = totals_by_year(&rows);
        assert_eq!(totals[0].year, 2019);
        assert_eq!(totals[0].export_usd, 37.0);
        assert_eq!(totals[0].import_usd, 79.9);
        assert_eq!(count(store.conn()).unwrap(), 8);
    }

    #[test]
    fn importer_unless_missing() {
        assert_eq!(
            shown_side(Flow::Export, Some(1.0), Some(2.0)),
            Some(Side::Partner)
        );
        assert_eq!(shown_side(Flow::Export, Some(1.0), None), Some(Side::China));
        assert_eq!(
            shown_side(Flow::Import, Some(1.0), Some(2.0)),
            Some(Side::China)
        );
        assert_eq!(
            shown_side(Flow::Import, None, Some(2.0)),
            Some(Side::Partner)
        );
        assert_eq!(shown_side(Flow::Import, None, None), None);
        assert!(source_rank(Some(COMTRADE)) > source_rank(Some(DOTS)));
        assert!(source_rank(Some(DOTS)) > source_rank(None));
    }
}
