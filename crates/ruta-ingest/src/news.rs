//! News ingestion: articles in, sources, claims, events, unattached figures and
//! unattached events out.
//!
//! The path reads: article → `ruta_extract::document` (mentions: figures, dates,
//! organizations, countries, registry projects with their candidates, events) → the
//! [`Linker`] below (which stored project each thing is about) → core `Claim`s, events,
//! unattached figures and unattached events → the store, in one transaction.
//!
//! Each article becomes a Source (an article the registry already cites, recognised by
//! its title, is the same source).
//!
//! **Which project.** The extractor recognises registry projects by name, by mention
//! expression, by distinctive partial name ("the Jorge Cepernic dam"), by one component of
//! a paired name ("Montero-Bulo Bulo") and by a place plus a project noun ("the two dams in
//! Santa Cruz"), and lists the candidates when the words fit several. Each mention's
//! records (the one named, or the candidates) are mapped to their stored projects; records
//! of one project (a project and its flows) are one project. The linker then decides what
//! each figure and each event is about:
//!
//! 1. a project named in the same sentence (the nearest one before the thing, else after
//!    it) — confidence 0.8, or 0.6 when the sentence names several projects;
//! 2. else, when the sentence refers back (`ruta_extract::projects::refers_back`: "the
//!    dam", "el proyecto", "It's a … project") to a project named in one of the two
//!    previous sentences of the same paragraph — confidence 0.6;
//! 3. else, when it also names organizations and exactly one country (China never counts:
//!    it is the financier's side, never the host), the registry projects in that country
//!    in which one of the organizations takes part — confidence 0.5.
//!
//! **Several projects fit** (a mention's candidates, or rule 3 finding more than one, e.g.
//! China Development Bank's 2009 and 2016 loans to Petrobras) → [`Linker::choose`] narrows
//! them with what the article says, in this order, each step keeping the candidates that
//! agree with it when at least one does:
//!
//! 1. an amount in the sentence equal to one of a candidate's flow amounts or stated
//!    values (same currency within 2 %, or nominal US dollars within 5 %);
//! 2. a year in the sentence that is one of a candidate's flow years;
//! 3. amounts, then years, in the neighbouring sentences of the same paragraph;
//! 4. the article's date: a candidate whose first flow is later than the article did not
//!    exist yet; then a candidate committed in the article's year.
//!
//! When one candidate is left, it is chosen (confidence 0.6, 0.5 under rule 3); otherwise
//! nothing is attached — ruta never guesses — and the candidates are kept with the
//! unattached event.
//!
//! **Figures.** Linked money becomes a `value` claim (a project's cost or size), an
//! `amount_mentioned` claim (a loan, purchase, contract or grant) or a `money` claim (debt,
//! trade, compensation, fines); quantities `quantity` claims; percents (same sentence only)
//! `percent` claims — each with the sentence as quote and its byte span as locator. What a
//! figure is beyond its value stays in the claim's qualifier
//! (`ruta_core::model::figure_qualifier`): a lower or upper bound ("more than $3 billion")
//! is `at least` / `at most`, a range stores its low end as the value and `range to H` in
//! the qualifier. A unit price ("US$ 78.000 por tonelada", "$5 million a year") and money
//! under US$100,000 are never a project's amount or value: they are kept as unattached
//! figures (a unit price with its unit and `per U`). Figures linked to nothing are kept as
//! unattached evidence, searchable by their sentence, except trade figures about one LAC
//! state, which `trade_news` turns into trade values.
//!
//! **Events** come from the extractor's event mentions (`data/events.toml` in
//! ruta-extract, EN/ES/PT): one per kind and sentence, dated by the nearest date within 80
//! bytes. Linked ones are project events (an event of the same kind and year on the
//! project gains the article as a source). The others are kept as unattached events —
//! never dropped — with the sentence, the date (the article's when the sentence gives
//! none), the country (the one country of the region the sentence names, else the
//! article's host country; never China), the organizations the sentence names and the
//! candidates that were left. An unattached event in the article's headline is not kept
//! when the body reports an event of the same kind (the headline announces it).
//!
//! The claims' unique key (project, field, source, value), the evidence key (source, value,
//! sentence) and the unattached events' key (source, kind, sentence) make repeated
//! paragraphs and re-ingestion add nothing.

use crate::registry::{RegistryLoadError, ensure_loaded};
use regex::Regex;
use ruta_core::model::{Claim, ClaimValue, FigureBound, Source, figure_qualifier};
use ruta_core::money::Money;
use ruta_core::{EventKind, SourceKind};
use ruta_extract::figures::Bound;
use ruta_extract::segment::{Sentence, sentence_at, sentences};
use ruta_extract::{Article, Detail, Kind, Lang, Mention};
use ruta_store::evidence::{ProjectFacts, Unattached, UnattachedEvent};
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
    /// New event reports on projects (an event gaining a source counts).
    pub events: usize,
    /// Projects that gained a claim or event report.
    pub projects: usize,
    /// New unattached figures.
    pub evidence: usize,
    /// New unattached events (no project could be identified).
    pub unattached_events: usize,
}

/// Money below this many US dollars is not a project's amount (wages, fares, prices).
const MIN_PROJECT_USD: f64 = 100_000.0;

/// Longest quote kept, in bytes (a sentence longer than this is cut at a char boundary).
const MAX_QUOTE: usize = 1200;

/// How far (bytes) from an event word a date may be to be that event's date.
const DATE_REACH: usize = 80;

/// A decision that something in an article is about a project.
#[derive(Debug, Clone, PartialEq)]
struct Link {
    project: String,
    confidence: f64,
}

/// What the linker concluded about one thing.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Linked(Link),
    /// Several stored projects fit and nothing in the article chose one.
    Undecided(Vec<String>),
    Nothing,
}

/// A project mention as the linker sees it: where, and the stored projects it may be.
#[derive(Debug, Clone)]
struct Named {
    at: usize,
    /// One project (named) or several (candidates), canonical ids.
    projects: Vec<String>,
}

/// Money stated in a sentence: (amount, currency, nominal USD).
type Stated = (f64, Option<String>, Option<f64>);

/// One article's mentions arranged by sentence.
struct Linker<'a> {
    text: &'a str,
    sentences: Vec<Sentence>,
    /// The article's year, from its date.
    year: Option<i32>,
    /// Per sentence: the stored projects its project mentions name.
    projects: Vec<Vec<Named>>,
    /// Per sentence: gazetteer organization ids.
    orgs: Vec<BTreeSet<String>>,
    /// Per sentence: countries named (never China).
    countries: Vec<BTreeSet<String>>,
    /// Per sentence: (byte offset, value) of the dates mentioned.
    dates: Vec<Vec<(usize, String)>>,
    /// Per sentence: the money it states.
    money: Vec<Vec<Stated>>,
    /// Per sentence: the registry projects in its one country in which one of its
    /// organizations takes part (rule 3), when it names exactly one country.
    by_org: Vec<Vec<String>>,
    /// What each stored project (canonical id) says of itself.
    facts: HashMap<String, ProjectFacts>,
}

impl<'a> Linker<'a> {
    /// `lookup` gives a stored record's project facts; `by_org` the registry projects of
    /// an organization in a country (record ids).
    fn new(
        text: &'a str,
        mentions: &[Mention],
        year: Option<i32>,
        lookup: &mut dyn FnMut(&str) -> Option<ProjectFacts>,
        by_org: &mut dyn FnMut(&str, &str) -> Vec<String>,
    ) -> Linker<'a> {
        let sentences = sentences(text);
        let n = sentences.len();
        let mut l = Linker {
            text,
            year,
            projects: vec![Vec::new(); n],
            orgs: vec![BTreeSet::new(); n],
            countries: vec![BTreeSet::new(); n],
            dates: vec![Vec::new(); n],
            money: vec![Vec::new(); n],
            by_org: vec![Vec::new(); n],
            facts: HashMap::new(),
            sentences,
        };
        let mut projects_of = |l: &mut Linker<'_>, records: &[String]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for r in records {
                if let Some(f) = lookup(r) {
                    if !out.contains(&f.project) {
                        out.push(f.project.clone());
                    }
                    l.facts.entry(f.project.clone()).or_insert(f);
                }
            }
            out
        };
        for m in mentions {
            let Some(i) = sentence_at(&l.sentences, m.start) else {
                continue;
            };
            match &m.detail {
                Detail::Project {
                    project_id,
                    candidates,
                    ..
                } => {
                    let records: Vec<String> = match project_id {
                        Some(id) => vec![id.clone()],
                        None => candidates.clone(),
                    };
                    let projects = projects_of(&mut l, &records);
                    if !projects.is_empty() {
                        l.projects[i].push(Named {
                            at: m.start,
                            projects,
                        });
                    }
                }
                Detail::Organization { id: Some(id), .. } => {
                    l.orgs[i].insert(id.clone());
                }
                Detail::Country { iso3 } if iso3 != "CHN" && !iso3.is_empty() => {
                    l.countries[i].insert(iso3.clone());
                }
                Detail::Date { value } => l.dates[i].push((m.start, value.clone())),
                Detail::Money {
                    amount,
                    currency,
                    usd,
                    per_unit: None,
                    ..
                } => l.money[i].push((*amount, currency.clone(), *usd)),
                _ => {}
            }
        }
        for i in 0..n {
            if l.countries[i].len() != 1 || l.orgs[i].is_empty() {
                continue;
            }
            let country = l.countries[i].iter().next().cloned().unwrap_or_default();
            let mut records: BTreeSet<String> = BTreeSet::new();
            for o in &l.orgs[i] {
                records.extend(by_org(o, &country));
            }
            let records: Vec<String> = records.into_iter().collect();
            l.by_org[i] = projects_of(&mut l, &records);
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

    /// The one country sentence `i` names, when it names exactly one.
    fn country(&self, i: usize) -> Option<String> {
        (self.countries[i].len() == 1)
            .then(|| self.countries[i].iter().next().cloned())
            .flatten()
    }

    /// The sentences next to `i` in its paragraph.
    fn neighbours(&self, i: usize) -> Vec<usize> {
        let para = self.sentences[i].paragraph;
        [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter(|&j| j < self.sentences.len() && self.sentences[j].paragraph == para)
            .collect()
    }

    /// Chooses among several stored projects by what the article says near sentence
    /// `i` (see the module documentation); None when that does not settle it.
    fn choose(&self, i: usize, candidates: &[String]) -> Option<String> {
        let mut set: Vec<&ProjectFacts> = candidates
            .iter()
            .filter_map(|c| self.facts.get(c))
            .collect();
        if set.len() == 1 {
            return Some(set[0].project.clone());
        }
        let amount_in = |js: &[usize], p: &ProjectFacts| {
            js.iter()
                .flat_map(|&j| &self.money[j])
                .any(|stated| p.amounts.iter().any(|known| same_amount(stated, known)))
        };
        let year_in = |js: &[usize], p: &ProjectFacts| {
            js.iter()
                .flat_map(|&j| &self.dates[j])
                .filter_map(|(_, d)| d.get(..4)?.parse::<i32>().ok())
                .any(|y| p.years.contains(&y))
        };
        let here = [i];
        let near = self.neighbours(i);
        let year = self.year;
        let steps: [&dyn Fn(&ProjectFacts) -> bool; 6] = [
            &|p| amount_in(&here, p),
            &|p| year_in(&here, p),
            &|p| amount_in(&near, p),
            &|p| year_in(&near, p),
            // Existed by the article's date (a project without dated flows may have).
            &|p| year.is_some_and(|y| p.years.first().is_none_or(|first| *first <= y)),
            &|p| year.is_some_and(|y| p.years.contains(&y)),
        ];
        for step in steps {
            let kept: Vec<&ProjectFacts> = set.iter().copied().filter(|p| step(p)).collect();
            if !kept.is_empty() {
                set = kept;
            }
            if set.len() == 1 {
                return Some(set[0].project.clone());
            }
        }
        None
    }

    /// A mention's projects as an outcome: the one project, or the one the article
    /// chooses among several, or undecided.
    fn settle(&self, i: usize, projects: &[String], confidence: f64) -> Outcome {
        match projects {
            [] => Outcome::Nothing,
            [p] => Outcome::Linked(Link {
                project: p.clone(),
                confidence,
            }),
            several => match self.choose(i, several) {
                Some(project) => Outcome::Linked(Link {
                    project,
                    confidence: confidence.min(0.6),
                }),
                None => Outcome::Undecided(several.to_vec()),
            },
        }
    }

    /// What a thing at byte `at` of sentence `i` is about; `same_sentence_only`
    /// disables rules 2 and 3.
    fn link(&self, i: usize, at: usize, same_sentence_only: bool) -> Outcome {
        let here = &self.projects[i];
        if !here.is_empty() {
            let distinct: BTreeSet<&[String]> =
                here.iter().map(|n| n.projects.as_slice()).collect();
            let before = here.iter().rfind(|n| n.at <= at);
            let Some(chosen) = before.or_else(|| here.iter().find(|n| n.at > at)) else {
                return Outcome::Nothing;
            };
            let confidence = if distinct.len() == 1 { 0.8 } else { 0.6 };
            return self.settle(i, &chosen.projects, confidence);
        }
        if same_sentence_only || !ruta_extract::projects::refers_back(self.sentence_text(i)) {
            return Outcome::Nothing;
        }
        let para = self.sentences[i].paragraph;
        for back in 1..=2 {
            let Some(j) = i.checked_sub(back) else { break };
            if self.sentences[j].paragraph != para {
                break;
            }
            if let Some(n) = self.projects[j].last() {
                return self.settle(i, &n.projects, 0.6);
            }
        }
        self.settle(i, &self.by_org[i], 0.5)
    }
}

/// Whether money stated in an article is a known amount of a project: the same currency
/// within 2 %, or nominal US dollars within 5 %.
fn same_amount(stated: &Stated, known: &(f64, String, Option<f64>)) -> bool {
    let close = |a: f64, b: f64, tol: f64| b != 0.0 && ((a - b) / b).abs() <= tol;
    let (amount, currency, usd) = stated;
    (currency.as_deref() == Some(known.1.as_str()) && close(*amount, known.0, 0.02))
        || matches!((usd, known.2), (Some(a), Some(b)) if close(*a, b, 0.05))
}

fn figure_bound(b: Option<Bound>) -> Option<FigureBound> {
    b.map(|b| match b {
        Bound::AtLeast => FigureBound::AtLeast,
        Bound::AtMost => FigureBound::AtMost,
    })
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
    let mut facts: HashMap<String, Option<ProjectFacts>> = HashMap::new();
    for a in articles {
        report.articles += 1;
        ingest_one(
            &mut w,
            a,
            lang,
            publisher,
            &mut facts,
            &mut report,
            &mut touched,
        )?;
    }
    w.commit()?;
    report.projects = touched.len();
    Ok(report)
}

/// What one article says, decided before anything is written.
#[derive(Default)]
struct Findings {
    claims: BTreeMap<String, Vec<Claim>>,
    figures: Vec<Unattached>,
    /// (project, kind, date, quote, locator)
    events: Vec<(String, EventKind, Option<String>, String, String)>,
    unattached_events: Vec<UnattachedEvent>,
}

/// source → extract → link → write, for one article.
fn ingest_one(
    w: &mut Writer<'_>,
    a: &Article,
    lang: Option<Lang>,
    publisher: Option<&str>,
    facts: &mut HashMap<String, Option<ProjectFacts>>,
    report: &mut NewsReport,
    touched: &mut BTreeSet<String>,
) -> Result<(), NewsError> {
    let doc = ruta_extract::document(a, lang, false);
    let source = article_source(w, a, doc.language, publisher)?;
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

    let found = {
        let w: &Writer<'_> = w;
        let mut lookup = |id: &str| -> Option<ProjectFacts> {
            facts
                .entry(id.to_string())
                .or_insert_with(|| w.project_facts(id).ok().flatten())
                .clone()
        };
        let mut by_org = |org: &str, country: &str| -> Vec<String> {
            w.registry_projects_with(org, country).unwrap_or_default()
        };
        let linker = Linker::new(&a.text, &doc.mentions, year, &mut lookup, &mut by_org);
        find(&linker, &doc, &key, year, source.date.as_deref())
    };
    for (project, cs) in &found.claims {
        let added = w.add_evidence(project, &[], cs, &[])?;
        if added > 0 {
            touched.insert(project.clone());
        }
        report.claims += added;
    }
    for (project, kind, date, quote, locator) in &found.events {
        if w.report_event(project, *kind, date.as_deref(), quote, sid, quote, locator)? {
            report.events += 1;
            touched.insert(project.clone());
        }
    }
    for e in &found.unattached_events {
        if w.add_unattached_event(sid, e)? {
            report.unattached_events += 1;
        }
    }
    let figures = crate::trade_news::attach(w, sid, year, found.figures)?;
    for u in &figures {
        if w.add_unattached(sid, u)? {
            report.evidence += 1;
        }
    }
    Ok(())
}

/// Links an article's figures and events.
fn find(
    linker: &Linker<'_>,
    doc: &ruta_extract::Document,
    source_key: &str,
    year: Option<i32>,
    article_date: Option<&str>,
) -> Findings {
    let mut out = Findings::default();
    for m in &doc.mentions {
        if !matches!(m.kind, Kind::Money | Kind::Quantity | Kind::Percent) {
            continue;
        }
        let Some(i) = sentence_at(&linker.sentences, m.start) else {
            continue;
        };
        let sentence = linker.sentence_text(i);
        let Some((field, value, qualifier)) = claim_of(m, linker.text, year) else {
            out.figures.push(unattached_of(m, linker, i, sentence));
            continue;
        };
        match linker.link(i, m.start, m.kind == Kind::Percent) {
            Outcome::Linked(l) => out.claims.entry(l.project).or_default().push(Claim {
                field: field.to_string(),
                value,
                source: source_key.to_string(),
                locator: Some(format!("bytes {}-{}", m.start, m.end)),
                span: Some([m.start, m.end]),
                quote: Some(quote_of(sentence)),
                confidence: l.confidence,
                qualifier,
            }),
            Outcome::Undecided(_) | Outcome::Nothing => {
                out.figures.push(unattached_of(m, linker, i, sentence))
            }
        }
    }
    // One event per kind and sentence, at its first words.
    let mut seen: BTreeSet<(usize, EventKind)> = BTreeSet::new();
    for m in &doc.mentions {
        let Detail::Event { event_kind } = &m.detail else {
            continue;
        };
        let Some(i) = sentence_at(&linker.sentences, m.start) else {
            continue;
        };
        if !seen.insert((i, *event_kind)) {
            continue;
        }
        let s = &linker.sentences[i];
        let quote = quote_of(linker.sentence_text(i));
        let locator = format!("bytes {}-{}", s.start, s.end);
        let date = linker.date_near(i, m.start);
        match linker.link(i, m.start, false) {
            Outcome::Linked(l) => out
                .events
                .push((l.project, *event_kind, date, quote, locator)),
            outcome => out.unattached_events.push(UnattachedEvent {
                kind: *event_kind,
                date: date.or(article_date.map(str::to_string)),
                country: linker
                    .country(i)
                    .filter(|c| ruta_core::country::is_lac(c))
                    .or(doc.host.clone()),
                orgs: linker.orgs[i].iter().cloned().collect(),
                candidates: match outcome {
                    Outcome::Undecided(c) => c,
                    _ => Vec::new(),
                },
                summary: quote.clone(),
                quote,
                span: [m.start, m.end],
                locator,
            }),
        }
    }
    // A headline that only announces what the body reports ("Strike at Argentine dam
    // site" above the sentence about the strike) is not another unattached event.
    if let Some(t) = doc.title.as_deref().map(str::trim)
        && let Some(ts) = (0..linker.sentences.len()).find(|&i| linker.sentence_text(i).trim() == t)
    {
        let s = &linker.sentences[ts];
        let in_title = |at: usize| at >= s.start && at < s.end;
        let elsewhere: BTreeSet<EventKind> = seen
            .iter()
            .filter(|(i, _)| *i != ts)
            .map(|(_, k)| *k)
            .collect();
        out.unattached_events
            .retain(|e| !(in_title(e.span[0]) && elsewhere.contains(&e.kind)));
    }
    out
}

/// The claim a figure can be on a project: (field, value, qualifier); None when it can
/// never be one (a unit price, money under [`MIN_PROJECT_USD`] or without a currency, a
/// distance).
fn claim_of(
    m: &Mention,
    text: &str,
    year: Option<i32>,
) -> Option<(&'static str, ClaimValue, Option<String>)> {
    match &m.detail {
        Detail::Money {
            amount,
            amount_high,
            currency: Some(c),
            usd,
            qualifier,
            bound,
            per_unit: None,
            ..
        } if usd.is_none_or(|u| u >= MIN_PROJECT_USD) => {
            // A figure of a project's cost or size is its value; a loan, purchase,
            // contract or grant an article states is kept as a mentioned amount (the same
            // flow may be a dataset row: the linker, not the article, decides that);
            // debts, trade and compensation are money of another kind.
            let field = match qualifier.as_deref() {
                Some("debt" | "trade" | "compensation" | "fine") => "money",
                Some("loan" | "acquisition" | "contract" | "grant") => "amount_mentioned",
                _ => "value",
            };
            Some((
                field,
                ClaimValue::Money(Money::derive(*amount, c, year)),
                figure_qualifier(
                    qualifier.as_deref(),
                    figure_bound(*bound),
                    amount_high.map(|h| (h, c.as_str())),
                    None,
                ),
            ))
        }
        Detail::Quantity {
            value,
            value_high,
            unit,
            bound,
        } if !is_distance_away(text, m.end) => Some((
            "quantity",
            ClaimValue::Quantity {
                value: *value,
                unit: unit.clone(),
            },
            figure_qualifier(
                None,
                figure_bound(*bound),
                value_high.map(|h| (h, unit.as_str())),
                None,
            ),
        )),
        Detail::Percent { value } => Some(("percent", ClaimValue::Percent { value: *value }, None)),
        _ => None,
    }
}

fn unattached_of(m: &Mention, l: &Linker<'_>, i: usize, sentence: &str) -> Unattached {
    let (kind, amount, currency, usd, approx, qualifier, unit) = match &m.detail {
        Detail::Money {
            amount,
            amount_high,
            currency,
            usd,
            approx,
            qualifier,
            bound,
            per_unit,
            ..
        } => (
            "money",
            Some(*amount),
            currency.clone(),
            *usd,
            *approx,
            figure_qualifier(
                qualifier.as_deref(),
                figure_bound(*bound),
                amount_high.map(|h| (h, currency.as_deref().unwrap_or(""))),
                per_unit.as_deref(),
            ),
            per_unit.clone(),
        ),
        Detail::Quantity {
            value,
            value_high,
            unit,
            bound,
        } => (
            "quantity",
            Some(*value),
            None,
            None,
            false,
            figure_qualifier(
                None,
                figure_bound(*bound),
                value_high.map(|h| (h, unit.as_str())),
                None,
            ),
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
        country: l.country(i),
        orgs: l.orgs[i].iter().cloned().collect(),
        quote: quote_of(sentence),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_match_in_their_currency_or_in_dollars() {
        let known = (10e9, "USD".to_string(), Some(10e9));
        assert!(same_amount(&(10e9, Some("USD".into()), Some(10e9)), &known));
        assert!(same_amount(&(9.9e9, Some("USD".into()), None), &known));
        assert!(same_amount(
            &(52e9, Some("BRL".into()), Some(9.7e9)),
            &known
        ));
        assert!(!same_amount(&(5e9, Some("USD".into()), Some(5e9)), &known));
        assert!(!same_amount(&(10e9, None, None), &known));
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
