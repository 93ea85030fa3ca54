//! Dates and years in running text: "November 14, 2024", "14 de noviembre de 2024",
//! "julho de 2022", "2024-11-14", "14/11/2024", and bare years 1900–2099.

use crate::lang::Lang;
use regex::Regex;
use std::sync::OnceLock;

/// A date mention: its span and its value (YYYY-MM-DD, YYYY-MM or YYYY).
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub value: String,
}

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("enero", 1),
    ("janeiro", 1),
    ("february", 2),
    ("feb", 2),
    ("febrero", 2),
    ("fevereiro", 2),
    ("fev", 2),
    ("march", 3),
    ("mar", 3),
    ("marzo", 3),
    ("março", 3),
    ("marco", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("abr", 4),
    ("may", 5),
    ("mayo", 5),
    ("maio", 5),
    ("june", 6),
    ("jun", 6),
    ("junio", 6),
    ("junho", 6),
    ("july", 7),
    ("jul", 7),
    ("julio", 7),
    ("julho", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("ago", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("setembro", 9),
    ("set", 9),
    ("october", 10),
    ("oct", 10),
    ("octubre", 10),
    ("outubro", 10),
    ("out", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("december", 12),
    ("dec", 12),
    ("diciembre", 12),
    ("dezembro", 12),
    ("dez", 12),
    ("dic", 12),
];

fn month_number(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.').to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == w).map(|(_, m)| *m)
}

struct Patterns {
    full_en: Regex,
    full_day_first: Regex,
    month_year: Regex,
    iso: Regex,
    slash: Regex,
    year: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    const M: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro)";
    P.get_or_init(|| Patterns {
        full_en: crate::pattern(&format!(r"(?i)(?-u:\b){M}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})(?-u:\b)")),
        full_day_first: crate::pattern(&format!(r"(?i)(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th|º)?\s+(?:de\s+)?{M}\s+(?:de\s+|del\s+)?((?:19|20)\d{{2}})(?-u:\b)")),
        month_year: crate::pattern(&format!(r"(?i)(?-u:\b){M}\s+(?:de\s+|del\s+|of\s+)?((?:19|20)\d{{2}})(?-u:\b)")),
        iso: crate::pattern(r"(?-u:\b)((?:19|20)\d{2})-(\d{2})-(\d{2})(?-u:\b)"),
        slash: crate::pattern(r"(?-u:\b)(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?-u:\b)"),
        year: crate::pattern(r"(?:19|20)\d{2}"),
    })
}

fn date(y: &str, m: u32, d: Option<u32>) -> Option<String> {
    let y: i32 = y.parse().ok()?;
    match d {
        Some(d) if ruta_core::text::is_valid_date(y, m, d) => Some(format!("{y:04}-{m:02}-{d:02}")),
        Some(_) => None,
        None if (1..=12).contains(&m) => Some(format!("{y:04}-{m:02}")),
        None => None,
    }
}

/// Dates and years of `text`, skipping spans already taken by other mentions.
pub fn find(text: &str, lang: Lang, taken: &[(usize, usize)]) -> Vec<DateMention> {
    let p = patterns();
    let mut out: Vec<DateMention> = Vec::new();
    let free = |s: usize, e: usize, out: &[DateMention]| {
        !taken.iter().any(|&(a, b)| s < b && a < e) && !out.iter().any(|d| s < d.end && d.start < e)
    };
    // Full dates: each pattern with how to read (year, month, day) from its groups.
    type Read = fn(&regex::Captures<'_>, Lang) -> Option<(String, u32, u32)>;
    let full: [(&regex::Regex, Read); 4] = [
        (&p.full_en, |c, _| {
            Some((c[3].to_string(), month_number(&c[1])?, c[2].parse().ok()?))
        }),
        (&p.full_day_first, |c, _| {
            Some((c[3].to_string(), month_number(&c[2])?, c[1].parse().ok()?))
        }),
        (&p.iso, |c, _| {
            Some((c[1].to_string(), c[2].parse().ok()?, c[3].parse().ok()?))
        }),
        (&p.slash, |c, lang| {
            let (a, b): (u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?);
            let (mo, d) = match lang {
                Lang::En if a <= 12 => (a, b),
                _ if b <= 12 => (b, a),
                _ => (a, b),
            };
            Some((c[3].to_string(), mo, d))
        }),
    ];
    for (re, read) in full {
        for c in re.captures_iter(text) {
            let m = c.get(0).expect("m");
            if let Some((y, mo, d)) = read(&c, lang)
                && let Some(v) = date(&y, mo, Some(d))
                && free(m.start(), m.end(), &out)
            {
                out.push(DateMention {
                    start: m.start(),
                    end: m.end(),
                    value: v,
                });
            }
        }
    }
    for c in p.month_year.captures_iter(text) {
        let m = c.get(0).expect("m");
        // "May" and "mar" are also ordinary words; require a capital for the short ones.
        let word = &c[1];
        let ambiguous = matches!(
            word.to_lowercase().trim_end_matches('.'),
            "may" | "mar" | "set" | "out" | "dez" | "ago" | "jun" | "jul"
        );
        if ambiguous && !word.starts_with(|ch: char| ch.is_uppercase()) {
            continue;
        }
        if let Some(mo) = month_number(word)
            && let Some(v) = date(&c[2], mo, None)
            && free(m.start(), m.end(), &out)
        {
            out.push(DateMention {
                start: m.start(),
                end: m.end(),
                value: v,
            });
        }
    }
    for m in p.year.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let before = text[..s].chars().next_back();
        let after = text[e..].chars().next();
        let glued = before.is_some_and(|c| c.is_alphanumeric() || c == '$' || c == '.' || c == ',')
            || after.is_some_and(|c| c.is_alphanumeric() || c == '%' || c == '$');
        // "2019.5" or "2,019" are numbers, not years.
        let decimal = after == Some('.') && text[e + 1..].starts_with(|c: char| c.is_ascii_digit())
            || after == Some(',') && text[e + 1..].starts_with(|c: char| c.is_ascii_digit());
        if glued || decimal || !free(s, e, &out) {
            continue;
        }
        out.push(DateMention {
            start: s,
            end: e,
            value: text[s..e].to_string(),
        });
    }
    out.sort_by_key(|d| d.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str, lang: Lang) -> Vec<String> {
        find(text, lang, &[]).into_iter().map(|d| d.value).collect()
    }

    #[test]
    fn dates_in_three_languages() {
        assert_eq!(
            values("On November 14, 2024, the port opened", Lang::En),
            vec!["2024-11-14"]
        );
        assert_eq!(
            values("el 14 de noviembre de 2024 se inauguró", Lang::Es),
            vec!["2024-11-14"]
        );
        assert_eq!(
            values("em julho de 2022 havia fissuras", Lang::Pt),
            vec!["2022-07"]
        );
        assert_eq!(
            values("By July 2022 and in 2016", Lang::En),
            vec!["2022-07", "2016"]
        );
        assert_eq!(values("from 2010 to 2019", Lang::En), vec!["2010", "2019"]);
        assert_eq!(
            values("firmado el 03/12/2019", Lang::Es),
            vec!["2019-12-03"]
        );
        assert_eq!(values("signed 2019-12-03", Lang::En), vec!["2019-12-03"]);
        assert!(values("US$2019 or 12019 or 2019MW", Lang::En).is_empty());
        assert_eq!(values("we may 2019", Lang::En), vec!["2019"]);
    }
}
