//! Figures in running text: money, quantities and percents, in English, Spanish and
//! Portuguese number styles, with ranges, bounds and unit prices.
//!
//! **Separators.** A number is read with the separators its language uses: in English ","
//! groups thousands and "." is the decimal point; in Spanish and Portuguese a single "."
//! followed by exactly three digits groups thousands ("2.245 millones", "1.500
//! megavatios") and otherwise marks decimals ("682.7 millones"); with both, the last one is
//! the decimal point ("$465,593,387.06"); spaces group thousands ("1 680 millones").
//!
//! **A comma and three digits before a scale word** ("R$ 7,245 bilhões", "4,375 millones")
//! is the one ambiguous case. Portuguese never groups thousands with a comma, so it is a
//! decimal comma there. Spanish press writes it both ways: Spain and most of South America
//! use the decimal comma, Mexico, Central America, the Dominican Republic and Peru's press
//! group thousands with it ("2,350 millones de dólares"). The rule ([`number_style`]): the
//! article's own numbers decide first — a dot followed by one or two digits ("245.3") or
//! comma-grouped thousands ("1,234,567") show the dot-decimal style, a comma followed by one
//! or two digits ("45,5") or dot-grouped thousands ("1.234.567") the comma-decimal style;
//! when they say nothing (or contradict each other) the article's host country decides
//! (see [`DOT_DECIMAL_HOSTS`]); otherwise it is a decimal comma. Without a scale word a
//! comma and three digits group thousands in every language ("S/ 1,500").
//!
//! **Scales and compounds.** Spanish *billón* and Portuguese *trilhão* are 10¹², Portuguese
//! *bilhão* is 10⁹, Spanish "mil millones" is 10⁹, and "mil 682.7 millones" or Mexican
//! "mil 250 mdd" is 1,682.7 or 1,250 million. A figure continues while a smaller scale
//! follows ("329 millones 373 mil 420 soles", "R$ 1 bilhão e 600 milhões", "2 billion
//! 350 million"): each part must be below 1,000 of a strictly smaller scale, and a bare
//! number after "mil" joins only when a currency word follows it. Amounts in words are read
//! by [`crate::numerals`].
//!
//! **Currency.** A figure is money with a currency sign or word ("$", "US$", "R$", "RMB",
//! "dólares", "reais", "mdd" …). A figure with a scale word of a million or more and
//! neither currency nor unit ("y otros 45,5 millones", "another 75 million") takes the
//! currency of the money figure before it in the same sentence, unless "de"/"of" + a noun
//! says what it counts ("3 millones de personas").
//!
//! **Ranges** are one figure: "entre 50.000 y 100.000 toneladas", "between $1 and $2
//! billion", "de 3 a 5 mil millones", "USD 400-450 million", "R$ 2 a R$ 3 bilhões": `value`
//! is the low end, `high` the high end, the span covers both. "y"/"e"/"and" join a range
//! only after "entre"/"between"; "a"/"to"/"hasta"/"até" after "de"/"from"/"desde" are a
//! change, not a range, when a verb of change comes just before ("pasó de 300 a 500
//! millones": two figures, the first taking the second's scale and currency). A scale or
//! currency written once applies to both ends when the low end, as written, is not larger
//! than the high end ("2.000 y 3.000 millones", but "$500,000 and $2 million").
//!
//! **Bounds**: "more than", "over", "at least", "más de", "mais de", "superará los",
//! "acima de" … make a lower bound; "up to", "less than", "under", "hasta", "menos de",
//! "até", "no máximo" … an upper bound ([`Bound`]).
//!
//! **Unit prices**: money followed by "per"/"a"/"por"/"cada"/"/" (or, in Spanish and
//! Portuguese, "el"/"la"/"o"/"a" for physical units) and a unit ("US$ 78.000 por tonelada",
//! "$65 a barrel", "R$ 300 o MWh", "$5 million a year") carries `per_unit` ("tonne",
//! "barrel", "MWh", "year" …); the unit words are not part of the span.
//!
//! A figure with a unit ("MW", "km", "TEU", "fisuras" …) is a quantity; "%", "percent",
//! "por ciento" make a percent.

use crate::lang::Lang;
use regex::Regex;
use serde::Serialize;
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

/// A bound the text puts on a figure: "more than" (`at_least`), "up to" (`at_most`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    AtLeast,
    AtMost,
}

/// A figure with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub start: usize,
    pub end: usize,
    /// The value, or the low end of a range.
    pub value: f64,
    /// The high end of a range.
    pub high: Option<f64>,
    pub bound: Option<Bound>,
    /// For a unit price: the unit ("tonne", "barrel", "MWh", "year" …).
    pub per_unit: Option<String>,
    pub kind: FigureKind,
}

/// How an article writes decimals (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// Nothing tells.
    Unknown,
    /// "45,5", "1.234.567".
    CommaDecimal,
    /// "245.3", "1,234,567".
    DotDecimal,
}

/// Host countries whose press writes "2,350 millones" for 2,350 million: Mexico, Central
/// America without Costa Rica, Panama, the Dominican Republic, Puerto Rico, and Peru (whose
/// official standard is the comma, but whose financial press groups thousands with it).
pub const DOT_DECIMAL_HOSTS: &[&str] = &[
    "MEX", "GTM", "HND", "SLV", "NIC", "PAN", "DOM", "PRI", "PER",
];

struct Patterns {
    number: Regex,
    /// A number at the start of the text (the high end of a range).
    number_at: Regex,
    prefix: Regex,
    mil_prefix: Regex,
    attached: Regex,
    scale: Regex,
    /// The next part of a compound: "373 mil", "e 600 milhões".
    compound: Regex,
    /// A bare number after "mil" ("845 mil 300 soles").
    trailing: Regex,
    currency: Regex,
    abbrev: Regex,
    unit: Regex,
    /// A count with one adjective between number and noun ("12 remote villages").
    counted: Regex,
    percent: Regex,
    approx: Regex,
    qualifier: Regex,
    /// What joins the two ends of a range.
    range_join: Regex,
    /// What opens a range, right before the low end.
    range_open: Regex,
    /// A verb of change before "de X a Y" / "from X to Y".
    change: Regex,
    /// A currency sign before the high end of a range.
    sign: Regex,
    /// Bound words right before a figure.
    bound: Regex,
    /// A unit price's connector and unit.
    per_unit: Regex,
    /// English "a"/"an" + a unit ("$65 a barrel", "$5 million a year").
    per_unit_a: Regex,
    /// Spanish/Portuguese "el/la/o/a" + a physical unit ("US$ 65 el barril").
    per_unit_article: Regex,
    /// What, after "a year", says it is a time and not a rate ("a year ago").
    not_rate: Regex,
    /// "de"/"of" + a noun: what a bare scaled figure counts.
    counts: Regex,
    /// A noun of people or goods right before a bare scaled figure ("a city of 5
    /// million", "población de 3 millones").
    counted_before: Regex,
}

const SCALE_WORDS: &str = r"mil\s+millones|miles\s+de\s+millones|mil\s+milh[õo]es|millones|millón|millon|millardos?|mil|billones|billón|billon|bilh[õo]es|bilh[ãa]o|bili[ãa]o|bili[õo]es|milh[õo]es|milh[ãa]o|trilh[õo]es|trilh[ãa]o|thousand|millions?|billions?|trillions?|bn|mn|mln|tn|MM|bi|mi";

const UNITS_TIME: &str = r"years?|año|ano|annum|months?|mes|mês|days?|día|dia|hours?|hora";
const UNITS_PHYSICAL: &str = r"toneladas?\s+métricas?|toneladas?|tonnes?|metric\s+tons?|tons?|tm|barrels?|barriles?|barril|barris|bbl|MWh|GWh|kWh|MW|megavatios?|megawatts?|kilómetros?|kilometros?|kilometers?|kilometres?|quilômetros?|quilometros?|km|metros?\s+cuadrados?|metros?\s+quadrados?|square\s+met(?:er|re)s?|m²|m2|hectáreas?|hectareas?|hectares?|kilogramos?|quilogramas?|kilograms?|kilos?|quilos?|kg|pounds?|libras?|lb|ounces?|onzas?|onças?|oz|litros?|litres?|liters?|gallons?|galones?|galão|MMBtu|shares?|acciones|acción|ações|ação";
/// Units a price may be "per" but never "a"/"the" in Spanish or Portuguese ("a
/// trabajadores" is "to workers").
const UNITS_PEOPLE: &str = r"persons?|personas?|pessoas?|habitantes?|capita|units?|unidad(?:es)?|unidades?|vehicles?|vehículos?|veículos?|cars?|passengers?|pasajeros?|passageiros?|households?|hogares?|workers?|trabajadores?|trabalhadores?";

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let number = r"(?:\d{1,3}(?:[ \u{a0}\u{202f}\u{2009}]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)";
        Patterns {
        number: crate::pattern(number),
        number_at: crate::pattern(&format!("^{number}")),
        // Currency signs and codes before a number (anchored at the end of the window).
        prefix: crate::pattern(r"(?:^|[^\p{L}\p{N}])((?:US|U\.S\.)\s?\$|U\$S|\$\s?US|USD|R\$|RMB|CNY|¥|€|EUR|£|GBP|S/\.?|COL\$|COP\$?|MX\$|MXN|AR\$|ARS|CLP\$?|PEN|BRL|BOB|Bs\.?|J\$|JMD|TT\$|TTD|EC\$|XCD|BBD|Bds\$|BSD|BZD|₡|CRC|G\$|GYD|SRD|DOP|RD\$|UYU|VES|\$)\s*$"),
        // Spanish "mil 682.7" and "dos mil 500" before a number.
        mil_prefix: crate::pattern(r"(?i)(?:^|[^\p{L}\p{N}])(?:(\d{1,3}|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez)\s+)?mil\s+$"),
        // A scale letter glued to the number: "$3bn", "US$730M", "$2.5b", "500k".
        attached: crate::pattern(r"^(bn|mn|tn|[bBmMkK])(?:[^\p{L}\p{N}]|$)"),
        scale: crate::pattern(&format!(r"(?i)^(?:\s*[-‑–]\s*|\s+)({SCALE_WORDS})\b")),
        compound: crate::pattern(&format!(r"(?i)^(\s+(?:y|e|and)\s+|\s+)(\d{{1,3}}(?:[.,]\d{{1,3}})?)\s+({SCALE_WORDS})\b")),
        trailing: crate::pattern(r"(?i)^(?:\s+(?:y|e|and)\s+|\s+)(\d{1,3})(?-u:\b)"),
        currency: crate::pattern(r"(?i)^(?:\s+(?:de|of|em|en)(?-u:\b))?\s+(dólares\s+(?:estadounidenses|americanos|estadunidenses|norteamericanos)|US\s+dollars|U\.S\.\s+dollars|American\s+dollars|dólares|dolares|dólar|dollars|dollar|USD|reais|real|yuanes|yuan|renminbi|RMB|euros|euro|pesos\s+(?:mexicanos|colombianos|argentinos|chilenos|dominicanos|uruguayos|cubanos)|pesos|soles|sol|colones|colón|bolivianos|bolívares|quetzales|lempiras|córdobas|guaraníes|Jamaican\s+dollars|dólares\s+jamaiquinos|East\s+Caribbean\s+dollars|Trinidad\s+and\s+Tobago\s+dollars|Guyanese\s+dollars|Bahamian\s+dollars|Barbados\s+dollars)(?-u:\b)"),
        // Money abbreviations after a number: "mdd", "MMUSD", "mmdp".
        abbrev: crate::pattern(r"^\s*(mmdd|mdd|mmdp|mdp|MMUSD|MM\s?USD|MMU\$S|MUS\$|MMUS\$)(?-u:\b)"),
        counted: crate::pattern(r"^\s+(\p{Ll}[\p{Ll}-]{2,14})\s+(cracks|fissures|fisuras|grietas|fissuras|rachaduras|trincas|villages|aldeas|aldeias|workers|trabajadores|trabalhadores|employees|empleados|jobs|empleos|empregos|homes|houses|viviendas|casas|schools|escuelas|escolas|hospitals|hospitales|hospitais|plants|usinas|plantas|centrales|stations|estaciones|estações|trains|trenes|trens|vehicles|cars|carros|veículos|vehículos|bridges|puentes|pontes|people|personas|pessoas|families|familias|famílias)\b"),
        unit: crate::pattern(r"^(?:\s*-\s*|\s*)(?:(?:de|of)\s+)?(MWh|GWh|TWh|kWh|MWp|GWp|kWp|MW|GW|kW|megawatts?|megavatios?|megawatios?|gigawatts?|gigavatios?|kilowatts?|km|kilometers|kilometres|kilómetros|kilometros|quilômetros|quilometros|quilómetros|miles|TEUs?|tonnes|tonne|tons|toneladas|tonelada|vehicles|cars|vehículos|vehiculos|veículos|veiculos|carros|automóviles|jobs|empleos|empregos|puestos\s+de\s+trabajo|postos\s+de\s+trabalho|workers|trabajadores|trabalhadores|employees|empleados|funcionários|operários|obreros|cracks|fissures|fisuras|grietas|fissuras|rachaduras|hectares|hectáreas|hectareas|barrels|barriles|barris|villages|aldeas|aldeias|homes|houses|viviendas|casas|moradias|passengers|pasajeros|passageiros|stations|estaciones|estações|trains|trenes|trens|schools|escuelas|escolas|hospitals|hospitales|hospitais|people|personas|pessoas|residents|habitantes|square\s+meters|square\s+metres|metros\s+cuadrados|metros\s+quadrados|m²|m2|bridges|puentes|pontes|lanes|carriles|faixas|containers|contenedores|contêineres|conteineres|contentores|plants|power\s+plants|usinas|centrales|customers|clientes|families|familias|famílias|acres)\b"),
        percent: crate::pattern(r"(?i)^(?:\s?%|\s+(?:percent|per\s+cent|por\s+ciento|por\s+cento|pct)(?-u:\b))"),
        approx: crate::pattern(r"(?i)(?:^|[^\p{L}])(about|around|approximately|approx\.?|nearly|almost|roughly|some|an\s+estimated|estimated|circa|close\s+to|unos|unas|cerca\s+de|alrededor\s+de|aproximadamente|casi|aprox\.?|quase|em\s+torno\s+de|por\s+volta\s+de|uns|umas)\s+(?:(?:a|de|of)\s+)?$"),
        qualifier: crate::pattern(r"(?i)(?-u:\b)(loans?|lent|lend(?:ing|s)?|borrow\w*|credit\w*|préstamos?|prest[óo]|prestará|crédito|créditos|financiamiento|financiación|empréstimos?|emprest\w*|financiamento|invest\w*|inversión|inversiones|invirti[óo]|invert\w*|investimentos?|investiu|aportes?|aportar\w*|paid|pays?|paying|pagó|pagar[áa]?|pagou|pagará|bought|buys?|buying|acquir\w*|acquisition|purchas\w*|takeover|compr(?:ó|ou|a|ar|aron|aram|ará|ado|ada|ou)(?:[^\p{L}\p{N}_]|$)|adquiri\w*|adquisici[óo]n|aquisiç[ãa]o|fined?|multa\w*|costs?|costing|cost[óo]|costará|costo|coste|custo|custou|custará|valued|worth|valorad[oa]|orçad[oa]|presupuesto|orçamento|budget|price|precio|preço|contracts?|contrat\w*|adjudic\w*|debts?|deuda|deudas|dívidas?|owes?|compensation|indemniz\w*|indeniza\w*|grants?|donat\w*|donación|doação|don[óo]|doou|exports?|imports?|export\w*|import\w*|trade|comercio|comércio)(?:[^\p{L}\p{N}_]|$)"),
        range_join: crate::pattern(r"(?i)^(?:\s*([-‑–—])\s*|\s+(to|and|a|al|y|e|hasta|até|ate)\s+)"),
        range_open: crate::pattern(r"(?i)(?:^|[^\p{L}])(between|entre|from|de|desde|del|do|da)\s+(?:(?:about|around|some|roughly|unos|unas|uns|umas|cerca\s+de)\s+)?(?:(?:US|U\.S\.|R|COL|MX|AR|RD)?\s?\$\s?|USD\s|EUR\s|BRL\s|€\s?|£\s?|¥\s?|S/\.?\s?)?$"),
        change: crate::pattern(r"(?i)(?-u:\b)(?:pas[oóa]\w*|pass(?:ou|a|ar|aram|ará)|sub(?:i[óo]|ir|e|en|ieron|iu|iram|irá)|sobe|aument\w*|crec\w*|cresc\w*|creci\w*|ca(?:y[óo]|yeron|er|e|en|iu|íram|ir)|baj(?:[óo]|ar|a|aron)|baix\w*|redu\w*|elev\w*|increment\w*|dispar\w*|salt(?:[óo]|aron|ou|aram)|duplic\w*|tripl\w*|rose|rises?|risen|increas\w*|grew|grows?|grown|fell|falls?|fallen|dropp\w*|drops?|jump\w*|climb\w*|went|goes|go|cut|rais\w*|lower\w*|doubl\w*|balloon\w*|soar\w*|surg\w*|revis\w*|ajust\w*|adjust\w*|reajust\w*)\s+(?:\S+\s+){0,3}$"),
        sign: crate::pattern(r"^(?:(?:US|U\.S\.)\s?\$|U\$S|\$\s?US|USD|R\$|RMB|CNY|¥|€|EUR|£|GBP|S/\.?|PEN|BRL|MXN|COP|ARS|CLP|\$)\s*"),
        bound: crate::pattern(r"(?i)(?:^|[^\p{L}])(?:(more\s+than|at\s+least|in\s+excess\s+of|upwards\s+of|exceed(?:s|ed|ing)?|surpass(?:es|ed|ing)?|no\s+less\s+than|not\s+less\s+than|up\s+to|less\s+than|fewer\s+than|at\s+most|no\s+more\s+than|not\s+more\s+than|as\s+much\s+as|as\s+many\s+as|a\s+maximum\s+of|a\s+minimum\s+of|más\s+de|mas\s+de|al\s+menos|por\s+lo\s+menos|como\s+m[íi]nimo|no\s+menos\s+de|superior(?:es)?\s+a|super(?:a|ó|o|ará|aría|an|aron|ando|ou|am|aram|aria)|sobrepas\w*|exced\w*|hasta|menos\s+de|como\s+m[áa]ximo|no\s+m[áa]s\s+de|inferior(?:es)?\s+a|un\s+m[áa]ximo\s+de|un\s+m[íi]nimo\s+de|mais\s+de|pelo\s+menos|ao\s+menos|no\s+m[íi]nimo|acima\s+de|ultrapass\w*|até|no\s+m[áa]ximo|abaixo\s+de|um\s+m[áa]ximo\s+de|um\s+m[íi]nimo\s+de)\s+(?:(?:los|las|el|la|os|as|o|some|about|around|unos|unas|uns|umas)\s+)?|(over|above|under|below)\s+)$"),
        per_unit: crate::pattern(&format!(r"(?i)^(?:\s*/\s*|\s+(?:per|each|por\s+cada|por|cada|al|ao)\s+)({UNITS_PHYSICAL}|{UNITS_PEOPLE}|{UNITS_TIME}|t|ha)(?-u:\b)")),
        per_unit_a: crate::pattern(&format!(r"(?i)^\s+an?\s+({UNITS_PHYSICAL}|{UNITS_PEOPLE}|{UNITS_TIME})(?-u:\b)")),
        per_unit_article: crate::pattern(&format!(r"(?i)^\s+(?:el|la|o|a)\s+({UNITS_PHYSICAL})(?-u:\b)")),
        not_rate: crate::pattern(r"(?i)^\s+(?:ago|earlier|later|before|after|from|since|siguiente|pasado|anterior|próximo|que\s+viene|seguinte|passado|atrás|antes|depois|later)(?-u:\b)"),
        counts: crate::pattern(r"(?i)^\s+(?:de|of|do|da|dos|das)\s+\p{L}"),
        counted_before: crate::pattern(r"(?i)(?:^|[^\p{L}])(?:population|poblaci[óo]n|popula[çc][ãa]o|inhabitants|habitantes|residents|people|personas|pessoas|passengers|pasajeros|passageiros|users|usuarios|usu[áa]rios|customers|clientes|city|ciudad|cidade|tonnes|tons|toneladas|barrels|barriles|barris|votes|votos|viewers|visitors|visitantes|tourists|turistas)\s+(?:(?:of|de|do|da)\s+)?(?:(?:about|some|around|nearly|almost|unos|unas|cerca\s+de|casi|uns|umas|quase)\s+)?$"),
        }
    })
}

/// Reads a number as `lang` writes it (see the module documentation); `scaled`: a scale
/// word follows it.
pub fn parse_number(s: &str, lang: Lang, scaled: bool) -> Option<f64> {
    parse_number_in(s, lang, scaled, NumberStyle::Unknown)
}

/// [`parse_number`] in an article whose number style is `style`.
pub fn parse_number_in(s: &str, lang: Lang, scaled: bool, style: NumberStyle) -> Option<f64> {
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
                    // A comma and three digits before a scale word: a decimal comma in
                    // Portuguese, and in Spanish unless the article writes dot decimals.
                    (Lang::Pt, ',') if scaled => false,
                    (Lang::Es, ',') if scaled => style == NumberStyle::DotDecimal,
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

/// How the article writes decimals, from its numbers (byte spans in `text`) and, when
/// they do not tell, its host country (see the module documentation).
pub fn number_style(text: &str, numbers: &[(usize, usize)], host: Option<&str>) -> NumberStyle {
    let (mut dot, mut comma) = (false, false);
    for &(s, e) in numbers {
        let t = &text[s..e];
        if t.contains([' ', '\u{a0}', '\u{202f}', '\u{2009}']) {
            continue;
        }
        let dots = t.matches('.').count();
        let commas = t.matches(',').count();
        let grouped = |sep: char| t.split(sep).skip(1).all(|g| g.len() == 3);
        match (dots, commas) {
            (0, 0) => {}
            (1.., 1..) => {
                if t.rfind('.') > t.rfind(',') {
                    dot = true;
                } else {
                    comma = true;
                }
            }
            (2.., 0) if grouped('.') => comma = true,
            (0, 2..) if grouped(',') => dot = true,
            (1, 0) if (1..=2).contains(&t.rsplit('.').next().map_or(0, str::len)) => dot = true,
            (0, 1) if (1..=2).contains(&t.rsplit(',').next().map_or(0, str::len)) => comma = true,
            _ => {}
        }
    }
    match (dot, comma) {
        (true, false) => NumberStyle::DotDecimal,
        (false, true) => NumberStyle::CommaDecimal,
        _ if host.is_some_and(|h| DOT_DECIMAL_HOSTS.contains(&h)) => NumberStyle::DotDecimal,
        _ => NumberStyle::Unknown,
    }
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
        "cracks" | "fissures" | "fisuras" | "grietas" | "fissuras" | "rachaduras" | "trincas" => {
            "cracks"
        }
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

/// The telling words of one sentence, found once for all its money figures: (sentence
/// span, [(word start, word end, qualifier)]).
type SentenceWords = ((usize, usize), Vec<(usize, usize, &'static str)>);

/// The qualifier of a money figure from the nearest telling word in its sentence; `memo`
/// keeps the last sentence's words.
fn qualifier_of(
    text: &str,
    start: usize,
    end: usize,
    memo: &mut Option<SentenceWords>,
) -> Option<String> {
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
    if memo.as_ref().is_none_or(|m| m.0 != (s0, s1)) {
        let sentence = &text[s0..s1];
        let mut words = Vec::new();
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
            let q = QUALIFIERS
                .iter()
                .find(|(_, prefixes)| prefixes.iter().any(|p| w.starts_with(p)))
                .map_or("trade", |(q, _)| q);
            words.push((s0 + m.start(), s0 + m.end(), q));
        }
        *memo = Some(((s0, s1), words));
    }
    let (_, words) = memo.as_ref()?;
    let mut best: Option<(usize, &str)> = None;
    for &(at, at_end, q) in words {
        let d = if at >= end {
            at - end
        } else {
            start.saturating_sub(at_end)
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, q));
        }
    }
    Some(best?.1.to_string())
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

/// A number read with its scale: the part of a figure before any currency word.
#[derive(Debug, Clone, Copy)]
struct Amount {
    start: usize,
    end: usize,
    /// The number as written, with a "mil" before it added ("mil 250" = 1250).
    raw: f64,
    /// What a scale word, letter or abbreviation multiplies it by (1 when none).
    mult: f64,
    /// raw × mult, plus the smaller parts of a compound.
    value: f64,
    /// A scale word, letter or abbreviation follows, or the number is in words.
    scaled: bool,
    /// Parts were added ("329 millones 373 mil 420").
    compound: bool,
    /// A part was joined by "y"/"e"/"and" ("R$ 1 bilhão e 600 milhões").
    joined: bool,
    /// The currency a money abbreviation implies ("mdd" = USD).
    abbrev: Option<Option<&'static str>>,
    /// The byte span of the digits, to read them again when a range shares a scale.
    digits: (usize, usize),
}

/// Reads the number at `ns..ne` (or the amount in words there, `preset` = (value, last
/// scale)) with its scale, "mil" prefix, abbreviation and compound parts. `joins`: "y",
/// "e", "and" may join compound parts (not inside "entre X y Y").
#[allow(clippy::too_many_arguments)]
fn read_amount(
    text: &str,
    ns: usize,
    ne: usize,
    preset: Option<(f64, f64)>,
    lang: Lang,
    style: NumberStyle,
    peso: Option<&'static str>,
    joins: bool,
) -> Option<Amount> {
    let p = patterns();
    let mut a = Amount {
        start: ns,
        end: ne,
        raw: 0.0,
        mult: 1.0,
        value: 0.0,
        scaled: preset.is_some(),
        compound: false,
        joined: false,
        abbrev: None,
        digits: (ns, ne),
    };
    let mut last_scale = 0.0;
    let mut scale_word = preset.is_some();
    if let Some((v, s)) = preset {
        a.raw = v;
        last_scale = s;
    } else {
        let mut rest = ahead(text, ne);
        if rest.starts_with(['b', 'm', 't', 'k', 'B', 'M', 'K'])
            && let Some(m) = p.attached.captures(rest)
        {
            let w = &m[1];
            if let Some(v) = scale_value(w, lang) {
                a.mult = v;
                a.scaled = true;
                a.end += w.len();
                rest = ahead(text, a.end);
            }
        }
        if !a.scaled
            && could_be_scale(rest)
            && let Some(c) = p.scale.captures(rest)
        {
            let w = c.get(1).expect("scale").as_str();
            if let Some(v) = scale_value(w, lang) {
                a.mult = v;
                a.scaled = true;
                scale_word = true;
                last_scale = v;
                a.end += c.get(0).expect("m").end();
                rest = ahead(text, a.end);
            }
        }
        if !a.scaled
            && rest.trim_start().starts_with(['m', 'M'])
            && let Some(c) = p.abbrev.captures(rest)
        {
            let ab = c[1].to_lowercase().replace(' ', "");
            let (mult, cur) = match ab.as_str() {
                "mdd" => (1e6, Some("USD")),
                "mmdd" => (1e9, Some("USD")),
                "mdp" => (1e6, peso),
                "mmdp" => (1e9, peso),
                _ => (1e6, Some("USD")),
            };
            a.mult = mult;
            a.scaled = true;
            a.abbrev = Some(cur);
            a.end += c.get(0).expect("m").end();
        }
        a.raw = parse_number_in(&text[ns..ne], lang, a.scaled, style)?;
        // "mil 682.7 millones", "dos mil 500 millones", "mil 250 mdd".
        if a.mult >= 1e6 && a.raw < 1000.0 {
            let window_start = floor_char(text, ns.saturating_sub(24));
            if let Some(c) = p.mil_prefix.captures(&text[window_start..ns]) {
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
                a.raw += lead * 1000.0;
                let skip = text[window_start + m.start()..]
                    .find(|c: char| c.is_alphanumeric())
                    .unwrap_or(0);
                a.start = window_start + m.start() + skip;
            }
        }
    }
    a.value = a.raw * a.mult;
    // Compound parts: each of a strictly smaller scale and below 1,000 of it.
    if scale_word {
        while let Some(c) = p.compound.captures(ahead(text, a.end)) {
            let joined = !c[1].trim().is_empty();
            if joined && !joins {
                break;
            }
            let Some(s) = scale_value(&c[3], lang) else {
                break;
            };
            let Some(n) = parse_number_in(&c[2], lang, true, style) else {
                break;
            };
            let after = a.end + c.get(0).expect("m").end();
            // "500 millones y 300 mil toneladas": the part counts something else.
            if s >= last_scale
                || n >= 1000.0
                || n <= 0.0
                || quantity_unit(p, ahead(text, after)).is_some()
            {
                break;
            }
            a.value += n * s;
            last_scale = s;
            a.compound = true;
            a.joined |= joined;
            a.end = after;
        }
        // "845 mil 300 soles": a bare number after "mil" when a currency word follows.
        if last_scale == 1e3
            && let Some(c) = p.trailing.captures(ahead(text, a.end))
            && (!c[0].trim_start().starts_with(['y', 'e', 'a']) || joins)
        {
            let after = a.end + c.get(0).expect("m").end();
            if p.currency.is_match(ahead(text, after))
                && let Ok(n) = c[1].parse::<f64>()
            {
                a.value += n;
                a.compound = true;
                a.joined |= c[0].trim_start().starts_with(['y', 'e', 'a']);
                a.end = after;
            }
        }
    }
    Some(a)
}

/// Whether no sentence ends between bytes `a` and `b`.
fn same_sentence(text: &str, a: usize, b: usize) -> bool {
    let between = &text.as_bytes()[a.min(b)..b.max(a)];
    !between.iter().enumerate().any(|(i, &c)| {
        c == b'\n'
            || (matches!(c, b'.' | b'!' | b'?')
                && between.get(i + 1).is_some_and(|n| n.is_ascii_whitespace()))
    })
}

/// The currency written right after byte `at` ("de dólares", "reais"), and its length.
fn currency_word(text: &str, at: usize, peso: Option<&str>) -> Option<(Option<String>, usize)> {
    let c = patterns().currency.captures(ahead(text, at))?;
    let cur = suffix_currency(&c[1], peso)?;
    Some((cur, c.get(0).expect("m").end()))
}

/// The unit of a unit price after byte `at` ("por tonelada", "a barrel", "/bbl").
fn per_unit_after(text: &str, at: usize, lang: Lang) -> Option<String> {
    let p = patterns();
    let rest = ahead(text, at);
    // Cheap test first: a slash or a connector word must come next.
    let t = rest.trim_start();
    let word: String = t
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if !t.starts_with('/')
        && !matches!(
            word.as_str(),
            "per" | "a" | "an" | "each" | "por" | "cada" | "al" | "ao" | "el" | "la" | "o"
        )
    {
        return None;
    }
    let c = p.per_unit.captures(rest).or_else(|| {
        if lang == Lang::En {
            p.per_unit_a.captures(rest)
        } else {
            p.per_unit_article.captures(rest)
        }
    })?;
    let m = c.get(0).expect("m");
    let unit = per_unit_name(&c[1]);
    if matches!(unit.as_str(), "year" | "month" | "day" | "hour")
        && p.not_rate.is_match(&rest[m.end()..])
    {
        return None;
    }
    Some(unit)
}

/// The name ruta reports for the unit of a unit price.
fn per_unit_name(u: &str) -> String {
    let l = u.to_lowercase();
    let name = match l.as_str() {
        "mwh" => "MWh",
        "gwh" => "GWh",
        "kwh" => "kWh",
        "mw" => "MW",
        "mmbtu" => "MMBtu",
        "t" | "tm" => "tonne",
        "ha" => "hectare",
        "bbl" => "barrel",
        "lb" => "pound",
        "oz" => "ounce",
        "kg" => "kg",
        "km" => "km",
        "m²" | "m2" => "m2",
        "capita" => "person",
        "annum" | "año" | "ano" => "year",
        "mes" | "mês" => "month",
        "día" | "dia" => "day",
        "hora" => "hour",
        _ if l.starts_with("ton") || l.starts_with("metric") => "tonne",
        _ if l.starts_with("barr") => "barrel",
        _ if l.starts_with("mega") => "MW",
        _ if l.starts_with("kil") || l.starts_with("quil") => {
            if l.contains("gram") || l.starts_with("kilo") && !l.contains("met") {
                "kg"
            } else {
                "km"
            }
        }
        _ if l.contains("cuadrado") || l.contains("quadrado") || l.starts_with("square") => "m2",
        _ if l.starts_with("hect") => "hectare",
        _ if l.starts_with("pound") || l.starts_with("libra") => "pound",
        _ if l.starts_with("ounce") || l.starts_with("onza") || l.starts_with("onça") => "ounce",
        _ if l.starts_with("lit") => "litre",
        _ if l.starts_with("gal") => "gallon",
        _ if l.starts_with("share") || l.starts_with("acci") || l.starts_with("aç") => "share",
        _ if l.starts_with("person") || l.starts_with("pessoa") || l.starts_with("habitant") => {
            "person"
        }
        _ if l.starts_with("unit") || l.starts_with("unidad") => "unit",
        _ if l.starts_with("vehic")
            || l.starts_with("veh")
            || l.starts_with("veí")
            || l.starts_with("car") =>
        {
            "vehicle"
        }
        _ if l.starts_with("passeng") || l.starts_with("pasajer") || l.starts_with("passageir") => {
            "passenger"
        }
        _ if l.starts_with("household") || l.starts_with("hogar") => "household",
        _ if l.starts_with("worker") || l.starts_with("trabaj") || l.starts_with("trabalh") => {
            "worker"
        }
        _ if l.starts_with("year") => "year",
        _ if l.starts_with("month") => "month",
        _ if l.starts_with("day") => "day",
        _ if l.starts_with("hour") => "hour",
        _ => return l,
    };
    name.to_string()
}

/// The bound the words right before byte `at` put on a figure.
fn bound_before(text: &str, at: usize) -> Option<Bound> {
    let before = &text[floor_char(text, at.saturating_sub(40))..at];
    // Cheap test first: every bound phrase ends with one of these words, or with "de",
    // "of", "a" or an article after one of them ("más de", "in excess of", "superior a",
    // "superará los").
    let mut words = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty());
    let last = words.next().unwrap_or("").to_lowercase();
    let prev = words.next().unwrap_or("").to_lowercase();
    const ENDS: &[&str] = &[
        "than", "over", "above", "under", "below", "least", "most", "to", "hasta", "até", "ate",
        "menos", "mínimo", "minimo", "máximo", "maximo",
    ];
    const BEFORE_DE: &[&str] = &[
        "más",
        "mas",
        "menos",
        "mais",
        "acima",
        "abaixo",
        "máximo",
        "maximo",
        "mínimo",
        "minimo",
        "excess",
        "upwards",
        "maximum",
        "minimum",
        "superior",
        "superiores",
        "inferior",
        "inferiores",
    ];
    const ARTICLES: &[&str] = &[
        "los", "las", "el", "la", "os", "as", "o", "some", "about", "around", "unos", "unas",
        "uns", "umas",
    ];
    let verb = |w: &str| {
        ["super", "sobrepas", "exce", "ultrapass", "surpass"]
            .iter()
            .any(|p| w.starts_with(p))
    };
    let plausible = ENDS.contains(&last.as_str())
        || verb(&last)
        || (matches!(last.as_str(), "de" | "of" | "a") && BEFORE_DE.contains(&prev.as_str()))
        || (last == "as" && matches!(prev.as_str(), "much" | "many"))
        || (ARTICLES.contains(&last.as_str())
            && (verb(&prev) || ENDS.contains(&prev.as_str()) || prev == "de" || prev == "of"));
    if !plausible {
        return None;
    }
    let c = patterns().bound.captures(before)?;
    let w = c.get(1).or_else(|| c.get(2))?.as_str().to_lowercase();
    let w: String = w.split_whitespace().collect::<Vec<_>>().join(" ");
    const AT_MOST: &[&str] = &[
        "up to",
        "less than",
        "fewer than",
        "at most",
        "no more than",
        "not more than",
        "as much as",
        "as many as",
        "a maximum of",
        "hasta",
        "menos de",
        "como máximo",
        "como maximo",
        "no más de",
        "no mas de",
        "un máximo de",
        "un maximo de",
        "até",
        "no máximo",
        "no maximo",
        "abaixo de",
        "um máximo de",
        "um maximo de",
        "under",
        "below",
    ];
    if AT_MOST.contains(&w.as_str()) || w.starts_with("inferior") {
        Some(Bound::AtMost)
    } else {
        Some(Bound::AtLeast)
    }
}

/// Every money, quantity and percent figure of `text`. `peso` is the currency that a
/// bare "$" in Spanish or the word "pesos" means here (the peso of the country the text
/// is about), when known.
pub fn find(text: &str, lang: Lang, peso: Option<&'static str>) -> Vec<Figure> {
    find_in(text, lang, peso, None)
}

/// [`find`] in an article whose host country (ISO3) is `host`: it settles how a Spanish
/// "2,350 millones" is read when the article's own numbers do not (see [`number_style`]).
pub fn find_in(
    text: &str,
    lang: Lang,
    peso: Option<&'static str>,
    host: Option<&str>,
) -> Vec<Figure> {
    find_scanned(text, lang, peso, host, &crate::scan::scan(text))
}

/// [`find_in`] from the text's shared scan.
pub(crate) fn find_scanned(
    text: &str,
    lang: Lang,
    peso: Option<&'static str>,
    host: Option<&str>,
    hits: &[crate::scan::Hit],
) -> Vec<Figure> {
    let p = patterns();
    let mut out: Vec<Figure> = Vec::new();
    let mut consumed_to = 0usize;
    let mut sentence_words: Option<SentenceWords> = None;
    let digits: Vec<(usize, usize)> = p
        .number
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let style = if lang == Lang::Es {
        number_style(text, &digits, host)
    } else {
        NumberStyle::Unknown
    };
    // (start, end, value and last scale of an amount in words).
    type Number = (usize, usize, Option<(f64, f64)>);
    let mut numbers: Vec<Number> = digits.iter().map(|&(s, e)| (s, e, None)).collect();
    for s in crate::numerals::find_in(text, lang, hits) {
        // "mil 250 mdd", "dos mil 500 millones": the digits carry the figure; "3 mil
        // millones": the scale of a figure in digits.
        let after = &text[s.end..floor_char(text, s.end + 8)];
        let before = &text[floor_char(text, s.start.saturating_sub(8))..s.start];
        if after.trim_start().starts_with(|c: char| c.is_ascii_digit())
            || before.trim_end().ends_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        numbers.push((s.start, s.end, Some((s.value, s.last_scale))));
    }
    numbers.sort_by_key(|n| n.0);
    for &(ns, ne, preset) in &numbers {
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
        // What opens a range, right before the number (or its currency sign), and where;
        // looked for only when a range or a joined compound needs it.
        let opener_of = || -> Option<(String, usize)> {
            let open_window = floor_char(text, ns.saturating_sub(48));
            p.range_open
                .captures(&text[open_window..ns])
                .and_then(|c| c.get(1))
                .map(|m| (m.as_str().to_lowercase(), open_window + m.start()))
        };
        let is_between = |o: &Option<(String, usize)>| {
            matches!(o.as_ref().map(|o| o.0.as_str()), Some("between" | "entre"))
        };
        let mut opener: Option<Option<(String, usize)>> = None;
        let Some(mut first) = read_amount(text, ns, ne, preset, lang, style, peso, true) else {
            continue;
        };
        if first.joined {
            // "entre 3 millones y 500 mil": the "y" joins a range, not a compound.
            let o = opener_of();
            if is_between(&o) {
                let Some(f) = read_amount(text, ns, ne, preset, lang, style, peso, false) else {
                    continue;
                };
                first = f;
            }
            opener = Some(o);
        }
        let mut start = first.start;
        let mut end = first.end;
        let mut value = first.value;
        let rest = ahead(text, end);
        // Percent.
        if could_be_percent(rest)
            && let Some(m) = p.percent.find(rest)
        {
            out.push(Figure {
                start,
                end: end + m.end(),
                value,
                high: None,
                bound: bound_before(text, start),
                per_unit: None,
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
            let local = bare_dollar && lang == Lang::Es && first.mult >= 1e12;
            currency = Some(if local {
                peso.map(str::to_string)
            } else {
                prefix_currency(sign, peso)
            });
            start = window + c.get(1).expect("sign").start();
        }
        if let Some(cur) = first.abbrev {
            currency = Some(currency.flatten().or(cur.map(str::to_string)));
        } else if let Some((cur, len)) = currency_word(text, end, peso) {
            if currency.as_ref().is_none_or(|x| x.is_none()) {
                currency = Some(cur);
            }
            end += len;
        }
        // A range: "entre X y Y", "X-Y", "de X a Y", "between $X and $Y".
        let mut high: Option<f64> = None;
        if could_join_range(ahead(text, end))
            && let Some(j) = p.range_join.captures(ahead(text, end))
        {
            let opener = opener.take().unwrap_or_else(opener_of);
            let between = is_between(&opener);
            let word = j
                .get(2)
                .map(|w| w.as_str().to_lowercase())
                .unwrap_or_else(|| "-".into());
            let from = matches!(
                opener.as_ref().map(|o| o.0.as_str()),
                Some("from" | "de" | "desde" | "del" | "do" | "da")
            );
            let ok = match word.as_str() {
                "-" | "‑" | "–" | "—" => true,
                "and" | "y" | "e" => between,
                "hasta" | "até" | "ate" => from,
                _ => !between,
            };
            // "pasó de 300 a 500", "rose from $2 billion to $3 billion": a change.
            let changes = from
                && opener.as_ref().is_some_and(|(_, at)| {
                    p.change
                        .is_match(&text[floor_char(text, at.saturating_sub(60))..*at])
                });
            let mut at = end + j.get(0).expect("m").end();
            let mut second_currency: Option<Option<String>> = None;
            if let Some(s) = p.sign.find(ahead(text, at)) {
                let sign = s.as_str().trim();
                second_currency = Some(prefix_currency(sign, peso));
                at += s.end();
            }
            let second = if ok {
                p.number_at
                    .find(ahead(text, at))
                    .and_then(|m| {
                        read_amount(text, at, at + m.end(), None, lang, style, peso, false)
                    })
                    .filter(|s| s.start == at)
            } else {
                None
            };
            if let Some(second) = second {
                let mut low = first.value;
                let mut shared = false;
                if !first.scaled && second.scaled {
                    let raw =
                        parse_number_in(&text[first.digits.0..first.digits.1], lang, true, style)
                            .unwrap_or(first.raw);
                    if raw <= second.raw {
                        low = raw * second.mult;
                        shared = true;
                    }
                }
                let mut send = second.end;
                let mut cur2 = second_currency
                    .clone()
                    .or_else(|| second.abbrev.map(|c| c.map(str::to_string)));
                if cur2.is_none()
                    && let Some((c, len)) = currency_word(text, send, peso)
                {
                    cur2 = Some(c);
                    send += len;
                }
                let consistent =
                    (first.scaled == second.scaled || shared || second_currency.is_some())
                        && low <= second.value;
                if consistent && changes {
                    // "pasó de 300 a 500 millones de dólares": the low end alone, with the
                    // high end's scale and currency; the high end is read on its own.
                    value = low;
                    if currency.is_none() {
                        currency = cur2;
                    }
                } else if consistent {
                    value = low;
                    high = Some(second.value);
                    if currency.as_ref().is_none_or(|c| c.is_none()) {
                        currency = cur2.or(currency);
                    }
                    end = send;
                }
            }
        }
        let bound = if high.is_none() {
            bound_before(text, start)
        } else {
            None
        };
        let rest = ahead(text, end);
        if let Some(cur) = currency {
            let before = &text[floor_char(text, start.saturating_sub(40))..start];
            let approx = p.approx.is_match(before);
            let qualifier = qualifier_of(text, start, end, &mut sentence_words);
            out.push(Figure {
                start,
                end,
                value,
                high,
                bound,
                per_unit: per_unit_after(text, end, lang),
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
        if let Some((unit, len)) = quantity_unit(p, rest) {
            out.push(Figure {
                start,
                end: end + len,
                value,
                high,
                bound,
                per_unit: None,
                kind: FigureKind::Quantity { unit },
            });
            consumed_to = end + len;
            continue;
        }
        // A scaled figure with no currency of its own takes the one of the money figure
        // before it in the sentence: "120 millones de dólares y otros 45,5 millones".
        if first.scaled
            && value >= 1e6
            && !p.counts.is_match(rest)
            && !p
                .counted_before
                .is_match(&text[floor_char(text, start.saturating_sub(40))..start])
            && let Some(prev) = out
                .iter()
                .rev()
                .find(|f| matches!(f.kind, FigureKind::Money { .. }))
            && let FigureKind::Money {
                currency: Some(c), ..
            } = &prev.kind
            && prev.per_unit.is_none()
            && start - prev.end <= 300
            && same_sentence(text, prev.end, start)
        {
            let currency = c.clone();
            let before = &text[floor_char(text, start.saturating_sub(40))..start];
            out.push(Figure {
                start,
                end,
                value,
                high,
                bound,
                per_unit: per_unit_after(text, end, lang),
                kind: FigureKind::Money {
                    currency: Some(currency),
                    approx: p.approx.is_match(before),
                    qualifier: qualifier_of(text, start, end, &mut sentence_words),
                },
            });
            consumed_to = end;
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

/// Whether `rest` may start with what joins the ends of a range (a dash, "to", "and", "a",
/// "al", "y", "e", "hasta", "até"): a cheap test before the pattern.
fn could_join_range(rest: &str) -> bool {
    let t = rest.trim_start_matches([' ', '\u{a0}']);
    t.starts_with(['-', '‑', '–', '—'])
        || (t.len() < rest.len()
            && t.starts_with(['t', 'a', 'y', 'e', 'h', 'T', 'A', 'Y', 'E', 'H']))
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

    /// Every figure of `text` as (span text, value, high, currency or unit, bound, per_unit).
    type Row = (
        String,
        f64,
        Option<f64>,
        String,
        Option<Bound>,
        Option<String>,
    );

    fn rows(text: &str, lang: Lang, host: Option<&str>) -> Vec<Row> {
        find_in(text, lang, None, host)
            .into_iter()
            .map(|f| {
                let what = match &f.kind {
                    FigureKind::Money { currency, .. } => currency.clone().unwrap_or_default(),
                    FigureKind::Quantity { unit } => unit.clone(),
                    FigureKind::Percent => "%".into(),
                };
                (
                    text[f.start..f.end].to_string(),
                    f.value,
                    f.high,
                    what,
                    f.bound,
                    f.per_unit,
                )
            })
            .collect()
    }

    /// The figures as (value, currency or unit), values rounded to cents.
    fn values(text: &str, lang: Lang, host: Option<&str>) -> Vec<(f64, String)> {
        rows(text, lang, host)
            .into_iter()
            .map(|r| ((r.1 * 100.0).round() / 100.0, r.3))
            .collect()
    }

    fn v(x: f64, c: &str) -> (f64, String) {
        (x, c.to_string())
    }

    #[test]
    fn a_comma_and_three_digits_before_a_scale_word() {
        // Portuguese: always a decimal comma.
        assert_eq!(
            values(
                "O consórcio receberá R$ 7,245 bilhões em dez anos.",
                Lang::Pt,
                None
            ),
            vec![v(7.245e9, "BRL")]
        );
        assert_eq!(
            values(
                "A linha custará US$ 3,125 milhões por quilômetro.",
                Lang::Pt,
                None
            ),
            vec![v(3.125e6, "USD")]
        );
        // Spanish with nothing else to go by: a decimal comma.
        assert_eq!(
            values("El puerto costará 2,750 millones de euros.", Lang::Es, None),
            vec![v(2.75e6, "EUR")]
        );
        // Spanish whose other numbers write decimal commas.
        assert_eq!(
            values(
                "La obra costará 4,375 millones de dólares y el acceso 12,5 millones de dólares.",
                Lang::Es,
                Some("ARG")
            ),
            vec![v(4.375e6, "USD"), v(12.5e6, "USD")]
        );
        // Spanish whose other numbers write decimal points: comma-grouped thousands.
        assert_eq!(
            values(
                "El crédito de 3,600 millones de dólares se suma a otro de 1.5 millones de dólares.",
                Lang::Es,
                None
            ),
            vec![v(3.6e9, "USD"), v(1.5e6, "USD")]
        );
        // Spanish from Mexico with nothing else to go by: comma-grouped thousands.
        assert_eq!(
            values(
                "Pemex recibirá 1,850 millones de dólares del banco chino.",
                Lang::Es,
                Some("MEX")
            ),
            vec![v(1.85e9, "USD")]
        );
        // English groups thousands with the comma; no scale word, no decimal comma.
        assert_eq!(
            values("a $2,350 million facility", Lang::En, None),
            vec![v(2.35e9, "USD")]
        );
        assert_eq!(
            values("pagó S/ 1,500 por cada lote", Lang::Es, None),
            vec![v(1500.0, "PEN")]
        );
    }

    #[test]
    fn number_style_from_the_article_or_its_host() {
        let style = |t: &str, host| {
            let d: Vec<(usize, usize)> = patterns()
                .number
                .find_iter(t)
                .map(|m| (m.start(), m.end()))
                .collect();
            number_style(t, &d, host)
        };
        assert_eq!(style("de 45,5 millones", None), NumberStyle::CommaDecimal);
        assert_eq!(style("de 1.234.567 pesos", None), NumberStyle::CommaDecimal);
        assert_eq!(style("de 245.3 millones", None), NumberStyle::DotDecimal);
        assert_eq!(style("de 1,234,567 pesos", None), NumberStyle::DotDecimal);
        assert_eq!(
            style("de 2,350 millones", Some("MEX")),
            NumberStyle::DotDecimal
        );
        assert_eq!(
            style("de 2,350 millones", Some("CHL")),
            NumberStyle::Unknown
        );
        assert_eq!(
            style("de 45,5 y 2,350", Some("MEX")),
            NumberStyle::CommaDecimal
        );
    }

    #[test]
    fn compound_numerals() {
        assert_eq!(
            rows(
                "La obra vial costó 45 millones 120 mil 800 soles.",
                Lang::Es,
                None
            )[0],
            (
                "45 millones 120 mil 800 soles".into(),
                45_120_800.0,
                None,
                "PEN".into(),
                None,
                None
            )
        );
        assert_eq!(
            values(
                "O aporte foi de R$ 3 bilhões e 200 milhões.",
                Lang::Pt,
                None
            ),
            vec![v(3.2e9, "BRL")]
        );
        assert_eq!(
            values(
                "prometeu dois bilhões e 400 milhões de reais",
                Lang::Pt,
                None
            ),
            vec![v(2.4e9, "BRL")]
        );
        assert_eq!(
            values("a package of $4 billion 300 million", Lang::En, None),
            vec![v(4.3e9, "USD")]
        );
        assert_eq!(
            values("un préstamo por mil 480 mdd", Lang::Es, None),
            vec![v(1.48e9, "USD")]
        );
        // A smaller part that counts something else is not part of the amount.
        assert_eq!(
            values(
                "invirtió US$ 500 millones y 300 mil toneladas de cobre salieron del puerto",
                Lang::Es,
                None
            ),
            vec![v(500e6, "USD"), v(300e3, "tonnes")]
        );
        // Two amounts of the same scale are two amounts.
        assert_eq!(
            values("R$ 2 bilhões e R$ 3 bilhões", Lang::Pt, None),
            vec![v(2e9, "BRL"), v(3e9, "BRL")]
        );
    }

    #[test]
    fn amounts_in_words() {
        assert_eq!(
            values(
                "una donación de doscientos millones de yuanes",
                Lang::Es,
                None
            ),
            vec![v(2e8, "CNY")]
        );
        assert_eq!(
            values("recibió un millón y medio de dólares", Lang::Es, None),
            vec![v(1.5e6, "USD")]
        );
        assert_eq!(
            values("gastou meio bilhão de dólares", Lang::Pt, None),
            vec![v(5e8, "USD")]
        );
        assert_eq!(
            values("investiu três bilhões de reais", Lang::Pt, None),
            vec![v(3e9, "BRL")]
        );
        assert_eq!(
            values("nearly half a billion dollars", Lang::En, None),
            vec![v(5e8, "USD")]
        );
        assert_eq!(
            values("two billion dollars in credit", Lang::En, None),
            vec![v(2e9, "USD")]
        );
        assert_eq!(
            values("hundreds of millions of dollars", Lang::En, None),
            vec![]
        );
    }

    #[test]
    fn currency_carried_to_the_next_figure() {
        assert_eq!(
            values(
                "El BID prestó 300 millones de dólares y el gobierno sumará otros 80 millones.",
                Lang::Es,
                None
            ),
            vec![v(300e6, "USD"), v(80e6, "USD")]
        );
        assert_eq!(
            values(
                "O BNDES financiou R$ 2 bilhões e o estado outros 500 milhões.",
                Lang::Pt,
                None
            ),
            vec![v(2e9, "BRL"), v(500e6, "BRL")]
        );
        assert_eq!(
            values(
                "China lent $900 million in 2015 and a further 250 million in 2017.",
                Lang::En,
                None
            ),
            vec![v(900e6, "USD"), v(250e6, "USD")]
        );
        // Not across sentences, not to what counts people or goods.
        assert_eq!(
            values(
                "China lent $900 million. Another 250 million came later.",
                Lang::En,
                None
            ),
            vec![v(900e6, "USD")]
        );
        assert_eq!(
            values(
                "The $50 million plan covers a city of 5 million, or 3 millones de personas.",
                Lang::En,
                None
            ),
            vec![v(50e6, "USD"), v(3e6, "people")]
        );
    }

    #[test]
    fn ranges_are_one_figure() {
        assert_eq!(
            rows(
                "costaría entre 1.500 y 1.800 millones de dólares",
                Lang::Es,
                None
            ),
            vec![(
                "1.500 y 1.800 millones de dólares".into(),
                1.5e9,
                Some(1.8e9),
                "USD".into(),
                None,
                None
            )]
        );
        let r = rows("pediría de 3 a 5 mil millones de yuanes", Lang::Es, None);
        assert_eq!((r.len(), r[0].1, r[0].2), (1, 3e9, Some(5e9)));
        let r = rows("entre 200 y 300 megavatios", Lang::Es, None);
        assert_eq!(
            (r[0].1, r[0].2, r[0].3.as_str()),
            (200.0, Some(300.0), "MW")
        );
        let r = rows("custaria entre R$ 2 e R$ 3 bilhões", Lang::Pt, None);
        assert_eq!(
            (r[0].0.as_str(), r[0].1, r[0].2),
            ("R$ 2 e R$ 3 bilhões", 2e9, Some(3e9))
        );
        let r = rows("de 10 a 12 mil toneladas por ano", Lang::Pt, None);
        assert_eq!(
            (r[0].1, r[0].2, r[0].3.as_str()),
            (10e3, Some(12e3), "tonnes")
        );
        let r = rows("between $1 and $2 billion", Lang::En, None);
        assert_eq!(
            (r[0].0.as_str(), r[0].1, r[0].2),
            ("$1 and $2 billion", 1e9, Some(2e9))
        );
        let r = rows("a $300-350 million upgrade", Lang::En, None);
        assert_eq!((r[0].1, r[0].2), (300e6, Some(350e6)));
        let r = rows("from 400 to 600 MW of capacity", Lang::En, None);
        assert_eq!(
            (r[0].1, r[0].2, r[0].3.as_str()),
            (400.0, Some(600.0), "MW")
        );
        let r = rows("between $500,000 and $2 million", Lang::En, None);
        assert_eq!((r[0].1, r[0].2), (500e3, Some(2e6)));
        // A change is two figures; the first takes the second's scale and currency.
        assert_eq!(
            values(
                "el costo subió de 300 a 500 millones de dólares",
                Lang::Es,
                None
            ),
            vec![v(300e6, "USD"), v(500e6, "USD")]
        );
        assert_eq!(
            values(
                "the bill rose from $2 billion to $3 billion",
                Lang::En,
                None
            ),
            vec![v(2e9, "USD"), v(3e9, "USD")]
        );
        // "y" without "entre" is a list; a loan term is not a range.
        assert_eq!(
            values("US$ 40 millones y 60 millones", Lang::Es, None),
            vec![v(40e6, "USD"), v(60e6, "USD")]
        );
        assert_eq!(
            rows("un crédito de US$ 300 millones a 20 años", Lang::Es, None)[0].2,
            None
        );
    }

    #[test]
    fn bounds() {
        let b = |t: &str, l| {
            rows(t, l, None)
                .into_iter()
                .map(|r| r.4)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            b(
                "más de 2.000 trabajadores y hasta 600 millones de dólares",
                Lang::Es
            ),
            vec![Some(Bound::AtLeast), Some(Bound::AtMost)]
        );
        assert_eq!(
            b(
                "menos de US$ 10 millones; superó los 800 millones de dólares",
                Lang::Es
            ),
            vec![Some(Bound::AtMost), Some(Bound::AtLeast)]
        );
        assert_eq!(
            b(
                "até R$ 5 bilhões, pelo menos US$ 1 bilhão e mais de 3 mil operários",
                Lang::Pt
            ),
            vec![
                Some(Bound::AtMost),
                Some(Bound::AtLeast),
                Some(Bound::AtLeast)
            ]
        );
        assert_eq!(
            b(
                "more than $3 billion, at least 1,200 workers, up to 500 MW, under $5 million",
                Lang::En
            ),
            vec![
                Some(Bound::AtLeast),
                Some(Bound::AtLeast),
                Some(Bound::AtMost),
                Some(Bound::AtMost)
            ]
        );
        assert_eq!(b("a $5 billion loan", Lang::En), vec![None]);
        assert_eq!(
            b(
                "as much as $2 billion, no menos de US$ 5 millones",
                Lang::En
            ),
            vec![Some(Bound::AtMost), Some(Bound::AtLeast)]
        );
        assert_eq!(b("under a $5 billion deal", Lang::En), vec![None]);
        // A comparison with a stated amount does not bound that amount.
        assert_eq!(
            b("less than the $500 million it paid", Lang::En),
            vec![None]
        );
    }

    #[test]
    fn unit_prices() {
        let u = |t: &str, l| {
            rows(t, l, None)
                .into_iter()
                .map(|r| (r.0, r.5))
                .collect::<Vec<_>>()
        };
        let some = |t: &str, u: &str| (t.to_string(), Some(u.to_string()));
        assert_eq!(
            u("el cobre a US$ 9.000 la tonelada", Lang::Es),
            vec![some("US$ 9.000", "tonne")]
        );
        assert_eq!(
            u("a 70 dólares por barril y US$ 50 millones al año", Lang::Es),
            vec![
                some("70 dólares", "barrel"),
                some("US$ 50 millones", "year")
            ]
        );
        assert_eq!(
            u(
                "a energia a R$ 300 por MWh e o petróleo a US$ 80 o barril",
                Lang::Pt
            ),
            vec![some("R$ 300", "MWh"), some("US$ 80", "barrel")]
        );
        assert_eq!(
            u("gas at $3.50/MMBtu and steel at $1,100 per tonne", Lang::En),
            vec![some("$3.50", "MMBtu"), some("$1,100", "tonne")]
        );
        assert_eq!(
            u(
                "tolls of US$6 per vehicle and R$ 40 por passageiro",
                Lang::En
            ),
            vec![some("US$6", "vehicle"), some("R$ 40", "passenger")]
        );
        assert_eq!(
            u("pagó US$ 5 millones a trabajadores", Lang::Es),
            vec![("US$ 5 millones".to_string(), None)]
        );
        assert_eq!(
            u("$5 million a year", Lang::En),
            vec![some("$5 million", "year")]
        );
        assert_eq!(
            u(
                "$5 million a year ago; US$ 50 millones la semana pasada",
                Lang::En
            ),
            vec![
                ("$5 million".to_string(), None),
                ("US$ 50 millones".to_string(), None)
            ]
        );
    }
}
