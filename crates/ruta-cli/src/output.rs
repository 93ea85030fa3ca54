//! Rendering for people (aligned tables) and programs (JSON, CSV).

use std::io::{self, Write};

/// A plain text table with left-aligned columns; numbers are pre-formatted by callers.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<bool>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            right: vec![false; header.len()],
        }
    }

    /// Right-align the given columns (amounts, counts).
    pub fn right_align(mut self, cols: &[usize]) -> Table {
        for &c in cols {
            if c < self.right.len() {
                self.right[c] = true;
            }
        }
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let n = self.header.len();
        let mut width = vec![0usize; n];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(n) {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let line = |out: &mut dyn Write, cells: &[String]| -> io::Result<()> {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate().take(n) {
                let pad = width[i].saturating_sub(c.chars().count());
                if i > 0 {
                    s.push_str("  ");
                }
                if self.right[i] {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    if i + 1 < n {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            writeln!(out, "{}", s.trim_end())
        };
        line(out, &self.header)?;
        let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
        line(out, &rule)?;
        for r in &self.rows {
            line(out, r)?;
        }
        Ok(())
    }
}

/// Shortens text to `max` characters with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Optional values for tables.
pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "-".into())
}

/// Amounts for tables: "3.60 bn".
pub fn usd(v: Option<f64>) -> String {
    v.map(ruta_core::fmt::compact_usd)
        .unwrap_or_else(|| "-".into())
}

/// Pretty JSON followed by a newline.
pub fn json(out: &mut impl Write, v: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v).map_err(io::Error::other)?;
    writeln!(out)
}

/// CSV of the given rows: the header is the rows' JSON field names.
pub fn csv_rows<T: serde::Serialize>(
    out: &mut impl Write,
    rows: &[T],
    header: &[&str],
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(io::Error::other)?;
    for r in rows {
        let v = serde_json::to_value(r).map_err(io::Error::other)?;
        let cells: Vec<String> = header
            .iter()
            .map(|h| match v.get(*h) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            })
            .collect();
        w.write_record(&cells).map_err(io::Error::other)?;
    }
    w.flush()
}
