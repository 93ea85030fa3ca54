//! Parsing the values real files contain: "2019.0", "$1,740 ", " $\t1.420 ",
//! "1,682.7", dates as YYYY-MM-DD, MM/DD/YYYY or Excel serials, Yes/No flags, `|` lists.
//! Every parser returns the reason when it refuses a value.

/// A number: tolerates surrounding spaces and tabs, a leading `$`/`US$`, thousands
/// commas ("1,682.7") and a trailing `%`.
pub fn number(s: &str) -> Result<f64, String> {
    let t = s.trim().trim_matches('\u{a0}');
    let t = t
        .strip_prefix("US$")
        .or_else(|| t.strip_prefix('$'))
        .unwrap_or(t)
        .trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim();
    if t.is_empty() {
        return Err("empty number".into());
    }
    let cleaned: String = if is_grouped(t, ',') {
        t.replace(',', "")
    } else {
        t.to_string()
    };
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err("not a number".into()),
    }
}

/// Whether `t` is digits grouped by `sep` in threes ("1,740", "12,345.6").
fn is_grouped(t: &str, sep: char) -> bool {
    let decimal = if sep == ',' { '.' } else { ',' };
    let int = t.split(decimal).next().unwrap_or(t);
    let int = int.strip_prefix('-').unwrap_or(int);
    let parts: Vec<&str> = int.split(sep).collect();
    parts.len() > 1
        && !parts[0].is_empty()
        && parts[0].len() <= 3
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1..].iter().all(|p| p.len() == 3)
}

/// AEI's millions of US dollars: "$1,740 ", "$500 " and, in the 2020 layout,
/// " $\t1.420 " where the dot groups thousands (1,420 million).
pub fn aei_millions(s: &str) -> Result<f64, String> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '$')
        .collect();
    if t.is_empty() {
        return Err("empty amount".into());
    }
    let v = if is_grouped(&t, '.') && !t.contains(',') {
        t.replace('.', "")
            .parse::<f64>()
            .map_err(|_| "not a number".to_string())?
    } else {
        number(&t)?
    };
    if v < 0.0 {
        return Err("negative amount".into());
    }
    Ok(v)
}

/// A year such as "2019" or "2019.0" (1900–2100).
pub fn year(s: &str) -> Result<i32, String> {
    let v = number(s)?;
    if v.fract() != 0.0 || !(1900.0..=2100.0).contains(&v) {
        return Err("not a year between 1900 and 2100".into());
    }
    Ok(v as i32)
}

/// A date as YYYY-MM-DD from "2019-12-03", "2019-12-03 00:00:00", "12/03/2019"
/// (month first, as AidData's headers say), "2019/12/03" or an Excel serial ("43802").
pub fn date(s: &str) -> Result<String, String> {
    let t = s.trim();
    let bad = || format!("not a date (expected YYYY-MM-DD or MM/DD/YYYY): '{t}'");
    let t10 = t.get(..10).unwrap_or(t);
    let ymd = |y: &str, m: &str, d: &str| -> Result<String, String> {
        let (y, m, d): (i32, u32, u32) = (
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        if !(1900..=2100).contains(&y) || !ruta_core::text::is_valid_date(y, m, d) {
            return Err(format!("impossible date '{t}'"));
        }
        Ok(format!("{y:04}-{m:02}-{d:02}"))
    };
    if let [y, m, d] = t10.split('-').collect::<Vec<_>>().as_slice()
        && y.len() == 4
    {
        return ymd(y, m, d);
    }
    if let [a, b, c] = t10.split('/').collect::<Vec<_>>().as_slice() {
        if a.len() == 4 {
            return ymd(a, b, c);
        }
        if c.len() == 4 {
            return ymd(c, a, b);
        }
    }
    if let Ok(v) = t.parse::<f64>()
        && (20_000.0..=80_000.0).contains(&v)
    {
        return crate::input::excel_serial_to_date(v).ok_or_else(bad);
    }
    Err(bad())
}

/// Yes/No flags: Yes, No, True, False, 1, 0 (any case); empty is None.
pub fn flag(s: &str) -> Result<Option<bool>, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "true" | "1" | "1.0" | "y" => Ok(Some(true)),
        "no" | "false" | "0" | "0.0" | "n" => Ok(Some(false)),
        _ => Err("not Yes or No".into()),
    }
}

/// AidData's parallel `|` lists, keeping empty positions so lists stay aligned.
pub fn pipe_list(s: &str) -> Vec<String> {
    if s.trim().is_empty() {
        return Vec::new();
    }
    s.split('|').map(|x| x.trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_files_write_them() {
        assert_eq!(number("2019.0"), Ok(2019.0));
        assert_eq!(number(" 1,682.7 "), Ok(1682.7));
        assert_eq!(number("$1,740 "), Ok(1740.0));
        assert_eq!(number("6.07"), Ok(6.07));
        assert_eq!(number("2%"), Ok(2.0));
        assert!(number("abc").is_err() && number("").is_err() && number("inf").is_err());
        assert_eq!(aei_millions(" $\t1.420 "), Ok(1420.0));
        assert_eq!(aei_millions("\"$1,740 \""), Err("not a number".into()));
        assert_eq!(aei_millions("$1,740 "), Ok(1740.0));
        assert_eq!(aei_millions(" $\t500 "), Ok(500.0));
        assert_eq!(aei_millions("$12.5"), Ok(12.5));
        assert_eq!(aei_millions(" $\t12.345.678 "), Ok(12_345_678.0));
    }

    #[test]
    fn years_dates_flags() {
        assert_eq!(year("2019.0"), Ok(2019));
        assert!(year("19").is_err() && year("2019.5").is_err());
        assert_eq!(date("2019-12-03").as_deref(), Ok("2019-12-03"));
        assert_eq!(date("12/03/2019").as_deref(), Ok("2019-12-03"));
        assert_eq!(date("2019-12-03 00:00:00").as_deref(), Ok("2019-12-03"));
        assert_eq!(date("43802").as_deref(), Ok("2019-12-03"));
        assert!(date("2019-02-30").is_err() && date("soon").is_err());
        assert_eq!(flag("Yes"), Ok(Some(true)));
        assert_eq!(flag(""), Ok(None));
        assert!(flag("maybe").is_err());
        assert_eq!(pipe_list("a|b||c"), vec!["a", "b", "", "c"]);
    }
}
