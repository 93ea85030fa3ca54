//! Money: an amount in its original currency, never overwritten, plus derived
//! US-dollar figures stamped with the table that produced them.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Name and version of ruta's own conversion tables, stamped on every derived figure.
///
/// ruta has **one** method for every US-dollar figure it derives and every total it
/// adds: nominal US dollars come from the original currency at the annual average rate
/// of the amount's year (`data/fx_annual.csv`, table `ruta-fx`); constant 2021 US
/// dollars come from nominal ones with the US GDP implicit price deflator
/// (`data/us_gdp_deflator.csv`). A dataset's own constant-dollar figures (AidData's) are
/// kept as claims of their own and shown, never added to ruta's.
pub const RUTA_CONVERSION: &str = "ruta-fx 2026.11 + us-gdp-deflator 2026.11 (2021=base)";

/// The name of AidData GCDF 3.0's implied constant-dollar factors (see
/// `data/aiddata_gcdf3_factors.csv`).
pub const AIDDATA_FACTORS: &str = "aiddata-gcdf3-factors 2026.11";

/// An amount of money as a source states it, with derived USD figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Money {
    /// In units of `currency` (not thousands, not millions).
    pub amount: f64,
    /// ISO 4217 code.
    pub currency: String,
    /// The year the amount refers to (commitment year, deal year, article year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Nominal US dollars of `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_nominal: Option<f64>,
    /// Constant 2021 US dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_2021: Option<f64>,
    /// Which table (or which dataset) produced the USD figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<String>,
}

impl Money {
    /// Money in `currency` with USD figures derived from ruta's tables when possible.
    pub fn derive(amount: f64, currency: &str, year: Option<i32>) -> Money {
        let currency = currency.trim().to_ascii_uppercase();
        let mut m = Money {
            amount,
            currency,
            year,
            usd_nominal: None,
            usd_2021: None,
            conversion: None,
        };
        if let Some(y) = year
            && let Some((nominal, real)) = convert(amount, &m.currency, y)
        {
            m.usd_nominal = Some(nominal);
            m.usd_2021 = Some(real);
            m.conversion = Some(RUTA_CONVERSION.to_string());
        }
        m
    }
}

impl Money {
    /// Money a dataset publishes only in constant US dollars of `base` (AidData's
    /// GeoGCDF table and ADM files: constant 2021; GCDF 2.0: constant 2017; GCOF 1.0:
    /// constant 2014; CLG 1.0, 2025: constant 2023), for a commitment of `year`.
    ///
    /// The nominal US dollars of `year` are recovered with AidData's own factors
    /// ([`aiddata_factor`]: nominal = published × factor(base) / factor(year), the
    /// rebasing assuming one deflator series across AidData's releases), and the
    /// constant 2021 figure is then derived from nominal with ruta's deflator like every
    /// other figure. `amount` is the recovered nominal value in USD; the published value
    /// belongs in a claim of its own (field `amount_published_constant`). Returns None
    /// when the year or base is outside the factor table (2000–2023; 2022–2023 extend
    /// AidData's factors with the US GDP deflator, see `data/aiddata_gcdf3_factors.csv`).
    pub fn from_published_constant(published: f64, base: i32, year: i32) -> Option<Money> {
        let nominal = published * aiddata_factor(base)? / aiddata_factor(year)?;
        let real = nominal * to_2021_factor(year)?;
        Some(Money {
            amount: nominal,
            currency: "USD".into(),
            year: Some(year),
            usd_nominal: Some(nominal),
            usd_2021: Some(real),
            conversion: Some(format!(
                "nominal USD recovered from constant {base} USD with {AIDDATA_FACTORS}; {RUTA_CONVERSION}"
            )),
        })
    }

    /// The published constant-dollar figure itself, as a claim value: `published` US
    /// dollars of `base` (no derived figures: ruta's totals never use it).
    pub fn published_constant(published: f64, base: i32) -> Money {
        Money {
            amount: published,
            currency: "USD".into(),
            year: Some(base),
            usd_nominal: None,
            usd_2021: None,
            conversion: None,
        }
    }
}

/// AidData GCDF 3.0's constant-2021 factor for commitments of `year` (constant 2021
/// USD per nominal USD), as implied by AidData's published figures (2000–2021), extended
/// to 2022–2023 with the US GDP deflator; None outside 2000–2023.
pub fn aiddata_factor(year: i32) -> Option<f64> {
    tables().aiddata.get(&year).copied()
}

struct Tables {
    fx: HashMap<(String, i32), f64>,
    deflator: HashMap<i32, f64>,
    aiddata: HashMap<i32, f64>,
    currencies: HashMap<String, String>,
}

fn data_lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut fx = HashMap::new();
        let mut lines = data_lines(include_str!("../data/fx_annual.csv"));
        let header: Vec<i32> = lines
            .next()
            .expect("fx header")
            .split(',')
            .skip(1)
            .map(|y| y.parse().expect("fx header year"))
            .collect();
        for line in lines {
            let mut cells = line.split(',');
            let code = cells.next().expect("fx currency").to_string();
            for (year, cell) in header.iter().zip(cells) {
                let rate: f64 = cell.parse().expect("fx rate");
                fx.insert((code.clone(), *year), rate);
            }
        }
        let mut deflator = HashMap::new();
        for line in data_lines(include_str!("../data/us_gdp_deflator.csv")).skip(1) {
            let (y, v) = line.split_once(',').expect("deflator row");
            deflator.insert(y.parse().expect("year"), v.parse().expect("index"));
        }
        let mut aiddata = HashMap::new();
        for line in data_lines(include_str!("../data/aiddata_gcdf3_factors.csv")).skip(1) {
            let (y, v) = line.split_once(',').expect("factor row");
            aiddata.insert(y.parse().expect("year"), v.parse().expect("factor"));
        }
        let mut currencies = HashMap::new();
        for line in data_lines(include_str!("../data/iso4217.csv")).skip(1) {
            let (code, name) = line.split_once(',').expect("currency row");
            currencies.insert(code.to_string(), name.to_string());
        }
        Tables {
            fx,
            deflator,
            aiddata,
            currencies,
        }
    })
}

/// Whether `code` is an ISO 4217 currency code (current, or a historical one ruta knows).
pub fn is_currency(code: &str) -> bool {
    tables().currencies.contains_key(code)
}

/// The name of an ISO 4217 currency.
pub fn currency_name(code: &str) -> Option<&'static str> {
    tables().currencies.get(code).map(|s| s.as_str())
}

/// Units of `currency` per US dollar in `year`, if the table has it.
pub fn units_per_usd(currency: &str, year: i32) -> Option<f64> {
    tables().fx.get(&(currency.to_string(), year)).copied()
}

/// Factor turning nominal USD of `year` into constant 2021 USD.
pub fn to_2021_factor(year: i32) -> Option<f64> {
    let d = &tables().deflator;
    Some(d.get(&2021)? / d.get(&year)?)
}

/// Converts `amount` of `currency` in `year` to (nominal USD, constant 2021 USD).
pub fn convert(amount: f64, currency: &str, year: i32) -> Option<(f64, f64)> {
    let nominal = amount / units_per_usd(currency, year)?;
    Some((nominal, nominal * to_2021_factor(year)?))
}

/// Years covered by the exchange-rate table.
pub fn fx_years() -> (i32, i32) {
    let years = tables().fx.keys().map(|(_, y)| *y);
    let (min, max) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_with_both_tables() {
        let (nominal, real) = convert(6_640_000.0, "CNY", 2016).unwrap();
        assert!((nominal - 1_000_000.0).abs() < 1.0);
        assert!(
            real > nominal,
            "2016 dollars are worth more in 2021 dollars"
        );
        assert_eq!(to_2021_factor(2021), Some(1.0));
        assert!(
            convert(1.0, "VES", 2020).is_none(),
            "no rate for the bolívar"
        );
        assert!(convert(1.0, "USD", 1950).is_none());
    }

    #[test]
    fn derive_stamps_the_table() {
        let m = Money::derive(3.6e9, "usd", Some(2024));
        assert_eq!(m.currency, "USD");
        assert_eq!(m.usd_nominal, Some(3.6e9));
        assert!(m.usd_2021.unwrap() < 3.6e9);
        assert_eq!(m.conversion.as_deref(), Some(RUTA_CONVERSION));
        let none = Money::derive(5.0, "BRL", None);
        assert!(none.usd_nominal.is_none() && none.conversion.is_none());
    }

    #[test]
    fn published_constants_go_back_to_nominal_then_through_rutas_deflator() {
        // AidData record 39720 (Baha Mar, 2010): US$2.45 bn nominal, published as
        // 3,412,180,992.70 constant 2021 USD.
        let m = Money::from_published_constant(3_412_180_992.700_78, 2021, 2010).unwrap();
        assert!((m.amount - 2.45e9).abs() < 1e5, "{}", m.amount);
        let ruta = Money::derive(2.45e9, "USD", Some(2010));
        assert!((m.usd_2021.unwrap() / ruta.usd_2021.unwrap() - 1.0).abs() < 1e-5);
        // GCDF 2.0's constant 2017 dollars (record 55426: US$5.988 bn, 2014).
        let m = Money::from_published_constant(5_770_942_168.952_9, 2017, 2014).unwrap();
        assert!((m.amount / 5.988e9 - 1.0).abs() < 0.005, "{}", m.amount);
        assert!(Money::from_published_constant(1.0, 2021, 1999).is_none());
        // CLG 1.0's constant 2023 dollars: exact for a 2023 commitment, and rebased through
        // the extended factors for earlier ones.
        let m = Money::from_published_constant(1e9, 2023, 2023).unwrap();
        assert!((m.amount - 1e9).abs() < 1.0, "{}", m.amount);
        let m = Money::from_published_constant(1e9, 2023, 2021).unwrap();
        assert!((m.amount - 0.89629e9).abs() < 1e3, "{}", m.amount);
        assert!(Money::from_published_constant(1.0, 2023, 2024).is_none());
    }

    #[test]
    fn currency_table_knows_lac_currencies() {
        for c in crate::country::lac() {
            assert!(is_currency(&c.currency), "{}", c.currency);
            if c.iso3 != "VEN" {
                assert!(units_per_usd(&c.currency, 2015).is_some(), "{}", c.currency);
            }
        }
        assert!(is_currency("VEF"));
        assert_eq!(fx_years(), (2000, 2025));
    }
}
