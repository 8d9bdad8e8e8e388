//! Bodies into the editor's Markdown.
//!
//! 1. Markdown (Hypothesis's `text`) is kept as written when scholia would publish it
//!    as written ([`crate::sanitize::problems`] finds nothing). Otherwise it is rendered
//!    with its raw HTML and made Markdown again by step 2, which keeps only what a note
//!    may hold; the caller says so (W0801).
//! 2. HTML (`text/html` bodies, as scholia exports them) is read tag by tag: paragraphs,
//!    line breaks, emphasis, strong, code, links (http(s), mailto or relative only),
//!    lists and quotes become their Markdown; `<script>`, `<style>` and similar lose
//!    their content; any other tag is dropped and its text kept. Text is escaped where
//!    Markdown would read it as syntax, so it renders as the same words.
//! 3. Plain text is escaped the same way.

use crate::sanitize;

/// Markdown for a body, and whether anything of it was dropped or rewritten.
pub fn markdown_of(body: &super::read::Body) -> (String, bool) {
    use super::read::Body;
    match body {
        Body::Markdown(md) if sanitize::problems(md).is_empty() => {
            (md.trim_end().to_owned(), false)
        }
        Body::Markdown(md) => {
            let mut html = String::new();
            let parser = pulldown_cmark::Parser::new_ext(md, sanitize::options());
            pulldown_cmark::html::push_html(&mut html, parser);
            (to_markdown(&html).0, true)
        }
        Body::Html(html) => to_markdown(html),
        Body::Plain(text) => (escape_lines(text), false),
    }
}

/// Escapes what Markdown would read as syntax, line by line.
fn escape_lines(text: &str) -> String {
    text.trim_end()
        .split('\n')
        .map(|l| escape_line_start(&escape(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Backslash-escapes inline syntax (CommonMark lets any ASCII punctuation be escaped).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            // `&` only before what an entity could be.
            '&' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&");
            }
            c => out.push(c),
        }
    }
    out
}

/// A line that would open a heading, a quote, a list or a rule is escaped at its start.
pub(crate) fn escape_line_start(line: &str) -> String {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.starts_with(['#', '>', '-', '+', '=']) {
        return format!("{indent}\\{trimmed}");
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && trimmed[digits..].starts_with(['.', ')']) {
        return format!("{indent}{}\\{}", &trimmed[..digits], &trimmed[digits..]);
    }
    line.to_owned()
}

/// Decodes the character references HTML bodies hold.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    char::from_u32(u32::from_str_radix(&n[2..], 16).ok()?)?
                }
                n if n.starts_with('#') => char::from_u32(n[1..].parse().ok()?)?,
                _ => return None,
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
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

/// The value of an attribute in a tag's text (`a href="…"`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split([' ', '>']).next()?,
    };
    Some(decode(value))
}

/// HTML to Markdown, and whether anything was dropped (a tag, a link, a script).
pub fn to_markdown(html: &str) -> (String, bool) {
    let mut out = String::new();
    let mut dropped = false;
    // Open lists: ordered or not, and the next number.
    let mut lists: Vec<Option<usize>> = Vec::new();
    let mut quote_depth = 0usize;
    let mut links: Vec<Option<String>> = Vec::new();
    let mut skipping: Option<String> = None;
    let mut in_pre = false;
    let mut rest = html;
    let line_prefix = |depth: usize, lists: &[Option<usize>]| {
        format!(
            "{}{}",
            "> ".repeat(depth),
            "   ".repeat(lists.len().saturating_sub(1))
        )
    };
    let newline = |out: &mut String, depth: usize, lists: &[Option<usize>]| {
        if !out.is_empty() {
            out.push('\n');
            out.push_str(&line_prefix(depth, lists));
        }
    };
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            if skipping.is_none() {
                push_text(&mut out, rest, in_pre, quote_depth, &lists);
            }
            break;
        };
        if skipping.is_none() {
            push_text(&mut out, &rest[..open], in_pre, quote_depth, &lists);
        }
        rest = &rest[open..];
        let close = if rest.starts_with("<!--") {
            rest.find("-->").map_or(rest.len(), |i| i + 3)
        } else {
            rest.find('>').map_or(rest.len(), |i| i + 1)
        };
        let tag = &rest[..close];
        rest = &rest[close..];
        let inner = tag.trim_start_matches('<').trim_end_matches('>');
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(skip) = &skipping {
            if closing && *skip == name {
                skipping = None;
            }
            continue;
        }
        match (name.as_str(), closing) {
            ("p", false) => {
                if !out.trim_end_matches([' ', '>']).is_empty() {
                    newline(&mut out, quote_depth, &lists);
                    newline(&mut out, quote_depth, &lists);
                }
            }
            ("p", true) => {}
            ("br", _) => {
                out.push('\\');
                newline(&mut out, quote_depth, &lists);
            }
            ("em" | "i" | "cite", _) => out.push('*'),
            ("strong" | "b", _) => out.push_str("**"),
            ("del" | "s", _) => out.push_str("~~"),
            ("code", _) if !in_pre => out.push('`'),
            ("pre", false) => {
                newline(&mut out, quote_depth, &lists);
                out.push_str("```");
                newline(&mut out, quote_depth, &lists);
                in_pre = true;
            }
            ("pre", true) => {
                in_pre = false;
                if !out.ends_with('\n') {
                    newline(&mut out, quote_depth, &lists);
                }
                out.push_str("```");
            }
            ("a", false) => match attribute(tag, "href") {
                Some(href)
                    if sanitize::is_allowed_url(&href) && !href.contains([' ', ')', '(']) =>
                {
                    out.push('[');
                    links.push(Some(href));
                }
                Some(_) => {
                    dropped = true;
                    links.push(None);
                }
                None => links.push(None),
            },
            ("a", true) => {
                if let Some(Some(href)) = links.pop() {
                    out.push_str(&format!("]({href})"));
                }
            }
            ("ul" | "ol", false) => {
                lists.push((name == "ol").then(|| {
                    attribute(tag, "start")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(1)
                }));
                if !out.is_empty() {
                    newline(&mut out, quote_depth, &lists[..lists.len() - 1]);
                }
            }
            ("ul" | "ol", true) => {
                lists.pop();
            }
            ("li", false) => {
                newline(&mut out, quote_depth, &lists);
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            ("li", true) => {}
            ("blockquote", false) => {
                quote_depth += 1;
                newline(&mut out, quote_depth - 1, &lists);
                out.push_str("> ");
            }
            ("blockquote", true) => {
                quote_depth = quote_depth.saturating_sub(1);
                newline(&mut out, quote_depth, &lists);
            }
            ("script" | "style" | "textarea" | "template" | "iframe" | "object", false) => {
                dropped = true;
                skipping = Some(name);
            }
            ("span" | "div" | "sup" | "sub", _) => {}
            _ => dropped = true,
        }
    }
    let markdown = out
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned();
    (markdown, dropped)
}

/// A run of text between tags: decoded, escaped, its line breaks kept inside the block.
fn push_text(out: &mut String, raw: &str, in_pre: bool, depth: usize, lists: &[Option<usize>]) {
    let text = decode(raw);
    if in_pre {
        out.push_str(&text);
        return;
    }
    let prefix = format!("{}{}", "> ".repeat(depth), "   ".repeat(lists.len()));
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            // A line break between blocks in the HTML is no text of the body.
            if line.trim().is_empty() {
                continue;
            }
            out.push('\n');
            out.push_str(&prefix);
        }
        let at_line_start =
            out.is_empty() || out.ends_with('\n') || (!prefix.is_empty() && out.ends_with(&prefix));
        let escaped = escape(line);
        if at_line_start && !line.trim().is_empty() {
            out.push_str(&escape_line_start(&escaped));
        } else if !(at_line_start && line.trim().is_empty()) {
            out.push_str(&escaped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What scholia exports for a note, made Markdown again, renders as the same HTML.
    #[test]
    fn exported_html_comes_back_as_markdown_that_renders_the_same() {
        for md in [
            "A *note* with **strong** words, `code` and a [link](https://example.org/a).",
            "Two paragraphs.\n\nThe second: 3 * 4 = 12, [not a link], <not a tag>, AT&T &amp; co.",
            "- one\n- two\n\n1. first\n2. second",
            "> Quoted words.\n\nAfter.",
            "1939\\. A year at a line's start\n\\# not a heading, 2) nor a list",
            "Lines\nbroken softly.",
        ] {
            let html = crate::markdown::to_html(md);
            let (back, dropped) = to_markdown(&html);
            assert!(!dropped, "{md}");
            assert_eq!(crate::markdown::to_html(&back), html, "{md}\n→ {back}");
        }
    }

    #[test]
    fn scripts_and_unsafe_links_are_dropped_and_said() {
        let (md, dropped) =
            to_markdown("<p>Hi <script>alert(1)</script><a href=\"javascript:x\">there</a></p>");
        assert!(dropped);
        assert_eq!(md, "Hi there");
    }

    #[test]
    fn markdown_with_raw_html_is_made_safe_markdown() {
        use super::super::read::Body;
        let (md, changed) = markdown_of(&Body::Markdown("Keep *this* <b>bold</b>".into()));
        assert!(changed);
        assert_eq!(md, "Keep *this* **bold**");
        let (md, changed) = markdown_of(&Body::Markdown("Keep *this* as it is.\n".into()));
        assert!(!changed);
        assert_eq!(md, "Keep *this* as it is.");
    }
}
