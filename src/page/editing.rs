//! Keys of the scenario editor that change its text (Tab indents, Shift+Tab outdents), as pure
//! functions on the text and a selection. Offsets count UTF-16 code units, as a browser's text
//! box does (`selectionStart`).

/// Spaces one Tab inserts or removes (the presets' indentation step).
pub const INDENT: usize = 2;

/// The text and selection after a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edited {
    /// The new text.
    pub text: String,
    /// Selection start, UTF-16 units.
    pub start: usize,
    /// Selection end, UTF-16 units.
    pub end: usize,
}

/// Tab (`outdent` false) or Shift+Tab (true) with the selection `start..end`: a caret gets
/// [`INDENT`] spaces; a selection indents, or outdents, every line it touches (a line where the
/// selection merely ends at its start is not touched). Out-of-range offsets are clamped.
pub fn tab(text: &str, start: usize, end: usize, outdent: bool) -> Edited {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    let (start, end) = (start.min(units.len()), end.min(units.len()).max(start.min(units.len())));
    let space = u16::from(b' ');
    if start == end && !outdent {
        units.splice(start..start, std::iter::repeat_n(space, INDENT));
        return edited(&units, start + INDENT, start + INDENT);
    }
    let newline = u16::from(b'\n');
    let line_start = |at: usize| units[..at].iter().rposition(|&u| u == newline).map_or(0, |i| i + 1);
    let last = if end > start && end > 0 && units[end - 1] == newline { end - 1 } else { end };
    let mut starts = vec![line_start(start)];
    starts.extend((starts[0]..last).filter(|&i| units[i] == newline).map(|i| i + 1));
    let (mut new_start, mut new_end) = (start, end);
    // From the last line up, so earlier offsets stay valid.
    for &ls in starts.iter().rev() {
        if outdent {
            let n = units[ls..].iter().take(INDENT).take_while(|&&u| u == space).count();
            units.drain(ls..ls + n);
            new_end -= n.min(new_end.saturating_sub(ls));
            if ls <= start {
                new_start -= n.min(start - ls);
            }
        } else {
            units.splice(ls..ls, std::iter::repeat_n(space, INDENT));
            new_end += INDENT;
            if ls <= start && start > ls {
                new_start += INDENT;
            }
        }
    }
    edited(&units, new_start, new_end)
}

fn edited(units: &[u16], start: usize, end: usize) -> Edited {
    Edited { text: String::from_utf16_lossy(units), start, end }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_at_a_caret_inserts_two_spaces() {
        assert_eq!(tab("ab", 1, 1, false), Edited { text: "a  b".into(), start: 3, end: 3 });
    }

    #[test]
    fn tab_on_a_selection_indents_each_line_it_touches() {
        // Lines "a", "b", "c"; the selection runs from inside "a" to the start of "c": a and b move.
        let out = tab("a\nb\nc", 0, 4, false);
        assert_eq!(out.text, "  a\n  b\nc");
        assert_eq!((out.start, out.end), (0, 8));
        // Starting mid-line keeps the selection on the same characters.
        let out = tab("xa\nb", 1, 4, false);
        assert_eq!((out.text.as_str(), out.start, out.end), ("  xa\n  b", 3, 8));
    }

    #[test]
    fn shift_tab_removes_up_to_two_leading_spaces() {
        let out = tab("    a\n b\nc", 0, 9, true);
        assert_eq!(out.text, "  a\nb\nc");
        assert_eq!((out.start, out.end), (0, 6));
        assert_eq!(tab("  a", 3, 3, true), Edited { text: "a".into(), start: 1, end: 1 });
    }

    #[test]
    fn offsets_count_utf16_units() {
        // 𝄞 is two UTF-16 units: the caret after it is at 2.
        assert_eq!(tab("𝄞", 2, 2, false), Edited { text: "𝄞  ".into(), start: 4, end: 4 });
        assert_eq!(tab("x", 9, 9, false).text, "x  ", "clamped to the end");
    }
}
