//! Query-string parsing with JSON errors. Parameters are read from the raw query (so a
//! malformed one is a 400 that names it, never an extractor rejection); each endpoint
//! names the parameters it accepts, and an unknown or repeated one, an over-long value,
//! an empty value (except for free text, where it means "not given") or too many
//! parameters is a 400.

use crate::ApiError;
use ruta_store::flows::StatsBy;
use ruta_store::query::{Filter, Sort};

/// The query string, decoded.
pub struct Params(Vec<(String, String)>);

/// Listing page size bounds.
pub const MAX_LIMIT: u32 = 1000;
pub const DEFAULT_LIMIT: u32 = 50;
/// Export row bound.
pub const MAX_EXPORT: u32 = 1_000_000;

/// Longest accepted value of any text parameter, in bytes.
pub const MAX_TEXT: usize = 500;
/// Most parameters in one query string.
pub const MAX_PARAMS: usize = 32;

/// The filters shared by listings, totals and exports.
pub const FILTER: &[&str] = &[
    "country",
    "sector_group",
    "flow_kind",
    "status",
    "org",
    "year_from",
    "year_to",
    "q",
    "bbox",
    "dataset",
    "bri",
];
/// Ordering and paging.
pub const PAGE: &[&str] = &["sort", "limit", "offset"];
/// Paging only.
pub const PAGING: &[&str] = &["limit", "offset"];
/// Parameters of free text (strings without a list or a pattern in the OpenAPI
/// document), whose empty value means "not given".
const FREE_TEXT: &[&str] = &["q", "org", "dataset", "project", "flow"];

impl Params {
    /// Decodes the query string, accepting only the parameters in the `accepted` lists.
    pub fn parse(raw: Option<&str>, accepted: &[&[&str]]) -> Result<Params, ApiError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_PARAMS * (MAX_TEXT + 32) {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "bad_parameter",
                "query string too long",
            ));
        }
        let mut out = Vec::new();
        for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
            if !accepted.iter().any(|list| list.contains(&k.as_ref())) {
                let shown: String = k.chars().take(40).collect();
                let mut names: Vec<&str> =
                    accepted.iter().flat_map(|l| l.iter().copied()).collect();
                names.sort_unstable();
                return Err(ApiError::param(
                    &shown,
                    if names.is_empty() {
                        "unknown parameter; this endpoint takes none".to_string()
                    } else {
                        format!("unknown parameter; accepted: {}", names.join(", "))
                    },
                ));
            }
            if v.len() > MAX_TEXT {
                return Err(ApiError::param(&k, format!("longer than {MAX_TEXT} bytes")));
            }
            if out.iter().any(|(seen, _)| *seen == k) {
                return Err(ApiError::param(&k, "given more than once"));
            }
            // An empty value of free text is a parameter not given (as an HTML form sends
            // an empty field); elsewhere it is no value of the parameter's documented type
            // (a number, a name from a list, a pattern).
            if v.trim().is_empty() && !FREE_TEXT.contains(&k.as_ref()) {
                return Err(ApiError::param(&k, "empty value"));
            }
            out.push((k.into_owned(), v.into_owned()));
            if out.len() > MAX_PARAMS {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "bad_parameter",
                    format!("more than {MAX_PARAMS} parameters"),
                ));
            }
        }
        Ok(Params(out))
    }

    /// The last non-empty value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    fn int<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<T>()
                .map(Some)
                .map_err(|_| ApiError::param(name, format!("'{v}' is not a whole number"))),
        }
    }

    fn year(&self, name: &str) -> Result<Option<i32>, ApiError> {
        let y = self.int::<i32>(name)?;
        if let Some(y) = y
            && !(1900..=2100).contains(&y)
        {
            return Err(ApiError::param(
                name,
                format!("{y} is not a year between 1900 and 2100"),
            ));
        }
        Ok(y)
    }

    /// The project filter shared by listings, totals and exports.
    pub fn filter(&self) -> Result<Filter, ApiError> {
        let vocab = |name: &str| -> Option<&str> { self.get(name) };
        let mut f = Filter::default();
        if let Some(c) = self.get("country") {
            f.country =
                Some(ruta_core::country::parse_iso3(c).map_err(|e| ApiError::param("country", e))?);
        }
        if let Some(v) = vocab("sector_group") {
            f.sector_group = Some(
                v.parse()
                    .map_err(|e: ruta_core::UnknownValue| ApiError::param("sector_group", e))?,
            );
        }
        if let Some(v) = vocab("flow_kind") {
            f.flow_kind = Some(
                v.parse()
                    .map_err(|e: ruta_core::UnknownValue| ApiError::param("flow_kind", e))?,
            );
        }
        if let Some(v) = vocab("status") {
            f.status = Some(
                v.parse()
                    .map_err(|e: ruta_core::UnknownValue| ApiError::param("status", e))?,
            );
        }
        if let Some(q) = self.get("q") {
            f.q = Some(q.to_string());
        }
        f.org = self.get("org").map(str::to_string);
        f.year_from = self.year("year_from")?;
        f.year_to = self.year("year_to")?;
        // A reversed range (year_from after year_to) is valid and matches nothing.
        if let Some(b) = self.get("bbox") {
            f.bbox = Some(bbox(b)?);
        }
        f.dataset = self.get("dataset").map(str::to_string);
        if let Some(b) = self.get("bri") {
            // Only the documented names (the CLI also takes yes/no).
            let strict = ruta_store::query::Bri::NAMES
                .contains(&b)
                .then(|| ruta_store::query::Bri::parse(b))
                .flatten();
            f.bri = Some(strict.ok_or_else(|| {
                ApiError::param(
                    "bri",
                    format!(
                        "'{b}' is not one of: {}",
                        ruta_store::query::Bri::NAMES.join(", ")
                    ),
                )
            })?);
        }
        f.project = self.get("project").map(str::to_string);
        f.counted = match self.get("counted") {
            None => None,
            Some("true" | "1" | "yes") => Some(true),
            Some("false" | "0" | "no") => Some(false),
            Some(v) => {
                return Err(ApiError::param(
                    "counted",
                    format!("'{v}' is not true or false"),
                ));
            }
        };
        Ok(f)
    }

    pub fn sort(&self) -> Result<Sort, ApiError> {
        match self.get("sort") {
            None => Ok(Sort::default()),
            Some(s) => Sort::parse(s).ok_or_else(|| {
                ApiError::param(
                    "sort",
                    format!("unknown sort '{s}'; accepted: {}", Sort::NAMES.join(", ")),
                )
            }),
        }
    }

    /// `limit` within 1..=max (default `default`) and `offset` (default 0).
    pub fn page(&self, default: u32, max: u32) -> Result<(u32, u64), ApiError> {
        let limit = match self.get("limit") {
            None => default,
            Some(v) => {
                let n: i64 = v.parse().map_err(|_| {
                    ApiError::param("limit", format!("'{v}' is not a whole number"))
                })?;
                if n < 1 || n > max as i64 {
                    return Err(ApiError::param("limit", format!("{n} is outside 1–{max}")));
                }
                n as u32
            }
        };
        let offset = match self.get("offset") {
            None => 0,
            Some(v) => {
                let n: i64 = v.parse().map_err(|_| {
                    ApiError::param("offset", format!("'{v}' is not a whole number"))
                })?;
                if !(0..=1_000_000_000).contains(&n) {
                    return Err(ApiError::param(
                        "offset",
                        format!("{n} is outside 0–1000000000"),
                    ));
                }
                n as u64
            }
        };
        Ok((limit, offset))
    }

    /// A totals dimension (`by`), required or defaulted.
    pub fn by(&self, name: &str, default: Option<StatsBy>) -> Result<StatsBy, ApiError> {
        match self.get(name) {
            None => default.ok_or_else(|| {
                ApiError::param(
                    name,
                    format!("required; one of {}", StatsBy::NAMES.join(", ")),
                )
            }),
            Some(v) => StatsBy::parse(v).ok_or_else(|| {
                ApiError::param(
                    name,
                    format!(
                        "unknown dimension '{v}'; one of {}",
                        StatsBy::NAMES.join(", ")
                    ),
                )
            }),
        }
    }
}

/// `min_lon,min_lat,max_lon,max_lat` in degrees.
pub fn bbox(s: &str) -> Result<[f64; 4], ApiError> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.len() != 4 {
        return Err(ApiError::param(
            "bbox",
            format!("'{s}' is not min_lon,min_lat,max_lon,max_lat"),
        ));
    }
    let mut v = [0.0; 4];
    for (i, p) in parts.iter().enumerate() {
        v[i] = p
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| ApiError::param("bbox", format!("'{p}' is not a number")))?;
    }
    let [x0, y0, x1, y1] = v;
    if !(-180.0..=180.0).contains(&x0) || !(-180.0..=180.0).contains(&x1) {
        return Err(ApiError::param(
            "bbox",
            "longitudes must be within -180..180",
        ));
    }
    if !(-90.0..=90.0).contains(&y0) || !(-90.0..=90.0).contains(&y1) {
        return Err(ApiError::param("bbox", "latitudes must be within -90..90"));
    }
    // min above max is a valid box that holds nothing.
    Ok(v)
}
