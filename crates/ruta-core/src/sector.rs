//! The sector-group rule set (`data/sector_rules.toml`): first matching rule wins.

use crate::vocab::SectorGroup;
use regex::Regex;
use std::sync::OnceLock;

/// What the rules look at.
#[derive(Debug, Default, Clone)]
pub struct ClassifyInput<'a> {
    /// Project name or dataset title.
    pub title: &'a str,
    /// OECD CRS purpose code (three or five digits), if known.
    pub crs_code: Option<&'a str>,
    /// Dataset sector labels and hints ("Energy / Alternative", "ENERGY", "solar microgrids").
    pub labels: &'a [&'a str],
}

/// The outcome: group, subgroup and the id of the rule that decided.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Classification {
    pub group: SectorGroup,
    pub subgroup: String,
    pub rule: String,
}

#[derive(serde::Deserialize)]
struct RuleFile {
    version: String,
    rule: Vec<RuleDef>,
}

#[derive(serde::Deserialize)]
struct RuleDef {
    id: String,
    group: SectorGroup,
    subgroup: String,
    #[serde(default)]
    crs: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

struct Rule {
    id: String,
    group: SectorGroup,
    subgroup: String,
    crs: Vec<String>,
    patterns: Option<Regex>,
    exclude: Option<Regex>,
}

/// A compiled rule set.
pub struct RuleSet {
    pub version: String,
    rules: Vec<Rule>,
}

fn alternation(patterns: &[String]) -> Result<Option<Regex>, regex::Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let joined = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&format!(r"\b(?:{joined})")).map(Some)
}

impl RuleSet {
    /// Parses and compiles a rule file (TOML, the format of `data/sector_rules.toml`).
    pub fn parse(text: &str) -> Result<RuleSet, String> {
        let file: RuleFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut rules = Vec::new();
        for d in file.rule {
            let patterns = alternation(&d.patterns).map_err(|e| format!("rule {}: {e}", d.id))?;
            let exclude = alternation(&d.exclude).map_err(|e| format!("rule {}: {e}", d.id))?;
            rules.push(Rule {
                id: d.id,
                group: d.group,
                subgroup: d.subgroup,
                crs: d.crs,
                patterns,
                exclude,
            });
        }
        Ok(RuleSet {
            version: file.version,
            rules,
        })
    }

    /// Classifies one project. Always returns a group (the file ends with a fallback).
    pub fn classify(&self, input: &ClassifyInput<'_>) -> Classification {
        let mut text = crate::text::fold(input.title);
        for l in input.labels {
            text.push_str(" | sector ");
            text.push_str(&crate::text::fold(l));
        }
        let crs = input.crs_code.map(str::trim).unwrap_or("");
        for r in &self.rules {
            if !r.crs.is_empty() && !r.crs.iter().any(|c| crs.starts_with(c.as_str())) {
                continue;
            }
            if let Some(p) = &r.patterns
                && !p.is_match(&text)
            {
                continue;
            }
            if let Some(x) = &r.exclude
                && x.is_match(&text)
            {
                continue;
            }
            return Classification {
                group: r.group,
                subgroup: r.subgroup.clone(),
                rule: r.id.clone(),
            };
        }
        Classification {
            group: SectorGroup::FinanceOther,
            subgroup: "other".into(),
            rule: "none".into(),
        }
    }
}

/// The 24 three-digit OECD CRS sector groups AidData uses (GCDF 3.0 field definitions).
pub const CRS_SECTORS: &[(&str, &str)] = &[
    ("110", "EDUCATION"),
    ("120", "HEALTH"),
    (
        "130",
        "POPULATION POLICIES/PROGRAMMES AND REPRODUCTIVE HEALTH",
    ),
    ("140", "WATER SUPPLY AND SANITATION"),
    ("150", "GOVERNMENT AND CIVIL SOCIETY"),
    ("160", "OTHER SOCIAL INFRASTRUCTURE AND SERVICES"),
    ("210", "TRANSPORT AND STORAGE"),
    ("220", "COMMUNICATIONS"),
    ("230", "ENERGY"),
    ("240", "BANKING AND FINANCIAL SERVICES"),
    ("250", "BUSINESS AND OTHER SERVICES"),
    ("310", "AGRICULTURE, FORESTRY, FISHING"),
    ("320", "INDUSTRY, MINING, CONSTRUCTION"),
    ("330", "TRADE POLICIES AND REGULATIONS"),
    ("410", "GENERAL ENVIRONMENTAL PROTECTION"),
    ("430", "OTHER MULTISECTOR"),
    ("510", "GENERAL BUDGET SUPPORT"),
    ("520", "DEVELOPMENTAL FOOD AID/FOOD SECURITY ASSISTANCE"),
    ("530", "OTHER COMMODITY ASSISTANCE"),
    ("600", "ACTION RELATING TO DEBT"),
    ("720", "EMERGENCY RESPONSE"),
    ("730", "RECONSTRUCTION RELIEF AND REHABILITATION"),
    ("740", "DISASTER PREVENTION AND PREPAREDNESS"),
    ("998", "UNALLOCATED/UNSPECIFIED"),
];

/// The CRS code of an AidData sector name ("ENERGY" → "230"), tolerant of case and
/// punctuation ("Population policies/programs …").
pub fn crs_code_for_name(name: &str) -> Option<&'static str> {
    let n = crate::text::fold(name);
    if n.is_empty() {
        return None;
    }
    CRS_SECTORS
        .iter()
        .find(|(_, s)| crate::text::fold(s) == n)
        .or_else(|| {
            let head: String = n.split(' ').take(2).collect::<Vec<_>>().join(" ");
            CRS_SECTORS
                .iter()
                .find(|(_, s)| crate::text::fold(s).starts_with(&head))
        })
        .map(|(c, _)| *c)
}

/// The rule set shipped with ruta.
pub fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        RuleSet::parse(include_str!("../data/sector_rules.toml")).expect("embedded sector rules")
    })
}

/// Classifies with the shipped rule set.
pub fn classify(input: &ClassifyInput<'_>) -> Classification {
    rules().classify(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group_of(title: &str, crs: Option<&str>, labels: &[&str]) -> (SectorGroup, String) {
        let c = classify(&ClassifyInput {
            title,
            crs_code: crs,
            labels,
        });
        (c.group, c.subgroup)
    }

    #[test]
    fn rule_file_compiles_and_ends_with_fallback() {
        let r = rules();
        assert!(r.rules.len() > 20);
        assert_eq!(r.rules.last().unwrap().id, "fallback");
    }

    #[test]
    fn frontier_versus_traditional() {
        use SectorGroup::*;
        assert_eq!(
            group_of("Hybrid solar microgrids in the interior", None, &[]).0,
            NewFrontier
        );
        assert_eq!(
            group_of("Huawei 5G network roll-out", None, &[]).0,
            NewFrontier
        );
        assert_eq!(
            group_of("BYD electric vehicle plant in Camaçari", None, &[]).0,
            NewFrontier
        );
        assert_eq!(
            group_of("Tianqi buys stake in SQM", None, &["Metals / Lithium"]).0,
            NewFrontier
        );
        assert_eq!(
            group_of(
                "Coca Codo Sinclair Hydroelectric Facility",
                Some("230"),
                &[]
            )
            .0,
            TraditionalInfrastructure
        );
        assert_eq!(group_of("Chancay port", None, &[]).1, "transport");
        assert_eq!(group_of("Mirador copper mine", None, &[]).0, Extractives);
        assert_eq!(
            group_of("Police Academy Construction Project", Some("150"), &[]).0,
            Social
        );
        assert_eq!(
            group_of("Anything at all", Some("998"), &[]).0,
            FinanceOther
        );
    }
}
