//! Names in running text: organizations (ruta's gazetteer, then a best-effort guess for
//! unknown ones), countries (names in EN/ES/PT, capitals and cities, demonyms) and
//! registry projects (their names, aliases and mention patterns).

use crate::scan::{Hit, Tag};
use regex::{Regex, RegexBuilder};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A name found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    pub start: usize,
    pub end: usize,
    /// Organization id, ISO3 code or project id; None for unknown organizations.
    pub id: Option<String>,
    /// Canonical name (organizations, projects).
    pub name: String,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether [start, end) is a whole word or phrase in `text`.
pub(crate) fn on_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

/// Keeps the leftmost-longest of overlapping matches.
pub(crate) fn resolve_overlaps(mut v: Vec<NameMatch>) -> Vec<NameMatch> {
    v.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<NameMatch> = Vec::with_capacity(v.len());
    for m in v {
        if let Some(last) = out.last()
            && m.start < last.end
        {
            continue;
        }
        out.push(m);
    }
    out
}

/// A dictionary of names: its entries and the literal patterns that name them. The
/// patterns are searched by the one shared pass of [`crate::scan`].
pub(crate) struct Dictionary {
    /// (id, canonical name) per entry.
    entries: Vec<(String, String)>,
    /// (pattern, entry, matched as written (true) or ASCII case-insensitively).
    pub(crate) patterns: Vec<(String, usize, bool)>,
}

impl Dictionary {
    fn build(
        entries: Vec<(String, String)>,
        insensitive: Vec<(String, usize)>,
        cased: Vec<(String, usize)>,
    ) -> Dictionary {
        let patterns = insensitive
            .into_iter()
            .map(|(p, i)| (p, i, false))
            .chain(cased.into_iter().map(|(p, i)| (p, i, true)))
            .collect();
        Dictionary { entries, patterns }
    }

    /// The entries the scan found, as whole words (overlaps not yet resolved).
    fn found(
        &self,
        text: &str,
        hits: &[Hit],
        entry: impl Fn(Tag) -> Option<usize>,
    ) -> Vec<NameMatch> {
        let mut v = Vec::new();
        for h in hits {
            let Some(i) = entry(h.tag) else { continue };
            if !on_boundaries(text, h.start, h.end) {
                continue;
            }
            let (id, name) = &self.entries[i];
            v.push(NameMatch {
                start: h.start,
                end: h.end,
                id: Some(id.clone()),
                name: name.clone(),
            });
        }
        v
    }
}

pub(crate) fn organizations() -> &'static Dictionary {
    static D: OnceLock<Dictionary> = OnceLock::new();
    D.get_or_init(|| {
        let g = ruta_core::orgs::gazetteer();
        let mut entries = Vec::new();
        let mut insensitive = Vec::new();
        let mut cased = Vec::new();
        for (i, e) in g.entries().iter().enumerate() {
            entries.push((e.id.clone(), e.name.clone()));
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                // One-word names ("ICBC", "Vale", "Huawei") match only as written or in
                // capitals: in lower case they are often ordinary words.
                if !n.contains(char::is_whitespace) {
                    cased.push((n.clone(), i));
                    let upper = n.to_uppercase();
                    if &upper != n {
                        cased.push((upper, i));
                    }
                } else {
                    insensitive.push((n.clone(), i));
                }
            }
            for n in &e.cased {
                cased.push((n.clone(), i));
            }
        }
        Dictionary::build(entries, insensitive, cased)
    })
}

#[derive(serde::Deserialize)]
struct Place {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    words: Vec<String>,
}

pub(crate) fn countries() -> &'static Dictionary {
    static D: OnceLock<Dictionary> = OnceLock::new();
    D.get_or_init(|| {
        let places: BTreeMap<String, Place> =
            toml::from_str(include_str!("../data/places.toml")).expect("embedded places.toml");
        let mut codes: Vec<String> = Vec::new();
        let index = |code: &str, codes: &mut Vec<String>| -> usize {
            match codes.iter().position(|c| c == code) {
                Some(i) => i,
                None => {
                    codes.push(code.to_string());
                    codes.len() - 1
                }
            }
        };
        let mut insensitive = Vec::new();
        let mut cased = Vec::new();
        let add_name = |name: &str, i: usize, cased: &mut Vec<(String, usize)>| {
            cased.push((name.to_string(), i));
            let upper = name.to_uppercase();
            if upper != name {
                cased.push((upper, i));
            }
        };
        for c in ruta_core::country::all() {
            let i = index(&c.iso3, &mut codes);
            // ISO short names with a comma ("Korea, Republic of") are not how text writes them.
            if !c.name.contains(',') && !c.name.contains('(') {
                add_name(&c.name, i, &mut cased);
            }
        }
        for c in ruta_core::country::lac() {
            let i = index(&c.iso3, &mut codes);
            for n in [&c.name_en, &c.name_es, &c.name_pt, &c.name_zh] {
                add_name(n, i, &mut cased);
            }
        }
        for (code, p) in &places {
            let i = index(code, &mut codes);
            for n in &p.names {
                add_name(n, i, &mut cased);
            }
            for w in &p.words {
                insensitive.push((w.clone(), i));
            }
        }
        let entries = codes.iter().map(|c| (c.clone(), c.clone())).collect();
        Dictionary::build(entries, insensitive, cased)
    })
}

/// Organizations: gazetteer names first, then unknown names that look like bodies.
pub fn find_organizations(text: &str) -> Vec<NameMatch> {
    find_organizations_in(text, &crate::scan::scan(text))
}

/// [`find_organizations`] from the text's shared scan.
pub(crate) fn find_organizations_in(text: &str, hits: &[Hit]) -> Vec<NameMatch> {
    let known = resolve_overlaps(organizations().found(text, hits, |t| match t {
        Tag::Org(i) => Some(i),
        _ => None,
    }));
    static UNKNOWN: OnceLock<Regex> = OnceLock::new();
    let re = UNKNOWN.get_or_init(|| {
        let cap = r"[A-ZÁÉÍÓÚÑÃÕÇ][\p{L}'’&.-]*";
        let link = r"(?:\s+(?:of|for|and|de|del|de la|da|do|dos|das|y|e)\s+|\s+)";
        crate::pattern(&format!(
            r"(?-u:\b)(?:(?:{cap}{link}){{0,5}}(?:Company|Corporation|Corp\.|Group|Holdings|Bank|Ltd\.?|Limited|Inc\.|S\.A\.?|Co\.|Consortium|Ventures|Fund|Institute|University|Agency|Authority|Commission|Dialogue|Energy|Electric|Power|Engineering|Mining|Minerals|Resources|Lithium|Motors?|Automotive|Shipping|Ports|Construction|Railway|Telecom|Telecommunications|Petroleum|Oil|Steel|Airlines|Technologies|Technology|Energía|Energia|Minera|Mineração|Petróleo|Construcciones|Construções|Ingeniería|Engenharia)|(?:Banco|Grupo|Empresa|Compañía|Companhia|Consorcio|Consórcio|Corporación|Corporação|Ministerio|Ministério|Ministry|Instituto|Universidad|Universidade|Fondo|Fundo|Bank|University|Institute|Secretaría|Secretaria|Agencia|Agência|Fiscalía|Contraloría|Controladoria|Procuraduría|Superintendencia|Superintendência|Tribunal|Comisión|Comissão|Autoridad|Autoridade|Department|Departamento|Conselho|Consejo|Council|Cámara|Câmara|Chamber|Asociación|Associação|Association|Federación|Federação|Justiça|Corte|Court)(?:{link}{cap}){{1,5}})"
        ))
    });
    // "the Chinese firm Shanghai Electric", "la empresa china CBC", "a chinesa BYD".
    static APPOSITIVE: OnceLock<Regex> = OnceLock::new();
    let appositive = APPOSITIVE.get_or_init(|| {
        let cap = r"(?:[A-Z][A-Za-z0-9&'’.-]*|[A-ZÁÉÍÓÚÑÃÕÇ][\p{L}'’&.-]*)";
        let nat = "chinese|chinesa|chinês|china|chino|estatal|state-owned|state-run|brazilian|brasileira|brasileña|mexican|mexicana|argentine|argentina|chilean|chilena|peruvian|peruana|colombian|colombiana|bolivian|boliviana|ecuadorian|ecuatoriana|equatoriana|venezuelan|venezolana";
        let noun = "firm|company|contractor|group|giant|carmaker|automaker|miner|mining company|manufacturer|developer|operator|utility|distributor|lender|investor|conglomerate|consortium|empresa|compañía|constructora|contratista|minera|mineradora|petrolera|firma|fabricante|companhia|construtora|montadora|distribuidora|operadora|consorcio|consórcio|gigante";
        crate::pattern(&format!(
            r"(?:(?-u:\b)(?i:(?:{nat})\s+)?(?i:{noun})(?i:\s+(?:{nat}))?|(?-u:\b)(?i:a|o)\s+(?i:estatal\s+)?(?i:chinesa|chinês))\s+({cap}(?:\s+(?:de|del|do|da)\s+{cap}|\s+{cap}){{0,3}})"
        ))
    });
    let mut out = known.clone();
    for c in appositive.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        let (s, e) = (m.start(), m.end());
        if out.iter().any(|k| s < k.end && k.start < e) {
            continue;
        }
        let name = m.as_str().trim_end_matches(['.', ',']).to_string();
        out.push(NameMatch {
            start: s,
            end: s + name.len(),
            id: None,
            name,
        });
    }
    for m in re.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        if out.iter().any(|k| s < k.end && k.start < e) {
            continue;
        }
        let name = m.as_str().trim_end_matches(['.', ',']).to_string();
        // A lone designator ("Bank", "The Company") is not a name.
        if name.split_whitespace().count() < 2
            || name.starts_with("The ") && name.split_whitespace().count() < 3
        {
            continue;
        }
        out.push(NameMatch {
            start: s,
            end: s + name.len(),
            id: None,
            name,
        });
    }
    out.sort_by_key(|m| m.start);
    out
}

/// Countries by name, capital, city or demonym.
pub fn find_countries(text: &str) -> Vec<NameMatch> {
    find_countries_in(text, &crate::scan::scan(text))
}

/// [`find_countries`] from the text's shared scan.
pub(crate) fn find_countries_in(text: &str, hits: &[Hit]) -> Vec<NameMatch> {
    let v: Vec<NameMatch> = countries()
        .found(text, hits, |t| match t {
            Tag::Country(i) => Some(i),
            _ => None,
        })
        .into_iter()
        // "US$" is a currency, not the country.
        .filter(|m| !(text[m.start..m.end].eq("US") && text[m.end..].starts_with('$')))
        .collect();
    resolve_overlaps(v)
}

pub(crate) struct ProjectPatterns {
    /// Literal names and aliases (matched ASCII case-insensitively by the shared scan),
    /// with their index in `info`.
    pub(crate) literals: Vec<(String, usize)>,
    /// The registry's mention expressions, case-insensitive.
    each: Vec<Regex>,
    /// Every expression at once: which of them occur in a text, in one pass.
    any: regex::RegexSet,
    /// For each expression, its index in `info`.
    set_info: Vec<usize>,
    info: Vec<ruta_registry::MentionPattern>,
}

pub(crate) fn projects() -> &'static ProjectPatterns {
    static P: OnceLock<ProjectPatterns> = OnceLock::new();
    P.get_or_init(|| {
        let info = ruta_registry::mention_patterns().expect("registry mention patterns");
        let mut literals: Vec<(String, usize)> = Vec::new();
        let mut pats: Vec<String> = Vec::new();
        let mut set_info = Vec::new();
        for (i, p) in info.iter().enumerate() {
            match &p.literal {
                Some(name) => {
                    literals.push((name.clone(), i));
                }
                None => {
                    // No `\b`: Unicode word boundaries keep the regex engine off its fast
                    // DFA path; whole words are checked after matching (`on_boundaries`).
                    pats.push(format!(r"(?:{})", p.pattern.replace(r"\b", r"(?-u:\b)")));
                    set_info.push(i);
                }
            }
        }
        let each = pats
            .iter()
            .map(|p| {
                RegexBuilder::new(p)
                    .case_insensitive(true)
                    .dfa_size_limit(16 << 20)
                    .build()
                    .expect("project pattern")
            })
            .collect();
        let any = regex::RegexSetBuilder::new(&pats)
            .case_insensitive(true)
            .size_limit(64 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .expect("project pattern set");
        ProjectPatterns {
            literals,
            each,
            any,
            set_info,
            info,
        }
    })
}

/// The paragraph (between blank lines or line breaks) around a byte offset.
pub(crate) fn paragraph(text: &str, at: usize) -> (usize, usize) {
    let s = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let e = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    (s, e)
}

/// Registry projects named in `text`; `countries` are the country mentions already found
/// (patterns marked "country:" need their project's country in the same paragraph).
pub fn find_projects(text: &str, countries: &[NameMatch]) -> Vec<NameMatch> {
    registry_matches(text, countries, &crate::scan::scan(text))
        .into_iter()
        .map(|(m, _)| m)
        .collect()
}

/// [`find_projects`], each with whether it is a literal name or alias (true) or one of the
/// registry's mention expressions (false).
pub(crate) fn registry_matches(
    text: &str,
    countries: &[NameMatch],
    hits: &[Hit],
) -> Vec<(NameMatch, bool)> {
    let p = projects();
    let mut v = Vec::new();
    let mut literal = Vec::new();
    let mut push = |info: &ruta_registry::MentionPattern, s: usize, e: usize| {
        if !on_boundaries(text, s, e) {
            return;
        }
        if info.needs_country {
            let (ps, pe) = paragraph(text, s);
            let ok = countries.iter().any(|c| {
                c.start >= ps && c.end <= pe && c.id.as_deref() == Some(info.country.as_str())
            });
            if !ok {
                return;
            }
        }
        if info.literal.is_some() {
            literal.push((s, e));
        }
        v.push(NameMatch {
            start: s,
            end: e,
            id: Some(info.project_id.clone()),
            name: info.name.clone(),
        });
    };
    // Overlapping matches, so a short alias inside a longer name still counts for
    // `resolve_overlaps` to weigh.
    for h in hits {
        if let Tag::Registry(i) = h.tag {
            push(&p.info[i], h.start, h.end);
        }
    }
    // Each expression alone: its literal prefilter skips text that cannot match, which
    // one combined set cannot do.
    for i in p.any.matches(text).iter() {
        let re = &p.each[i];
        let info = &p.info[p.set_info[i]];
        for m in re.find_iter(text) {
            push(info, m.start(), m.end());
        }
    }
    resolve_overlaps(v)
        .into_iter()
        .map(|m| {
            let lit = literal.contains(&(m.start, m.end));
            (m, lit)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[NameMatch]) -> Vec<&str> {
        v.iter().map(|m| m.id.as_deref().unwrap_or("?")).collect()
    }

    #[test]
    fn organizations_with_aliases_and_unknowns() {
        let t = "China Eximbank and the Banco de Exportación e Importación de China, with Sinohydro (part of PowerChina) and CHEC, while Polymath Ventures watched.";
        let o = find_organizations(t);
        assert_eq!(
            ids(&o),
            vec![
                "china-eximbank",
                "china-eximbank",
                "sinohydro",
                "powerchina",
                "chec",
                "?"
            ]
        );
        assert_eq!(o[5].name, "Polymath Ventures");
        let o = find_organizations("the Ex-Im Bank lent it; China Harbor built it.");
        assert_eq!(ids(&o), vec!["china-eximbank", "chec"]);
        assert!(
            find_organizations("the cdb and the vale").is_empty(),
            "cased aliases need their case"
        );
    }

    #[test]
    fn countries_by_name_city_and_demonym() {
        let c = find_countries(
            "A Peruvian port near Lima; S?o Paulo and Brasil; la empresa china; US$ 5; the U.S. and Latin America; Dominican Republic.",
        );
        assert_eq!(
            ids(&c),
            vec!["PER", "PER", "BRA", "BRA", "CHN", "USA", "DOM"]
        );
    }

    #[test]
    fn projects_from_the_registry() {
        let t = "the deep-water port of Chancay\nthe Coca Codo Sinclair dam\nmicrogrid plants in Suriname\nmicrogrid plants elsewhere";
        let c = find_countries(t);
        let p = find_projects(t, &c);
        assert_eq!(
            ids(&p),
            vec![
                "per-chancay-port",
                "ecu-coca-codo-sinclair",
                "sur-village-solar-microgrids"
            ]
        );
    }
}
