//! Registry projects in running text, by their full names and by the partial and generic
//! names news actually uses, with the rule that recognised each; and the test for a
//! sentence that refers back to a project named before.
//!
//! Rules, strongest first ([`Rule`]):
//! 1. `name`: a registry name or alias, as written ("Coca Codo Sinclair dam").
//! 2. `pattern`: one of the registry's mention expressions ("Montero-Bulo Bulo").
//! 3. `partial`: a project's *distinctive words* next to a noun of its type ("the Jorge
//!    Cepernic dam", "la represa Cepernic", "the Sopladora plant") or a universal project
//!    noun ("the Cepernic project"). Distinctive words are the runs of capitalised words in
//!    the project's name and aliases once generic words ("Port", "River", "International"
//!    …), organizations, countries and places ruta knows and acronyms are taken out ("Port
//!    of Chancay" → "Chancay"), and the last word of such a run when it has five letters or
//!    more ("Cepernic").
//! 4. `component`: the same, for one component of a project whose name pairs two ("Néstor
//!    Kirchner *and* Jorge Cepernic dams", "Jupiá *and* Ilha Solteira", "Montero–Bulo Bulo").
//! 5. `place_type`: a place of the project (the most specific part of its registry
//!    location, when the location is precise to a province or better: "Santa Cruz river" →
//!    "Santa Cruz") next to a noun of its type ("the two dams in Santa Cruz", "las represas
//!    de Santa Cruz"); dropped when the paragraph names countries of the region and not the
//!    project's.
//!
//! Types and their nouns, and the generic words, are in `data/project_words.toml`. Rules
//! 3–5 apply only where rules 1–2 found nothing. When one phrase fits several projects, the
//! mention has no project id and lists the `candidates`: the extractor does not guess; the
//! linker may settle it with the article's date, years and amounts.
//!
//! China is never a project's host here: project countries come from the registry, and a
//! country mention of China ("Chinese") never satisfies a rule that needs the project's
//! country (see also [`crate::host_country`]).

use crate::names::{self, NameMatch};
use crate::scan::{Hit, Tag};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// How a project mention was recognised (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Name,
    Pattern,
    Partial,
    Component,
    PlaceType,
}

/// A project mention.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectMatch {
    pub start: usize,
    pub end: usize,
    /// The registry project; None when the words fit several (see `candidates`).
    pub id: Option<String>,
    /// The project's name, or the text when it is ambiguous.
    pub name: String,
    pub rule: Rule,
    /// Every project the words fit, when more than one.
    pub candidates: Vec<String>,
}

#[derive(Deserialize)]
struct Words {
    types: BTreeMap<String, Vec<String>>,
    universal: WordList,
    generic: WordList,
    not_alone: WordList,
    determiners: WordList,
    pronouns: WordList,
}

#[derive(Deserialize)]
struct WordList {
    words: Vec<String>,
}

const WORDS: &str = include_str!("../data/project_words.toml");

fn words() -> &'static Words {
    static W: OnceLock<Words> = OnceLock::new();
    W.get_or_init(|| toml::from_str(WORDS).expect("embedded data/project_words.toml"))
}

/// What a phrase is of its project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Name,
    Component,
    Place,
}

struct Project {
    id: String,
    name: String,
    country: String,
    /// Index into `Partials::nouns`: its type nouns and the universal project nouns.
    nouns: usize,
    /// Index into `Partials::nouns`: its type nouns alone (for its places); None when the
    /// registry says nothing of its type.
    place_nouns: Option<usize>,
}

/// The nouns of a set of types, as patterns compiled when first needed.
struct TypeNouns {
    nouns: String,
    compiled: OnceLock<(Regex, Regex)>,
}

impl TypeNouns {
    /// (after, before): a noun of the type right after a phrase ("… dam", "…
    /// hydroelectric plant"), and right before it with a preposition and article between
    /// ("represa …", "dams in …", "represas del río …").
    fn patterns(&self) -> &(Regex, Regex) {
        let nouns = &self.nouns;
        self.compiled.get_or_init(|| {
            (
                crate::pattern(&format!(
                    r"(?i)^(?:\s+|\s*[-‑–]\s*)(?:(?:river|r[ií]o|hydroelectric|hydropower|hydro|power|copper|lithium|gold|deep-?water|solar|wind|mega|international|internacional)\s+)?(?:{nouns})"
                )),
                crate::pattern(&format!(
                    r"(?i)(?:^|[^\p{{L}}])(?:{nouns})(?:\s+(?:hidroel[ée]ctricas?|hidrel[ée]tricas?|ferroviarias?|f[ée]rreas?))?\s+(?:(?:de\s+la|de|del|do|da|dos|das|of|on|in|at|en|em|no|na|near|to|from|between|para|hacia|desde|entre|sobre|cerca\s+de|a)\s+)?(?:(?:the|el|la|los|las|o|os|as)\s+)?(?:(?:r[ií]o|river)\s+)?$"
                )),
            )
        })
    }
}

struct Partials {
    projects: Vec<Project>,
    /// Per set of types that some project has.
    nouns: Vec<TypeNouns>,
    /// The phrases as the shared scan looks for them (each, and in capitals).
    patterns: Vec<String>,
    /// Per phrase pattern: (project index, origin).
    entries: Vec<Vec<(usize, Origin)>>,
}

/// The noun patterns of a set of types; no word boundary at the end (checked after
/// matching, which keeps the patterns on the fast DFA path), longest first so the first
/// alternative that matches is the whole word.
fn type_nouns(list: &[&String]) -> TypeNouns {
    let mut list: Vec<&String> = list.to_vec();
    list.sort_by_key(|n| std::cmp::Reverse(n.len()));
    list.dedup();
    let nouns = list
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join("|");
    TypeNouns {
        nouns,
        compiled: OnceLock::new(),
    }
}

/// The distinctive phrases of a name: runs of capitalised words, generic words trimmed,
/// with the run's last word when long enough.
fn phrases_of(name: &str, generic: &BTreeSet<String>) -> Vec<String> {
    phrases_trimmed(name, generic, true)
}

/// [`phrases_of`]; `trim_start`: trim generic words at the start of a run too (not for
/// places: "Cable Beach", "Salar de Uyuni").
fn phrases_trimmed(name: &str, generic: &BTreeSet<String>, trim_start: bool) -> Vec<String> {
    let not_alone = |w: &str| {
        words()
            .not_alone
            .words
            .iter()
            .any(|x| x.eq_ignore_ascii_case(w))
    };
    let mut runs: Vec<Vec<&str>> = vec![Vec::new()];
    let connectors = [
        "de", "del", "do", "da", "dos", "das", "la", "las", "los", "el",
    ];
    let tokens: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';' | ':'))
        .filter(|t| !t.is_empty())
        .collect();
    for (i, t) in tokens.iter().enumerate() {
        let first = t.chars().next().unwrap_or(' ');
        let letters = t.chars().filter(|c| c.is_alphabetic()).count();
        let acronym = t
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
            && letters <= 5;
        let capital =
            first.is_uppercase() && !t.chars().any(|c| c.is_ascii_digit() || c == '$') && !acronym;
        let connector = connectors.contains(t)
            && !runs.last().is_some_and(Vec::is_empty)
            && tokens
                .get(i + 1)
                .and_then(|n| n.chars().next())
                .is_some_and(char::is_uppercase);
        if capital || connector {
            let possessive = t.ends_with("'s") || t.ends_with("’s");
            let t = t.trim_end_matches("'s").trim_end_matches("’s");
            runs.last_mut().expect("run").push(t);
            if possessive {
                runs.push(Vec::new());
            }
        } else if !runs.last().is_some_and(Vec::is_empty) {
            runs.push(Vec::new());
        }
    }
    let is_generic = |w: &str| generic.contains(&w.to_lowercase());
    let mut out = Vec::new();
    for mut run in runs {
        while trim_start && run.first().is_some_and(|w| is_generic(w)) {
            run.remove(0);
        }
        while run.last().is_some_and(|w| is_generic(w)) {
            run.pop();
        }
        if run.is_empty() || run.iter().all(|w| is_generic(w)) {
            continue;
        }
        let phrase = run.join(" ");
        if phrase.chars().filter(|c| c.is_alphabetic()).count() >= 4
            && !(run.len() == 1 && not_alone(run[0]))
        {
            out.push(phrase);
        }
        if run.len() > 1
            && let Some(last) = run.last()
            && last.chars().count() >= 5
            && !is_generic(last)
            && !not_alone(last)
        {
            out.push(last.to_string());
        }
    }
    out
}

/// The organization and country names ruta knows, matched on their own (the shared scan
/// is built from this module's phrases, so it cannot serve while they are made).
struct Known {
    ac: AhoCorasick,
    /// Per pattern: its text and whether it must match as written.
    patterns: Vec<(String, bool)>,
}

impl Known {
    fn new() -> Known {
        let patterns: Vec<(String, bool)> = names::organizations()
            .patterns
            .iter()
            .chain(&names::countries().patterns)
            .map(|(p, _, exact)| (p.clone(), *exact))
            .collect();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(patterns.iter().map(|p| &p.0))
            .expect("known names automaton");
        Known { ac, patterns }
    }

    /// The spans of known names in `text` (whole words).
    fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        self.ac
            .find_overlapping_iter(text)
            .filter(|m| {
                let (p, exact) = &self.patterns[m.pattern().as_usize()];
                (!exact || &text[m.start()..m.end()] == p.as_str())
                    && names::on_boundaries(text, m.start(), m.end())
            })
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    /// `name` with the organizations and places ruta already knows blanked out ("China
    /// Three Gorges concession of the Jupiá" → ", concession of the Jupiá"): their words
    /// are not distinctive of one project.
    fn mask(&self, name: &str) -> String {
        let mut out = name.to_string();
        let mut spans = self.spans(name);
        spans.sort_unstable();
        // Widest first where spans overlap; replace from the end.
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for (s, e) in spans {
            match kept.last_mut() {
                Some(last) if s < last.1 => last.1 = last.1.max(e),
                _ => kept.push((s, e)),
            }
        }
        for (s, e) in kept.into_iter().rev() {
            out.replace_range(s..e, ",");
        }
        out
    }

    /// Whether a phrase is a place or an organization ruta already knows (then it is not
    /// distinctive of one project).
    fn covers(&self, phrase: &str) -> bool {
        self.spans(phrase)
            .iter()
            .any(|&(s, e)| s == 0 && e == phrase.len())
    }
}

/// The places of a registry location: the most specific part of it ("Santa Cruz river,
/// Santa Cruz province" → "Santa Cruz"; "Montero (Santa Cruz) to Bulo Bulo (Cochabamba)" →
/// "Montero", "Bulo Bulo").
fn places_of(place: &str, generic: &BTreeSet<String>) -> Vec<String> {
    let first = place.split(',').next().unwrap_or("");
    // Without parentheses: they hold broader places.
    let mut plain = String::new();
    let mut depth = 0;
    for c in first.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split(" to ")
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(['–', '—']))
        .flat_map(|p| {
            let v = phrases_trimmed(p, generic, false);
            // The place, and its last word when it has one ("Salar de Uyuni", "Uyuni").
            v.into_iter().take(2)
        })
        .collect()
}

fn partials() -> &'static Partials {
    static P: OnceLock<Partials> = OnceLock::new();
    P.get_or_init(|| {
        let w = words();
        let generic: BTreeSet<String> = w.generic.words.iter().map(|g| g.to_lowercase()).collect();
        let detect: Vec<Regex> = w
            .types
            .values()
            .map(|list| crate::pattern(&format!(r"(?i)\b(?:{})\b", list.join("|"))))
            .collect();
        let type_lists: Vec<&Vec<String>> = w.types.values().collect();
        let mut nouns: Vec<TypeNouns> = Vec::new();
        let mut noun_sets: BTreeMap<(Vec<usize>, bool), usize> = BTreeMap::new();
        let mut nouns_of = |t: &[usize], universal: bool| -> usize {
            *noun_sets.entry((t.to_vec(), universal)).or_insert_with(|| {
                let list: Vec<&String> = t
                    .iter()
                    .flat_map(|&i| type_lists[i].iter())
                    .chain(
                        universal
                            .then_some(&w.universal.words)
                            .into_iter()
                            .flatten(),
                    )
                    .collect();
                nouns.push(type_nouns(&list));
                nouns.len() - 1
            })
        };
        let records = ruta_registry::records().expect("registry records");
        let known = Known::new();
        let mut projects = Vec::new();
        let mut by_phrase: BTreeMap<String, Vec<(usize, Origin)>> = BTreeMap::new();
        // Projects only: a registry project's flows (`<project>~<flow>` records) are
        // recorded under the project and named after it.
        for r in records.iter().filter(|r| !r.project.id.contains('~')) {
            let p = &r.project;
            let names: Vec<&str> = std::iter::once(p.name.as_str())
                .chain(
                    p.aliases
                        .iter()
                        .filter(|a| a.lang.as_deref() != Some("zh"))
                        .map(|a| a.name.as_str()),
                )
                .collect();
            let sector = p
                .attributes
                .get("sector_hint")
                .and_then(|s| s.as_str())
                .unwrap_or("");
            let described = format!("{} {sector}", names.join(" "));
            let mut t: Vec<usize> = detect
                .iter()
                .enumerate()
                .filter(|(_, re)| re.is_match(&described))
                .map(|(i, _)| i)
                .collect();
            let i = projects.len();
            let places: Vec<String> = r
                .locations
                .iter()
                .filter(|l| l.precision.is_some_and(|x| x <= 4))
                .filter_map(|l| l.place.as_deref())
                .flat_map(|pl| places_of(pl, &generic))
                .collect();
            let mut add = |phrase: String, origin: Origin| {
                // A name's words that are also the project's place count as its place.
                let origin = if places.contains(&phrase) {
                    Origin::Place
                } else {
                    origin
                };
                if origin != Origin::Place && known.covers(&phrase) {
                    return;
                }
                let e = by_phrase.entry(phrase).or_default();
                if !e.iter().any(|(j, _)| *j == i) {
                    e.push((i, origin));
                }
            };
            for ph in places.clone() {
                add(ph, Origin::Place);
            }
            for n in &names {
                let parts: Vec<&str> = n
                    .split(" and ")
                    .flat_map(|x| x.split(" y "))
                    .flat_map(|x| x.split(" e "))
                    .flat_map(|x| x.split(" & "))
                    .flat_map(|x| x.split(['–', '—', '/']))
                    .collect();
                let per_part: Vec<Vec<String>> = parts
                    .iter()
                    .map(|x| phrases_of(&known.mask(x), &generic))
                    .collect();
                let paired = per_part.iter().filter(|v| !v.is_empty()).count() >= 2;
                for v in per_part {
                    for ph in v {
                        add(
                            ph,
                            if paired {
                                Origin::Component
                            } else {
                                Origin::Name
                            },
                        );
                    }
                }
            }
            t.sort_unstable();
            t.dedup();
            projects.push(Project {
                id: p.id.clone(),
                name: p.name.clone(),
                country: p.country.clone().unwrap_or_default(),
                nouns: nouns_of(&t, true),
                place_nouns: (!t.is_empty()).then(|| nouns_of(&t, false)),
            });
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut entries = Vec::new();
        for (phrase, e) in by_phrase {
            let upper = phrase.to_uppercase();
            for form in [phrase.clone(), upper] {
                if patterns.contains(&form) {
                    continue;
                }
                patterns.push(form);
                entries.push(e.clone());
            }
        }
        Partials {
            projects,
            nouns,
            patterns,
            entries,
        }
    })
}

/// The span a phrase at `[s, e)` takes with one of `t`'s nouns next to it (after it, or
/// before it with a preposition between), the longer when both.
fn with_type_noun(text: &str, s: usize, e: usize, t: &TypeNouns) -> Option<(usize, usize)> {
    let after = &text[e..crate::figures::floor_char(text, e + 64).max(e)];
    let before = &text[crate::figures::floor_char(text, s.saturating_sub(64))..s];
    let mut best: Option<(usize, usize)> = None;
    let (after_re, before_re) = t.patterns();
    if let Some(m) = after_re.find(after)
        && !after[m.end()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric())
    {
        best = Some((s, e + m.end()));
    }
    if let Some(m) = before_re.find(before) {
        let lead = before[m.start()..]
            .find(|c: char| c.is_alphabetic())
            .unwrap_or(0);
        let span = (s - before.len() + m.start() + lead, e);
        if best.is_none_or(|b| span.1 - span.0 > b.1 - b.0) {
            best = Some(span);
        }
    }
    best
}

/// The distinctive phrases the shared scan looks for ([`crate::scan`]), as written.
pub(crate) fn phrase_patterns() -> &'static [String] {
    &partials().patterns
}

/// Every registry project the text names, by rules 1–5 (see the module documentation),
/// sorted by position. `countries` are the text's country mentions.
pub fn find(text: &str, countries: &[NameMatch]) -> Vec<ProjectMatch> {
    find_in(text, countries, &crate::scan::scan(text))
}

/// [`find`] from the text's shared scan.
pub(crate) fn find_in(text: &str, countries: &[NameMatch], hits: &[Hit]) -> Vec<ProjectMatch> {
    let mut out: Vec<ProjectMatch> = names::registry_matches(text, countries, hits)
        .into_iter()
        .map(|(m, literal)| ProjectMatch {
            start: m.start,
            end: m.end,
            id: m.id,
            name: m.name,
            rule: if literal { Rule::Name } else { Rule::Pattern },
            candidates: Vec::new(),
        })
        .collect();
    let p = partials();
    // Per phrase hit, every project it fits: (span with the type noun, project, rule).
    type Fit = ((usize, usize), usize, Rule);
    let mut found: Vec<Vec<Fit>> = Vec::new();
    for h in hits {
        let Tag::Phrase(phrase) = h.tag else { continue };
        let (s, e) = (h.start, h.end);
        if !names::on_boundaries(text, s, e) || out.iter().any(|k| s < k.end && k.start < e) {
            continue;
        }
        let mut fits = Vec::new();
        for &(pi, origin) in &p.entries[phrase] {
            let project = &p.projects[pi];
            let nouns = if origin == Origin::Place {
                project.place_nouns
            } else {
                Some(project.nouns)
            };
            let Some(span) = nouns.and_then(|n| with_type_noun(text, s, e, &p.nouns[n])) else {
                continue;
            };
            if origin == Origin::Place {
                let (ps, pe) = names::paragraph(text, s);
                let lac: Vec<&str> = countries
                    .iter()
                    .filter(|c| c.start >= ps && c.end <= pe && (c.end <= s || c.start >= e))
                    .filter_map(|c| c.id.as_deref())
                    .filter(|c| ruta_core::country::is_lac(c))
                    .collect();
                if !lac.is_empty() && !lac.contains(&project.country.as_str()) {
                    continue;
                }
            }
            let rule = match origin {
                Origin::Name => Rule::Partial,
                Origin::Component => Rule::Component,
                Origin::Place => Rule::PlaceType,
            };
            fits.push((span, pi, rule));
        }
        if !fits.is_empty() {
            found.push(fits);
        }
    }
    let mut partial: Vec<ProjectMatch> = Vec::new();
    for fits in found {
        let ids: BTreeSet<usize> = fits.iter().map(|f| f.1).collect();
        let start = fits.iter().map(|f| f.0.0).min().unwrap_or(0);
        let end = fits.iter().map(|f| f.0.1).max().unwrap_or(0);
        let rule = fits.iter().map(|f| f.2).min().unwrap_or(Rule::Partial);
        if ids.len() == 1 {
            let pr = &p.projects[fits[0].1];
            partial.push(ProjectMatch {
                start,
                end,
                id: Some(pr.id.clone()),
                name: pr.name.clone(),
                rule,
                candidates: Vec::new(),
            });
        } else {
            partial.push(ProjectMatch {
                start,
                end,
                id: None,
                name: text[start..end].to_string(),
                rule,
                candidates: ids.iter().map(|&i| p.projects[i].id.clone()).collect(),
            });
        }
    }
    // Leftmost-longest among the partial mentions.
    partial.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    for m in partial {
        if out.iter().any(|k| m.start < k.end && k.start < m.end) {
            continue;
        }
        out.push(m);
    }
    out.sort_by_key(|m| m.start);
    out
}

/// Whether a sentence refers back to something named before: it opens with a pronoun
/// ("It", "Ella", "Isso") or holds a determiner and a project noun ("the dam", "esta
/// obra", "o projeto", "the Argentine plant"), up to four words apart.
pub fn refers_back(sentence: &str) -> bool {
    static P: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (pronoun, anaphor) = P.get_or_init(|| {
        let w = words();
        let nouns: Vec<String> = w
            .types
            .values()
            .flatten()
            .chain(&w.universal.words)
            .cloned()
            .chain([
                "loans?".to_string(),
                "deal".to_string(),
                "facility".to_string(),
            ])
            .collect();
        let det = w.determiners.words.join("|");
        (
            crate::pattern(&format!(r"(?i)^\W*(?:{})\b", w.pronouns.words.join("|"))),
            crate::pattern(&format!(
                r"(?i)\b(?:{det})\s+(?:\S+\s+){{0,4}}?(?:{})\b",
                nouns.join("|")
            )),
        )
    });
    pronoun.is_match(sentence) || anaphor.is_match(sentence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Option<String>, Rule, Vec<String>)> {
        let c = names::find_countries(text);
        find(text, &c)
            .into_iter()
            .map(|m| (text[m.start..m.end].to_string(), m.id, m.rule, m.candidates))
            .collect()
    }

    fn one(text: &str) -> (String, Option<String>, Rule) {
        let f = found(text);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        (f[0].0.clone(), f[0].1.clone(), f[0].2)
    }

    const DAMS: &str = "arg-kirchner-cepernic-dams";

    #[test]
    fn distinctive_phrases_of_names() {
        let g: BTreeSet<String> = words()
            .generic
            .words
            .iter()
            .map(|w| w.to_lowercase())
            .collect();
        assert_eq!(phrases_of("Port of Chancay", &g), vec!["Chancay"]);
        assert_eq!(
            phrases_of("Jorge Cepernic hydroelectric dams", &g),
            vec!["Jorge Cepernic", "Cepernic"]
        );
        assert_eq!(
            phrases_of("Zijin's Tres Quebradas lithium project", &g)[1],
            "Tres Quebradas"
        );
        assert!(phrases_of("CDB US$10 billion loan (2009)", &g).is_empty());
        assert_eq!(
            places_of("Montero (Santa Cruz) to Bulo Bulo (Cochabamba)", &g),
            vec!["Montero", "Bulo Bulo"]
        );
        assert_eq!(
            places_of("Santa Cruz river, Santa Cruz province", &g),
            vec!["Santa Cruz"]
        );
        assert_eq!(
            places_of("Salar de Uyuni, Potosí", &g),
            vec!["Salar de Uyuni", "Uyuni"]
        );
    }

    #[test]
    fn one_component_of_a_paired_project() {
        assert_eq!(
            one("Work on the Jorge Cepernic dam resumed."),
            (
                "Jorge Cepernic dam".into(),
                Some(DAMS.into()),
                Rule::Component
            )
        );
        assert_eq!(
            one("Las obras de la represa Cepernic siguen paradas."),
            (
                "represa Cepernic".into(),
                Some(DAMS.into()),
                Rule::Component
            )
        );
        assert_eq!(
            one("A barragem Néstor Kirchner recebeu as turbinas."),
            (
                "barragem Néstor Kirchner".into(),
                Some(DAMS.into()),
                Rule::Component
            )
        );
        assert_eq!(
            one("A usina de Ilha Solteira foi leiloada.").1.as_deref(),
            Some("bra-ctg-jupia-ilha-solteira")
        );
    }

    #[test]
    fn a_place_and_a_project_type() {
        assert_eq!(
            one("The two dams in Santa Cruz will cost more."),
            (
                "dams in Santa Cruz".into(),
                Some(DAMS.into()),
                Rule::PlaceType
            )
        );
        assert_eq!(
            one("Las represas de Santa Cruz tendrán 1.310 MW.")
                .1
                .as_deref(),
            Some(DAMS)
        );
        // A railway in Bolivia's Santa Cruz is not the dams.
        assert_eq!(
            one("The railway from Montero was delayed.").1.as_deref(),
            Some("bol-montero-bulo-bulo-railway")
        );
        assert!(found("The dams in Santa Cruz, Bolivia, are small.").is_empty());
        // A place alone, or with the wrong type, names nothing.
        assert!(found("Santa Cruz voted on Sunday.").is_empty());
        assert!(found("The airport in Santa Cruz reopened.").is_empty());
    }

    #[test]
    fn partial_names_and_full_names() {
        assert_eq!(
            one("El proyecto Sopladora genera 487 MW.").1.as_deref(),
            Some("ecu-sopladora-hydro")
        );
        assert_eq!(one("vía ferroviaria Montero-Bulo Bulo").2, Rule::Pattern);
        assert_eq!(one("the Coca Codo Sinclair dam").2, Rule::Name);
        // China is never the host: "Chinese" does not stand for the project's country.
        assert!(found("The Chinese dams in Santa Cruz are large.").len() == 1);
    }

    #[test]
    fn sentences_that_refer_back() {
        assert!(refers_back("The dam was finished in 2016."));
        assert!(refers_back("Esta obra costó más de lo previsto."));
        assert!(refers_back("O projeto foi suspenso."));
        assert!(refers_back("It was financed by China."));
        assert!(!refers_back("China lends to many countries."));
    }
}
