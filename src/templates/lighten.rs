//! The theme's stylesheet and scripts, written without their comments: they explain the
//! theme to whoever edits it, and a reader on a phone need not download them (the reading
//! with its CSS and JS is kept under 150 KB, checked in the browser suite).
//!
//! Steps: CSS loses every `/* … */` outside a string, and its blank lines; a script loses each line that is
//! only a `//` comment, outside a template literal. Nothing else changes: no renaming, no
//! joining of lines, so what the browser runs is what the theme says, line for line.

/// `text` of the asset `name`, without its comments when it is CSS or JavaScript.
pub fn lighten(name: &str, text: &str) -> String {
    if name.ends_with(".css") {
        css(text)
    } else if name.ends_with(".js") {
        js(text)
    } else {
        text.to_owned()
    }
}

fn css(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == '\\' {
                    if let Some((_, next)) = chars.next() {
                        out.push(next);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '/' && text[i + 1..].starts_with('*') => {
                // An unclosed comment runs to the end, as in CSS itself.
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(text.len(), |e| i + 2 + e + 2);
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            None => out.push(c),
        }
    }
    drop_blank_lines(&out)
}

fn js(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_template = false;
    for line in text.split_inclusive('\n') {
        let comment_only = line.trim_start().starts_with("//");
        if in_template || !comment_only {
            out.push_str(line);
        }
        // A backtick not escaped opens or closes a template literal, whose lines are text.
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' => escaped = !escaped,
                '`' if !escaped => in_template = !in_template,
                _ => escaped = false,
            }
        }
    }
    out
}

/// Lines left empty go too: a browser reads none of them.
fn drop_blank_lines(out: &str) -> String {
    out.split_inclusive('\n')
        .filter(|line| !line.trim().is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_comments_go_and_strings_that_look_like_them_stay() {
        let css = "/* the theme */\na { content: \"/* not a comment */\"; }\n/* two\nlines */\nb { color: red; } /* after */\n";
        assert_eq!(
            lighten("style.css", css),
            "a { content: \"/* not a comment */\"; }\nb { color: red; } \n"
        );
    }

    #[test]
    fn js_comment_lines_go_and_code_and_template_literals_stay() {
        let js = "// why\nconst a = 1; // kept: code on the line\nconst t = `\n// text of a template\n`;\n  // indented comment\nconst url = 'http://x';\n";
        assert_eq!(
            lighten("scholia.js", js),
            "const a = 1; // kept: code on the line\nconst t = `\n// text of a template\n`;\nconst url = 'http://x';\n"
        );
    }

    #[test]
    fn other_files_are_unchanged() {
        let svg = "<!-- /* */ -->\n// <svg/>\n";
        assert_eq!(lighten("favicon.svg", svg), svg);
    }
}
