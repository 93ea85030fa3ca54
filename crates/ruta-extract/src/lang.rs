//! Which of English, Spanish or Portuguese a text is written in, from its most common
//! short words.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Es,
    Pt,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" => Some(Lang::En),
            "es" | "spa" | "spanish" | "español" => Some(Lang::Es),
            "pt" | "por" | "portuguese" | "português" => Some(Lang::Pt),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Pt => "pt",
        }
    }
}

const EN: &[&str] = &[
    "the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "by", "its", "which",
    "has", "have", "are", "from", "this", "be", "will",
];
const ES: &[&str] = &[
    "el", "los", "las", "del", "que", "y", "en", "por", "con", "una", "para", "es", "se", "su",
    "al", "lo", "como", "más", "fue", "sus",
];
const PT: &[&str] = &[
    "os", "do", "da", "dos", "das", "que", "e", "em", "no", "na", "para", "com", "uma", "um",
    "não", "ao", "pelo", "pela", "foi", "mais",
];

/// Detects the language of `text` (English when nothing decides).
pub fn detect(text: &str) -> Lang {
    let (mut en, mut es, mut pt) = (0u32, 0u32, 0u32);
    let mut seen = 0;
    for w in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        seen += 1;
        if seen > 4000 {
            break;
        }
        let lw = w.to_lowercase();
        let l = lw.as_str();
        en += EN.contains(&l) as u32;
        es += ES.contains(&l) as u32;
        pt += PT.contains(&l) as u32;
        // Letters only one of the two Iberian languages uses.
        if l.contains('ñ') || l.ends_with("ción") || l.ends_with("ciones") {
            es += 2;
        }
        if l.contains('ã')
            || l.contains('õ')
            || l.contains('ç')
            || l.ends_with("ção")
            || l.ends_with("ções")
        {
            pt += 2;
        }
    }
    if en >= es && en >= pt {
        Lang::En
    } else if es >= pt {
        Lang::Es
    } else {
        Lang::Pt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_languages() {
        assert_eq!(
            detect("The port was built by the Chinese company and opened in 2024."),
            Lang::En
        );
        assert_eq!(
            detect("El puerto fue construido por la empresa china y se inauguró en 2024."),
            Lang::Es
        );
        assert_eq!(
            detect("O porto foi construído pela empresa chinesa e não foi inaugurado em 2024."),
            Lang::Pt
        );
        assert_eq!(detect(""), Lang::En);
    }
}
