//! Amounts written in words: "mil millones", "un millón y medio", "medio millón",
//! "dois bilhões", "three hundred million", "half a billion", "one and a half billion".
//!
//! A phrase counts only when it holds a scale word (thousand, million, billion, trillion
//! and their Spanish and Portuguese forms, "mil") and at least one number word before or
//! with it: plural scales alone ("millones de dólares", "billions") are vague and are not
//! read. Values follow the usual rules of each language: cardinals add up within a group,
//! "hundred"/"ciento"/"cento" and the -cientos/-centos words give hundreds, "mil"/"thousand"
//! multiplies the group by 1,000, a larger scale closes the group (Spanish *billón* and
//! Portuguese *trilhão*/*bilião* are 10¹², Portuguese *bilhão* and English *billion* 10⁹);
//! "y medio"/"e meio"/"and a half" after a scale adds half of that scale, "medio"/"meio"/
//! "half (a)" before it counts one half. A cardinal joined by "y"/"e"/"and" after a
//! closed group ("dos millones y tres …") starts something else and ends the phrase.

use crate::lang::Lang;
use regex::Regex;
use std::sync::OnceLock;

/// A number written in words, with its byte span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spelled {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    /// The last scale word's value (10³, 10⁶, 10⁹ or 10¹²), for compounds that continue
    /// in digits ("dois bilhões e 600 milhões").
    pub last_scale: f64,
}

/// What a word is worth.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Word {
    /// A cardinal below 1,000 that adds up ("veinte", "three", "quinientos").
    Card(f64),
    /// "hundred": multiplies what came before (at least one).
    Hundred,
    /// "mil", "thousand".
    Thousand,
    /// million and above.
    Scale(f64),
    /// medio, meio, half.
    Half,
    /// English "a"/"an": one, before a scale.
    A,
    /// y, e, and.
    Conj,
}

const EN: &[(&str, Word)] = &[
    ("one", Word::Card(1.0)),
    ("two", Word::Card(2.0)),
    ("three", Word::Card(3.0)),
    ("four", Word::Card(4.0)),
    ("five", Word::Card(5.0)),
    ("six", Word::Card(6.0)),
    ("seven", Word::Card(7.0)),
    ("eight", Word::Card(8.0)),
    ("nine", Word::Card(9.0)),
    ("ten", Word::Card(10.0)),
    ("eleven", Word::Card(11.0)),
    ("twelve", Word::Card(12.0)),
    ("thirteen", Word::Card(13.0)),
    ("fourteen", Word::Card(14.0)),
    ("fifteen", Word::Card(15.0)),
    ("sixteen", Word::Card(16.0)),
    ("seventeen", Word::Card(17.0)),
    ("eighteen", Word::Card(18.0)),
    ("nineteen", Word::Card(19.0)),
    ("twenty", Word::Card(20.0)),
    ("thirty", Word::Card(30.0)),
    ("forty", Word::Card(40.0)),
    ("fifty", Word::Card(50.0)),
    ("sixty", Word::Card(60.0)),
    ("seventy", Word::Card(70.0)),
    ("eighty", Word::Card(80.0)),
    ("ninety", Word::Card(90.0)),
    ("hundred", Word::Hundred),
    ("thousand", Word::Thousand),
    ("million", Word::Scale(1e6)),
    ("millions", Word::Scale(1e6)),
    ("billion", Word::Scale(1e9)),
    ("billions", Word::Scale(1e9)),
    ("trillion", Word::Scale(1e12)),
    ("trillions", Word::Scale(1e12)),
    ("half", Word::Half),
    ("a", Word::A),
    ("an", Word::A),
    ("and", Word::Conj),
];

const ES: &[(&str, Word)] = &[
    ("un", Word::Card(1.0)),
    ("uno", Word::Card(1.0)),
    ("una", Word::Card(1.0)),
    ("dos", Word::Card(2.0)),
    ("tres", Word::Card(3.0)),
    ("cuatro", Word::Card(4.0)),
    ("cinco", Word::Card(5.0)),
    ("seis", Word::Card(6.0)),
    ("siete", Word::Card(7.0)),
    ("ocho", Word::Card(8.0)),
    ("nueve", Word::Card(9.0)),
    ("diez", Word::Card(10.0)),
    ("once", Word::Card(11.0)),
    ("doce", Word::Card(12.0)),
    ("trece", Word::Card(13.0)),
    ("catorce", Word::Card(14.0)),
    ("quince", Word::Card(15.0)),
    ("dieciséis", Word::Card(16.0)),
    ("dieciseis", Word::Card(16.0)),
    ("diecisiete", Word::Card(17.0)),
    ("dieciocho", Word::Card(18.0)),
    ("diecinueve", Word::Card(19.0)),
    ("veinte", Word::Card(20.0)),
    ("veintiún", Word::Card(21.0)),
    ("veintiun", Word::Card(21.0)),
    ("veintiuno", Word::Card(21.0)),
    ("veintidós", Word::Card(22.0)),
    ("veintidos", Word::Card(22.0)),
    ("veintitrés", Word::Card(23.0)),
    ("veintitres", Word::Card(23.0)),
    ("veinticuatro", Word::Card(24.0)),
    ("veinticinco", Word::Card(25.0)),
    ("veintiséis", Word::Card(26.0)),
    ("veintiseis", Word::Card(26.0)),
    ("veintisiete", Word::Card(27.0)),
    ("veintiocho", Word::Card(28.0)),
    ("veintinueve", Word::Card(29.0)),
    ("treinta", Word::Card(30.0)),
    ("cuarenta", Word::Card(40.0)),
    ("cincuenta", Word::Card(50.0)),
    ("sesenta", Word::Card(60.0)),
    ("setenta", Word::Card(70.0)),
    ("ochenta", Word::Card(80.0)),
    ("noventa", Word::Card(90.0)),
    ("cien", Word::Card(100.0)),
    ("ciento", Word::Card(100.0)),
    ("doscientos", Word::Card(200.0)),
    ("doscientas", Word::Card(200.0)),
    ("trescientos", Word::Card(300.0)),
    ("trescientas", Word::Card(300.0)),
    ("cuatrocientos", Word::Card(400.0)),
    ("cuatrocientas", Word::Card(400.0)),
    ("quinientos", Word::Card(500.0)),
    ("quinientas", Word::Card(500.0)),
    ("seiscientos", Word::Card(600.0)),
    ("seiscientas", Word::Card(600.0)),
    ("setecientos", Word::Card(700.0)),
    ("setecientas", Word::Card(700.0)),
    ("ochocientos", Word::Card(800.0)),
    ("ochocientas", Word::Card(800.0)),
    ("novecientos", Word::Card(900.0)),
    ("novecientas", Word::Card(900.0)),
    ("mil", Word::Thousand),
    ("millón", Word::Scale(1e6)),
    ("millon", Word::Scale(1e6)),
    ("millones", Word::Scale(1e6)),
    ("millardo", Word::Scale(1e9)),
    ("millardos", Word::Scale(1e9)),
    ("billón", Word::Scale(1e12)),
    ("billon", Word::Scale(1e12)),
    ("billones", Word::Scale(1e12)),
    ("medio", Word::Half),
    ("media", Word::Half),
    ("y", Word::Conj),
];

const PT: &[(&str, Word)] = &[
    ("um", Word::Card(1.0)),
    ("uma", Word::Card(1.0)),
    ("dois", Word::Card(2.0)),
    ("duas", Word::Card(2.0)),
    ("três", Word::Card(3.0)),
    ("tres", Word::Card(3.0)),
    ("quatro", Word::Card(4.0)),
    ("cinco", Word::Card(5.0)),
    ("seis", Word::Card(6.0)),
    ("sete", Word::Card(7.0)),
    ("oito", Word::Card(8.0)),
    ("nove", Word::Card(9.0)),
    ("dez", Word::Card(10.0)),
    ("onze", Word::Card(11.0)),
    ("doze", Word::Card(12.0)),
    ("treze", Word::Card(13.0)),
    ("catorze", Word::Card(14.0)),
    ("quatorze", Word::Card(14.0)),
    ("quinze", Word::Card(15.0)),
    ("dezesseis", Word::Card(16.0)),
    ("dezasseis", Word::Card(16.0)),
    ("dezessete", Word::Card(17.0)),
    ("dezassete", Word::Card(17.0)),
    ("dezoito", Word::Card(18.0)),
    ("dezenove", Word::Card(19.0)),
    ("dezanove", Word::Card(19.0)),
    ("vinte", Word::Card(20.0)),
    ("trinta", Word::Card(30.0)),
    ("quarenta", Word::Card(40.0)),
    ("cinquenta", Word::Card(50.0)),
    ("cinqüenta", Word::Card(50.0)),
    ("sessenta", Word::Card(60.0)),
    ("setenta", Word::Card(70.0)),
    ("oitenta", Word::Card(80.0)),
    ("noventa", Word::Card(90.0)),
    ("cem", Word::Card(100.0)),
    ("cento", Word::Card(100.0)),
    ("duzentos", Word::Card(200.0)),
    ("duzentas", Word::Card(200.0)),
    ("trezentos", Word::Card(300.0)),
    ("trezentas", Word::Card(300.0)),
    ("quatrocentos", Word::Card(400.0)),
    ("quatrocentas", Word::Card(400.0)),
    ("quinhentos", Word::Card(500.0)),
    ("quinhentas", Word::Card(500.0)),
    ("seiscentos", Word::Card(600.0)),
    ("seiscentas", Word::Card(600.0)),
    ("setecentos", Word::Card(700.0)),
    ("setecentas", Word::Card(700.0)),
    ("oitocentos", Word::Card(800.0)),
    ("oitocentas", Word::Card(800.0)),
    ("novecentos", Word::Card(900.0)),
    ("novecentas", Word::Card(900.0)),
    ("mil", Word::Thousand),
    ("milhão", Word::Scale(1e6)),
    ("milhao", Word::Scale(1e6)),
    ("milhões", Word::Scale(1e6)),
    ("milhoes", Word::Scale(1e6)),
    ("bilhão", Word::Scale(1e9)),
    ("bilhao", Word::Scale(1e9)),
    ("bilhões", Word::Scale(1e9)),
    ("bilhoes", Word::Scale(1e9)),
    ("bilião", Word::Scale(1e12)),
    ("biliões", Word::Scale(1e12)),
    ("trilhão", Word::Scale(1e12)),
    ("trilhao", Word::Scale(1e12)),
    ("trilhões", Word::Scale(1e12)),
    ("trilhoes", Word::Scale(1e12)),
    ("meio", Word::Half),
    ("meia", Word::Half),
    ("e", Word::Conj),
];

fn table(lang: Lang) -> &'static [(&'static str, Word)] {
    match lang {
        Lang::En => EN,
        Lang::Es => ES,
        Lang::Pt => PT,
    }
}

fn word(lang: Lang, w: &str) -> Option<Word> {
    let l = w.to_lowercase();
    table(lang).iter().find(|(k, _)| *k == l).map(|(_, v)| *v)
}

/// One pattern per language: a run of number words that holds a scale word.
fn pattern(lang: Lang) -> &'static Regex {
    static P: [OnceLock<Regex>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let i = match lang {
        Lang::En => 0,
        Lang::Es => 1,
        Lang::Pt => 2,
    };
    P[i].get_or_init(|| {
        let mut words: Vec<&str> = Vec::new();
        let mut scales: Vec<&str> = Vec::new();
        let mut conj = "and";
        for (w, v) in table(lang) {
            match v {
                Word::Thousand | Word::Scale(_) => scales.push(w),
                Word::Conj => conj = w,
                _ => words.push(w),
            }
        }
        // Longest first, so the alternation prefers "millones" to "millon".
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        scales.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let w = words.join("|");
        let s = scales.join("|");
        crate::pattern(&format!(
            r"(?i)(?-u:\b)(?:(?:{w}|{s})[\s-]+(?:{conj}\s+)?)*(?:{s})(?:(?:\s+{conj})?\s+(?:{w}|{s}))*"
        ))
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every amount written in words in `text`.
pub fn find(text: &str, lang: Lang) -> Vec<Spelled> {
    find_in(text, lang, &crate::scan::scan(text))
}

/// [`find`] from the text's shared scan, which gives where a scale word may begin: every
/// phrase holds one, and they are rarer than the small words ("a", "un", "e") the full
/// pattern would otherwise consider everywhere.
pub(crate) fn find_in(text: &str, lang: Lang, hits: &[crate::scan::Hit]) -> Vec<Spelled> {
    let re = pattern(lang);
    let mut out: Vec<Spelled> = Vec::new();
    let mut done = 0;
    for hit in hits.iter().filter(|h| h.tag == crate::scan::Tag::Numeral) {
        let at = hit.start;
        if at < done || text[..at].chars().next_back().is_some_and(is_word_char) {
            continue;
        }
        // After digits ("3 mil millones") the figure is read from its digits.
        if text[..at]
            .trim_end_matches(|c: char| c.is_whitespace() || c == '-')
            .ends_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let ws = crate::figures::floor_char(text, at.saturating_sub(120));
        let we = crate::figures::floor_char(text, at + 120).max(hit.end);
        for m in re.find_iter(&text[ws..we]) {
            let (ms, me) = (ws + m.start(), ws + m.end());
            if me <= at {
                continue;
            }
            if ms > at {
                break;
            }
            if let Some(sp) = spelled_at(text, ms, me, lang) {
                done = sp.end;
                out.push(sp);
            } else {
                done = me;
            }
            break;
        }
    }
    out
}

/// The amount in the words matched at `[ms, me)`, if they make one.
fn spelled_at(text: &str, ms: usize, me: usize, lang: Lang) -> Option<Spelled> {
    // Whole words only ("mil" is not inside "milímetros").
    if text[..ms].chars().next_back().is_some_and(is_word_char) {
        return None;
    }
    let tokens = words_of(text, ms, me);
    if tokens.is_empty() {
        return None;
    }
    let words: Vec<Word> = tokens
        .iter()
        .map(|&(s, e)| word(lang, &text[s..e]).unwrap_or(Word::Conj))
        .collect();
    let (value, last, last_scale) = read(&words)?;
    let (start, end) = (tokens[0].0, tokens[last].1);
    if text[end..].chars().next().is_some_and(is_word_char) {
        return None;
    }
    Some(Spelled {
        start,
        end,
        value,
        last_scale,
    })
}

/// The byte spans of the words in `text[start..end]` (split at white space and hyphens).
fn words_of(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from: Option<usize> = None;
    for (i, c) in text[start..end].char_indices() {
        let sep = c.is_whitespace() || c == '-';
        match (sep, from) {
            (true, Some(f)) => {
                out.push((start + f, start + i));
                from = None;
            }
            (false, None) => from = Some(i),
            _ => {}
        }
    }
    if let Some(f) = from {
        out.push((start + f, end));
    }
    out
}

/// The value of a run of number words: (value, index of the last word that belongs to it,
/// last scale), or None when it is not an amount (no number word, no scale).
fn read(words: &[Word]) -> Option<(f64, usize, f64)> {
    let mut total = 0.0;
    let mut current = 0.0;
    // A "mil"/"thousand" in the group being built ("dos mil quinientos" is complete).
    let mut thousands_in_group = false;
    let mut seen_number = false;
    let mut conj = false;
    let mut last_scale = 0.0;
    let mut best: Option<(f64, usize, f64)> = None;
    // Leading conjunctions and a lone "a" never start an amount.
    let first = words.iter().position(|w| *w != Word::Conj)?;
    for i in first..words.len() {
        let w = words[i];
        let prev = i.checked_sub(1).map(|j| words[j]);
        let next = words.get(i + 1).copied();
        match w {
            Word::Conj => {
                conj = true;
                continue;
            }
            Word::A => {
                // "half a billion", "and a half": the article goes with "half".
                if prev == Some(Word::Half) || next == Some(Word::Half) {
                    continue;
                }
                if !matches!(next, Some(Word::Hundred | Word::Thousand | Word::Scale(_))) {
                    break;
                }
                current += 1.0;
                seen_number = true;
            }
            Word::Half => {
                seen_number = true;
                if conj && current == 0.0 && last_scale > 0.0 {
                    // "un millón y medio", "a billion and a half".
                    total += 0.5 * last_scale;
                    best = Some((total, i, last_scale));
                } else {
                    current += 0.5;
                }
            }
            Word::Card(v) => {
                if conj && current == 0.0 && total > 0.0 {
                    break; // "dos millones y tres …": something else begins
                }
                current += v;
                seen_number = true;
                if thousands_in_group {
                    best = Some((total + current, i, last_scale));
                }
            }
            Word::Hundred => {
                current = current.max(1.0) * 100.0;
                seen_number = true;
            }
            Word::Thousand => {
                if current >= 1000.0 {
                    break; // "mil mil"
                }
                current = current.max(1.0) * 1000.0;
                thousands_in_group = true;
                seen_number = true;
                last_scale = 1e3;
                best = Some((total + current, i, last_scale));
            }
            Word::Scale(s) => {
                if !seen_number {
                    return None; // "millones", "billions": vague
                }
                if current == 0.0 {
                    break; // "un millón millones"
                }
                total += current * s;
                current = 0.0;
                thousands_in_group = false;
                last_scale = s;
                best = Some((total, i, last_scale));
            }
        }
        conj = false;
    }
    best.filter(|(v, _, _)| *v > 0.0 && v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, lang: Lang) -> (f64, &str) {
        let f = find(text, lang);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        (f[0].value, &text[f[0].start..f[0].end])
    }

    #[test]
    fn spanish_amounts_in_words() {
        assert_eq!(
            value("donó mil millones de pesos", Lang::Es),
            (1e9, "mil millones")
        );
        assert_eq!(
            value("unos dos mil quinientos millones", Lang::Es),
            (2.5e9, "dos mil quinientos millones")
        );
        assert_eq!(
            value("costó un millón y medio de euros", Lang::Es),
            (1.5e6, "un millón y medio")
        );
        assert_eq!(
            value("apenas medio millón de soles", Lang::Es),
            (5e5, "medio millón")
        );
        assert_eq!(
            value("trescientos cincuenta mil dólares", Lang::Es),
            (350e3, "trescientos cincuenta mil")
        );
        assert_eq!(
            value("son dos millones y tres empresas", Lang::Es),
            (2e6, "dos millones")
        );
        assert!(find("millones de dólares y billones de pesos", Lang::Es).is_empty());
        assert!(find("en milímetros", Lang::Es).is_empty());
    }

    #[test]
    fn portuguese_amounts_in_words() {
        assert_eq!(
            value("prometeu três bilhões de reais", Lang::Pt),
            (3e9, "três bilhões")
        );
        assert_eq!(
            value("um bilhão e meio de dólares", Lang::Pt),
            (1.5e9, "um bilhão e meio")
        );
        assert_eq!(value("meio milhão", Lang::Pt), (5e5, "meio milhão"));
        assert_eq!(
            value("duzentos e cinquenta milhões", Lang::Pt),
            (250e6, "duzentos e cinquenta milhões")
        );
    }

    #[test]
    fn english_amounts_in_words() {
        assert_eq!(
            value("some four hundred million dollars", Lang::En),
            (4e8, "four hundred million")
        );
        assert_eq!(
            value("half a billion dollars", Lang::En),
            (5e8, "half a billion")
        );
        assert_eq!(
            value("one and a half billion", Lang::En),
            (1.5e9, "one and a half billion")
        );
        assert_eq!(
            value("a billion and a half", Lang::En),
            (1.5e9, "a billion and a half")
        );
        assert_eq!(
            value("twenty-five million", Lang::En),
            (25e6, "twenty-five million")
        );
        assert!(find("billions of dollars", Lang::En).is_empty());
        assert!(find("a plan and a map", Lang::En).is_empty());
    }
}
