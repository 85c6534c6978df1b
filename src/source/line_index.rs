//! Byte offset → 1-based line and column (columns in Unicode scalar values), built once per file.
//!
//! Lookups cost a binary search plus at most [`BLOCK`] bytes of counting, however long the line:
//! a cumulative character count is kept per block of the file, so a 1 MB single-line JSON file
//! with thousands of findings stays fast.

/// Bytes per checkpoint of the cumulative character count.
const BLOCK: usize = 256;

#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts; `line_starts[0] == 0`.
    line_starts: Vec<u32>,
    /// `chars_before[k]` = characters in `text[..k * BLOCK]`.
    chars_before: Vec<u32>,
    len: u32,
}

/// Characters among `bytes`: every byte that is not a UTF-8 continuation byte starts one. This
/// holds for any byte range, so block boundaries need not fall on character boundaries.
fn count_chars(bytes: &[u8]) -> u32 {
    let n = bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl LineIndex {
    /// O(n) over the text. A line ends after `\n`; a `\r` before it belongs to no column.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        let mut line_starts = vec![0];
        line_starts.extend(bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| clamp(i + 1)));
        let mut chars_before = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut total = 0u32;
        for block in bytes.chunks(BLOCK) {
            chars_before.push(total);
            total = total.saturating_add(count_chars(block));
        }
        chars_before.push(total);
        LineIndex { line_starts, chars_before, len: clamp(bytes.len()) }
    }

    /// Characters in `text[..offset]`, with `offset <= text.len()`.
    fn chars_to(&self, text: &str, offset: usize) -> u32 {
        let block = offset / BLOCK;
        let base = self.chars_before.get(block).copied().unwrap_or(0);
        let tail = text.as_bytes().get(block * BLOCK..offset).map_or(0, count_chars);
        base.saturating_add(tail)
    }

    /// 1-based line and column of `offset` in `text` (the same text the index was built from).
    /// Offsets past the end clamp to the end; an offset inside a character counts as that
    /// character. Columns count Unicode scalar values, so `é` and `😀` are one column each.
    pub fn line_col(&self, text: &str, offset: u32) -> (u32, u32) {
        let mut offset = offset.min(self.len).min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        while offset > 0 && !text.is_char_boundary(offset as usize) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1) - 1;
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = self.chars_to(text, offset as usize).saturating_sub(self.chars_to(text, start as usize));
        (u32::try_from(line + 1).unwrap_or(u32::MAX), col + 1)
    }

    /// Number of lines (a final line without `\n` counts; an empty text has one line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts, if it exists.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get((line as usize).checked_sub(1)?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn ascii_lines() {
        let text = "ab\ncd\n\nef";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (1, 3));
        assert_eq!(index.line_col(text, 3), (2, 1));
        assert_eq!(index.line_col(text, 6), (3, 1));
        assert_eq!(index.line_col(text, 8), (4, 2));
        assert_eq!(index.line_col(text, 99), (4, 3));
        assert_eq!(index.line_start(2), Some(3));
        assert_eq!(index.line_start(0), None);
    }

    #[test]
    fn crlf_does_not_count_the_carriage_return() {
        let text = "a: 1\r\nbb: 2\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 6), (2, 1));
        assert_eq!(index.line_col(text, 10), (2, 5));
        assert_eq!(index.line_col(text, 11), (2, 6));
    }

    #[test]
    fn columns_count_scalar_values() {
        let text = "x: é😀z\n😀: q";
        let index = LineIndex::new(text);
        let z = text.find('z').expect("z");
        assert_eq!(index.line_col(text, z as u32), (1, 6));
        let q = text.find('q').expect("q");
        assert_eq!(index.line_col(text, q as u32), (2, 4));
        // Inside the emoji: that character's column.
        let emoji = text.find('😀').expect("emoji");
        assert_eq!(index.line_col(text, emoji as u32 + 2), (1, 5));
    }

    #[test]
    fn long_lines_across_blocks() {
        let mut text = String::new();
        for i in 0..2000 {
            text.push(if i % 3 == 0 { 'é' } else { 'a' });
        }
        text.push('\n');
        text.push_str(&"ü".repeat(700));
        let index = LineIndex::new(&text);
        for (expected_col, (offset, _)) in text.char_indices().take(2000).enumerate() {
            assert_eq!(index.line_col(&text, offset as u32), (1, expected_col as u32 + 1));
        }
        let second = text.find('ü').expect("second line");
        assert_eq!(index.line_col(&text, (second + 2 * 650) as u32), (2, 651));
    }

    #[test]
    fn empty_text() {
        let index = LineIndex::new("");
        assert_eq!(index.line_col("", 0), (1, 1));
        assert_eq!(index.line_count(), 1);
    }
}
