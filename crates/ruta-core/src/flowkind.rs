//! Flow kinds inferred from what a record says of itself, for layouts without a
//! flow-type column (AidData's GeoGCDF input table): the rule set in
//! `data/flow_kind_rules.toml`, first matching rule wins, title before description.
//! An inferred kind is always marked as inferred and carries the rule and the words that
//! decided it; a text no rule recognises is `unknown`, never a silent "other".

use crate::text::fold;
use crate::vocab::FlowKind;
use regex::Regex;
use std::sync::OnceLock;

#[derive(serde::Deserialize)]
struct RuleFile {
    version: String,
    rule: Vec<RuleDef>,
}

#[derive(serde::Deserialize)]
struct RuleDef {
    id: String,
    kind: FlowKind,
    patterns: Vec<String>,
}

struct Rule {
    id: String,
    kind: FlowKind,
    pattern: Regex,
}

/// The compiled rule set.
pub struct FlowKindRules {
    pub version: String,
    rules: Vec<Rule>,
}

/// What a rule decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    pub kind: FlowKind,
    /// "title rule loan-word: 'loan'" — the rule, which text it read and the words.
    pub basis: String,
}

impl FlowKindRules {
    /// Parses and compiles a rule file (the format of `data/flow_kind_rules.toml`).
    pub fn parse(text: &str) -> Result<FlowKindRules, String> {
        let file: RuleFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut rules = Vec::with_capacity(file.rule.len());
        for d in file.rule {
            let joined = d
                .patterns
                .iter()
                .map(|p| format!("(?:{p})"))
                .collect::<Vec<_>>()
                .join("|");
            let pattern = Regex::new(&format!(r"\b(?:{joined})"))
                .map_err(|e| format!("rule {}: {e}", d.id))?;
            rules.push(Rule {
                id: d.id,
                kind: d.kind,
                pattern,
            });
        }
        Ok(FlowKindRules {
            version: file.version,
            rules,
        })
    }

    /// The kind the first matching rule gives, reading `title` and then `description`.
    pub fn infer(&self, title: &str, description: Option<&str>) -> Option<Inferred> {
        for (which, text) in [("title", Some(title)), ("description", description)] {
            let Some(text) = text else { continue };
            let folded = fold(text);
            for r in &self.rules {
                if let Some(m) = r.pattern.find(&folded) {
                    return Some(Inferred {
                        kind: r.kind,
                        basis: format!("{which} rule {}: '{}'", r.id, m.as_str().trim()),
                    });
                }
            }
        }
        None
    }
}

/// ruta's built-in rule set.
pub fn rules() -> &'static FlowKindRules {
    static R: OnceLock<FlowKindRules> = OnceLock::new();
    R.get_or_init(|| {
        FlowKindRules::parse(include_str!("../data/flow_kind_rules.toml"))
            .expect("built-in flow kind rules compile")
    })
}

/// Infers a flow kind with ruta's built-in rules (see the module documentation).
pub fn infer(title: &str, description: Option<&str>) -> Option<Inferred> {
    rules().infer(title, description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instrument_words_beat_lender_names() {
        let k = |t: &str| infer(t, None).map(|i| i.kind);
        assert_eq!(
            k("China Eximbank provides $2.45 billion loan for resort construction"),
            Some(FlowKind::Loan)
        );
        assert_eq!(
            k("Chinese Government provides RMB 420 million grant for police academy"),
            Some(FlowKind::Grant)
        );
        assert_eq!(
            k("China Development Bank provides USD 5 million to a machinery company"),
            Some(FlowKind::Loan)
        );
        assert_eq!(
            k("Chinese Embassy donates 500 food kits to a foundation"),
            Some(FlowKind::Grant)
        );
        assert_eq!(
            k("China forgives the outstanding interest-free loan debt of the government"),
            Some(FlowKind::DebtRelief)
        );
        assert_eq!(
            k("ICBC Leasing signs sale and leaseback agreement"),
            Some(FlowKind::Loan)
        );
        assert_eq!(
            k("Confucius Institute founded at a university"),
            Some(FlowKind::Grant)
        );
        assert_eq!(k("Joint venture agreement for an assembly plant"), None);
        let i = infer("Project title", Some("The bank extends a buyer's credit")).unwrap();
        assert_eq!(i.kind, FlowKind::Loan);
        assert!(
            i.basis.starts_with("description rule loan-word"),
            "{}",
            i.basis
        );
    }
}
