//! Trade figures stated in articles become trade claims on the country-year, instead of
//! unattached evidence.
//!
//! [`trade_claims`] takes the figures news ingestion could not link to a project
//! ([`Unattached`]) and picks out those about China's trade with one LAC state:
//!
//! - **money** whose qualifier is trade, in a sentence that names exactly one LAC state
//!   (China aside), with a known USD value and a year (the year written nearest the
//!   figure in the sentence, else the article's), and whose words say which flow:
//!   bilateral trade / trade volume / two-way (`total`), China's exports to or the
//!   country's imports from China (`export`), the country's exports to or China's imports
//!   from it (`import`). Balances (surplus, deficit) and undirected export or import
//!   figures stay evidence.
//! - **percent** followed by "of <country>'s exports" (or imports; es/pt forms too) in a
//!   sentence that names China: China's share of the country's exports (flow `import`)
//!   or imports (flow `export`).
//!
//! Each becomes a [`TradeValue`] with no reporter (an article is not a customs reporter),
//! the flow seen from China, the byte span as locator, the sentence as quote and
//! confidence 0.6. [`attach`] writes them and hands back the rest.

use regex::Regex;
use ruta_store::evidence::Unattached;
use ruta_store::trade::{Flow, Measure, TradeValue};
use ruta_store::{StoreError, Writer};
use std::sync::OnceLock;

/// Confidence of a trade claim read from an article's sentence.
pub const CONFIDENCE: f64 = 0.6;

struct Patterns {
    year: Regex,
    total: Regex,
    china_to: Regex,
    to_china: Regex,
    balance: Regex,
    share_exports: Regex,
    share_imports: Regex,
    china: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |p: &str| Regex::new(p).expect("trade_news pattern compiles");
        Patterns {
            year: re(r"\b(19[5-9]\d|20\d\d)\b"),
            total: re(
                r"(?i)\b(bilateral|two-way|trade volume|volume of trade|total trade|trade between|trade with china|china-\w+ trade|comercio bilateral|intercambio comercial|comercio entre|com[eé]rcio bilateral|corrente de com[eé]rcio|interc[aâ]mbio comercial|com[eé]rcio entre)",
            ),
            china_to: re(
                r"(?i)(china['’]s exports|chinese exports|exports from china|imports from china|exportaciones (chinas|de china)|importaciones (desde|de) china|exporta[cç][õo]es (chinesas|da china)|importa[cç][õo]es (da|provenientes da) china)",
            ),
            to_china: re(
                r"(?i)(exports to china|china['’]s imports|chinese imports|imports? (into|to) china|exportaciones (a|hacia) china|importaciones chinas|exporta[cç][õo]es (para|à) (a )?china|importa[cç][õo]es chinesas)",
            ),
            balance: re(r"(?i)\b(surplus|deficit|balance|super[aá]vit|d[eé]ficit|saldo)\b"),
            share_exports: re(
                r"(?i)^\s*(%|percent|per cent|por ciento|por cento)?\s*(of|de|del|das|dos|da)\s+(\w+\s+){0,3}?(\w+['’]s\s+)?(las\s+|os\s+|as\s+)?(total\s+)?(exports?|export revenues|exportaciones|exporta[cç][õo]es)",
            ),
            share_imports: re(
                r"(?i)^\s*(%|percent|per cent|por ciento|por cento)?\s*(of|de|del|das|dos|da)\s+(\w+\s+){0,3}?(\w+['’]s\s+)?(las\s+|os\s+|as\s+)?(total\s+)?(imports?|importaciones|importa[cç][õo]es)",
            ),
            china: re(r"(?i)\b(china|chinese|chinas?|chinos?|chinesa|chineses|beijing|pequim)\b"),
        }
    })
}

/// The year written nearest to byte `at` of `quote`, else `fallback`.
fn year_near(quote: &str, at: usize, fallback: Option<i32>) -> Option<i32> {
    patterns()
        .year
        .find_iter(quote)
        .min_by_key(|m| m.start().abs_diff(at))
        .and_then(|m| m.as_str().parse().ok())
        .or(fallback)
}

/// The trade claim a figure states, if it states one.
pub fn trade_claim(u: &Unattached, article_year: Option<i32>) -> Option<TradeValue> {
    let country = u.country.as_deref()?;
    if !ruta_core::country::is_lac(country) {
        return None;
    }
    let p = patterns();
    let at = u.quote.find(&u.text)?;
    let after = &u.quote[at + u.text.len()..];
    let (flow, measure, value) = match u.kind.as_str() {
        "money" if u.qualifier.as_deref() == Some("trade") => {
            let usd = u.usd?;
            let q = &u.quote;
            let flow = if p.china_to.is_match(q) && !p.to_china.is_match(q) {
                Flow::Export
            } else if p.to_china.is_match(q) && !p.china_to.is_match(q) {
                Flow::Import
            } else if p.balance.is_match(q) {
                return None;
            } else if p.total.is_match(q) {
                Flow::Total
            } else {
                return None;
            };
            (flow, Measure::ValueUsd, usd)
        }
        "percent" if p.china.is_match(&u.quote) => {
            let value = u.amount?;
            if !(0.0..=100.0).contains(&value) {
                return None;
            }
            let flow = if p.share_exports.is_match(after) {
                Flow::Import
            } else if p.share_imports.is_match(after) {
                Flow::Export
            } else {
                return None;
            };
            (flow, Measure::SharePct, value)
        }
        _ => return None,
    };
    let year = year_near(&u.quote, at, article_year)?;
    Some(TradeValue {
        reporter: None,
        partner: country.to_string(),
        flow,
        year,
        hs2: None,
        measure,
        value,
        valuation: None,
        derived: None,
        locator: format!("bytes {}-{}", u.span[0], u.span[1]),
        span: Some(u.span),
        quote: Some(u.quote.clone()),
        confidence: CONFIDENCE,
    })
}

/// Splits figures into trade claims and the rest.
pub fn trade_claims(
    figures: Vec<Unattached>,
    article_year: Option<i32>,
) -> (Vec<TradeValue>, Vec<Unattached>) {
    let mut claims = Vec::new();
    let mut rest = Vec::new();
    for u in figures {
        match trade_claim(&u, article_year) {
            Some(c) => claims.push(c),
            None => rest.push(u),
        }
    }
    (claims, rest)
}

/// Writes the trade claims among `figures` as values of source `source_id` and returns
/// the figures that stay unattached evidence.
pub fn attach(
    w: &mut Writer<'_>,
    source_id: i64,
    article_year: Option<i32>,
    figures: Vec<Unattached>,
) -> Result<Vec<Unattached>, StoreError> {
    let (claims, rest) = trade_claims(figures, article_year);
    for c in &claims {
        w.write_trade(source_id, c)?;
    }
    Ok(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(kind: &str, text: &str, quote: &str, usd: Option<f64>, amount: f64) -> Unattached {
        let at = quote.find(text).unwrap();
        Unattached {
            kind: kind.into(),
            text: text.into(),
            span: [1000 + at, 1000 + at + text.len()],
            amount: Some(amount),
            currency: usd.map(|_| "USD".into()),
            usd,
            approx: true,
            qualifier: (kind == "money").then(|| "trade".into()),
            unit: None,
            country: Some("PER".into()),
            orgs: vec![],
            quote: quote.into(),
        }
    }

    #[test]
    fn peru_bilateral_trade_and_share() {
        let q = "By 2023, bilateral trade volume reached approximately $37.69 billion, with China accounting for 40 percent of Peru’s export revenues.";
        let money = figure("money", "$37.69 billion", q, Some(37.69e9), 37.69e9);
        let c = trade_claim(&money, Some(2024)).unwrap();
        assert_eq!((c.flow, c.year, c.value), (Flow::Total, 2023, 37.69e9));
        assert_eq!(c.partner, "PER");
        assert_eq!(c.reporter, None);
        let pct = figure("percent", "40 percent", q, None, 40.0);
        let s = trade_claim(&pct, Some(2024)).unwrap();
        assert_eq!(
            (s.flow, s.measure, s.value),
            (Flow::Import, Measure::SharePct, 40.0)
        );
    }

    #[test]
    fn directions_balances_and_other_figures() {
        let q = "China's exports to Peru rose to $25 billion in 2022.";
        let c = trade_claim(&figure("money", "$25 billion", q, Some(25e9), 25e9), None).unwrap();
        assert_eq!((c.flow, c.year), (Flow::Export, 2022));
        let q = "Las exportaciones a China sumaron 20.000 millones de dólares en 2021.";
        let c = trade_claim(
            &figure("money", "20.000 millones de dólares", q, Some(20e9), 20e9),
            None,
        )
        .unwrap();
        assert_eq!(c.flow, Flow::Import);
        let q = "Peru's trade surplus with China was $10 billion in 2023.";
        assert!(trade_claim(&figure("money", "$10 billion", q, Some(10e9), 10e9), None).is_none());
        let q = "Exports grew to $5 billion in 2023.";
        assert!(trade_claim(&figure("money", "$5 billion", q, Some(5e9), 5e9), None).is_none());
        let mut loan = figure(
            "money",
            "$5 billion",
            "A bilateral loan of $5 billion in 2020.",
            Some(5e9),
            5e9,
        );
        loan.qualifier = Some("loan".into());
        assert!(trade_claim(&loan, None).is_none());
    }
}
