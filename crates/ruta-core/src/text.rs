//! Text normalisation shared by every matcher: folding for comparison and slugs for ids.

use unicode_normalization::UnicodeNormalization;

/// Folds text for comparison: NFD, combining marks removed, lower-case,
/// punctuation other than `&'` turned into spaces, whitespace collapsed.
/// "São Paulo" and "SAO  PAULO" fold to the same string.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let c = match c {
            'ß' => 's',
            'ø' | 'Ø' => 'o',
            'æ' | 'Æ' => 'a',
            '’' | '‘' | '`' | '´' => '\'',
            _ => c,
        };
        if c.is_alphanumeric() || c == '&' || c == '\'' {
            for l in c.to_lowercase() {
                out.push(l);
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A lower-case ASCII slug of at most `max` bytes: "Coca Codo Sinclair" → "coca-codo-sinclair".
pub fn slug(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in fold(s).chars() {
        if c.is_ascii_alphanumeric() {
            if out.len() >= max {
                break;
            }
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            if out.len() >= max {
                break;
            }
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Trims and collapses internal whitespace; None when nothing is left.
pub fn clean(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() { None } else { Some(t) }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day) — Howard
/// Hinnant's civil-from-days algorithm.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 as YYYY-MM-DD.
pub fn iso_date_from_days(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Whether (year, month, day) is a real calendar date.
pub fn is_valid_date(y: i32, m: u32, d: u32) -> bool {
    if !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    d <= days[(m - 1) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("São  Paulo"), "sao paulo");
        assert_eq!(
            fold("Banco de Exportación e Importación (China)"),
            "banco de exportacion e importacion china"
        );
        assert_eq!(fold("China’s Ex-Im Bank"), "china's ex im bank");
        assert_eq!(
            slug("Coca Codo Sinclair (Ecuador)", 64),
            "coca-codo-sinclair-ecuador"
        );
        assert_eq!(slug("Bogotá Metro Line 1", 10), "bogota-met");
        assert_eq!(clean("  a \n b "), Some("a b".into()));
        assert_eq!(clean(" \t"), None);
    }

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
        assert_eq!(iso_date_from_days(-1), "1969-12-31");
        assert!(
            is_valid_date(2024, 2, 29)
                && !is_valid_date(2023, 2, 29)
                && !is_valid_date(2024, 13, 1)
        );
    }
}
