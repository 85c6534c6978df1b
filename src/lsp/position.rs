//! Byte offsets (every span of rotlint) to LSP positions, in the encoding agreed at initialize.
//!
//! rotlint counts columns in Unicode scalar values, which is LSP's `utf-32`; a client that does
//! not offer it gets `utf-16` (the protocol's default), counted here from the line's text.

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::lint::SourceFile;
use crate::source::tree::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf16,
    Utf32,
}

impl Encoding {
    /// `utf-32` when the client lists it among `general.positionEncodings`, else `utf-16`.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF32) => Encoding::Utf32,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }
}

/// The position of byte `offset` of `file`: the engine's line (lines end after `\n`), and the
/// column counted in the encoding's units from the line's start. An offset inside a character
/// counts as that character, one past the end clamps to the end.
pub fn position(file: &SourceFile, offset: u32, encoding: Encoding) -> Position {
    let text: &str = &file.text;
    let mut at = (offset as usize).min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    let (line, _) = file.line_col(u32::try_from(at).unwrap_or(u32::MAX));
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[start..at];
    let units = match encoding {
        Encoding::Utf32 => prefix.chars().count(),
        Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
    };
    Position { line: line.saturating_sub(1), character: u32::try_from(units).unwrap_or(u32::MAX) }
}

pub fn range(file: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range { start: position(file, span.start, encoding), end: position(file, span.end, encoding) }
}

/// The byte offset of the start of line `line` (0-based) of `text`, or its end past the last line.
pub fn line_start(text: &str, line: u32) -> usize {
    if line == 0 {
        return 0;
    }
    text.match_indices('\n').nth(line as usize - 1).map_or(text.len(), |(i, _)| i + 1)
}

/// The byte offset of `pos` in `text`, the inverse of [`position`]: a column past the line's end
/// is the line's end (before its line break), a line past the end is the end of the text.
pub fn offset(text: &str, pos: Position, encoding: Encoding) -> usize {
    let start = line_start(text, pos.line);
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= pos.character {
            return start + i;
        }
        units += match encoding {
            Encoding::Utf32 => 1,
            Encoding::Utf16 => c.len_utf16() as u32,
        };
    }
    start + line.len()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("t.yaml"), text.into(), false)
    }

    #[test]
    fn utf32_counts_scalar_values_and_utf16_counts_surrogate_pairs() {
        let f = file("a: 1\nb: \"é😀x\"\n");
        let x = f.text.find('x').expect("x") as u32;
        assert_eq!(position(&f, x, Encoding::Utf32), Position { line: 1, character: 6 });
        assert_eq!(position(&f, x, Encoding::Utf16), Position { line: 1, character: 7 });
        // The engine's own column (1-based, scalar values) is the utf-32 column plus one.
        assert_eq!(f.line_col(x), (2, 7));
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let f = file("k: 😀\n");
        assert_eq!(position(&f, 4, Encoding::Utf16), Position { line: 0, character: 3 });
        assert_eq!(position(&f, 5, Encoding::Utf16), Position { line: 0, character: 3 });
        assert_eq!(position(&f, 999, Encoding::Utf32), Position { line: 1, character: 0 });
    }

    #[test]
    fn negotiation_prefers_utf32_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[PositionEncodingKind::UTF8])), Encoding::Utf16);
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF32];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf32);
    }

    #[test]
    fn offsets_invert_positions() {
        let f = file("a: 1\nb: \"é😀x\"\r\n");
        let x = f.text.find('x').expect("x");
        for e in [Encoding::Utf16, Encoding::Utf32] {
            assert_eq!(offset(&f.text, position(&f, x as u32, e), e), x);
        }
        assert_eq!(offset(&f.text, Position { line: 1, character: 99 }, Encoding::Utf16), f.text.len() - 2);
        assert_eq!(offset(&f.text, Position { line: 9, character: 0 }, Encoding::Utf16), f.text.len());
    }

    #[test]
    fn line_starts() {
        assert_eq!(line_start("a\nbb\nc", 0), 0);
        assert_eq!(line_start("a\nbb\nc", 2), 5);
        assert_eq!(line_start("a\nbb\nc", 7), 6);
    }
}
