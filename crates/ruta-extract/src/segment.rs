//! Paragraphs and sentences, as byte spans: enough structure to say which figure a
//! sentence states about which project.

/// A sentence: its byte span and the index of its paragraph (a run of text between line
/// breaks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
}

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "sra", "srta", "st", "no", "nº", "vs", "etc", "inc",
    "ltd", "co", "corp", "jr", "gen", "gov", "sen", "rep", "dept", "av", "avda", "e.g", "i.e",
    "u.s", "u.k", "u.n", "approx", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "ene", "dic", "fev", "abr", "ago", "set", "out", "dez", "p", "pp",
    "vol", "ed", "s.a", "s.a.s", "ltda", "cia",
];

fn is_abbreviation(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let word = before[word_start..].to_lowercase();
    if word.is_empty() {
        return false;
    }
    // A single capital letter is an initial ("J. Smith").
    if word.chars().count() == 1 && before[word_start..].chars().all(char::is_uppercase) {
        return true;
    }
    ABBREVIATIONS.contains(&word.as_str())
}

/// Splits `text` into sentences. A sentence ends at `.`, `!`, `?` or `…` (with closing
/// quotes or brackets) followed by white space and a capital letter, digit or opening
/// quote, and at every line break; abbreviations and decimal points do not end one.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut paragraph = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim().is_empty() {
            line_start += line.len();
            continue;
        }
        split_line(
            text,
            line_start,
            line_start + body.len(),
            paragraph,
            &mut out,
        );
        paragraph += 1;
        line_start += line.len();
    }
    out
}

fn split_line(text: &str, start: usize, end: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let line = &text[start..end];
    let mut s = 0;
    let mut iter = line.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Closing punctuation belongs to the sentence.
        let mut j = i + c.len_utf8();
        while let Some(&(k, d)) = iter.peek() {
            if matches!(
                d,
                '"' | '”' | '’' | '\'' | ')' | ']' | '»' | '.' | '!' | '?'
            ) {
                j = k + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        let rest = &line[j..];
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() || trimmed.is_empty() {
            continue; // no space after: "3.6", "U.S.", or end of line
        }
        let next = trimmed.chars().next().unwrap_or(' ');
        let opens = next.is_uppercase()
            || next.is_ascii_digit()
            || matches!(next, '"' | '“' | '¿' | '¡' | '(' | '«' | '‘');
        if !opens || (c == '.' && is_abbreviation(line, i)) {
            continue;
        }
        push(text, start + s, start + j, paragraph, out);
        s = j;
    }
    push(text, start + s, end, paragraph, out);
}

fn push(text: &str, s: usize, e: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let seg = &text[s..e];
    let lead = seg.len() - seg.trim_start().len();
    let trail = seg.len() - seg.trim_end().len();
    if lead + trail < seg.len() {
        out.push(Sentence {
            start: s + lead,
            end: e - trail,
            paragraph,
        });
    }
}

/// The index of the sentence holding byte `at` (the last one starting at or before it).
pub fn sentence_at(sentences: &[Sentence], at: usize) -> Option<usize> {
    let i = sentences.partition_point(|s| s.start <= at);
    i.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        sentences(t).iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn splits_on_sentence_ends_only() {
        let t = "It cost $3.6 billion. Mr. Li said so in the U.S. capital. ¿Cuánto costó? Unos 1.500 millones.\n\nNew paragraph “quoted.” Next one";
        assert_eq!(
            texts(t),
            vec![
                "It cost $3.6 billion.",
                "Mr. Li said so in the U.S. capital.",
                "¿Cuánto costó?",
                "Unos 1.500 millones.",
                "New paragraph “quoted.”",
                "Next one"
            ]
        );
        let s = sentences(t);
        assert_eq!(
            s.iter().map(|s| s.paragraph).collect::<Vec<_>>(),
            vec![0, 0, 0, 0, 1, 1]
        );
        assert_eq!(sentence_at(&s, t.find("Li").unwrap()), Some(1));
    }

    #[test]
    fn odd_text_never_panics() {
        for t in [
            "",
            ".",
            "...",
            "a. b",
            "é. É",
            "\n\n.\n",
            "x?\u{2026} ¿",
            "J. R. Smith. Then",
        ] {
            let _ = sentences(t);
        }
        assert_eq!(
            texts("J. R. Smith came. Then"),
            vec!["J. R. Smith came.", "Then"]
        );
    }
}
