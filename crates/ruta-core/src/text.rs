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
}
