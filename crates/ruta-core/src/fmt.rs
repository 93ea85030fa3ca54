//! Number formatting for people.

/// 3600000000.0 → "3,600,000,000"; keeps up to two decimals when present.
pub fn thousands(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let neg = v < 0.0;
    let v = v.abs();
    let cents = (v * 100.0).round() as u128;
    let (int, frac) = (cents / 100, cents % 100);
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if frac != 0 {
        out.push_str(&format!(".{frac:02}"));
        while out.ends_with('0') {
            out.pop();
        }
    }
    if neg { format!("-{out}") } else { out }
}

/// 3.6e9 → "3.6 bn", 730e6 → "730 m", for tables.
pub fn compact_usd(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2} bn", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1} m", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::thousands(3_600_000_000.0), "3,600,000,000");
        assert_eq!(super::thousands(465_593_387.06), "465,593,387.06");
        assert_eq!(super::thousands(-1234.5), "-1,234.5");
        assert_eq!(super::compact_usd(3.6e9), "3.60 bn");
    }
}
