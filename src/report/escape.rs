//! Making template-controlled text safe for the output it goes into.
//!
//! Resource ids, file names, values and suppression reasons come from the repository being
//! linted, which in a pull request is an outsider's. Printed raw they could move the terminal
//! (ESC, CSI, BEL), hide text (bidirectional overrides), or start a line with a GitHub workflow
//! command (`\n::error …`). Human formats therefore show every such character as `\u{..}`;
//! JSON formats keep the value but write those characters as `\uXXXX` escapes, which the JSON
//! reader turns back into the same string.

use std::borrow::Cow;

/// Characters never printed raw: C0 controls (tab excepted), DEL, C1 controls, the Unicode line
/// and paragraph separators, and the bidirectional formatting characters.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// For human formats (text, compact, `paths` text and diagrams): unsafe characters, line breaks
/// included, become `\u{..}`, so one template string is always one line of output.
pub fn human(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// For serialised JSON: unsafe characters that a JSON serialiser may leave raw (C1 controls,
/// separators, bidirectional formatting) become `\uXXXX` escapes. They can only occur inside
/// JSON strings, where the escape means the same character, so the document's value is unchanged.
pub fn json(serialised: String) -> String {
    if !serialised.chars().any(is_unsafe_in_json) {
        return serialised;
    }
    let mut out = String::with_capacity(serialised.len() + 16);
    for c in serialised.chars() {
        if is_unsafe_in_json(c) {
            // Every character escaped here is in the Basic Multilingual Plane: one `\uXXXX`.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Unsafe characters other than the ASCII controls, which serialisers already escape (and the
/// pretty-printer's own line breaks, which must stay).
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && !c.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_escapes_controls_line_breaks_and_bidi() {
        assert_eq!(human("plain `Id` é 😀\ttab"), "plain `Id` é 😀\ttab");
        assert_eq!(human("a\n::error::x"), "a\\u{a}::error::x");
        assert_eq!(human("\u{1b}[31mred\u{7}"), "\\u{1b}[31mred\\u{7}");
        assert_eq!(human("\u{9b}2J\u{202e}cba"), "\\u{9b}2J\\u{202e}cba");
        assert_eq!(human("r\rn\u{2028}"), "r\\u{d}n\\u{2028}");
    }

    #[test]
    fn json_escapes_keep_the_value() {
        let value = serde_json::json!({"id": "a\u{9b}b\u{202e}c\n\u{1b}"});
        let text = json(serde_json::to_string_pretty(&value).expect("serialise"));
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text}");
        assert!(text.contains("\\u009b") && text.contains("\\u202e"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value);
    }
}
