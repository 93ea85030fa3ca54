//! Reading articles: `.txt`, `.html`/`.htm`, `.jsonl` (one article per line with `text`
//! or `html`, optional `url`, `title`, `date`, `lang`, `publisher`) and directories
//! (recursively, in name order). Every problem is a per-file error; other files go on.

use crate::html;
use crate::lang::Lang;
use std::path::{Path, PathBuf};

/// One article to extract from.
#[derive(Debug, Clone, Default)]
pub struct Article {
    /// The path (with ":LINE" for JSONL) or URL it came from.
    pub source: String,
    pub path: Option<PathBuf>,
    pub url: Option<String>,
    /// The text mentions' byte offsets refer to: the file content (BOM removed) for
    /// `.txt`; the extracted text for HTML.
    pub text: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub byline: Option<String>,
    pub publisher: Option<String>,
    pub lang: Option<Lang>,
}

/// A file or line that could not be read as an article.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{at}: {reason}")]
pub struct ArticleError {
    /// The file (and JSONL line) at fault.
    pub at: String,
    pub reason: String,
}

fn err(at: impl Into<String>, reason: impl Into<String>) -> ArticleError {
    ArticleError {
        at: at.into(),
        reason: reason.into(),
    }
}

/// Expands directories (recursively, sorted) into the files to read.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, ArticleError>> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, true, &mut out);
    }
    out
}

fn walk(p: &Path, explicit: bool, out: &mut Vec<Result<PathBuf, ArticleError>>) {
    match std::fs::metadata(p) {
        Err(e) => out.push(Err(err(
            p.display().to_string(),
            format!("cannot read: {e}"),
        ))),
        Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
            Err(e) => out.push(Err(err(
                p.display().to_string(),
                format!("cannot list: {e}"),
            ))),
            Ok(rd) => {
                let mut entries: Vec<PathBuf> =
                    rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
                entries.sort();
                for e in entries {
                    walk(&e, false, out);
                }
            }
        },
        Ok(_) => {
            let ext = p
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let known = matches!(
                ext.as_str(),
                "txt" | "html" | "htm" | "jsonl" | "md" | "text"
            );
            // Inside directories only articles are read; named files are read whatever
            // their extension.
            if explicit
                || known
                || (ext.is_empty()
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.')))
            {
                out.push(Ok(p.to_path_buf()));
            }
        }
    }
}

/// Checks bytes for what makes them unusable as text and returns the text.
fn text_of(bytes: Vec<u8>, source: &str) -> Result<String, ArticleError> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(b) => b.to_vec(),
        None => bytes,
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err(source, "empty file"));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(err(source, "UTF-16 encoded; convert it to UTF-8"));
    }
    if let Some(i) = bytes.iter().take(1 << 20).position(|&b| b == 0) {
        return Err(err(
            source,
            format!("binary data (NUL byte at offset {i}), not text"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        err(
            source,
            format!(
                "not valid UTF-8 (byte offset {}); convert it to UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// A plain-text article: the title is the first line when it is short and not a byline.
fn from_text(text: String, source: String, path: Option<PathBuf>) -> Article {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(str::trim)
        .unwrap_or("");
    let title = (first.len() <= 160
        && !first.to_ascii_lowercase().starts_with("by ")
        && first.split_whitespace().count() >= 2)
        .then(|| first.to_string());
    let byline = text
        .lines()
        .take(6)
        .map(str::trim)
        .find(|l| {
            (l.starts_with("By ") || l.starts_with("Por "))
                && l.len() <= 80
                && l.split_whitespace().count() >= 2
        })
        .map(|l| {
            l.split_once(' ')
                .map_or(l, |(_, n)| n)
                .trim_end_matches([',', '.'])
                .to_string()
        })
        .filter(|n| !n.is_empty() && n.chars().next().is_some_and(char::is_uppercase));
    Article {
        source,
        path,
        text,
        title,
        byline,
        ..Article::default()
    }
}

/// Reads one file into its articles (several for JSONL).
pub fn read(path: &Path) -> Vec<Result<Article, ArticleError>> {
    let source = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return vec![Err(err(&source, format!("cannot read: {e}")))],
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let text = match text_of(bytes, &source) {
        Ok(t) => t,
        Err(e) => return vec![Err(e)],
    };
    match ext.as_str() {
        "jsonl" => read_jsonl(&text, &source, path),
        "html" | "htm" => vec![Ok(from_html(&text, source, Some(path.to_path_buf())))],
        _ => {
            // A text file that is really HTML is read as HTML.
            let head = text
                .trim_start()
                .get(..15)
                .unwrap_or("")
                .to_ascii_lowercase();
            if head.starts_with("<!doctype html") || head.starts_with("<html") {
                vec![Ok(from_html(&text, source, Some(path.to_path_buf())))]
            } else {
                vec![Ok(from_text(text, source, Some(path.to_path_buf())))]
            }
        }
    }
}

fn from_html(html: &str, source: String, path: Option<PathBuf>) -> Article {
    let p = html::page(html);
    Article {
        source,
        path,
        text: p.text,
        title: p.title,
        date: p.date,
        byline: p.byline,
        ..Article::default()
    }
}

fn read_jsonl(text: &str, source: &str, path: &Path) -> Vec<Result<Article, ArticleError>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{source}:{}", i + 1);
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                out.push(Err(err(&at, format!("not a JSON object: {e}"))));
                continue;
            }
        };
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let mut a = if let Some(t) = field("text") {
            from_text(t, at.clone(), Some(path.to_path_buf()))
        } else if let Some(h) = field("html") {
            from_html(&h, at.clone(), Some(path.to_path_buf()))
        } else {
            out.push(Err(err(&at, "no \"text\" or \"html\" field")));
            continue;
        };
        if a.text.trim().is_empty() {
            out.push(Err(err(&at, "empty text")));
            continue;
        }
        a.url = field("url");
        if let Some(u) = &a.url {
            a.source = u.clone();
        }
        a.title = field("title").or(a.title);
        a.date = field("date").or(a.date);
        a.byline = field("byline").or(field("author")).or(a.byline);
        a.publisher = field("publisher").or(field("source_name"));
        a.lang = field("lang")
            .or(field("language"))
            .and_then(|l| Lang::parse(&l));
        out.push(Ok(a));
    }
    if out.is_empty() {
        out.push(Err(err(source, "no articles")));
    }
    out
}
