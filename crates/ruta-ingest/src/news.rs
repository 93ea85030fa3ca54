//! News ingestion: articles in, sources, claims, events and unattached evidence out.
//!
//! Each article becomes a Source (an article the registry already cites, recognised by
//! its title, is the same source). `ruta_extract` finds its mentions; the linker below
//! decides which project each figure and each reported problem is about:
//!
//! 1. a project named in the same sentence (the nearest one before the figure, else
//!    after it) — confidence 0.8, or 0.6 when the sentence names several projects;
//! 2. else, when the sentence refers back ("the dam", "el proyecto", "It's a … project")
//!    to a project named in one of the two previous sentences of the same paragraph —
//!    confidence 0.6;
//! 3. else, when the sentence names organizations and exactly one country, and exactly
//!    one registry project has one of those organizations as a party in that country —
//!    confidence 0.5.
//!
//! Linked money becomes an `amount` claim (a `money` claim when the words say it is
//! debt, trade or compensation), quantities `quantity` claims and percents (same
//! sentence only) `percent` claims, each with the sentence as quote and its byte span
//! as locator. Sentences reporting implementation problems or milestones become events
//! (an event of the same kind and year on the project gains the article as a source).
//! Figures linked to nothing are kept as unattached evidence, searchable by their
//! sentence. The claims' unique key (project, field, source, value) and the evidence key
//! (source, value, sentence) make repeated paragraphs and re-ingestion add nothing.

use crate::registry::{RegistryLoadError, ensure_loaded};
use regex::Regex;
use ruta_core::model::{Claim, ClaimValue, Source};
use ruta_core::money::Money;
use ruta_core::{EventKind, SourceKind};
use ruta_extract::segment::{Sentence, sentence_at, sentences};
use ruta_extract::{Article, Detail, Kind, Lang, Mention};
use ruta_store::evidence::Unattached;
use ruta_store::{Store, StoreError, Writer};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// Why ingestion failed (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum NewsError {
    #[error(transparent)]
    Registry(#[from] RegistryLoadError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What ingesting a batch of articles did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewsReport {
    pub articles: usize,
    pub new_sources: usize,
    /// New claims.
    pub claims: usize,
    /// New event reports (an event gaining a source counts).
    pub events: usize,
    /// Projects that gained a claim or event report.
    pub projects: usize,
    /// New unattached figures.
    pub evidence: usize,
}

/// Money below this many US dollars is not a project's amount (wages, fares, prices).
const MIN_PROJECT_USD: f64 = 100_000.0;

/// Longest quote kept, in bytes (a sentence longer than this is cut at a char boundary).
const MAX_QUOTE: usize = 1200;

/// How far (bytes) from an event word a date may be to be that event's date.
const DATE_REACH: usize = 80;

struct Patterns {
    anaphor: Regex,
    pronoun: Regex,
    events: Vec<(EventKind, Regex)>,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let nouns = "project|port|megaport|dam|plant|power plant|factory|mine|metro|subway|line|railway|railroad|train|highway|motorway|road|airport|harbou?r|park|cable|loan|facility|station|terminal|deal|works|bridge|hospital|complex|refinery|stadium|\
                     proyecto|puerto|megapuerto|represa|central|hidroeléctrica|planta|fábrica|mina|línea|ferrocarril|tren|carretera|autopista|aeropuerto|obra|obras|préstamo|crédito|puente|parque|cable|refinería|\
                     projeto|porto|megaporto|usina|barragem|hidrelétrica|linha|ferrovia|trem|rodovia|aeroporto|empréstimo|ponte|cabo|refinaria";
        let det = "the|this|that|its|a|an|el|la|este|esta|ese|esa|dicho|dicha|o|a|esse|essa|aquele|aquela|um|uma|un|una";
        let anaphor = Regex::new(&format!(r"(?i)\b(?:{det})\s+(?:\S+\s+){{0,4}}?(?:{nouns})\b")).unwrap_or_else(|e| panic!("anaphor pattern: {e}"));
        let pronoun = Regex::new(r"(?i)^\W*(?:it|its|it['’]s|this|they|there|ello|él|ella|ele|ela|isso|esto)\b").unwrap_or_else(|e| panic!("pronoun pattern: {e}"));
        let ev = |k: EventKind, re: &str| (k, Regex::new(&format!("(?i)\\b(?:{re})")).unwrap_or_else(|e| panic!("{k} pattern: {e}")));
        let events = vec![
            ev(EventKind::Corruption, r"brib\w*|kickbacks?\b|corrupt\w*|soborn\w*|coimas?\b|corrupc\w*|corrupç\w*|propinas?\b|suborn\w*|money laundering|lavado de (?:dinero|activos)|lavagem de dinheiro"),
            ev(EventKind::StructuralDefect, r"cracks?\b|cracked\b|fissures?\b|fisuras?\b|grietas?\b|rachaduras?\b|trincas?\b|fissuras?\b|collaps\w*|colaps\w*|desab\w*|structural (?:defects?|problems?|failures?|damage)|defectos? estructural\w*|falhas? estrutur\w*|erosion\b|erosión\b|erosão\b"),
            ev(EventKind::LabourAbuse, r"slave\w*|esclav\w*|escrav\w*|forced labou?r|trabajo forzoso|trabalho forçado|labou?r (?:abuses?|violations?)|abusos? laboral\w*|condições degradantes|degrading conditions|condiciones degradantes"),
            ev(EventKind::EnvironmentalHarm, r"oil spills?|spills?\b|derrames?\b|vazamentos?\b|deforest\w*|desmat\w*|pollut\w*|contaminaci\w*|contaminaç\w*|environmental (?:damage|degradation|harm)|daños? ambiental\w*|danos? ambienta\w*"),
            ev(EventKind::Protest, r"protest\w*|blockades?\b|bloqueos?\b|manifestantes\b|manifestaç\w*|movilizaci\w*"),
            ev(EventKind::DelayCostOverrun, r"delay(?:s|ed)?\b|behind schedule|cost overruns?|over budget|retrasos?\b|retrasad\w*|atrasos?\b|atrasad\w*|sobrecostos?\b|sobrecustos?\b|stalled\b|paralizad\w*|paralisad\w*"),
            ev(EventKind::Arbitration, r"arbitrat\w*|arbitraje\b|arbitragem\b|lawsuits?\b|litigio\b|litígio\b"),
            ev(EventKind::DebtDistress, r"default(?:ed|s)?\b|debt (?:restructuring|relief|distress)|reestructuraci[óo]n de (?:la )?deuda|reestruturaç[ãa]o da dívida|impagos?\b|calote\b|moratori[ao]\b|moratória\b"),
            ev(EventKind::Cancellation, r"cancel(?:led|ed|s|lation)?\b|scrapped\b|cancelad[oa]s?\b|cancelamento\b|suspended\b|suspendid[oa]s?\b|suspens[oa]s?\b"),
            ev(EventKind::Inauguration, r"inaugur\w*|opening ceremony|commenced operations|began (?:commercial )?operations?|started operations|entr[óo] en operaci[óo]n|entrou em operaç[ãa]o|inició operaciones|iniciou (?:as )?operaç"),
        ];
        Patterns { anaphor, pronoun, events }
    })
}

/// A decision that something in an article is about a project.
#[derive(Debug, Clone, PartialEq)]
struct Link {
    project: String,
    confidence: f64,
}

/// One article's mentions arranged by sentence.
struct Linker<'a> {
    text: &'a str,
    sentences: Vec<Sentence>,
    /// Per sentence: (byte offset, project id) of the stored projects it names.
    projects: Vec<Vec<(usize, String)>>,
    /// Per sentence: gazetteer organization ids.
    orgs: Vec<BTreeSet<String>>,
    /// Per sentence: countries named.
    countries: Vec<BTreeSet<String>>,
    /// Per sentence: (byte offset, value) of the dates mentioned.
    dates: Vec<Vec<(usize, String)>>,
}

impl<'a> Linker<'a> {
    fn new(
        text: &'a str,
        mentions: &[Mention],
        exists: &mut dyn FnMut(&str) -> bool,
    ) -> Linker<'a> {
        let sentences = sentences(text);
        let n = sentences.len();
        let mut l = Linker {
            text,
            projects: vec![Vec::new(); n],
            orgs: vec![BTreeSet::new(); n],
            countries: vec![BTreeSet::new(); n],
            dates: vec![Vec::new(); n],
            sentences,
        };
        for m in mentions {
            let Some(i) = sentence_at(&l.sentences, m.start) else {
                continue;
            };
            match &m.detail {
                Detail::Project {
                    project_id: Some(project_id),
                    ..
                } if exists(project_id) => l.projects[i].push((m.start, project_id.clone())),
                Detail::Organization { id: Some(id), .. } => {
                    l.orgs[i].insert(id.clone());
                }
                Detail::Country { iso3 } if iso3 != "CHN" => {
                    l.countries[i].insert(iso3.clone());
                }
                Detail::Date { value } => l.dates[i].push((m.start, value.clone())),
                _ => {}
            }
        }
        l
    }

    /// The date of something said at byte `at` of sentence `i`: the nearest date within
    /// [`DATE_REACH`] bytes (a date further away in a long sentence is about something else).
    fn date_near(&self, i: usize, at: usize) -> Option<String> {
        self.dates[i]
            .iter()
            .map(|(o, v)| (o.abs_diff(at), v))
            .filter(|(d, _)| *d <= DATE_REACH)
            .min_by_key(|(d, _)| *d)
            .map(|(_, v)| v.clone())
    }

    fn sentence_text(&self, i: usize) -> &'a str {
        let s = &self.sentences[i];
        &self.text[s.start..s.end]
    }

    /// Whether sentence `i` refers back to something named before.
    fn refers_back(&self, i: usize) -> bool {
        let t = self.sentence_text(i);
        let p = patterns();
        p.pronoun.is_match(t) || p.anaphor.is_match(t)
    }

    /// The project a thing at byte `at` of sentence `i` is about; `same_sentence_only`
    /// disables rules 2 and 3.
    fn link(
        &self,
        i: usize,
        at: usize,
        same_sentence_only: bool,
        by_org: &dyn Fn(&BTreeSet<String>, &str) -> Option<String>,
    ) -> Option<Link> {
        let here = &self.projects[i];
        if !here.is_empty() {
            let distinct: BTreeSet<&str> = here.iter().map(|(_, p)| p.as_str()).collect();
            let before = here.iter().rfind(|(o, _)| *o <= at);
            let chosen = before.or_else(|| here.iter().find(|(o, _)| *o > at))?;
            let confidence = if distinct.len() == 1 { 0.8 } else { 0.6 };
            return Some(Link {
                project: chosen.1.clone(),
                confidence,
            });
        }
        if same_sentence_only || !self.refers_back(i) {
            return None;
        }
        let para = self.sentences[i].paragraph;
        for back in 1..=2 {
            let Some(j) = i.checked_sub(back) else { break };
            if self.sentences[j].paragraph != para {
                break;
            }
            if let Some((_, p)) = self.projects[j].last() {
                return Some(Link {
                    project: p.clone(),
                    confidence: 0.6,
                });
            }
        }
        if self.countries[i].len() == 1 && !self.orgs[i].is_empty() {
            let country = self.countries[i].iter().next()?;
            return by_org(&self.orgs[i], country).map(|project| Link {
                project,
                confidence: 0.5,
            });
        }
        None
    }
}

/// Whether the words after a quantity say it is how far the project is from somewhere
/// ("45 miles north of Lima", "a 80 km de Quito"), not a size of the project.
fn is_distance_away(text: &str, end: usize) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)^\W{0,3}(?:\w+\W+){0,1}?(?:north|south|east|west|northeast|northwest|southeast|southwest|from|away|outside|off|al norte|al sur|al este|al oeste|ao norte|ao sul|a leste|a oeste|de distancia|de distância|del centro|do centro)\b")
            .unwrap_or_else(|e| panic!("distance pattern: {e}"))
    });
    let mut cut = (end + 40).min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    re.is_match(&text[end..cut])
}

fn quote_of(s: &str) -> String {
    if s.len() <= MAX_QUOTE {
        return s.to_string();
    }
    let mut cut = MAX_QUOTE;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &s[..cut])
}

/// A title for an article that has none: its first sentence, shortened.
fn derived_title(text: &str) -> Option<String> {
    let first = sentences(text).into_iter().find(|s| {
        let t = &text[s.start..s.end];
        let byline = (t.starts_with("By ") || t.starts_with("Por ")) && t.len() <= 60;
        !byline
    })?;
    let s = text[first.start..first.end].trim();
    if s.chars().count() <= 120 {
        return Some(s.to_string());
    }
    let cut: String = s.chars().take(117).collect();
    let cut = cut
        .rsplit_once(' ')
        .map(|(a, _)| a.to_string())
        .unwrap_or(cut);
    Some(format!("{cut}…"))
}

/// The Source an article is, reusing a stored article with the same title.
fn article_source(
    w: &Writer<'_>,
    a: &Article,
    lang: Lang,
    publisher: Option<&str>,
) -> Result<Source, StoreError> {
    let derived = a.title.is_none();
    let title = a.title.clone().or_else(|| derived_title(&a.text));
    let s = Source {
        kind: SourceKind::NewsArticle,
        title,
        publisher: a.publisher.clone().or(publisher.map(str::to_string)),
        url: a.url.clone(),
        date: a.date.clone(),
        language: Some(lang.as_str().to_string()),
        dataset: None,
        dataset_version: None,
        record_id: None,
        file: std::path::Path::new(&a.source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        sheet: None,
        line: None,
        note: Some(if derived {
            format!(
                "ingested from {}; title taken from the first sentence",
                a.source
            )
        } else {
            format!("ingested from {}", a.source)
        }),
    };
    if a.url.is_none()
        && !derived
        && let Some(t) = &s.title
        && let Some(key) = w.source_key_by_title(SourceKind::NewsArticle, t)?
    {
        // The same article as a stored one: describe it as stored so the keys agree.
        let Some((title, publisher, url, date)) = w.source_description(&key)? else {
            return Ok(s);
        };
        let stored = Source {
            title,
            publisher,
            url,
            date,
            ..s.clone()
        };
        if stored.key() == key {
            return Ok(stored);
        }
    }
    Ok(s)
}

/// Ingests articles into the store in one transaction (loading the registry first if
/// this store has not seen it).
pub fn ingest(
    store: &mut Store,
    articles: &[Article],
    lang: Option<Lang>,
    publisher: Option<&str>,
) -> Result<NewsReport, NewsError> {
    ensure_loaded(store)?;
    let mut report = NewsReport::default();
    let mut touched: BTreeSet<String> = BTreeSet::new();
    let mut w = store.writer()?;
    let mut exists_cache: HashMap<String, bool> = HashMap::new();
    for a in articles {
        report.articles += 1;
        let doc = ruta_extract::document(a, lang, false);
        let source = article_source(&w, a, doc.language, publisher)?;
        let year = source
            .date
            .as_deref()
            .and_then(|d| d.get(..4)?.parse::<i32>().ok());
        let key = source.key();
        if !w.source_exists(&key)? {
            report.new_sources += 1;
        }
        let sid = w.source_id(&source)?;
        w.set_source_text(sid, &a.text)?;

        let (claims, unattached, reports) = {
            let linker = {
                let mut exists = |id: &str| -> bool {
                    *exists_cache
                        .entry(id.to_string())
                        .or_insert_with(|| w.record_exists(id).unwrap_or(false))
                };
                Linker::new(&a.text, &doc.mentions, &mut exists)
            };
            let by_org = |orgs: &BTreeSet<String>, country: &str| -> Option<String> {
                let mut found: BTreeSet<String> = BTreeSet::new();
                for o in orgs {
                    found.extend(w.registry_projects_with(o, country).ok()?);
                }
                (found.len() == 1)
                    .then(|| found.into_iter().next())
                    .flatten()
            };

            let mut claims: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
            let mut unattached: Vec<Unattached> = Vec::new();
            for m in &doc.mentions {
                if !matches!(m.kind, Kind::Money | Kind::Quantity | Kind::Percent) {
                    continue;
                }
                let Some(i) = sentence_at(&linker.sentences, m.start) else {
                    continue;
                };
                let sentence = linker.sentence_text(i);
                let link = linker.link(i, m.start, m.kind == Kind::Percent, &by_org);
                let (field, value, qualifier) = match &m.detail {
                    Detail::Money {
                        amount,
                        currency: Some(c),
                        usd,
                        qualifier,
                        ..
                    } if usd.is_none_or(|u| u >= MIN_PROJECT_USD) => {
                        // A figure of a project's cost or size is its value; a loan,
                        // purchase, contract or grant an article states is kept as a
                        // mentioned amount (the same flow may be a dataset row: the
                        // linker, not the article, decides that); debts, trade and
                        // compensation are money of another kind.
                        let field = match qualifier.as_deref() {
                            Some("debt" | "trade" | "compensation" | "fine") => "money",
                            Some("loan" | "acquisition" | "contract" | "grant") => {
                                "amount_mentioned"
                            }
                            _ => "value",
                        };
                        (
                            field,
                            ClaimValue::Money(Money::derive(*amount, c, year)),
                            qualifier.clone(),
                        )
                    }
                    Detail::Quantity { value, unit, .. } if !is_distance_away(&a.text, m.end) => (
                        "quantity",
                        ClaimValue::Quantity {
                            value: *value,
                            unit: unit.clone(),
                        },
                        None,
                    ),
                    Detail::Percent { value } => {
                        ("percent", ClaimValue::Percent { value: *value }, None)
                    }
                    _ => ("", ClaimValue::Number { value: 0.0 }, None),
                };
                match link {
                    Some(l) if !field.is_empty() => {
                        claims.entry(l.project).or_default().push(Claim {
                            field: field.to_string(),
                            value,
                            source: key.clone(),
                            locator: Some(format!("bytes {}-{}", m.start, m.end)),
                            span: Some([m.start, m.end]),
                            quote: Some(quote_of(sentence)),
                            confidence: l.confidence,
                            qualifier,
                        });
                    }
                    _ => unattached.push(unattached_of(m, &linker, i, sentence)),
                }
            }
            let mut reports: Vec<(String, EventKind, Option<String>, String, String)> = Vec::new();
            for (i, s) in linker.sentences.iter().enumerate() {
                let text = linker.sentence_text(i);
                let kinds: Vec<(EventKind, usize)> = patterns()
                    .events
                    .iter()
                    .filter_map(|(k, re)| re.find(text).map(|m| (*k, s.start + m.start())))
                    .collect();
                if kinds.is_empty() {
                    continue;
                }
                let Some(l) = linker.link(i, s.start, false, &by_org) else {
                    continue;
                };
                for (k, at) in kinds {
                    reports.push((
                        l.project.clone(),
                        k,
                        linker.date_near(i, at),
                        quote_of(text),
                        format!("bytes {}-{}", s.start, s.end),
                    ));
                }
            }
            (claims, unattached, reports)
        };
        for (project, cs) in &claims {
            let added = w.add_evidence(project, &[], cs, &[])?;
            if added > 0 {
                touched.insert(project.clone());
            }
            report.claims += added;
        }
        for (project, kind, date, quote, locator) in &reports {
            if w.report_event(project, *kind, date.as_deref(), quote, sid, quote, locator)? {
                report.events += 1;
                touched.insert(project.clone());
            }
        }
        let unattached = crate::trade_news::attach(&mut w, sid, year, unattached)?;
        for u in &unattached {
            if w.add_unattached(sid, u)? {
                report.evidence += 1;
            }
        }
    }
    w.commit()?;
    report.projects = touched.len();
    Ok(report)
}

fn unattached_of(m: &Mention, l: &Linker<'_>, i: usize, sentence: &str) -> Unattached {
    let (kind, amount, currency, usd, approx, qualifier, unit) = match &m.detail {
        Detail::Money {
            amount,
            currency,
            usd,
            approx,
            qualifier,
            ..
        } => (
            "money",
            Some(*amount),
            currency.clone(),
            *usd,
            *approx,
            qualifier.clone(),
            None,
        ),
        Detail::Quantity { value, unit, .. } => (
            "quantity",
            Some(*value),
            None,
            None,
            false,
            None,
            Some(unit.clone()),
        ),
        Detail::Percent { value } => ("percent", Some(*value), None, None, false, None, None),
        _ => ("money", None, None, None, false, None, None),
    };
    Unattached {
        kind: kind.to_string(),
        text: m.text.clone(),
        span: [m.start, m.end],
        amount,
        currency,
        usd,
        approx,
        qualifier,
        unit,
        country: (l.countries[i].len() == 1)
            .then(|| l.countries[i].iter().next().cloned())
            .flatten(),
        orgs: l.orgs[i].iter().cloned().collect(),
        quote: quote_of(sentence),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anaphora() {
        let p = patterns();
        for t in [
            "It’s a $3.6 billion project—one of the largest.",
            "The estimated $3.4 billion project was built by China.",
            "El proyecto costó 100 millones.",
            "A usina tem 1.500 megawatts.",
        ] {
            assert!(p.pronoun.is_match(t) || p.anaphor.is_match(t), "{t}");
        }
        for t in [
            "AidData analyzed 13,427 projects worth $843 billion.",
            "China invested $14.2 billion per year in the region.",
        ] {
            assert!(!p.pronoun.is_match(t) && !p.anaphor.is_match(t), "{t}");
        }
    }

    #[test]
    fn event_words() {
        let kinds = |t: &str| {
            patterns()
                .events
                .iter()
                .filter(|(_, re)| re.is_match(t))
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(
                "more than 17,000 cracks had splintered across the dam, and officials were sentenced on bribery charges"
            ),
            vec![EventKind::Corruption, EventKind::StructuralDefect]
        );
        assert_eq!(
            kinds("Trabajadores denunciaron condiciones degradantes"),
            vec![EventKind::LabourAbuse]
        );
        assert_eq!(
            kinds("A obra foi inaugurada em 2016."),
            vec![EventKind::Inauguration]
        );
        assert!(kinds("The port will shorten shipping times.").is_empty());
    }

    #[test]
    fn titles_from_first_sentences() {
        assert_eq!(
            derived_title("On November 14, the port opened. More.").as_deref(),
            Some("On November 14, the port opened.")
        );
        let long = "word ".repeat(60);
        let t = derived_title(&long).unwrap_or_default();
        assert!(t.ends_with('…') && t.chars().count() <= 120);
        assert_eq!(
            derived_title("By Li Jiabao\nThe port opened.").as_deref(),
            Some("The port opened.")
        );
    }

    #[test]
    fn distances_are_not_sizes() {
        let t = "the port of Chancay, about 45 miles north of Lima, a 80 km al norte de Lima, 1.5 km long";
        assert!(is_distance_away(t, t.find("45 miles").unwrap() + 8));
        assert!(is_distance_away(t, t.find("80 km").unwrap() + 5));
        assert!(!is_distance_away(t, t.find("1.5 km").unwrap() + 6));
    }
}
