//! Figures in running text: money, quantities and percents, in English, Spanish and
//! Portuguese number styles.
//!
//! A number is read with the separators its language uses: in English "," groups
//! thousands and "." is the decimal point; in Spanish and Portuguese a single "." or ","
//! followed by exactly three digits groups thousands ("2.245 millones", "1.500
//! megavatios") and otherwise marks decimals ("13,8 billones", "682.7 millones"); with
//! both, the last one is the decimal point ("$465,593,387.06"); spaces group thousands
//! ("1 680 millones", "17 000 fisuras"). Scale words follow the language: Spanish
//! *billón* and Portuguese *trilhão* are 10^12, Portuguese *bilhão* is 10^9, Spanish
//! "mil millones" is 10^9, and "mil 682.7 millones" is 1,682.7 million.
//!
//! A figure is money only with a currency sign or word ("$", "US$", "R$", "RMB",
//! "dólares", "reais", "mdd" …); a figure with a unit ("MW", "km", "TEU", "fisuras" …)
//! is a quantity; "%", "percent", "por ciento" make a percent.

use crate::lang::Lang;
use regex::Regex;
use std::sync::OnceLock;

/// What a figure is.
#[derive(Debug, Clone, PartialEq)]
pub enum FigureKind {
    Money {
        currency: Option<String>,
        approx: bool,
        qualifier: Option<String>,
    },
    Quantity {
        unit: String,
    },
    Percent,
}

/// A figure with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub kind: FigureKind,
}

struct Patterns {
    number: Regex,
    prefix: Regex,
    mil_prefix: Regex,
    word_number: Regex,
    attached: Regex,
    scale: Regex,
    currency: Regex,
    abbrev: Regex,
    unit: Regex,
    /// A count with one adjective between number and noun ("12 remote villages").
    counted: Regex,
    percent: Regex,
    approx: Regex,
    qualifier: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        number: crate::pattern(r"(?:\d{1,3}(?:[ \u{a0}\u{202f}\u{2009}]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)"),
        // Currency signs and codes before a number (anchored at the end of the window).
        prefix: crate::pattern(r"(?:^|[^\p{L}\p{N}])((?:US|U\.S\.)\s?\$|U\$S|\$\s?US|USD|R\$|RMB|CNY|¥|€|EUR|£|GBP|S/\.?|COL\$|COP\$?|MX\$|MXN|AR\$|ARS|CLP\$?|PEN|BRL|BOB|Bs\.?|J\$|JMD|TT\$|TTD|EC\$|XCD|BBD|Bds\$|BSD|BZD|₡|CRC|G\$|GYD|SRD|DOP|RD\$|UYU|VES|\$)\s*$"),
        // Spanish "mil 682.7" and "dos mil 500" before a number.
        mil_prefix: crate::pattern(r"(?i)(?:^|[^\p{L}\p{N}])(?:(\d{1,3}|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez)\s+)?mil\s+$"),
        word_number: crate::pattern(r"(?i)(?-u:\b)(a|an|one|two|three|four|five|six|seven|eight|nine|ten|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|um|uma|duas|três|tres|quatro|sete|oito|nove|dez)\s+(?:mil\s+millones|million|billion|trillion|millón|millon|millones|billón|billones|milhão|milhao|milhões|milhoes|bilhão|bilhao|bilhões|bilhoes|trilhão|trilhões)(?-u:\b)"),
        // A scale letter glued to the number: "$3bn", "US$730M", "$2.5b", "500k".
        attached: crate::pattern(r"^(bn|mn|tn|[bBmMkK])(?:[^\p{L}\p{N}]|$)"),
        scale: crate::pattern(r"(?i)^(?:\s*[-‑–]\s*|\s+)(mil\s+millones|miles\s+de\s+millones|mil\s+milh[õo]es|millones|millón|millon|millardos?|mil|billones|billón|billon|bilh[õo]es|bilh[ãa]o|bili[ãa]o|bili[õo]es|milh[õo]es|milh[ãa]o|trilh[õo]es|trilh[ãa]o|thousand|millions?|billions?|trillions?|bn|mn|mln|tn|MM|bi|mi)\b"),
        currency: crate::pattern(r"(?i)^(?:\s+(?:de|of|em|en)(?-u:\b))?\s+(dólares\s+(?:estadounidenses|americanos|estadunidenses|norteamericanos)|US\s+dollars|U\.S\.\s+dollars|American\s+dollars|dólares|dolares|dólar|dollars|dollar|USD|reais|real|yuanes|yuan|renminbi|RMB|euros|euro|pesos\s+(?:mexicanos|colombianos|argentinos|chilenos|dominicanos|uruguayos|cubanos)|pesos|soles|sol|colones|colón|bolivianos|bolívares|quetzales|lempiras|córdobas|guaraníes|Jamaican\s+dollars|dólares\s+jamaiquinos|East\s+Caribbean\s+dollars|Trinidad\s+and\s+Tobago\s+dollars|Guyanese\s+dollars|Bahamian\s+dollars|Barbados\s+dollars)(?-u:\b)"),
        // Money abbreviations after a number: "mdd", "MMUSD", "mmdp".
        abbrev: crate::pattern(r"^\s*(mmdd|mdd|mmdp|mdp|MMUSD|MM\s?USD|MMU\$S|MUS\$|MMUS\$)(?-u:\b)"),
        counted: crate::pattern(r"^\s+(\p{Ll}[\p{Ll}-]{2,14})\s+(villages|aldeas|aldeias|workers|trabajadores|trabalhadores|employees|empleados|jobs|empleos|empregos|homes|houses|viviendas|casas|schools|escuelas|escolas|hospitals|hospitales|hospitais|plants|usinas|plantas|centrales|stations|estaciones|estações|trains|trenes|trens|vehicles|cars|carros|veículos|vehículos|bridges|puentes|pontes|people|personas|pessoas|families|familias|famílias)\b"),
        unit: crate::pattern(r"^(?:\s*-\s*|\s*)(?:(?:de|of)\s+)?(MWh|GWh|TWh|kWh|MWp|GWp|kWp|MW|GW|kW|megawatts?|megavatios?|megawatios?|gigawatts?|gigavatios?|kilowatts?|km|kilometers|kilometres|kilómetros|kilometros|quilômetros|quilometros|quilómetros|miles|TEUs?|tonnes|tonne|tons|toneladas|tonelada|vehicles|cars|vehículos|vehiculos|veículos|veiculos|carros|automóviles|jobs|empleos|empregos|puestos\s+de\s+trabajo|postos\s+de\s+trabalho|workers|trabajadores|trabalhadores|employees|empleados|funcionários|operários|obreros|cracks|fissures|fisuras|grietas|fissuras|rachaduras|hectares|hectáreas|hectareas|barrels|barriles|barris|villages|aldeas|aldeias|homes|houses|viviendas|casas|moradias|passengers|pasajeros|passageiros|stations|estaciones|estações|trains|trenes|trens|schools|escuelas|escolas|hospitals|hospitales|hospitais|people|personas|pessoas|residents|habitantes|square\s+meters|square\s+metres|metros\s+cuadrados|metros\s+quadrados|m²|m2|bridges|puentes|pontes|lanes|carriles|faixas|containers|contenedores|contêineres|conteineres|contentores|plants|power\s+plants|usinas|centrales|customers|clientes|families|familias|famílias|acres)\b"),
        percent: crate::pattern(r"(?i)^(?:\s?%|\s+(?:percent|per\s+cent|por\s+ciento|por\s+cento|pct)(?-u:\b))"),
        approx: crate::pattern(r"(?i)(?:^|[^\p{L}])(about|around|approximately|approx\.?|nearly|almost|roughly|some|an\s+estimated|estimated|circa|close\s+to|unos|unas|cerca\s+de|alrededor\s+de|aproximadamente|casi|aprox\.?|quase|em\s+torno\s+de|por\s+volta\s+de|uns|umas)\s+(?:(?:a|de|of)\s+)?$"),
        qualifier: crate::pattern(r"(?i)(?-u:\b)(loans?|lent|lend(?:ing|s)?|borrow\w*|credit\w*|préstamos?|prest[óo]|prestará|crédito|créditos|financiamiento|financiación|empréstimos?|emprest\w*|financiamento|invest\w*|inversión|inversiones|invirti[óo]|invert\w*|investimentos?|investiu|aportes?|aportar\w*|paid|pays?|paying|pagó|pagar[áa]?|pagou|pagará|bought|buys?|buying|acquir\w*|acquisition|purchas\w*|takeover|compr(?:ó|ou|a|ar|aron|aram|ará|ado|ada|ou)(?:[^\p{L}\p{N}_]|$)|adquiri\w*|adquisici[óo]n|aquisiç[ãa]o|fined?|multa\w*|costs?|costing|cost[óo]|costará|costo|coste|custo|custou|custará|valued|worth|valorad[oa]|orçad[oa]|presupuesto|orçamento|budget|price|precio|preço|contracts?|contrat\w*|adjudic\w*|debts?|deuda|deudas|dívidas?|owes?|compensation|indemniz\w*|indeniza\w*|grants?|donat\w*|donación|doação|don[óo]|doou|exports?|imports?|export\w*|import\w*|trade|comercio|comércio)(?:[^\p{L}\p{N}_]|$)"),
    })
}

/// Reads a number as `lang` writes it.
pub fn parse_number(s: &str, lang: Lang, scaled: bool) -> Option<f64> {
    let t: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'))
        .collect();
    let dots = t.matches('.').count();
    let commas = t.matches(',').count();
    let normalized = match (dots, commas) {
        (0, 0) => t.clone(),
        (_, 0) | (0, _) => {
            let sep = if dots > 0 { '.' } else { ',' };
            let n = dots + commas;
            let after = t.rsplit(sep).next().unwrap_or("");
            let thousands = if n > 1 {
                true
            } else if after.len() != 3 {
                false
            } else {
                match (lang, sep) {
                    (Lang::En, ',') => true,
                    // English "1.125 billion" is a decimal; "1.500" without a scale is too.
                    (Lang::En, _) => false,
                    _ => !(scaled && t.starts_with("0")),
                }
            };
            if thousands {
                t.replace(sep, "")
            } else {
                t.replace(sep, ".")
            }
        }
        _ => {
            // Both: the last one is the decimal point.
            let last_dot = t.rfind('.').unwrap_or(0);
            let last_comma = t.rfind(',').unwrap_or(0);
            if last_dot > last_comma {
                t.replace(',', "")
            } else {
                t.replace('.', "").replace(',', ".")
            }
        }
    };
    normalized.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The multiplier of a scale word, in `lang`.
fn scale_value(word: &str, lang: Lang) -> Option<f64> {
    let w = word.to_lowercase();
    let w: String = w.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match w.as_str() {
        "k" | "thousand" | "mil" => 1e3,
        "m" | "mn" | "mln" | "million" | "millions" | "millón" | "millon" | "millones"
        | "milhão" | "milhao" | "milhões" | "milhoes" | "mm" | "mi" => 1e6,
        "b" | "bn" | "billion" | "billions" | "mil millones" | "miles de millones"
        | "mil milhões" | "mil milhoes" | "millardo" | "millardos" | "bilhão" | "bilhao"
        | "bilhões" | "bilhoes" | "bi" => 1e9,
        "billón" | "billon" | "billones" => match lang {
            Lang::En => 1e9,
            _ => 1e12,
        },
        "bilião" | "biliao" | "biliões" | "bilioes" => 1e12,
        "t" | "tn" | "trillion" | "trillions" | "trilhão" | "trilhao" | "trilhões" | "trilhoes" => {
            1e12
        }
        _ => return None,
    })
}

/// The ISO 4217 code of a currency sign or code written before a number.
fn prefix_currency(p: &str, peso: Option<&str>) -> Option<String> {
    let p: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    let code = match p.as_str() {
        "US$" | "U.S.$" | "U$S" | "$US" | "USD" | "$" => "USD",
        "R$" | "BRL" => "BRL",
        "RMB" | "CNY" | "¥" => "CNY",
        "€" | "EUR" => "EUR",
        "£" | "GBP" => "GBP",
        "S/" | "S/." | "PEN" => "PEN",
        "COL$" | "COP" | "COP$" => "COP",
        "MX$" | "MXN" => "MXN",
        "AR$" | "ARS" => "ARS",
        "CLP" | "CLP$" => "CLP",
        "BOB" | "Bs" | "Bs." => "BOB",
        "J$" | "JMD" => "JMD",
        "TT$" | "TTD" => "TTD",
        "EC$" | "XCD" => "XCD",
        "BBD" | "Bds$" => "BBD",
        "BSD" => "BSD",
        "BZD" => "BZD",
        "₡" | "CRC" => "CRC",
        "G$" | "GYD" => "GYD",
        "SRD" => "SRD",
        "DOP" | "RD$" => "DOP",
        "UYU" => "UYU",
        "VES" => "VES",
        _ => return peso.map(str::to_string),
    };
    Some(code.to_string())
}

/// The ISO 4217 code of a currency word written after a number.
fn suffix_currency(w: &str, peso: Option<&str>) -> Option<Option<String>> {
    let w = w.to_lowercase();
    let w: String = w.split_whitespace().collect::<Vec<_>>().join(" ");
    let code = if w.starts_with("jamaican") || w.contains("jamaiquinos") {
        "JMD"
    } else if w.starts_with("east caribbean") {
        "XCD"
    } else if w.starts_with("trinidad") {
        "TTD"
    } else if w.starts_with("guyanese") {
        "GYD"
    } else if w.starts_with("bahamian") {
        "BSD"
    } else if w.starts_with("barbados") {
        "BBD"
    } else if w.contains("dollar") || w.contains("dólar") || w.contains("dolar") || w == "usd" {
        "USD"
    } else if w == "reais" || w == "real" {
        "BRL"
    } else if w.starts_with("yuan") || w == "renminbi" || w == "rmb" {
        "CNY"
    } else if w.starts_with("euro") {
        "EUR"
    } else if w.starts_with("pesos") {
        match w.split(' ').nth(1) {
            Some("mexicanos") => "MXN",
            Some("colombianos") => "COP",
            Some("argentinos") => "ARS",
            Some("chilenos") => "CLP",
            Some("dominicanos") => "DOP",
            Some("uruguayos") => "UYU",
            Some("cubanos") => "CUP",
            _ => return Some(peso.map(str::to_string)),
        }
    } else if w == "soles" || w == "sol" {
        "PEN"
    } else if w.starts_with("col") {
        "CRC"
    } else if w == "bolivianos" {
        "BOB"
    } else if w.starts_with("bolívares") {
        "VES"
    } else if w == "quetzales" {
        "GTQ"
    } else if w == "lempiras" {
        "HNL"
    } else if w == "córdobas" {
        "NIO"
    } else if w == "guaraníes" {
        "PYG"
    } else {
        return None;
    };
    Some(Some(code.to_string()))
}

/// The unit name ruta reports for a unit word.
fn unit_name(u: &str) -> String {
    let l = u.to_lowercase();
    let l: String = l.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = match l.as_str() {
        "mwp" => "MWp",
        "gwp" => "GWp",
        "kwp" => "kWp",
        "containers" | "contenedores" | "contêineres" | "conteineres" | "contentores" => {
            "containers"
        }
        "customers" | "clientes" => "customers",
        "families" | "familias" | "famílias" => "families",
        "acres" => "acres",
        "plants" | "power plants" | "usinas" | "centrales" => "plants",
        "mwh" => "MWh",
        "gwh" => "GWh",
        "twh" => "TWh",
        "kwh" => "kWh",
        "mw" => "MW",
        "gw" => "GW",
        "kw" => "kW",
        _ if l.starts_with("megaw") || l.starts_with("megav") => "MW",
        _ if l.starts_with("gigaw") || l.starts_with("gigav") => "GW",
        _ if l.starts_with("kilow") => "kW",
        "km" => "km",
        _ if l.starts_with("kil") || l.starts_with("quil") => "km",
        "miles" => "miles",
        _ if l.starts_with("teu") => "TEU",
        _ if l.starts_with("ton") => "tonnes",
        "vehicles" | "cars" | "vehículos" | "vehiculos" | "veículos" | "veiculos" | "carros"
        | "automóviles" => "vehicles",
        "jobs" | "empleos" | "empregos" | "puestos de trabajo" | "postos de trabalho" => "jobs",
        "workers" | "trabajadores" | "trabalhadores" | "employees" | "empleados"
        | "funcionários" | "operários" | "obreros" => "workers",
        "cracks" | "fissures" | "fisuras" | "grietas" | "fissuras" | "rachaduras" => "cracks",
        _ if l.starts_with("hect") => "hectares",
        _ if l.starts_with("barr") => "barrels",
        "villages" | "aldeas" | "aldeias" => "villages",
        "homes" | "houses" | "viviendas" | "casas" | "moradias" => "homes",
        "passengers" | "pasajeros" | "passageiros" => "passengers",
        "stations" | "estaciones" | "estações" => "stations",
        "trains" | "trenes" | "trens" => "trains",
        "schools" | "escuelas" | "escolas" => "schools",
        "hospitals" | "hospitales" | "hospitais" => "hospitals",
        "people" | "personas" | "pessoas" | "residents" | "habitantes" => "people",
        "bridges" | "puentes" | "pontes" => "bridges",
        "lanes" | "carriles" | "faixas" => "lanes",
        _ if l.contains("met") || l.starts_with('m') => "m2",
        _ => return u.to_string(),
    };
    name.to_string()
}

/// The qualifier of a money figure from the nearest telling word in its sentence.
fn qualifier_of(text: &str, start: usize, end: usize) -> Option<String> {
    // Sentence ends: a stop followed by a space, or a line break (not "3.6" or "U.S").
    let is_end = |b: &[u8], i: usize| {
        b[i] == b'\n'
            || (matches!(b[i], b'.' | b'!' | b'?')
                && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()))
    };
    let bytes = text.as_bytes();
    let s0 = (0..start)
        .rev()
        .find(|&i| is_end(bytes, i))
        .map(|i| i + 1)
        .unwrap_or(0);
    let s1 = (end..bytes.len())
        .find(|&i| is_end(bytes, i))
        .unwrap_or(text.len());
    let sentence = &text[s0..s1];
    let mut best: Option<(usize, &str)> = None;
    for m in patterns().qualifier.find_iter(sentence) {
        // "Export-Import Bank", "Exportaciones e Importaciones": a name, not trade.
        // The match may end with the character after the word (the word boundary).
        let word = m.as_str().trim_end_matches(|c: char| !c.is_alphanumeric());
        let w = word.to_lowercase();
        let after = &sentence[m.start() + word.len()..];
        let before = &sentence[..m.start()];
        if (w.starts_with("export") || w.starts_with("import"))
            && (after.starts_with('-')
                || before.ends_with('-')
                || after.to_lowercase().starts_with(" e import")
                || after.to_lowercase().starts_with(" and import")
                || after.to_lowercase().starts_with(" y import"))
        {
            continue;
        }
        let at = s0 + m.start();
        let d = if at >= end {
            at - end
        } else {
            start.saturating_sub(s0 + m.end())
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, word));
        }
    }
    let w = best?.1.to_lowercase();
    let q = QUALIFIERS
        .iter()
        .find(|(_, prefixes)| prefixes.iter().any(|p| w.starts_with(p)))
        .map_or("trade", |(q, _)| q);
    Some(q.to_string())
}

/// What a money figure is, from the beginning of the nearest telling word (first match
/// wins; words of trade are the rest).
const QUALIFIERS: &[(&str, &[&str])] = &[
    (
        "loan",
        &[
            "loan", "lent", "lend", "borrow", "credit", "crédit", "prést", "prest", "financ",
            "empr",
        ],
    ),
    (
        "acquisition",
        &[
            "paid", "pay", "pag", "bought", "buy", "acqui", "purchas", "takeover", "compr",
            "adqui", "aquisi",
        ],
    ),
    ("fine", &["fine", "multa"]),
    (
        "investment",
        &["invest", "invert", "invers", "invirt", "aporte"],
    ),
    (
        "cost",
        &[
            "cost", "cust", "valu", "worth", "valor", "orç", "presup", "budget", "pric", "prec",
            "preç",
        ],
    ),
    ("contract", &["contra", "adjud"]),
    ("debt", &["debt", "deud", "dívid", "owe"]),
    ("compensation", &["compens", "indem", "inden"]),
    ("grant", &["grant", "donat", "donac", "doaç", "don", "doou"]),
];

fn boundary_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric() && c != '_')
}

/// Every money, quantity and percent figure of `text`. `peso` is the currency that a
/// bare "$" in Spanish or the word "pesos" means here (the peso of the country the text
/// is about), when known.
pub fn find(text: &str, lang: Lang, peso: Option<&str>) -> Vec<Figure> {
    let p = patterns();
    let mut out: Vec<Figure> = Vec::new();
    let mut consumed_to = 0usize;
    // Spelled-out numbers with a scale: "one billion dollars", "dos mil millones".
    let mut spelled: Vec<(usize, usize, f64)> = Vec::new();
    for c in p.word_number.captures_iter(text) {
        let m = c.get(0).expect("match");
        let n = match c[1].to_lowercase().as_str() {
            "a" | "an" | "one" | "un" | "una" | "um" | "uma" => 1.0,
            "two" | "dos" | "duas" => 2.0,
            "three" | "tres" | "três" => 3.0,
            "four" | "cuatro" | "quatro" => 4.0,
            "five" | "cinco" => 5.0,
            "six" | "seis" => 6.0,
            "seven" | "siete" | "sete" => 7.0,
            "eight" | "ocho" | "oito" => 8.0,
            "nine" | "nueve" | "nove" => 9.0,
            _ => 10.0,
        };
        spelled.push((m.start(), m.end(), n));
    }
    let mut numbers: Vec<(usize, usize, Option<f64>)> = p
        .number
        .find_iter(text)
        .map(|m| (m.start(), m.end(), None))
        .collect();
    for (s, e, n) in spelled {
        // The scale word is part of the match; re-read it below as a "number" with a
        // pre-applied value.
        let scale_word = text[s..e]
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(sv) = scale_value(&scale_word, lang) {
            numbers.push((s, e, Some(n * sv)));
        }
    }
    numbers.sort_by_key(|n| n.0);
    for (ns, ne, preset) in numbers {
        if ns < consumed_to {
            continue;
        }
        if preset.is_none() {
            if !boundary_before(text, ns) {
                continue;
            }
            // Glued letters other than scale letters ("5G", "COVID-19" handled above).
            let after = ahead(text, ne);
            if let Some(c) = after.chars().next()
                && c.is_alphabetic()
                && p.attached.find(after).is_none()
                && !after.starts_with("MW")
                && !after.starts_with("GW")
                && !after.starts_with("km")
                && !after.starts_with("kW")
            {
                continue;
            }
        }
        let mut start = ns;
        let mut end = ne;
        let mut scale = 1.0;
        let mut scaled = preset.is_some();
        let raw = &text[ns..ne];
        let mut rest = ahead(text, ne);
        if preset.is_none() {
            if rest.starts_with(['b', 'm', 't', 'k', 'B', 'M', 'K'])
                && let Some(m) = p.attached.captures(rest)
            {
                let w = &m[1];
                if let Some(v) = scale_value(w, lang) {
                    scale = v;
                    scaled = true;
                    end += w.len();
                    rest = ahead(text, end);
                }
            }
            if !scaled
                && could_be_scale(rest)
                && let Some(c) = p.scale.captures(rest)
            {
                let w = c.get(1).expect("scale").as_str();
                // "mil" alone before a unit or currency is a thousand; "bi"/"mi" only
                // after a currency sign (checked below).
                if let Some(v) = scale_value(w, lang) {
                    scale = v;
                    scaled = true;
                    end += c.get(0).expect("m").end();
                    rest = ahead(text, end);
                }
            }
        }
        let Some(mut value) = preset.or_else(|| parse_number(raw, lang, scaled)) else {
            continue;
        };
        // "mil 682.7 millones", "dos mil 500 millones".
        if preset.is_none() && scaled && scale >= 1e6 && value < 1000.0 {
            let window_start = floor_char(text, start.saturating_sub(24));
            if let Some(c) = p.mil_prefix.captures(&text[window_start..start]) {
                let m = c.get(0).expect("m");
                let lead = match c.get(1).map(|x| x.as_str().to_lowercase()) {
                    None => 1.0,
                    Some(x) => match x.as_str() {
                        "un" | "una" => 1.0,
                        "dos" => 2.0,
                        "tres" => 3.0,
                        "cuatro" => 4.0,
                        "cinco" => 5.0,
                        "seis" => 6.0,
                        "siete" => 7.0,
                        "ocho" => 8.0,
                        "nueve" => 9.0,
                        "diez" => 10.0,
                        d => d.parse().unwrap_or(1.0),
                    },
                };
                value += lead * 1000.0;
                let skip = text[window_start + m.start()..]
                    .find(|c: char| c.is_alphanumeric())
                    .unwrap_or(0);
                start = window_start + m.start() + skip;
            }
        }
        value *= scale;
        // Percent.
        if could_be_percent(rest)
            && let Some(m) = p.percent.find(rest)
        {
            out.push(Figure {
                start,
                end: end + m.end(),
                value,
                kind: FigureKind::Percent,
            });
            consumed_to = end + m.end();
            continue;
        }
        // Currency: sign before, abbreviation or word after.
        let window = floor_char(text, start.saturating_sub(12));
        let pre = if text[window..start]
            .bytes()
            .any(|b| b == b'$' || b >= 0x80 || b.is_ascii_uppercase() || b == b'/')
        {
            p.prefix.captures(&text[window..start])
        } else {
            None
        };
        let mut currency: Option<Option<String>> = None;
        if let Some(c) = &pre {
            let sign = c.get(1).expect("sign").as_str();
            let bare_dollar = sign.trim() == "$";
            // A bare "$" before Spanish trillions is the local peso, not the dollar.
            let local = bare_dollar && lang == Lang::Es && scale >= 1e12;
            currency = Some(if local {
                peso.map(str::to_string)
            } else {
                prefix_currency(sign, peso)
            });
            start = window + c.get(1).expect("sign").start();
        }
        if rest.trim_start().starts_with(['m', 'M'])
            && let Some(c) = p.abbrev.captures(rest)
        {
            let a = c[1].to_lowercase().replace(' ', "");
            let (mult, cur) = match a.as_str() {
                "mdd" => (1e6, Some("USD".to_string())),
                "mmdd" => (1e9, Some("USD".to_string())),
                "mdp" => (1e6, peso.map(str::to_string)),
                "mmdp" => (1e9, peso.map(str::to_string)),
                _ => (1e6, Some("USD".to_string())),
            };
            if !scaled {
                value *= mult;
            }
            currency = Some(currency.flatten().or(cur));
            end += c.get(0).expect("m").end();
            rest = ahead(text, end);
        } else if let Some(c) = p.currency.captures(rest)
            && let Some(cur) = suffix_currency(&c[1], peso)
        {
            if currency.as_ref().is_none_or(|x| x.is_none()) {
                currency = Some(cur);
            }
            end += c.get(0).expect("m").end();
            rest = ahead(text, end);
        }
        let _ = rest;
        if let Some(cur) = currency {
            let before = &text[floor_char(text, start.saturating_sub(40))..start];
            let approx = p.approx.is_match(before);
            let qualifier = qualifier_of(text, start, end);
            out.push(Figure {
                start,
                end,
                value,
                kind: FigureKind::Money {
                    currency: cur,
                    approx,
                    qualifier,
                },
            });
            consumed_to = end;
            continue;
        }
        // Quantity.
        if let Some((unit, len)) = quantity_unit(p, ahead(text, end)) {
            out.push(Figure {
                start,
                end: end + len,
                value,
                kind: FigureKind::Quantity { unit },
            });
            consumed_to = end + len;
        }
    }
    out
}

/// The unit after a number and how many bytes of `rest` it takes: a unit right after it
/// ("1,500 MW", "17 000 fisuras"), or a countable noun after one adjective ("12 remote
/// villages").
fn quantity_unit(p: &Patterns, rest: &str) -> Option<(String, usize)> {
    if let Some(c) = p.unit.captures(rest) {
        let u = c.get(1)?;
        return Some((unit_name(u.as_str()), u.end()));
    }
    let c = p.counted.captures(rest)?;
    let adjective = c.get(1).map_or("", |m| m.as_str());
    const NOT_ADJECTIVES: &[&str] = &[
        "of", "de", "del", "do", "da", "the", "and", "por", "per", "para", "for", "más", "mais",
        "more", "than", "que",
    ];
    if NOT_ADJECTIVES.contains(&adjective) {
        return None;
    }
    let u = c.get(2)?;
    Some((unit_name(u.as_str()), u.end()))
}

/// Whether `rest` (what follows a number) may start with a scale word: after a space or
/// dash, a word starting with m, b, t or k (million, mil, billion, bilhões, trillion …).
fn could_be_scale(rest: &str) -> bool {
    let t = rest.trim_start_matches([' ', '-', '‑', '–', '\u{a0}', '\t', '\n']);
    t.len() < rest.len() && t.starts_with(['m', 'b', 't', 'k', 'M', 'B', 'T', 'K'])
}

/// Whether `rest` may start with a percent sign or word.
fn could_be_percent(rest: &str) -> bool {
    let t = rest.trim_start();
    t.starts_with('%') || t.starts_with(['p', 'P'])
}

/// What follows byte `at`, as far as a figure's scale, currency or unit can reach: the
/// anchored patterns never need more, and searching a short window keeps each look
/// constant-time whatever the article's length.
fn ahead(text: &str, at: usize) -> &str {
    &text[at..floor_char(text, at + 96).max(at)]
}

/// The largest char boundary at or below `i`.
pub fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, lang: Lang) -> Figure {
        let f = find(text, lang, None);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        f.into_iter().next().unwrap()
    }

    fn money(text: &str, lang: Lang) -> (f64, Option<String>, String) {
        let f = one(text, lang);
        match f.kind {
            FigureKind::Money { currency, .. } => {
                (f.value, currency, text[f.start..f.end].to_string())
            }
            other => panic!("{text}: not money: {other:?}"),
        }
    }

    #[test]
    fn formats_from_the_issue() {
        assert_eq!(
            money("a $3.6 billion project", Lang::En),
            (3.6e9, Some("USD".into()), "$3.6 billion".into())
        );
        assert_eq!(
            money("custou US$ 3,7 bilhões ao todo", Lang::Pt),
            (3.7e9, Some("USD".into()), "US$ 3,7 bilhões".into())
        );
        assert_eq!(money("investimento de R$ 5,5 bilhões", Lang::Pt).0, 5.5e9);
        assert_eq!(
            money("investimento de R$ 5,5 bilhões", Lang::Pt)
                .1
                .as_deref(),
            Some("BRL")
        );
        let (v, c, t) = money("cuesta 13,8 billones de pesos", Lang::Es);
        assert_eq!(
            (v, c, t.as_str()),
            (13.8e12, None, "13,8 billones de pesos")
        );
        let (v, c, _) = money("un crédito por mil 682.7 millones de dólares", Lang::Es);
        assert!(
            (v - 1_682.7e6).abs() < 1.0 && c.as_deref() == Some("USD"),
            "{v}"
        );
        assert_eq!(money("por 1 680 millones de dólares", Lang::Es).0, 1_680e6);
        assert_eq!(
            money("un préstamo de US $ 2.245 millones", Lang::Es).0,
            2_245e6
        );
        assert_eq!(money("the $730-million highway", Lang::En).0, 730e6);
        assert_eq!(money("a US$730M road", Lang::En).0, 730e6);
        assert_eq!(money("a $3bn port", Lang::En).0, 3e9);
        assert_eq!(
            money("a RMB 628 million loan", Lang::En),
            (628e6, Some("CNY".into()), "RMB 628 million".into())
        );
        assert_eq!(
            money("por 245.600 millones de colones", Lang::Es),
            (
                245_600e6,
                Some("CRC".into()),
                "245.600 millones de colones".into()
            )
        );
        let f = one("nearly $25 billion in loans", Lang::En);
        assert!(matches!(f.kind, FigureKind::Money { approx: true, .. }) && f.value == 25e9);
        assert_eq!(
            money("el contrato por $465,593,387.06", Lang::Es).0,
            465_593_387.06
        );
        assert_eq!(
            money("una inversión de 300 mdd", Lang::Es),
            (300e6, Some("USD".into()), "300 mdd".into())
        );
        assert_eq!(money("un crédito de 50 MMUSD", Lang::Es).0, 50e6);
    }

    #[test]
    fn numbers_that_are_not_money() {
        assert!(find("in 2019 the port opened", Lang::En, None).is_empty());
        let f = one("se encontraron 17 000 fisuras", Lang::Es);
        assert_eq!(
            (f.value, f.kind),
            (
                17_000.0,
                FigureKind::Quantity {
                    unit: "cracks".into()
                }
            )
        );
        let f = one("una central de 1.500 megavatios", Lang::Es);
        assert_eq!(
            (f.value, f.kind),
            (1_500.0, FigureKind::Quantity { unit: "MW".into() })
        );
        let f = one("more than 17,000 cracks", Lang::En);
        assert_eq!(f.value, 17_000.0);
        let f = one("about 35 percent of all", Lang::En);
        assert_eq!((f.value, f.kind), (35.0, FigureKind::Percent));
        assert_eq!(one("el 58 por ciento", Lang::Es).value, 58.0);
        assert!(find("4G-LTE and 5G networks", Lang::En, None).is_empty());
        let f = one("capacity of 1 million TEU a year", Lang::En);
        assert_eq!(
            (f.value, f.kind),
            (1e6, FigureKind::Quantity { unit: "TEU".into() })
        );
        let f = one("creating nearly one million jobs", Lang::En);
        assert_eq!(
            (f.value, f.kind),
            (
                1e6,
                FigureKind::Quantity {
                    unit: "jobs".into()
                }
            )
        );
    }

    #[test]
    fn separators_by_language() {
        assert_eq!(parse_number("3.6", Lang::En, true), Some(3.6));
        assert_eq!(parse_number("1.125", Lang::En, true), Some(1.125));
        assert_eq!(parse_number("1,500", Lang::En, false), Some(1500.0));
        assert_eq!(parse_number("2.245", Lang::Es, true), Some(2245.0));
        assert_eq!(parse_number("13,8", Lang::Es, true), Some(13.8));
        assert_eq!(parse_number("1.682,7", Lang::Es, true), Some(1682.7));
        assert_eq!(
            parse_number("465,593,387.06", Lang::Es, false),
            Some(465_593_387.06)
        );
        assert_eq!(parse_number("1 680", Lang::Es, true), Some(1680.0));
    }

    #[test]
    fn dos_mil_millones_and_local_pesos() {
        assert_eq!(
            money("recibió dos mil millones de dólares", Lang::Es).0,
            2e9
        );
        let f = find("costará $3,6 billones", Lang::Es, Some("COP"));
        assert!(
            matches!(&f[0].kind, FigureKind::Money { currency: Some(c), .. } if c == "COP"),
            "{f:?}"
        );
        assert_eq!(f[0].value, 3.6e12);
    }
}
