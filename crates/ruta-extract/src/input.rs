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

/// The largest article (or JSONL line) ruta reads: no news article comes near it, and a
/// bigger one is almost surely not an article (a data dump, a binary, a runaway line).
pub const MAX_ARTICLE: u64 = 64 << 20;

/// Reads one file into its articles (several for JSONL).
pub fn read(path: &Path) -> Vec<Result<Article, ArticleError>> {
    let mut out = Vec::new();
    read_each(path, |a| out.push(a));
    out
}

/// Reads one file and hands each article (or per-article error) to `f`, streaming JSONL
/// line by line so a large corpus is never held in memory.
pub fn read_each(path: &Path, mut f: impl FnMut(Result<Article, ArticleError>)) {
    let source = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "jsonl" {
        return read_jsonl(path, &source, &mut f);
    }
    match std::fs::metadata(path) {
        Err(e) => return f(Err(err(&source, format!("cannot read: {e}")))),
        Ok(m) if m.len() > MAX_ARTICLE => {
            return f(Err(err(
                &source,
                format!(
                    "{} bytes, more than the {} MiB an article may have; split it or use JSONL",
                    m.len(),
                    MAX_ARTICLE >> 20
                ),
            )));
        }
        Ok(_) => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return f(Err(err(&source, format!("cannot read: {e}")))),
    };
    let text = match text_of(bytes, &source) {
        Ok(t) => t,
        Err(e) => return f(Err(e)),
    };
    let html = matches!(ext.as_str(), "html" | "htm") || {
        // A text file that is really HTML is read as HTML.
        let head = text
            .trim_start()
            .get(..15)
            .unwrap_or("")
            .to_ascii_lowercase();
        head.starts_with("<!doctype html") || head.starts_with("<html")
    };
    if html {
        f(Ok(from_html(&text, source, Some(path.to_path_buf()))))
    } else {
        f(Ok(from_text(text, source, Some(path.to_path_buf()))))
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

/// Reads a line of at most [`MAX_ARTICLE`] bytes into `buf` (without the newline).
/// Returns None at the end of the input, Some(false) for a line that was too long (its
/// bytes are skipped, not kept).
fn next_line(r: &mut impl std::io::BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut fits = true;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        if fits && (buf.len() + part.len()) as u64 <= MAX_ARTICLE {
            buf.extend_from_slice(part);
        } else {
            fits = false;
            buf.clear();
        }
        let used = done.unwrap_or(chunk.len());
        r.consume(used);
        if done.is_some() {
            return Ok(Some(fits));
        }
    }
}

fn read_jsonl(path: &Path, source: &str, f: &mut impl FnMut(Result<Article, ArticleError>)) {
    let file = match std::fs::File::open(path) {
        Ok(x) => x,
        Err(e) => return f(Err(err(source, format!("cannot read: {e}")))),
    };
    let mut r = std::io::BufReader::with_capacity(1 << 16, file);
    let mut buf = Vec::new();
    let mut n = 0usize;
    let mut articles = 0usize;
    let mut problems = 0usize;
    loop {
        let fits = match next_line(&mut r, &mut buf) {
            Ok(Some(x)) => x,
            Ok(None) => break,
            Err(e) => {
                f(Err(err(
                    format!("{source}:{}", n + 1),
                    format!("cannot read: {e}"),
                )));
                problems += 1;
                break;
            }
        };
        n += 1;
        let at = format!("{source}:{n}");
        if !fits {
            f(Err(err(
                &at,
                format!("line longer than {} MiB; not an article", MAX_ARTICLE >> 20),
            )));
            problems += 1;
            continue;
        }
        let line = if n == 1 {
            buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf)
        } else {
            &buf[..]
        };
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        match article_of_json_line(line, &at, path) {
            Ok(a) => {
                articles += 1;
                f(Ok(a));
            }
            Err(e) => {
                problems += 1;
                f(Err(e));
            }
        }
    }
    if articles == 0 && problems == 0 {
        f(Err(err(source, "no articles (empty file)")));
    }
}

fn article_of_json_line(line: &[u8], at: &str, path: &Path) -> Result<Article, ArticleError> {
    if let Some(i) = line.iter().position(|&b| b == 0) {
        return Err(err(
            at,
            format!("binary data (NUL byte at offset {i}), not text"),
        ));
    }
    let line = std::str::from_utf8(line).map_err(|e| {
        err(
            at,
            format!(
                "not valid UTF-8 (byte offset {}); convert it to UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| err(at, format!("not a JSON object: {e}")))?;
    if !v.is_object() {
        return Err(err(at, "not a JSON object"));
    }
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let mut a = if let Some(t) = field("text") {
        from_text(t, at.to_string(), Some(path.to_path_buf()))
    } else if let Some(h) = field("html") {
        from_html(&h, at.to_string(), Some(path.to_path_buf()))
    } else {
        return Err(err(at, "no \"text\" or \"html\" field"));
    };
    if a.text.trim().is_empty() {
        return Err(err(at, "empty text"));
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
    Ok(a)
}
