//! ruta-extract: news text in, mentions out.
//!
//! [`extract`] finds, in English, Spanish or Portuguese text, money (with currency,
//! USD conversion, approximation, what the figure is, a range's high end, a bound and a
//! unit price's unit), organizations (ruta's gazetteer, or a best-effort name), countries
//! (ISO3), quantities with units (ranges and bounds too), percents, dates, registry
//! projects (with the rule that recognised each, or the candidates when the words fit
//! several) and events in ruta's vocabulary — each with the exact substring and its byte
//! span in the text; [`document`] adds the article's host country. [`input`] reads TXT,
//! HTML and JSONL articles.
//!
//! The extractor never reads the database: it knows organizations from `ruta_core` and
//! projects from `ruta_registry`. Linking mentions to stored projects is
//! `ruta_ingest::news`; what it needs from the text (event words, project candidates,
//! [`projects::refers_back`], [`host_country`]) lives here.

pub mod dates;
pub mod eval;
pub mod events;
pub mod figures;
pub mod html;
pub mod input;
pub mod lang;
pub mod names;
pub mod numerals;
pub mod projects;
mod scan;
pub mod segment;

pub use input::{Article, ArticleError};
pub use lang::Lang;

use serde::Serialize;
use std::collections::BTreeMap;

/// Compiles one of the extractor's patterns. The lazy DFA gets room to keep its states:
/// with the default cache, large case-insensitive alternations thrash it and every search
/// falls back to the slow NFA simulation (ten times slower on news text).
pub(crate) fn pattern(p: &str) -> regex::Regex {
    regex::RegexBuilder::new(p)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .unwrap_or_else(|e| panic!("extractor pattern does not compile: {e}"))
}

/// What a mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Money,
    Organization,
    Country,
    Quantity,
    Percent,
    Date,
    Project,
    Event,
}

/// The kind-specific part of a mention.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Detail {
    Money {
        /// In units of `currency`; the low end of a range.
        amount: f64,
        /// The high end of a range ("entre 2.000 y 3.000 millones"); absent otherwise.
        #[serde(skip_serializing_if = "Option::is_none")]
        amount_high: Option<f64>,
        /// ISO 4217; null when the text does not say.
        currency: Option<String>,
        /// Nominal US dollars at the article year's exchange rate (ruta's table), when
        /// the currency is known.
        usd: Option<f64>,
        /// `usd` of the high end of a range.
        #[serde(skip_serializing_if = "Option::is_none")]
        usd_high: Option<f64>,
        approx: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        qualifier: Option<String>,
        /// "at_least" ("more than", "más de", "mais de") or "at_most" ("up to", "hasta",
        /// "até"); null otherwise.
        bound: Option<figures::Bound>,
        /// For a unit price ("US$ 78.000 por tonelada", "$65 a barrel"): the unit
        /// ("tonne", "barrel", "MWh", "year" …); absent otherwise. A unit price is never a
        /// project's amount.
        #[serde(skip_serializing_if = "Option::is_none")]
        per_unit: Option<String>,
    },
    Organization {
        /// Gazetteer id; null for an organization ruta does not know.
        id: Option<String>,
        name: String,
    },
    Country {
        iso3: String,
    },
    Quantity {
        /// The value, or the low end of a range.
        value: f64,
        /// The high end of a range ("entre 40.000 y 80.000 toneladas"); absent otherwise.
        #[serde(skip_serializing_if = "Option::is_none")]
        value_high: Option<f64>,
        unit: String,
        /// "at_least" or "at_most"; null otherwise.
        bound: Option<figures::Bound>,
    },
    Percent {
        value: f64,
    },
    Date {
        /// YYYY-MM-DD, YYYY-MM or YYYY.
        value: String,
    },
    Project {
        /// The registry project; null when the words fit several (then `candidates`).
        project_id: Option<String>,
        /// The project's name (the matched text when ambiguous).
        name: String,
        /// How it was recognised: "name", "pattern", "partial", "component" or
        /// "place_type" (see [`projects`]).
        rule: projects::Rule,
        /// Every registry project the words fit, when more than one; absent otherwise.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        candidates: Vec<String>,
    },
    Event {
        /// ruta's event vocabulary: corruption, protest, labour_abuse,
        /// environmental_harm, structural_defect, delay_cost_overrun, arbitration,
        /// debt_distress, cancellation, inauguration, milestone.
        event_kind: ruta_core::EventKind,
    },
}

/// One thing the text names, with the exact substring and its byte span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    pub kind: Kind,
    pub text: String,
    /// Byte offsets into the extracted text: `text == doc_text[start..end]`.
    pub start: usize,
    pub end: usize,
    #[serde(flatten)]
    pub detail: Detail,
}

/// An article with its mentions.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub source: String,
    pub language: Lang,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The article's host country (ISO3; see [`host_country`]): the Latin American or
    /// Caribbean country it names most, never China; null when it names none.
    pub host: Option<String>,
    pub mentions: Vec<Mention>,
    /// The text the offsets refer to (printed only when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The host country of an article (ISO3): the Latin American or Caribbean country its
/// country mentions name most, the first named on a tie. China (and every country outside
/// the region) is never the host: "Chinese" names the financier's side.
pub fn host_country(countries: &[names::NameMatch]) -> Option<&str> {
    let mut n: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, c) in countries.iter().enumerate() {
        if let Some(id) = c.id.as_deref()
            && ruta_core::country::is_lac(id)
        {
            let e = n.entry(id).or_insert((0, i));
            e.0 += 1;
        }
    }
    n.into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(id, _)| id)
}

/// The currency a bare "$" or "pesos" means: the peso of the article's host country, when
/// that country uses pesos.
fn local_peso(countries: &[names::NameMatch]) -> Option<&'static str> {
    match host_country(countries)? {
        "COL" => Some("COP"),
        "MEX" => Some("MXN"),
        "ARG" => Some("ARS"),
        "CHL" => Some("CLP"),
        "DOM" => Some("DOP"),
        "URY" => Some("UYU"),
        "CUB" => Some("CUP"),
        _ => None,
    }
}

/// Every mention in `text`, sorted by position. `year` is the article's year, for
/// converting money to US dollars (ruta's latest table year when unknown).
pub fn extract(text: &str, lang: Lang, year: Option<i32>) -> Vec<Mention> {
    extract_with_host(text, lang, year).0
}

/// [`extract`], and the text's host country ([`host_country`]).
pub fn extract_with_host(
    text: &str,
    lang: Lang,
    year: Option<i32>,
) -> (Vec<Mention>, Option<String>) {
    let mut out: Vec<Mention> = Vec::new();
    let slice = |s: usize, e: usize| text[s..e].to_string();
    let hits = scan::scan(text);
    let countries = names::find_countries_in(text, &hits);
    let peso = local_peso(&countries);
    let year = year.unwrap_or(ruta_core::money::fx_years().1);
    let host = host_country(&countries).map(str::to_string);
    let figures = figures::find_scanned(text, lang, peso, host.as_deref(), &hits);
    let mut taken: Vec<(usize, usize)> = Vec::with_capacity(figures.len());
    for f in &figures {
        taken.push((f.start, f.end));
        let detail = match &f.kind {
            figures::FigureKind::Money {
                currency,
                approx,
                qualifier,
            } => {
                let usd = |v: f64| {
                    currency
                        .as_deref()
                        .and_then(|c| ruta_core::money::Money::derive(v, c, Some(year)).usd_nominal)
                };
                Detail::Money {
                    amount: f.value,
                    amount_high: f.high,
                    usd: usd(f.value),
                    usd_high: f.high.and_then(usd),
                    currency: currency.clone(),
                    approx: *approx,
                    qualifier: qualifier.clone(),
                    bound: f.bound,
                    per_unit: f.per_unit.clone(),
                }
            }
            figures::FigureKind::Quantity { unit } => Detail::Quantity {
                value: f.value,
                value_high: f.high,
                unit: unit.clone(),
                bound: f.bound,
            },
            figures::FigureKind::Percent => Detail::Percent { value: f.value },
        };
        let kind = match f.kind {
            figures::FigureKind::Money { .. } => Kind::Money,
            figures::FigureKind::Quantity { .. } => Kind::Quantity,
            figures::FigureKind::Percent => Kind::Percent,
        };
        out.push(Mention {
            kind,
            text: slice(f.start, f.end),
            start: f.start,
            end: f.end,
            detail,
        });
    }
    for d in dates::find(text, lang, &taken) {
        out.push(Mention {
            kind: Kind::Date,
            text: slice(d.start, d.end),
            start: d.start,
            end: d.end,
            detail: Detail::Date { value: d.value },
        });
    }
    for o in names::find_organizations_in(text, &hits) {
        out.push(Mention {
            kind: Kind::Organization,
            text: slice(o.start, o.end),
            start: o.start,
            end: o.end,
            detail: Detail::Organization {
                id: o.id,
                name: o.name,
            },
        });
    }
    for p in projects::find_in(text, &countries, &hits) {
        out.push(Mention {
            kind: Kind::Project,
            text: slice(p.start, p.end),
            start: p.start,
            end: p.end,
            detail: Detail::Project {
                project_id: p.id,
                name: p.name,
                rule: p.rule,
                candidates: p.candidates,
            },
        });
    }
    for e in events::find_in(text, lang, &hits) {
        out.push(Mention {
            kind: Kind::Event,
            text: slice(e.start, e.end),
            start: e.start,
            end: e.end,
            detail: Detail::Event { event_kind: e.kind },
        });
    }
    // A place inside an organization's name ("Bank of China", "Metro de Bogotá") or a
    // currency ("US $") is part of that name, not a country mention.
    let inside: Vec<(usize, usize)> = out
        .iter()
        .filter(|m| matches!(m.kind, Kind::Organization | Kind::Money))
        .map(|m| (m.start, m.end))
        .collect();
    for c in countries {
        if inside.iter().any(|&(s, e)| c.start >= s && c.end <= e) {
            continue;
        }
        out.push(Mention {
            kind: Kind::Country,
            text: slice(c.start, c.end),
            start: c.start,
            end: c.end,
            detail: Detail::Country {
                iso3: c.id.unwrap_or_default(),
            },
        });
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then(a.kind.cmp(&b.kind)));
    (out, host)
}

/// Extracts an article: detects its language unless given, and its year from its date.
pub fn document(a: &Article, lang: Option<Lang>, with_text: bool) -> Document {
    let language = lang.or(a.lang).unwrap_or_else(|| lang::detect(&a.text));
    let year = a.date.as_deref().and_then(|d| d.get(..4)?.parse().ok());
    let (mentions, host) = extract_with_host(&a.text, language, year);
    Document {
        source: a.source.clone(),
        language,
        title: a.title.clone(),
        date: a.date.clone(),
        byline: a.byline.clone(),
        url: a.url.clone(),
        host,
        mentions,
        text: with_text.then(|| a.text.clone()),
    }
}
