//! The organization gazetteer (`data/organizations.toml`) and name canonicalisation.

use crate::text::{fold, slug};
use crate::vocab::OrgKind;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One organization known to ruta.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct OrgEntry {
    pub id: String,
    pub name: String,
    pub kind: OrgKind,
    pub country: Option<String>,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Names matched case-sensitively in free text ("CDB", "Vale").
    #[serde(default)]
    pub cased: Vec<String>,
}

#[derive(serde::Deserialize)]
struct File {
    org: Vec<OrgEntry>,
}

/// The gazetteer with a folded-name index.
pub struct Gazetteer {
    entries: Vec<OrgEntry>,
    index: HashMap<String, usize>,
}

impl Gazetteer {
    fn parse(text: &str) -> Result<Gazetteer, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, e) in file.org.iter().enumerate() {
            for n in std::iter::once(&e.name)
                .chain(&e.aliases)
                .chain(&e.cased)
                .chain(std::iter::once(&e.id))
            {
                let k = fold(n);
                if let Some(&prev) = index.get(&k)
                    && prev != i
                {
                    return Err(format!(
                        "alias '{n}' names both {} and {}",
                        file.org[prev].id, e.id
                    ));
                }
                index.insert(k, i);
            }
        }
        for e in &file.org {
            if let Some(p) = &e.parent
                && !file.org.iter().any(|o| &o.id == p)
            {
                return Err(format!("{}: unknown parent {p}", e.id));
            }
        }
        Ok(Gazetteer {
            entries: file.org,
            index,
        })
    }

    /// Every entry.
    pub fn entries(&self) -> &[OrgEntry] {
        &self.entries
    }

    /// Entry by id.
    pub fn get(&self, id: &str) -> Option<&OrgEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Finds an organization by any of its names, ignoring case, accents and punctuation.
    /// Also tries the name without a trailing "(ABBR)" and the abbreviation alone, the
    /// way AidData writes agencies: "China Development Bank (CDB)".
    pub fn lookup(&self, name: &str) -> Option<&OrgEntry> {
        let k = fold(name);
        if k.is_empty() {
            return None;
        }
        if let Some(&i) = self.index.get(&k) {
            return Some(&self.entries[i]);
        }
        let trimmed = name.trim();
        if let Some(open) = trimmed.rfind('(')
            && trimmed.ends_with(')')
        {
            let base = fold(&trimmed[..open]);
            if let Some(&i) = self.index.get(&base) {
                return Some(&self.entries[i]);
            }
            let abbr = fold(&trimmed[open + 1..trimmed.len() - 1]);
            if let Some(&i) = self.index.get(&abbr) {
                return Some(&self.entries[i]);
            }
        }
        None
    }
}

/// The shipped gazetteer.
pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        Gazetteer::parse(include_str!("../data/organizations.toml")).expect("embedded gazetteer")
    })
}

/// The id ruta gives an organization: the gazetteer's, or a slug of its name.
pub fn org_id(name: &str) -> String {
    match gazetteer().lookup(name) {
        Some(e) => e.id.clone(),
        None => {
            let s = slug(name, 80);
            if s.is_empty() {
                format!("org-{:08x}", crate::hash::fnv1a(name.as_bytes()) as u32)
            } else {
                s
            }
        }
    }
}

/// Splits AidData-style multi-valued cells: `a|b|c`, trimming blanks.
pub fn split_list(s: &str) -> Vec<String> {
    s.split('|').filter_map(crate::text::clean).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eximbank_has_its_many_names() {
        let g = gazetteer();
        for n in [
            "Export-Import Bank of China",
            "China Eximbank",
            "Ex-Im Bank",
            "Banco de Exportaciones e Importaciones de China",
            "中国进出口银行",
        ] {
            assert_eq!(
                g.lookup(n).map(|e| e.id.as_str()),
                Some("china-eximbank"),
                "{n}"
            );
        }
    }

    #[test]
    fn parenthesised_abbreviations_and_parents() {
        let g = gazetteer();
        assert_eq!(
            g.lookup("China Development Bank (CDB)").unwrap().id,
            "china-development-bank"
        );
        assert_eq!(
            g.lookup("Industrial and Commercial Bank of China (ICBC)")
                .unwrap()
                .id,
            "icbc"
        );
        assert_eq!(
            g.lookup("SinoHydro ").unwrap().parent.as_deref(),
            Some("powerchina")
        );
        assert_eq!(g.lookup("China Harbor").unwrap().id, "chec");
        assert_eq!(
            org_id("Government of El Salvador"),
            "government-of-el-salvador"
        );
        assert!(g.lookup("").is_none());
    }

    #[test]
    fn splits_pipe_lists() {
        assert_eq!(split_list("a| b ||c |"), vec!["a", "b", "c"]);
    }
}
