//! HTML to text: the article's words without markup, scripts or page furniture, plus
//! its title, publication date and byline when the page states them.

use regex::Regex;
use std::sync::OnceLock;

/// What an HTML page yields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub text: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub byline: Option<String>,
}

const SKIP: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "template",
    "iframe", "button", "select", "figure",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "blockquote",
    "ul",
    "ol",
    "table",
    "main",
    "dd",
    "dt",
    "hr",
    "figcaption",
];

/// Decodes HTML character references.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|j| j + 1).filter(|&j| j <= 12);
        let Some(end) = end else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let ch = if let Some(num) = name.strip_prefix('#') {
            let v = if let Some(hex) = num.strip_prefix(['x', 'X']) {
                u32::from_str_radix(hex, 16).ok()
            } else {
                num.parse().ok()
            };
            v.and_then(char::from_u32).map(|c| c.to_string())
        } else {
            match name {
                "amp" => Some("&"),
                "lt" => Some("<"),
                "gt" => Some(">"),
                "quot" => Some("\""),
                "apos" => Some("'"),
                "nbsp" => Some("\u{a0}"),
                "ndash" => Some("–"),
                "mdash" => Some("—"),
                "lsquo" => Some("‘"),
                "rsquo" => Some("’"),
                "ldquo" => Some("“"),
                "rdquo" => Some("”"),
                "hellip" => Some("…"),
                "euro" => Some("€"),
                "pound" => Some("£"),
                "yen" => Some("¥"),
                "copy" => Some("©"),
                "aacute" => Some("á"),
                "eacute" => Some("é"),
                "iacute" => Some("í"),
                "oacute" => Some("ó"),
                "uacute" => Some("ú"),
                "Aacute" => Some("Á"),
                "Eacute" => Some("É"),
                "Iacute" => Some("Í"),
                "Oacute" => Some("Ó"),
                "Uacute" => Some("Ú"),
                "ntilde" => Some("ñ"),
                "Ntilde" => Some("Ñ"),
                "atilde" => Some("ã"),
                "otilde" => Some("õ"),
                "ccedil" => Some("ç"),
                "Ccedil" => Some("Ç"),
                "acirc" => Some("â"),
                "ecirc" => Some("ê"),
                "ocirc" => Some("ô"),
                "uuml" => Some("ü"),
                "agrave" => Some("à"),
                _ => None,
            }
            .map(str::to_string)
        };
        match ch {
            Some(c) => {
                out.push_str(&c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn meta_patterns() -> &'static (Regex, Regex, Regex, Regex, Regex) {
    static P: OnceLock<(Regex, Regex, Regex, Regex, Regex)> = OnceLock::new();
    P.get_or_init(|| {
        (
            Regex::new(r"(?is)<title[^>]*>(.*?)</title>").unwrap(),
            Regex::new(r"(?is)<meta\s[^>]*>").unwrap(),
            Regex::new(r#"(?is)([a-z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).unwrap(),
            Regex::new(r#"(?is)<time[^>]*datetime\s*=\s*["']([^"']+)["']"#).unwrap(),
            Regex::new(r"(?is)<h1[^>]*>(.*?)</h1>").unwrap(),
        )
    })
}

fn clean(s: &str) -> Option<String> {
    let t = decode_entities(&strip_tags(s));
    ruta_core::text::clean(&t)
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Where the article body is: <article>, else <main>, else <body>, else everything.
fn body_range(lower: &str) -> (usize, usize) {
    for tag in ["article", "main", "body"] {
        if let Some(s) = lower.find(&format!("<{tag}"))
            && let Some(gt) = lower[s..].find('>')
        {
            let start = s + gt + 1;
            let end = lower
                .rfind(&format!("</{tag}"))
                .filter(|&e| e >= start)
                .unwrap_or(lower.len());
            return (start, end);
        }
    }
    (0, lower.len())
}

/// Converts a page to text with its metadata.
pub fn page(html: &str) -> Page {
    let (title_re, meta_re, attr_re, time_re, h1_re) = meta_patterns();
    let mut p = Page::default();
    let mut og_title = None;
    for m in meta_re.find_iter(html) {
        let mut key = None;
        let mut content = None;
        for a in attr_re.captures_iter(m.as_str()) {
            let name = a[1].to_ascii_lowercase();
            let value = a
                .get(2)
                .or(a.get(3))
                .map(|v| v.as_str().to_string())
                .unwrap_or_default();
            match name.as_str() {
                "property" | "name" | "itemprop" => key = Some(value.to_ascii_lowercase()),
                "content" => content = Some(value),
                _ => {}
            }
        }
        let (Some(k), Some(v)) = (key, content) else {
            continue;
        };
        let v = decode_entities(&v);
        match k.as_str() {
            "og:title" | "twitter:title" => og_title = og_title.or(ruta_core::text::clean(&v)),
            "article:published_time"
            | "datepublished"
            | "date"
            | "pubdate"
            | "publish-date"
            | "dc.date"
            | "dc.date.issued"
            | "sailthru.date" => p.date = p.date.or_else(|| iso_prefix(&v)),
            "author" | "article:author" | "byl" | "dc.creator" => {
                p.byline = p.byline.or(ruta_core::text::clean(&v))
            }
            _ => {}
        }
    }
    if p.date.is_none() {
        p.date = time_re.captures(html).and_then(|c| iso_prefix(&c[1]));
    }
    p.title = og_title
        .or_else(|| title_re.captures(html).and_then(|c| clean(&c[1])))
        .map(|t| without_site_name(&t))
        .or_else(|| h1_re.captures(html).and_then(|c| clean(&c[1])));
    let lower = html.to_ascii_lowercase();
    let (s, e) = body_range(&lower);
    p.text = text_of(&html[s..e], &lower[s..e]);
    p
}

/// "Port opens | Daily News" → "Port opens": the last segment after " | ", " – ", " — "
/// or " - " is the site's name when it is short.
fn without_site_name(t: &str) -> String {
    for sep in [" | ", " – ", " — ", " - "] {
        if let Some((head, tail)) = t.rsplit_once(sep)
            && tail.split_whitespace().count() <= 4
            && head.split_whitespace().count() >= 2
        {
            return head.trim().to_string();
        }
    }
    t.to_string()
}

fn iso_prefix(v: &str) -> Option<String> {
    let t = v.trim();
    let d = t.get(..10).unwrap_or(t);
    let ok = d.len() >= 4 && d[..4].bytes().all(|b| b.is_ascii_digit());
    ok.then(|| d.to_string())
}

/// The text of an HTML fragment: skipped elements dropped, blocks on their own lines.
fn text_of(html: &str, lower: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < html.len() {
        let Some(lt) = html[i..].find('<').map(|j| i + j) else {
            out.push_str(&decode_entities(&html[i..]));
            break;
        };
        out.push_str(&decode_entities(&html[i..lt]));
        if lower[lt..].starts_with("<!--") {
            i = lower[lt..]
                .find("-->")
                .map(|j| lt + j + 3)
                .unwrap_or(html.len());
            continue;
        }
        let Some(gt) = html[lt..].find('>').map(|j| lt + j) else {
            break;
        };
        let inner = &lower[lt + 1..gt];
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        i = gt + 1;
        if !closing && SKIP.contains(&name.as_str()) && !inner.ends_with('/') {
            let close = format!("</{name}");
            i = lower[i..]
                .find(&close)
                .map(|j| {
                    let k = i + j;
                    lower[k..]
                        .find('>')
                        .map(|g| k + g + 1)
                        .unwrap_or(html.len())
                })
                .unwrap_or(html.len());
            continue;
        }
        if BLOCK.contains(&name.as_str()) {
            out.push('\n');
        } else if !name.is_empty() && bytes.get(gt.saturating_sub(1)) != Some(&b'/') {
            // Inline elements join words; keep a space where the markup separated them.
            if matches!(name.as_str(), "td" | "th" | "span" | "a") && !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
        }
    }
    // Collapse runs of spaces on each line and blank lines between paragraphs.
    let mut text = String::with_capacity(out.len());
    for line in out.lines() {
        let l = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if l.is_empty() {
            continue;
        }
        text.push_str(&l);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup_scripts_and_furniture() {
        let html = r##"<html><head><title>Port opens | Daily</title>
            <meta property="article:published_time" content="2024-11-14T10:00:00Z">
            <meta name="author" content="A. Writer"><script>var x = "$9 billion";</script></head>
            <body><nav>Home · World</nav><article><h1>Port opens</h1>
            <p>The &quot;port&quot; cost <b>$3.6&nbsp;billion</b>.</p><!-- ad $1 billion -->
            <p>Built by <a href="#">China Harbour</a> &amp; others.</p><style>p{}</style></article>
            <footer>© 2024 $2 billion</footer></body></html>"##;
        let p = page(html);
        assert_eq!(p.title.as_deref(), Some("Port opens"));
        assert_eq!(p.date.as_deref(), Some("2024-11-14"));
        assert_eq!(p.byline.as_deref(), Some("A. Writer"));
        assert_eq!(
            p.text,
            "Port opens\nThe \"port\" cost $3.6 billion.\nBuilt by China Harbour & others.\n"
        );
        assert_eq!(
            decode_entities("&#8364;5 &#x24;6 &bogus; &"),
            "€5 $6 &bogus; &"
        );
    }
}
