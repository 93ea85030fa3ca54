//! One pass over an article for every literal the extractor looks for: organization and
//! country names, registry project names, the distinctive words of registry projects, the
//! beginnings of event expressions and the scale words of amounts in words.
//!
//! Each kind of name used to be its own Aho–Corasick pass; one automaton reads the text once
//! and hands every module the places its words occur ([`Hit`]s), which keeps the extractor's
//! speed as the vocabularies grow. The automaton matches ASCII case-insensitively; patterns
//! that must match as written (one-word organization names, place names, partial project
//! names) are checked against the text afterwards. Hits overlap and are not checked for
//! word boundaries: each module applies its own rules.

use crate::lang::Lang;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What a hit is a place of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// A gazetteer organization (entry index in `names::organizations`).
    Org(usize),
    /// A country (entry index in `names::countries`).
    Country(usize),
    /// A registry name or alias (index in the registry's mention patterns).
    Registry(usize),
    /// A distinctive phrase of registry projects (index in `projects`' phrase list).
    Phrase(usize),
    /// The beginning of event expressions in a language (stem index in `events`).
    EventStem(Lang, usize),
    /// A scale word that may end an amount in words.
    Numeral,
}

/// A place where one of the extractor's literals occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub tag: Tag,
}

/// What one automaton pattern stands for: each meaning, with the form it must be written
/// in, if any.
type Meanings = Vec<(Tag, Option<String>)>;

struct Scanner {
    ac: AhoCorasick,
    /// Per automaton pattern (its ASCII lower case): what it stands for, each with the form
    /// it must be written in, if any ("US" is the country, "us" is not).
    meaning: Vec<(String, Meanings)>,
}

/// The scale words (their beginnings) of amounts in words.
const NUMERAL_STEMS: &[&str] = &["mil", "bil", "tril", "thousand"];

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| {
        // One automaton pattern per spelling up to ASCII case ("China", "CHINA", "china").
        let mut by_pattern: HashMap<String, Meanings> = HashMap::new();
        let mut add = |p: &str, tag: Tag, exact: bool| {
            if !p.is_empty() {
                by_pattern
                    .entry(p.to_ascii_lowercase())
                    .or_default()
                    .push((tag, exact.then(|| p.to_string())));
            }
        };
        for (p, i, exact) in &crate::names::organizations().patterns {
            add(p, Tag::Org(*i), *exact);
        }
        for (p, i, exact) in &crate::names::countries().patterns {
            add(p, Tag::Country(*i), *exact);
        }
        for (p, i) in &crate::names::projects().literals {
            add(p, Tag::Registry(*i), false);
        }
        for (i, p) in crate::projects::phrase_patterns().iter().enumerate() {
            add(p, Tag::Phrase(i), true);
        }
        for lang in [Lang::En, Lang::Es, Lang::Pt] {
            for (i, p) in crate::events::stems(lang).iter().enumerate() {
                add(p, Tag::EventStem(lang, i), false);
            }
        }
        for p in NUMERAL_STEMS {
            add(p, Tag::Numeral, false);
        }
        let mut meaning: Vec<(String, Meanings)> = by_pattern.into_iter().collect();
        meaning.sort_by(|a, b| a.0.cmp(&b.0));
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            // A contiguous NFA: a third of a DFA's memory for these few thousand patterns,
            // built faster, and as fast on news text.
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(meaning.iter().map(|m| &m.0))
            .expect("scan automaton");
        Scanner { ac, meaning }
    })
}

/// Every place in `text` where one of the extractor's literals occurs, sorted by start
/// (then end).
pub(crate) fn scan(text: &str) -> Vec<Hit> {
    let s = scanner();
    let mut hits = Vec::new();
    for m in s.ac.find_overlapping_iter(text) {
        let (_, tags) = &s.meaning[m.pattern().as_usize()];
        let written = &text[m.start()..m.end()];
        for (tag, form) in tags {
            if form.as_ref().is_some_and(|f| f != written) {
                continue;
            }
            hits.push(Hit {
                start: m.start(),
                end: m.end(),
                tag: *tag,
            });
        }
    }
    hits.sort_by_key(|h| (h.start, h.end));
    // A name listed in several spellings that match the same text counts once.
    hits.dedup();
    hits
}
