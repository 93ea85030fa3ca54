//! Events in running text: the words by which news reports a strike, a delay, a bribe, a
//! rescinded contract or an inauguration, in ruta's event vocabulary
//! ([`ruta_core::EventKind`]), in English, Spanish and Portuguese.
//!
//! The words live in `data/events.toml` (one list per kind and language, with the rules
//! that decide between overlapping expressions, the sentence contexts some of them need,
//! the negations that cancel them); this module only applies them. A match is whole
//! words; where several expressions match at one place the longest wins; a match is
//! dropped when a negation is among the three words before it in the same clause ("sin
//! retrasos", "no delays") or when the words just before make it the fight against the
//! thing ("anti-corruption", "lucha contra la corrupción").
//!
//! What the event is about (a project, an organization, a country) is not decided here:
//! the linker reads the event's sentence.

use crate::lang::Lang;
use crate::scan::{Hit, Tag};
use regex::Regex;
use ruta_core::EventKind;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// An event word or phrase, with its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMatch {
    pub start: usize,
    pub end: usize,
    pub kind: EventKind,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Kinds {
    One(EventKind),
    Many(Vec<EventKind>),
}

#[derive(Deserialize)]
struct Entry {
    kind: Kinds,
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    en: Vec<String>,
    #[serde(default)]
    es: Vec<String>,
    #[serde(default)]
    pt: Vec<String>,
}

#[derive(Deserialize)]
struct File {
    context: BTreeMap<String, String>,
    negation: BTreeMap<String, String>,
    against: BTreeMap<String, String>,
    event: Vec<Entry>,
}

/// One expression: anchored (compiled when first needed: most never match), with what
/// it reports and the context it needs.
struct Expr {
    source: String,
    anchored: OnceLock<Regex>,
    kinds: Vec<EventKind>,
    /// (context index, must match).
    context: Option<(usize, bool)>,
}

struct Matcher {
    /// The literal beginnings ("stems", up to eight letters, lower case) of the expressions
    /// that have one: where an event may start (found by the shared scan).
    stems: Vec<String>,
    /// Per stem, the expressions (indexes into `exprs`) that begin with it.
    stem_exprs: Vec<Vec<usize>>,
    /// The expressions without a literal beginning, for finding where they start.
    rest: Option<Regex>,
    /// Their indexes into `exprs`.
    rest_exprs: Vec<usize>,
    exprs: Vec<Expr>,
    contexts: Vec<Regex>,
    negation: Regex,
    against: Regex,
}

const DATA: &str = include_str!("../data/events.toml");

fn matcher(lang: Lang) -> &'static Matcher {
    static M: [OnceLock<Matcher>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let i = match lang {
        Lang::En => 0,
        Lang::Es => 1,
        Lang::Pt => 2,
    };
    M[i].get_or_init(|| build(DATA, lang).unwrap_or_else(|e| panic!("data/events.toml: {e}")))
}

fn build(data: &str, lang: Lang) -> Result<Matcher, String> {
    let file: File = toml::from_str(data).map_err(|e| e.to_string())?;
    let names: Vec<&String> = file.context.keys().collect();
    let contexts = file
        .context
        .values()
        .map(|c| compile(&format!("(?i)(?:{c})")))
        .collect::<Result<Vec<_>, _>>()?;
    let neg = file
        .negation
        .get(lang.as_str())
        .ok_or_else(|| format!("no negation words for {}", lang.as_str()))?;
    let negation = compile(&format!(
        r"(?i)(?:^|[^\p{{L}}])(?:{neg})(?:\s+[\p{{L}}'’-]+){{0,2}}\s+$"
    ))?;
    let against = compile(&format!(
        r"(?i)(?:^|[^\p{{L}}])(?:{})\s*$",
        file.against.values().cloned().collect::<Vec<_>>().join("|")
    ))?;
    let mut exprs = Vec::new();
    let mut all: Vec<String> = Vec::new();
    let mut stems: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut rest: Vec<String> = Vec::new();
    let mut rest_exprs: Vec<usize> = Vec::new();
    for e in &file.event {
        let kinds = match &e.kind {
            Kinds::One(k) => vec![*k],
            Kinds::Many(v) => v.clone(),
        };
        let context = match (&e.when, &e.unless) {
            (Some(w), _) => Some((w, true)),
            (None, Some(u)) => Some((u, false)),
            _ => None,
        }
        .map(|(name, must)| {
            names
                .iter()
                .position(|n| *n == name)
                .map(|i| (i, must))
                .ok_or_else(|| format!("unknown context {name:?}"))
        })
        .transpose()?;
        let words = match lang {
            Lang::En => &e.en,
            Lang::Es => &e.es,
            Lang::Pt => &e.pt,
        };
        for w in words {
            // Ending before a space or punctuation makes "atras(?:o|ou)" take "atrasou"
            // whole (a consuming test, not `\b`, keeps the pattern small and on the fast
            // DFA; the character is given back after matching).
            let source = format!(r#"(?i)^(?:{w})(?:[\s.,;:!?()\[\]"'’”“«»/—–-]|$)"#);
            if cfg!(test) {
                compile(&source).map_err(|err| format!("{w:?}: {err}"))?;
            }
            exprs.push(Expr {
                source,
                anchored: OnceLock::new(),
                kinds: kinds.clone(),
                context,
            });
            all.push(format!("(?:{w})"));
            match stems_of(w) {
                Some(v) => {
                    for st in v {
                        stems.entry(st).or_default().push(exprs.len() - 1);
                    }
                }
                None => {
                    rest.push(format!("(?:{w})"));
                    rest_exprs.push(exprs.len() - 1);
                }
            }
        }
    }
    let (stems, stem_exprs): (Vec<String>, Vec<Vec<usize>>) = stems.into_iter().unzip();
    let rest = if rest.is_empty() {
        None
    } else {
        Some(compile(&format!("(?i){}", rest.join("|")))?)
    };
    let _ = all;
    Ok(Matcher {
        stems,
        stem_exprs,
        rest,
        rest_exprs,
        exprs,
        contexts,
        negation,
        against,
    })
}

/// The literal beginnings of an expression, lower-cased and at most eight letters long
/// (longer beginnings are rarer in text, so fewer places are tried): its leading letters
/// ("sobornos?" → "soborno"), or those of each alternative of a leading group of plain
/// words ("(?:went|goes…)" → "went", "goes"…); None when some beginning is shorter than
/// three letters or not literal (then the expression is searched for whole).
fn stems_of(w: &str) -> Option<Vec<String>> {
    const META: &[char] = &['\\', '(', '[', '?', '*', '+', '{', '|', '.', '^', '$', ')'];
    let lead = |a: &str| -> Option<String> {
        // Leading letters; `\s` and `\s+` count as one space ("laid\s+off" → "laid off").
        let mut p: Vec<char> = Vec::new();
        let mut rest = a;
        loop {
            if let Some(r) = rest.strip_prefix("\\s") {
                if r.starts_with(['*', '?']) {
                    break;
                }
                p.push(' ');
                rest = r.strip_prefix('+').unwrap_or(r);
                continue;
            }
            let Some(c) = rest.chars().next() else { break };
            if META.contains(&c) || c.is_whitespace() {
                // A letter made optional ("sobornos?") is not part of every beginning.
                if matches!(c, '?' | '*' | '{') {
                    p.pop();
                }
                break;
            }
            p.push(c);
            rest = &rest[c.len_utf8()..];
        }
        while p.last() == Some(&' ') {
            p.pop();
        }
        (p.len() >= 3).then(|| p.iter().take(8).collect::<String>().to_lowercase())
    };
    if let Some(inner) = w.strip_prefix("(?:") {
        let close = inner.find(')')?;
        let group = &inner[..close];
        // An optional group begins nothing for sure.
        if group.contains(['(', '[', '\\']) || inner[close + 1..].starts_with(['?', '*', '{']) {
            return None;
        }
        return group.split('|').map(lead).collect();
    }
    lead(w).map(|s| vec![s])
}

fn compile(p: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(p)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| e.to_string())
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The sentence around bytes `[s, e)`: back to the last stop followed by a space (or a line
/// break), forward to the next one, at most 400 bytes each way.
fn sentence_around(text: &str, s: usize, e: usize) -> &str {
    let b = text.as_bytes();
    let is_end = |i: usize| {
        b[i] == b'\n'
            || (matches!(b[i], b'.' | b'!' | b'?' | b';')
                && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()))
    };
    let lo = crate::figures::floor_char(text, s.saturating_sub(400));
    let hi = crate::figures::floor_char(text, (e + 400).min(text.len()));
    let start = (lo..s).rev().find(|&i| is_end(i)).map_or(lo, |i| i + 1);
    let end = (e..hi).find(|&i| is_end(i)).unwrap_or(hi);
    &text[start..end]
}

/// The beginnings of the event expressions of `lang`, for the shared scan.
pub(crate) fn stems(lang: Lang) -> &'static [String] {
    &matcher(lang).stems
}

/// Every event word or phrase in `text`, in order. An expression with two kinds gives two
/// matches with the same span.
pub fn find(text: &str, lang: Lang) -> Vec<EventMatch> {
    find_in(text, lang, &crate::scan::scan(text))
}

/// [`find`] from the text's shared scan.
pub(crate) fn find_in(text: &str, lang: Lang, hits: &[Hit]) -> Vec<EventMatch> {
    let m = matcher(lang);
    let mut out = Vec::new();
    // Where an event may start, and which expressions may start there: a stem's, or
    // those without a stem where one of them matches.
    let mut starts: Vec<(usize, &[usize])> = hits
        .iter()
        .filter_map(|h| match h.tag {
            Tag::EventStem(l, i) if l == lang => Some((h.start, m.stem_exprs[i].as_slice())),
            _ => None,
        })
        .collect();
    if let Some(r) = &m.rest {
        starts.extend(
            r.find_iter(text)
                .map(|h| (h.start(), m.rest_exprs.as_slice())),
        );
    }
    starts.sort_by_key(|x| x.0);
    let mut from = 0;
    let mut k = 0;
    let mut candidates: Vec<usize> = Vec::new();
    while k < starts.len() {
        let s = starts[k].0;
        // Every expression that may start here.
        candidates.clear();
        while k < starts.len() && starts[k].0 == s {
            candidates.extend_from_slice(starts[k].1);
            k += 1;
        }
        // Whole words only.
        if s < from || text[..s].chars().next_back().is_some_and(is_word_char) {
            continue;
        }
        let window = &text[s..crate::figures::floor_char(text, s + 160).max(s)];
        let mut sentence: Option<&str> = None;
        let mut best: Option<(usize, &Expr)> = None;
        for &i in &candidates {
            let x = &m.exprs[i];
            let anchored = x.anchored.get_or_init(|| {
                compile(&x.source).unwrap_or_else(|e| panic!("data/events.toml: {e}"))
            });
            let Some(a) = anchored.find(window) else {
                continue;
            };
            let trailing = a
                .as_str()
                .chars()
                .next_back()
                .filter(|c| !is_word_char(*c))
                .map_or(0, char::len_utf8);
            let e = s + a.end() - trailing;
            if best.is_some_and(|(be, _)| be >= e)
                || text[e..].chars().next().is_some_and(is_word_char)
            {
                continue;
            }
            if let Some((ci, must)) = x.context {
                let st = *sentence.get_or_insert_with(|| sentence_around(text, s, e));
                if m.contexts[ci].is_match(st) != must {
                    continue;
                }
            }
            best = Some((e, x));
        }
        let Some((e, x)) = best else {
            continue;
        };
        let before = &text[crate::figures::floor_char(text, s.saturating_sub(48))..s];
        // Negations reach to the clause start only.
        let clause = before
            .rfind([',', ';', ':', '(', ')'])
            .map_or(before, |i| &before[i + 1..]);
        if !m.negation.is_match(clause) && !m.against.is_match(before) {
            for k in &x.kinds {
                out.push(EventMatch {
                    start: s,
                    end: e,
                    kind: *k,
                });
            }
        }
        from = e;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, lang: Lang) -> Vec<(&str, &'static str)> {
        find(text, lang)
            .into_iter()
            .map(|m| (&text[m.start..m.end], m.kind.as_str()))
            .collect()
    }

    #[test]
    fn the_vocabulary_compiles_in_every_language() {
        for l in [Lang::En, Lang::Es, Lang::Pt] {
            let m = build(DATA, l).unwrap_or_else(|e| panic!("{l:?}: {e}"));
            assert!(m.exprs.len() > 100, "{l:?}: {}", m.exprs.len());
        }
        assert!(
            build(
                "[context]\n[negation]\n[against]\n[[event]]\nkind = \"riot\"",
                Lang::En
            )
            .is_err()
        );
    }

    #[test]
    fn spanish_events() {
        assert_eq!(
            kinds(
                "Los trabajadores del consorcio paralizaron las obras del puente en protesta por sueldos impagos.",
                Lang::Es
            ),
            vec![
                ("paralizaron las obras", "protest"),
                ("en protesta", "protest"),
                ("sueldos impagos", "labour_abuse")
            ]
        );
        assert_eq!(
            kinds(
                "El ministerio paralizó las obras por falta de estudios.",
                Lang::Es
            ),
            vec![("paralizó las obras", "delay_cost_overrun")]
        );
        assert_eq!(
            kinds(
                "La contraloría detectó sobreprecios y la fiscalía investiga el soborno; el Estado anunció la rescisión del contrato.",
                Lang::Es
            ),
            vec![
                ("sobreprecios", "corruption"),
                ("soborno", "corruption"),
                ("rescisión", "cancellation")
            ]
        );
        assert_eq!(
            kinds(
                "El gobierno cayó en cesación de pagos y las grietas en el túnel siguen.",
                Lang::Es
            ),
            vec![
                ("cesación de pagos", "debt_distress"),
                ("grietas", "structural_defect")
            ]
        );
        assert_eq!(
            kinds("La obra avanzó sin retrasos; no hubo demoras.", Lang::Es),
            vec![]
        );
        assert_eq!(
            kinds(
                "La oficina de lucha contra la corrupción abrió en 2020.",
                Lang::Es
            ),
            vec![]
        );
        assert_eq!(
            kinds("Un incumplimiento del plazo de entrega.", Lang::Es),
            vec![]
        );
        assert_eq!(
            kinds(
                "Una firma china ganó la licitación; el consorcio niega cualquier soborno.",
                Lang::Es
            ),
            vec![("ganó la licitación", "milestone")]
        );
    }

    #[test]
    fn portuguese_events() {
        assert_eq!(
            kinds(
                "Os operários cruzaram os braços e a ferrovia está travada na Justiça.",
                Lang::Pt
            ),
            vec![
                ("cruzaram os braços", "protest"),
                ("travada na Justiça", "delay_cost_overrun"),
                ("travada na Justiça", "arbitration")
            ]
        );
        assert_eq!(
            kinds(
                "A empreiteira atrasou a entrega e houve atraso no pagamento dos salários.",
                Lang::Pt
            ),
            vec![
                ("atrasou", "delay_cost_overrun"),
                ("atraso no pagamento dos salários", "labour_abuse")
            ]
        );
        assert_eq!(
            kinds(
                "Rachaduras na barragem, propina ao prefeito e vazamento de óleo no rio.",
                Lang::Pt
            ),
            vec![
                ("Rachaduras", "structural_defect"),
                ("propina", "corruption"),
                ("vazamento de óleo", "environmental_harm")
            ]
        );
        assert_eq!(
            kinds(
                "O presidente inaugurou a usina, que não teve atrasos.",
                Lang::Pt
            ),
            vec![("inaugurou", "inauguration")]
        );
    }

    #[test]
    fn english_events() {
        assert_eq!(
            kinds(
                "Construction ground to a halt after the builder dismissed 300 workers over unpaid wages.",
                Lang::En
            ),
            vec![
                ("ground to a halt", "delay_cost_overrun"),
                ("dismissed 300 workers", "labour_abuse"),
                ("unpaid wages", "labour_abuse")
            ]
        );
        assert_eq!(
            kinds(
                "The government scrapped the deal; the lender sued, and the country defaulted on its bonds.",
                Lang::En
            ),
            vec![
                ("scrapped", "cancellation"),
                ("sued", "arbitration"),
                ("defaulted on", "debt_distress")
            ]
        );
        assert_eq!(
            kinds(
                "Engineers found cracks in the spillway; the anti-corruption office was not involved.",
                Lang::En
            ),
            vec![("cracks", "structural_defect")]
        );
        assert_eq!(
            kinds(
                "The plant opened without delays and a crackdown on smuggling began.",
                Lang::En
            ),
            vec![]
        );
        assert_eq!(
            kinds("Miners went on strike at the site.", Lang::En),
            vec![("went on strike", "protest")]
        );
    }
}
