//! How a `ClaimValue` is laid out in the typed columns of `claims`, and back.

use ruta_core::model::ClaimValue;
use ruta_core::{Money, Status};

/// The value columns of `claims`, in this order, for SELECT lists.
pub const COLUMNS: &str = "c.kind, c.amount, c.currency, c.money_year, c.usd_nominal, c.usd_2021, c.conversion, c.number, c.unit, c.text";

/// A claim value spread over the typed columns.
#[derive(Default)]
pub struct ClaimColumns {
    pub kind: &'static str,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub money_year: Option<i32>,
    pub usd_nominal: Option<f64>,
    pub usd_2021: Option<f64>,
    pub conversion: Option<String>,
    pub number: Option<f64>,
    pub unit: Option<String>,
    pub text: Option<String>,
}

impl ClaimColumns {
    pub fn of(v: &ClaimValue) -> ClaimColumns {
        match v {
            ClaimValue::Money(m) => ClaimColumns {
                kind: "money",
                amount: Some(m.amount),
                currency: Some(m.currency.clone()),
                money_year: m.year,
                usd_nominal: m.usd_nominal,
                usd_2021: m.usd_2021,
                conversion: m.conversion.clone(),
                ..ClaimColumns::default()
            },
            ClaimValue::Number { value } => ClaimColumns {
                kind: "number",
                number: Some(*value),
                ..ClaimColumns::default()
            },
            ClaimValue::Percent { value } => ClaimColumns {
                kind: "percent",
                number: Some(*value),
                ..ClaimColumns::default()
            },
            ClaimValue::Quantity { value, unit } => ClaimColumns {
                kind: "quantity",
                number: Some(*value),
                unit: Some(unit.clone()),
                ..ClaimColumns::default()
            },
            ClaimValue::Date { value } => ClaimColumns {
                kind: "date",
                text: Some(value.clone()),
                ..ClaimColumns::default()
            },
            ClaimValue::Text { value } => ClaimColumns {
                kind: "text",
                text: Some(value.clone()),
                ..ClaimColumns::default()
            },
            ClaimValue::Status { value } => ClaimColumns {
                kind: "status",
                text: Some(value.as_str().to_string()),
                ..ClaimColumns::default()
            },
        }
    }
}

fn bad(at: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        at,
        rusqlite::types::Type::Text,
        format!("claim column holds {what}").into(),
    )
}

/// Reads a claim value from the [`COLUMNS`] starting at column `at`.
pub fn value_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<ClaimValue> {
    let kind: String = r.get(at)?;
    let number = || -> rusqlite::Result<f64> {
        r.get::<_, Option<f64>>(at + 7)?
            .ok_or_else(|| bad(at + 7, "no number"))
    };
    let text = || -> rusqlite::Result<String> {
        r.get::<_, Option<String>>(at + 9)?
            .ok_or_else(|| bad(at + 9, "no text"))
    };
    Ok(match kind.as_str() {
        "money" => ClaimValue::Money(Money {
            amount: r
                .get::<_, Option<f64>>(at + 1)?
                .ok_or_else(|| bad(at + 1, "no amount"))?,
            currency: r.get::<_, Option<String>>(at + 2)?.unwrap_or_default(),
            year: r.get(at + 3)?,
            usd_nominal: r.get(at + 4)?,
            usd_2021: r.get(at + 5)?,
            conversion: r.get(at + 6)?,
        }),
        "number" => ClaimValue::Number { value: number()? },
        "percent" => ClaimValue::Percent { value: number()? },
        "quantity" => ClaimValue::Quantity {
            value: number()?,
            unit: r.get::<_, Option<String>>(at + 8)?.unwrap_or_default(),
        },
        "date" => ClaimValue::Date { value: text()? },
        "text" => ClaimValue::Text { value: text()? },
        "status" => ClaimValue::Status {
            value: text()?
                .parse::<Status>()
                .map_err(|_| bad(at + 9, "an unknown status"))?,
        },
        other => return Err(bad(at, &format!("unknown kind {other}"))),
    })
}
