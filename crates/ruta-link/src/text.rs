//! Names as the linker compares them: folded (`ruta_core::text::fold`: accents, case and
//! punctuation ignored), split into words, the function words of English, Spanish and
//! Portuguese and the words every finance record uses dropped, a plural `s` stripped, and
//! a few words that name the same thing in the three languages mapped to one
//! ("represa", "barragem", "presa", "dam" → `dam`). What remains are the words that tell
//! one deal from another; how much each says is weighted by its rarity (see
//! `comparison`), not here.

use ruta_core::text::fold;

/// Words dropped before comparing names: function words (EN/ES/PT), words every record
/// of a finance dataset uses (loan, provides, million, project …), and country
/// adjectives that the country comparison already covers. Source: ruta's reading of the
/// titles of AidData GCDF 3.0, BU CGEF and AEI CGIT rows in `../shared/data`.
const STOPWORDS: &[&str] = &[
    // English
    "the",
    "of",
    "and",
    "for",
    "in",
    "on",
    "to",
    "a",
    "an",
    "with",
    "by",
    "at",
    "from",
    "its",
    "as",
    "into",
    "via",
    "between",
    "other",
    "new", // Spanish
    "de",
    "del",
    "la",
    "el",
    "los",
    "las",
    "y",
    "e",
    "en",
    "para",
    "por",
    "con",
    "al",
    "un",
    "una",
    "o",
    "su",
    "sus",
    "entre", // Portuguese
    "do",
    "da",
    "dos",
    "das",
    "os",
    "as",
    "no",
    "na",
    "nos",
    "nas",
    "em",
    "com",
    "um",
    "uma",
    "ao",
    "aos", // finance boilerplate
    "provides",
    "provide",
    "provided",
    "providing",
    "million",
    "billion",
    "millones",
    "mil",
    "milhoes",
    "mn",
    "bn",
    "usd",
    "us",
    "rmb",
    "cny",
    "loan",
    "loans",
    "prestamo",
    "prestamos",
    "emprestimo",
    "credit",
    "credito",
    "facility",
    "agreement",
    "project",
    "projects",
    "proyecto",
    "proyectos",
    "projeto",
    "projetos",
    "program",
    "programme",
    "programa",
    "phase",
    "fase",
    "investment",
    "inversion",
    "investimento",
    "contract",
    "contrato",
    "financing",
    "financiamiento",
    "financiamento",
    "government",
    "gobierno",
    "governo",
    "china",
    "chinese",
    "chino",
    "china's",
    "co",
    "ltd",
    "limited",
    "corporation",
    "company",
    "group",
    "sa",
    "s",
    "inc",
    "unspecified",
    "various",
    "support",
    "supports",
];

/// Words that name the same thing in English, Spanish and Portuguese (after folding and
/// plural stripping), mapped to one token. Source: ruta's sector rule words
/// (`ruta-core/data/sector_rules.toml`) and the dataset titles.
const SYNONYMS: &[(&str, &str)] = &[
    ("hydroelectric", "hydro"),
    ("hydropower", "hydro"),
    ("hidroelectrica", "hydro"),
    ("hidroelectrico", "hydro"),
    ("hidroeletrica", "hydro"),
    ("hidreletrica", "hydro"),
    ("hidroelectricas", "hydro"),
    ("hpp", "hydro"),
    ("represa", "dam"),
    ("presa", "dam"),
    ("barragem", "dam"),
    ("railway", "rail"),
    ("railroad", "rail"),
    ("ferrocarril", "rail"),
    ("ferrovia", "rail"),
    ("ferroviario", "rail"),
    ("highway", "road"),
    ("carretera", "road"),
    ("rodovia", "road"),
    ("puerto", "port"),
    ("porto", "port"),
    ("planta", "plant"),
    ("usina", "plant"),
    ("station", "plant"),
    ("petroleo", "oil"),
    ("transmision", "transmission"),
    ("transmissao", "transmission"),
    ("linea", "line"),
    ("linha", "line"),
    ("eolico", "wind"),
    ("eolica", "wind"),
    ("fotovoltaica", "solar"),
    ("photovoltaic", "solar"),
    ("aeropuerto", "airport"),
    ("aeroporto", "airport"),
    ("puente", "bridge"),
    ("ponte", "bridge"),
    ("vivienda", "housing"),
    ("refineria", "refinery"),
    ("mina", "mine"),
    ("mining", "mine"),
    ("mineria", "mine"),
    ("cobre", "copper"),
    ("litio", "lithium"),
    ("acueducto", "aqueduct"),
    ("electricity", "power"),
    ("electrica", "power"),
    ("energia", "energy"),
];

/// Words of country names (every country's English name, the LAC states' Spanish and
/// Portuguese names): the country comparison already counts them, and a name that says
/// "(Ecuador)" says nothing about which Ecuadorian deal it is.
fn country_words() -> &'static std::collections::HashSet<String> {
    static W: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        let mut names: Vec<String> = ruta_core::country::all()
            .iter()
            .map(|c| c.name.clone())
            .collect();
        for c in ruta_core::country::lac() {
            names.extend([c.name_en.clone(), c.name_es.clone(), c.name_pt.clone()]);
        }
        names
            .iter()
            .flat_map(|n| fold(n).split(' ').map(str::to_string).collect::<Vec<_>>())
            .filter(|w| w.len() >= 4 && !["santa", "saint", "lucia", "kitts"].contains(&w.as_str()))
            .collect()
    })
}

fn is_stopword(w: &str) -> bool {
    STOPWORDS.contains(&w) || country_words().contains(w)
}

fn canonical(w: &str) -> &str {
    SYNONYMS
        .iter()
        .find(|(from, _)| *from == w)
        .map(|(_, to)| *to)
        .unwrap_or(w)
}

/// The distinctive words of a name, in order of first appearance, each once:
/// `tokens("CDB provides $4.7 billion loan for Néstor Kirchner and Jorge Cepernic Hydroelectric Dams")`
/// = `["cdb", "nestor", "kirchner", "jorge", "cepernic", "hydro", "dam"]`.
pub fn tokens(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in fold(s).split(' ') {
        let w = w.trim_matches('\'');
        if w.len() < 2 || w.chars().all(|c| c.is_ascii_digit()) || is_stopword(w) {
            continue;
        }
        if w.chars().any(|c| c.is_ascii_digit()) && w.len() <= 4 {
            // "4.7", "10mt", "2x": figures, not names.
            continue;
        }
        let w = w.trim_end_matches("'s");
        let base = canonical(w);
        let stemmed = if base == w && w.len() >= 4 && w.ends_with('s') && !w.ends_with("ss") {
            canonical(&w[..w.len() - 1])
        } else {
            base
        };
        if is_stopword(stemmed) {
            continue;
        }
        if !out.iter().any(|t| t == stemmed) {
            out.push(stemmed.to_string());
        }
    }
    out
}

/// Whether two words are spellings of one name: Jaro–Winkler similarity ≥ 0.92 between
/// words of at least 5 letters sharing their first letter ("kichner" ~ "kirchner",
/// "cepernic" ~ "cepernick"). Threshold: the usual Jaro–Winkler cut for typographical
/// variants of names (Winkler 1990), checked on the shared data's spelling variants.
pub fn same_word(a: &str, b: &str) -> bool {
    a.len() >= 5
        && b.len() >= 5
        && a.as_bytes()[0] == b.as_bytes()[0]
        && strsim::jaro_winkler(a, b) >= 0.92
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_reduce_to_their_distinctive_words() {
        assert_eq!(
            tokens(
                "CDB provides $4.714 billion loan for Néstor Kirchner and Jorge Cepernic Hydroelectric Dams"
            ),
            vec![
                "cdb", "nestor", "kirchner", "jorge", "cepernic", "hydro", "dam"
            ]
        );
        assert_eq!(
            tokens("Represas del río Santa Cruz"),
            vec!["dam", "rio", "santa", "cruz"]
        );
        assert_eq!(
            tokens("Coca-Codo-Sinclair HPP"),
            vec!["coca", "codo", "sinclair", "hydro"]
        );
        assert_eq!(tokens("Usina Hidrelétrica"), vec!["plant", "hydro"]);
        assert!(tokens("10-Year Oil Supply Plan (10Mt/Year)").contains(&"oil".to_string()));
    }

    #[test]
    fn spelling_variants_are_one_word() {
        assert!(same_word("kichner", "kirchner"));
        assert!(!same_word("bambas", "bahamas"));
        assert!(!same_word("coca", "cocha"));
    }
}
