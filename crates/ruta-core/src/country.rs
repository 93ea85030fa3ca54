//! Countries: the ISO 3166-1 table and the 33 Latin American and Caribbean states.

use std::collections::HashMap;
use std::sync::OnceLock;

/// One ISO 3166-1 country.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Country {
    pub iso3: String,
    pub iso2: String,
    pub numeric: String,
    pub name: String,
}

/// One of the 33 LAC states, with names in the region's languages.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LacCountry {
    pub iso3: String,
    pub iso2: String,
    pub name_en: String,
    pub name_es: String,
    pub name_pt: String,
    pub name_zh: String,
    pub capital: String,
    /// Approximate centroid, used for country-level (precision 8) locations.
    pub lat: f64,
    pub lon: f64,
    pub subregion: String,
    /// Local currency (ISO 4217).
    pub currency: String,
}

struct Tables {
    all: Vec<Country>,
    by_iso3: HashMap<String, usize>,
    by_iso2: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    lac: Vec<LacCountry>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut all = Vec::new();
        let mut rdr = csv::Reader::from_reader(include_str!("../data/iso3166.csv").as_bytes());
        for row in rdr.records() {
            let row = row.expect("embedded iso3166.csv is valid");
            all.push(Country {
                iso3: row[0].to_string(),
                iso2: row[1].to_string(),
                numeric: row[2].to_string(),
                name: row[3].to_string(),
            });
        }
        let mut rdr =
            csv::Reader::from_reader(include_str!("../data/lac_countries.csv").as_bytes());
        let lac: Vec<LacCountry> = rdr
            .deserialize()
            .map(|r| r.expect("embedded lac_countries.csv is valid"))
            .collect();
        let mut by_iso3 = HashMap::new();
        let mut by_iso2 = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, c) in all.iter().enumerate() {
            by_iso3.insert(c.iso3.clone(), i);
            by_iso2.insert(c.iso2.clone(), i);
            by_name.insert(crate::text::fold(&c.name), i);
        }
        for l in &lac {
            let i = by_iso3[&l.iso3];
            for n in [&l.name_en, &l.name_es, &l.name_pt] {
                by_name.insert(crate::text::fold(n), i);
            }
        }
        // Spellings that datasets use for countries whose ISO short name differs.
        for (alias, iso3) in [
            ("bahamas, the", "BHS"),
            ("the bahamas", "BHS"),
            ("bolivia (plurinational state of)", "BOL"),
            ("venezuela, rb", "VEN"),
            ("venezuela (bolivarian republic of)", "VEN"),
            ("st. kitts and nevis", "KNA"),
            ("st. lucia", "LCA"),
            ("st. vincent and the grenadines", "VCT"),
            ("china (people's republic of)", "CHN"),
            ("people's republic of china", "CHN"),
            ("hong kong", "HKG"),
            ("united states of america", "USA"),
            ("usa", "USA"),
            ("uk", "GBR"),
            ("britain", "GBR"),
            ("russia", "RUS"),
            ("south korea", "KOR"),
            ("korea, rep.", "KOR"),
            ("iran", "IRN"),
            ("laos", "LAO"),
            ("vietnam", "VNM"),
            ("syria", "SYR"),
            ("tanzania", "TZA"),
            ("congo, dem. rep.", "COD"),
            ("democratic republic of the congo", "COD"),
            ("drc", "COD"),
            ("republic of the congo", "COG"),
            ("congo", "COG"),
            ("cote d'ivoire", "CIV"),
            ("ivory coast", "CIV"),
            ("czech republic", "CZE"),
            ("turkey", "TUR"),
            ("kyrgyzstan", "KGZ"),
            ("macedonia", "MKD"),
            ("moldova", "MDA"),
            ("brunei", "BRN"),
            ("cape verde", "CPV"),
            ("swaziland", "SWZ"),
            ("east timor", "TLS"),
            ("micronesia", "FSM"),
            ("burma", "MMR"),
            ("uae", "ARE"),
            ("trinidad-tobago", "TTO"),
            ("trinidad & tobago", "TTO"),
            ("antigua", "ATG"),
            ("st. vincent", "VCT"),
            ("dominican rep.", "DOM"),
            ("russian federation", "RUS"),
            ("united states", "USA"),
            ("bosnia", "BIH"),
            ("bosnia-herzegovina", "BIH"),
            ("czechia", "CZE"),
            ("north korea", "PRK"),
            ("korea", "KOR"),
            ("sao tome", "STP"),
            ("timor-leste", "TLS"),
            ("kosovo", "XKX"),
            ("palestine", "PSE"),
            ("the gambia", "GMB"),
            ("gambia, the", "GMB"),
            ("egypt, arab rep.", "EGY"),
            ("iran, islamic rep.", "IRN"),
            ("yemen, rep.", "YEM"),
            ("lao pdr", "LAO"),
            ("kyrgyz republic", "KGZ"),
            ("slovak republic", "SVK"),
            ("venezuela", "VEN"),
            // UN Comtrade's short forms (reporterDesc/partnerDesc), and Portuguese names
            // of non-LAC partners in Comtrade extracts made in Portuguese.
            ("dominican rep.", "DOM"),
            ("rep. of korea", "KOR"),
            ("republic of korea", "KOR"),
            ("china, hong kong sar", "HKG"),
            ("china, macao sar", "MAC"),
            ("other asia, nes", "TWN"),
            ("viet nam", "VNM"),
            ("iran (islamic rep. of)", "IRN"),
            ("rep. of moldova", "MDA"),
            ("united rep. of tanzania", "TZA"),
            ("dem. rep. of the congo", "COD"),
            ("lao people's dem. rep.", "LAO"),
            ("bosnia herzegovina", "BIH"),
            ("guine equatorial", "GNQ"),
            ("mocambique", "MOZ"),
            ("sao tome e principe", "STP"),
            ("guine-bissau", "GNB"),
            ("estados unidos", "USA"),
            ("china, rep. popular", "CHN"),
        ] {
            if let Some(&i) = by_iso3.get(iso3) {
                by_name.insert(crate::text::fold(alias), i);
            }
        }
        Tables {
            all,
            by_iso3,
            by_iso2,
            by_name,
            lac,
        }
    })
}

/// Every ISO 3166-1 country.
pub fn all() -> &'static [Country] {
    &tables().all
}

/// Looks up an ISO 3166-1 alpha-3 code (case-insensitive).
pub fn by_iso3(code: &str) -> Option<&'static Country> {
    let t = tables();
    t.by_iso3
        .get(&code.trim().to_ascii_uppercase())
        .map(|&i| &t.all[i])
}

/// Looks up an ISO 3166-1 alpha-2 code (case-insensitive).
pub fn by_iso2(code: &str) -> Option<&'static Country> {
    let t = tables();
    t.by_iso2
        .get(&code.trim().to_ascii_uppercase())
        .map(|&i| &t.all[i])
}

/// Looks up a country by an English, Spanish or Portuguese name or a common
/// dataset spelling ("Bahamas, The", "Venezuela, RB"), accents and case ignored.
pub fn by_name(name: &str) -> Option<&'static Country> {
    let t = tables();
    let get = |n: &str| t.by_name.get(&crate::text::fold(n)).map(|&i| &t.all[i]);
    // "Antigua & Barbuda" as spreadsheets abbreviate it.
    get(name).or_else(|| {
        name.contains('&')
            .then(|| get(&name.replace('&', "and")))
            .flatten()
    })
}

/// Resolves a code (alpha-3, alpha-2) or a name.
pub fn resolve(s: &str) -> Option<&'static Country> {
    let s = s.trim();
    match s.len() {
        3 => by_iso3(s).or_else(|| by_name(s)),
        2 => by_iso2(s).or_else(|| by_name(s)),
        _ => by_name(s),
    }
}

/// The 33 Latin American and Caribbean states.
pub fn lac() -> &'static [LacCountry] {
    &tables().lac
}

/// The LAC record for an alpha-3 code.
pub fn lac_by_iso3(code: &str) -> Option<&'static LacCountry> {
    let code = code.trim().to_ascii_uppercase();
    tables().lac.iter().find(|c| c.iso3 == code)
}

/// Whether an alpha-3 code is one of the 33 LAC states.
pub fn is_lac(code: &str) -> bool {
    lac_by_iso3(code).is_some()
}

/// Validates a user-supplied alpha-3 code and returns it upper-cased; the error
/// lists what is accepted.
pub fn parse_iso3(s: &str) -> Result<String, crate::vocab::UnknownValue> {
    match by_iso3(s) {
        Some(c) if s.trim().len() == 3 => Ok(c.iso3.clone()),
        _ => Err(crate::vocab::UnknownValue {
            kind: "country code",
            value: s.to_string(),
            accepted: accepted_country_codes(),
        }),
    }
}

/// For error messages: the LAC codes, then a note that any ISO 3166-1 alpha-3 code works.
fn accepted_country_codes() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = lac().iter().map(|c| c.iso3.as_str()).collect();
    v.sort_unstable();
    v.push("or any other ISO 3166-1 alpha-3 code");
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lac_has_33_states_all_in_iso_table() {
        assert_eq!(lac().len(), 33);
        for c in lac() {
            let iso = by_iso3(&c.iso3).expect("LAC code is ISO");
            assert_eq!(iso.iso2, c.iso2, "{}", c.iso3);
            assert!((-60.0..=33.0).contains(&c.lat) && (-120.0..=-30.0).contains(&c.lon));
        }
        assert!(all().len() >= 249);
    }

    #[test]
    fn resolves_names_in_three_languages() {
        assert_eq!(by_name("Brasil").unwrap().iso3, "BRA");
        assert_eq!(by_name("PERÚ").unwrap().iso3, "PER");
        assert_eq!(by_name("Colômbia").unwrap().iso3, "COL");
        assert_eq!(by_name("Bahamas, The").unwrap().iso3, "BHS");
        // UN Comtrade's short forms and Portuguese extracts.
        assert_eq!(
            by_name("Bolivia (Plurinational State of)").unwrap().iso3,
            "BOL"
        );
        assert_eq!(by_name("Dominican Rep.").unwrap().iso3, "DOM");
        assert_eq!(by_name("China, Hong Kong SAR").unwrap().iso3, "HKG");
        assert_eq!(by_name("Guiné Equatorial").unwrap().iso3, "GNQ");
        assert_eq!(by_name("São Tomé e Príncipe").unwrap().iso3, "STP");
        assert_eq!(resolve("ec").unwrap().iso3, "ECU");
        assert!(parse_iso3("XYZ").unwrap_err().to_string().contains("ARG"));
        assert_eq!(parse_iso3("per").unwrap(), "PER");
    }
}
