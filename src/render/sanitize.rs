//! News text is untrusted: before it reaches a terminal, control characters (which can move
//! the cursor, retitle the window or ring the bell), bidirectional overrides (which can make
//! text read backwards) and zero-width characters (which hide text) are removed; tabs and line
//! breaks become spaces.

use std::borrow::Cow;

/// True for characters that must not reach a terminal.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The text with unsafe characters removed and whitespace controls turned into spaces.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Drop the whole escape sequence, not just the ESC byte.
            skip_escape(&mut chars);
        } else if matches!(c, '\t' | '\n' | '\r') {
            out.push(' ');
        } else if !is_unsafe(c) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Skips the rest of an ANSI escape sequence after ESC: CSI (`[` ... final byte) and OSC
/// (`]` ... BEL or ESC `\`), or a single following character.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => {
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        Some(']') => {
            while let Some(c) = chars.next() {
                if c == '\u{07}' {
                    break;
                }
                if c == '\u{1b}' {
                    chars.next_if_eq(&'\\');
                    break;
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bidi_and_invisible_characters_go() {
        assert_eq!(sanitize("Evil \u{1b}]0;pwned\u{7} title \u{1b}[2J"), "Evil  title ");
        assert_eq!(
            sanitize("Troops \u{202e}esrever\u{202c} and \u{1b}[31mred\u{1b}[0m text \u{200b} here."),
            "Troops esrever and red text  here."
        );
        assert_eq!(sanitize("bell\u{7}\u{7f}\u{9b}"), "bell");
        assert_eq!(sanitize("line\nbreak\ttab"), "line break tab");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(sanitize("Milanović said “yes”"), Cow::Borrowed(_)));
    }
}
