//! Text files as the site's authors save them: decoded as UTF-8 and checked for
//! characters that cannot be shown.
//!
//! 1. Decode the bytes; where they are not UTF-8, point at the first bad byte
//!    (line and column), and say when the file is UTF-16.
//! 2. Find control characters (C0 but tab, line feed and carriage return; DEL; C1): they
//!    are invisible in an editor and would reach the page as they are.
//!
//! A leading byte-order mark is kept in the text, so a file written back (`check --fix`)
//! keeps it; [`bom_len`] tells the parsers how much to skip. Entry point: [`decode`].

use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Location, SourceFile};

const BOM: char = '\u{FEFF}';

/// The length in bytes of a leading byte-order mark, if the text has one.
pub fn bom_len(text: &str) -> usize {
    if text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    }
}

/// Decodes a file's bytes, checking that they are UTF-8 text without control characters.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(not_utf8(path, e.as_bytes(), e.utf8_error())),
    };
    let file = SourceFile::new(path, text);
    match control_characters(&file) {
        Some(d) => Err(d),
        None => Ok(file),
    }
}

fn not_utf8(path: &Path, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let shown = SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned());
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Diagnostic::error("E0500", format!("{} is UTF-16, not UTF-8", path.display()))
            .at(Location::start_of(&shown), "a UTF-16 byte-order mark")
            .help("save the file as UTF-8 (in most editors: Save with Encoding, UTF-8)");
    }
    // The text up to the bad byte is valid, so its offset is the same in `shown`.
    let at = error.valid_up_to();
    let byte = bytes[at];
    let mut d = Diagnostic::error(
        "E0500",
        format!(
            "{} is not UTF-8 text: byte 0x{byte:02X} is not part of a UTF-8 character",
            path.display()
        ),
    )
    .at(
        Location::new(&shown, at..at + char::REPLACEMENT_CHARACTER.len_utf8()),
        format!("byte 0x{byte:02X}"),
    )
    .help("save the file as UTF-8 (in most editors: Save with Encoding, UTF-8)");
    // Latin-1 maps 0xA0..=0xFF to the code points of the same number: the likely
    // character helps find the place in the editor.
    if byte >= 0xA0 {
        d = d.help(format!(
            "in Latin-1 (ISO 8859-1) this byte is `{}`: the file was probably saved in that encoding",
            char::from(byte)
        ));
    }
    d
}

/// Control characters an author cannot see and a page cannot show.
fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn control_characters(file: &Arc<SourceFile>) -> Option<Diagnostic> {
    let mut found = file.text.char_indices().filter(|&(_, c)| is_forbidden(c));
    let (at, c) = found.next()?;
    let more = found.count();
    let code = u32::from(c);
    let name = control_name(c);
    let mut d = Diagnostic::error(
        "E0501",
        format!(
            "{} holds the control character U+{code:04X} ({name})",
            file.path.display()
        ),
    )
    .at(
        Location::new(file, at..at + c.len_utf8()),
        format!("U+{code:04X} {name}"),
    )
    .help("delete it: control characters are invisible in an editor and cannot be shown in a page; only tab, line feed and carriage return are allowed");
    if more > 0 {
        d = d.help(format!(
            "the file holds {more} more; if it is full of them (U+0000 after every letter), it is probably UTF-16: save it as UTF-8"
        ));
    }
    Some(d)
}

/// The Unicode name of a control character, or its kind where Unicode gives none.
fn control_name(c: char) -> &'static str {
    const C0: [&str; 32] = [
        "NULL",
        "START OF HEADING",
        "START OF TEXT",
        "END OF TEXT",
        "END OF TRANSMISSION",
        "ENQUIRY",
        "ACKNOWLEDGE",
        "BELL",
        "BACKSPACE",
        "CHARACTER TABULATION",
        "LINE FEED",
        "LINE TABULATION",
        "FORM FEED",
        "CARRIAGE RETURN",
        "SHIFT OUT",
        "SHIFT IN",
        "DATA LINK ESCAPE",
        "DEVICE CONTROL ONE",
        "DEVICE CONTROL TWO",
        "DEVICE CONTROL THREE",
        "DEVICE CONTROL FOUR",
        "NEGATIVE ACKNOWLEDGE",
        "SYNCHRONOUS IDLE",
        "END OF TRANSMISSION BLOCK",
        "CANCEL",
        "END OF MEDIUM",
        "SUBSTITUTE",
        "ESCAPE",
        "INFORMATION SEPARATOR FOUR",
        "INFORMATION SEPARATOR THREE",
        "INFORMATION SEPARATOR TWO",
        "INFORMATION SEPARATOR ONE",
    ];
    match u32::from(c) {
        n @ 0..=0x1F => C0[n as usize],
        0x7F => "DELETE",
        0x85 => "NEXT LINE",
        0xA0.. => "not a control character",
        _ => "a C1 control character",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> Result<Arc<SourceFile>, Diagnostic> {
        decode(Path::new("t.md"), bytes.to_vec())
    }

    #[test]
    fn a_leading_bom_is_kept_and_measured() {
        let file = decoded(b"\xEF\xBB\xBF---\n").unwrap();
        assert_eq!(bom_len(&file.text), 3);
        assert_eq!(&file.text[3..], "---\n");
        assert_eq!(bom_len("---\n"), 0);
    }

    #[test]
    fn a_bom_is_no_column_of_the_first_line() {
        let file = decoded(b"\xEF\xBB\xBFab\ncd").unwrap();
        assert_eq!(file.line_col(4), (1, 2));
        assert_eq!(file.offset_of(1, 2), Some(4));
        assert_eq!(file.line_col(7), (2, 2));
        assert_eq!(file.offset_of(2, 2), Some(7));
    }

    #[test]
    fn a_bad_byte_is_reported_at_its_line_and_column() {
        let d = decoded(b"one\ntw\xE9o\n").unwrap_err();
        assert_eq!(d.code, "E0500");
        let location = d.location.unwrap();
        assert_eq!(location.to_string(), "t.md:2:3");
        assert!(d.message.contains("0xE9"), "{}", d.message);
        assert!(d.help.iter().any(|h| h.contains('é')), "{:?}", d.help);
    }

    #[test]
    fn utf16_is_named_as_such() {
        let d = decoded(b"\xFF\xFEa\0b\0").unwrap_err();
        assert!(d.message.contains("UTF-16"), "{}", d.message);
    }

    #[test]
    fn nul_del_and_c1_controls_are_errors_with_their_place_and_name() {
        for (bytes, place, name) in [
            (&b"ab\0c"[..], "t.md:1:3", "U+0000 (NULL)"),
            (b"a\nb\x7f", "t.md:2:2", "U+007F (DELETE)"),
            (b"x\xC2\x85", "t.md:1:2", "U+0085 (NEXT LINE)"),
            (b"\x0c", "t.md:1:1", "U+000C (FORM FEED)"),
            (b"\xC2\x9B", "t.md:1:1", "U+009B (a C1 control character)"),
        ] {
            let d = decoded(bytes).unwrap_err();
            assert_eq!(d.code, "E0501");
            assert_eq!(d.location.unwrap().to_string(), place);
            assert!(d.message.contains(name), "{}", d.message);
        }
    }

    #[test]
    fn tabs_and_line_ends_of_every_kind_are_text() {
        assert!(decoded(b"a\tb\r\nc\nd\re").is_ok());
    }
}
