//! The author's scenario text, edited in place: find a value by its path
//! (`scheduler.quantum`, `processes[0].threads[1].code`), replace it, insert a missing key or
//! remove one, keeping every other byte as written; and turn a path, or a line of a program
//! inside the file, into a line and column of the text.
//!
//! A small scanner turns the text into a tree of byte ranges (objects, arrays, strings, other
//! scalars); it checks only the structure it needs, since the scenario loader (serde_json)
//! decides what is valid. (dprint's `jsonc-parser` does the same and more, but added 13.5 KB
//! gzip to the page, whose budget is 300 KB.) Lines and columns are 1-based; a column counts
//! characters, as an editor shows them.

use std::ops::Range;

/// One step of a path: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `.name` (or the first name).
    Key(String),
    /// `[i]`.
    Index(usize),
}

/// Splits a path as errors and edits write it: `processes[0].threads[1].code`. The empty path is
/// the whole document.
pub fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for piece in path.split('.').filter(|p| !p.is_empty()) {
        let (name, mut rest) = piece.split_at(piece.find('[').unwrap_or(piece.len()));
        if !name.is_empty() {
            out.push(Step::Key(name.to_string()));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let Some(close) = inner.find(']') else { break };
            match inner[..close].parse() {
                Ok(i) => out.push(Step::Index(i)),
                Err(_) => out.push(Step::Key(inner[..close].to_string())),
            }
            rest = &inner[close + 1..];
        }
    }
    out
}

/// A value of the text, by its bytes.
enum Value {
    /// `{ … }` and its members in the text's order.
    Object { range: Range<usize>, members: Vec<Member> },
    /// `[ … ]` and its items.
    Array { range: Range<usize>, items: Vec<Value> },
    /// A string literal, quotes included.
    Str(Range<usize>),
    /// A number, `true`, `false` or `null`.
    Other(Range<usize>),
}

/// `"key": value` in an object.
struct Member {
    /// The key, unescaped.
    key: String,
    /// Where the key's closing quote ends.
    key_end: usize,
    /// From the key's opening quote to the value's end.
    range: Range<usize>,
    value: Value,
}

/// Deepest nesting the scanner follows (serde_json stops at 128).
const MAX_DEPTH: usize = 256;

/// Reads JSON text into [`Value`]s; `None` on text that is not JSON in shape.
struct Scanner<'t> {
    text: &'t str,
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        self.skip_space();
        let start = self.at;
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                self.skip_space();
                if self.peek()? != b'}' {
                    loop {
                        self.skip_space();
                        let key_start = self.at;
                        let key_range = self.string()?;
                        let key = unescape(&self.text[key_range.start + 1..key_range.end - 1])?;
                        self.eat(b':')?;
                        let value = self.value(depth + 1)?;
                        let range = key_start..value.range().end;
                        members.push(Member { key, key_end: key_range.end, range, value });
                        self.skip_space();
                        match self.peek()? {
                            b',' => self.at += 1,
                            b'}' => break,
                            _ => return None,
                        }
                    }
                }
                self.at += 1;
                Some(Value::Object { range: start..self.at, members })
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek()? != b']' {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.skip_space();
                        match self.peek()? {
                            b',' => self.at += 1,
                            b']' => break,
                            _ => return None,
                        }
                    }
                }
                self.at += 1;
                Some(Value::Array { range: start..self.at, items })
            }
            b'"' => self.string().map(Value::Str),
            _ => {
                let len =
                    self.text[start..].find([',', ']', '}', ' ', '\t', '\n', '\r']).unwrap_or(self.text.len() - start);
                self.at += len;
                (len > 0).then_some(Value::Other(start..self.at))
            }
        }
    }

    /// A string literal at the cursor: its range, quotes included.
    fn string(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        if self.peek()? != b'"' {
            return None;
        }
        self.at += 1;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        Some(start..self.at)
    }
}

/// A string literal's content without its escapes; `None` for a broken escape.
fn unescape(raw: &str) -> Option<String> {
    if !raw.contains('\\') {
        return Some(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'u' => {
                let unit =
                    |chars: &mut std::str::Chars<'_>| u32::from_str_radix(&chars.take(4).collect::<String>(), 16).ok();
                let high = unit(&mut chars)?;
                if (0xD800..0xDC00).contains(&high) {
                    let (b'\\', b'u') = (chars.next()? as u8, chars.next()? as u8) else { return None };
                    let low = unit(&mut chars)?;
                    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low.checked_sub(0xDC00)?))?
                } else {
                    char::from_u32(high)?
                }
            }
            other => other,
        });
    }
    Some(out)
}

impl Value {
    fn range(&self) -> Range<usize> {
        match self {
            Value::Object { range, .. } | Value::Array { range, .. } | Value::Str(range) | Value::Other(range) => {
                range.clone()
            }
        }
    }
}

/// Calls `f` on the document's root value; `None` if the text is not JSON in shape.
fn with_root<T>(text: &str, f: impl FnOnce(&Value) -> Option<T>) -> Option<T> {
    let mut scanner = Scanner { text, at: 0 };
    let root = scanner.value(0)?;
    scanner.skip_space();
    if scanner.at != text.len() {
        return None;
    }
    f(&root)
}

fn find<'v>(root: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(root, |v, step| match (v, step) {
        // The last of equal keys, as serde_json's maps keep it.
        (Value::Object { members, .. }, Step::Key(k)) => members.iter().rev().find(|m| &m.key == k).map(|m| &m.value),
        (Value::Array { items, .. }, Step::Index(i)) => items.get(*i),
        _ => None,
    })
}

fn range(v: &Value) -> Range<usize> {
    v.range()
}

/// The bytes of the value at `path`, if the text has it.
pub fn span(text: &str, path: &str) -> Option<Range<usize>> {
    with_root(text, |root| find(root, &steps(path)).map(range))
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    (line as u32, before[line_start..].chars().count() as u32 + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where the value at `path` starts (line, column); if the text lacks it, where its nearest
/// enclosing value that it has starts. `None` only if the text does not parse.
pub fn locate(text: &str, path: &str) -> Option<(u32, u32)> {
    let steps = steps(path);
    let start =
        with_root(text, |root| (0..=steps.len()).rev().find_map(|n| find(root, &steps[..n])).map(|v| range(v).start))?;
    Some(line_column(text, start))
}

/// Where column `column` of line `line` of the program at `path` (a string, or a list of lines)
/// is in the text, both 1-based; past the end of a program line, where that line ends. Escapes
/// (`\n`, `\"`, `\u00e9`) count as the one character they stand for. `None` if the text has no
/// such program or line.
pub fn program_position(text: &str, path: &str, line: u32, column: u32) -> Option<(u32, u32)> {
    let offset = with_root(text, |root| {
        let literals: Vec<Range<usize>> = match find(root, &steps(path))? {
            Value::Str(r) => std::iter::once(r.clone()).collect(),
            Value::Array { items, .. } => items.iter().map(range).collect(),
            _ => return None,
        };
        let mut at = (1u32, 1u32);
        for (k, lit) in literals.into_iter().enumerate() {
            if k > 0 {
                at = (at.0 + 1, 1);
            }
            if let Some(found) = find_in_literal(text, lit, &mut at, (line, column)) {
                return Some(found);
            }
        }
        None
    })?;
    Some(line_column(text, offset))
}

/// Walks one string literal (bytes `lit` of `text`, quotes included) from the decoded position
/// `at`, returning the byte offset where the decoded `target` is (or where its line ends).
fn find_in_literal(text: &str, lit: Range<usize>, at: &mut (u32, u32), target: (u32, u32)) -> Option<usize> {
    let bytes = text.as_bytes();
    if lit.len() < 2 || !matches!(bytes[lit.start], b'"' | b'\'') {
        return None;
    }
    let (mut i, end) = (lit.start + 1, lit.end - 1);
    while i < end {
        if *at == target {
            return Some(i);
        }
        let (len, newline) = if bytes[i] == b'\\' {
            match bytes.get(i + 1) {
                Some(b'u') => (6, false),
                Some(b'n') => (2, true),
                _ => (2, false),
            }
        } else {
            let c = text[i..].chars().next()?;
            (c.len_utf8(), c == '\n')
        };
        if newline {
            if at.0 == target.0 {
                return Some(i);
            }
            *at = (at.0 + 1, 1);
        } else {
            at.1 += 1;
        }
        i += len;
    }
    (at.0 == target.0).then_some(end)
}

/// Where a reader of an object or array is, between its tokens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    /// After `{`, `[` or a comma: a key (object) or an item (array) comes next.
    Start,
    /// At a key's closing quote (objects only): where a parser says a key is unknown.
    Key,
    /// After a key: a colon comes next (objects only).
    Colon,
    /// Reading a member's value or an item.
    Value,
    /// After a value: a comma or the end comes next.
    After,
}

/// An object or array open at the place asked about.
struct Open {
    object: bool,
    /// The member being read (objects), as written (unescaped).
    key: String,
    /// The item being read (arrays).
    index: usize,
    at: At,
}

/// The path of what is at byte `at` of `text`, as errors write it (`processes[0].threads`): the
/// member's value or array item being read there, else the object or array it is in. Meant for
/// where a JSON parser stopped (serde_json's line and column; `text.len()` for the end of the
/// text): the text is read only up to there, as the parser read it, so it may be broken after.
///
/// A member counts from its colon on, except that a whole key names its member at its closing
/// quote (where an unknown field is reported); an array's item from its first character,
/// whatever it is. A comma or a closing bracket where one may be is its object or array; a
/// broken value is its member or item. At the end of the text: the value or item left open.
/// (These are the paths `serde_path_to_error` gave, without its code in the page.)
pub fn path_at(text: &str, at: usize) -> String {
    let bytes = text.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut i = 0;
    loop {
        while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        // Anything but `]` after `[` or a comma starts an array's item (valid or not): a parser
        // that stops just before an item (a wrong type where it wanted a number) is in it.
        if let Some(o) = open.last_mut().filter(|o| !o.object && o.at == At::Start)
            && bytes.get(i).is_some_and(|&b| b != b']')
        {
            o.at = At::Value;
        }
        if i >= bytes.len() || i > at {
            break;
        }
        let byte = bytes[i];
        // The enclosing object or array may read a value here: it is now reading it.
        let top = open.last_mut();
        let value_here = match top {
            Some(o) if o.at == At::Value => true,
            None => i == 0,
            Some(_) => false,
        };
        match byte {
            b'{' | b'[' if value_here && open.len() < MAX_DEPTH => {
                open.push(Open { object: byte == b'{', key: String::new(), index: 0, at: At::Start });
                i += 1;
            }
            b'}' | b']' => {
                let Some(o) = open.last_mut() else { break };
                let closes = o.object == (byte == b'}') && matches!(o.at, At::Start | At::After);
                if !closes || i == at {
                    break;
                }
                open.pop();
                if let Some(parent) = open.last_mut() {
                    parent.at = At::After;
                }
                i += 1;
            }
            b',' => {
                let Some(o) = open.last_mut().filter(|o| o.at == At::After) else { break };
                o.at = At::Start;
                o.index += 1;
                i += 1;
            }
            b':' => {
                // A parser that stops at the colon (a wrong type seen just after it) is in the value.
                let Some(o) = open.last_mut().filter(|o| o.object && o.at == At::Colon) else { break };
                o.at = At::Value;
                i += 1;
            }
            b'"' => {
                let mut scanner = Scanner { text, at: i };
                let Some(end) = scanner.string().map(|r| r.end) else { break };
                match open.last_mut() {
                    Some(o) if o.object && o.at == At::Start => {
                        if at < end {
                            if at + 1 == end {
                                o.key = unescape(&text[i + 1..end - 1]).unwrap_or_default();
                                o.at = At::Key;
                            }
                            break;
                        }
                        o.key = unescape(&text[i + 1..end - 1]).unwrap_or_default();
                        o.at = At::Colon;
                    }
                    Some(o) if value_here => {
                        if at < end {
                            break;
                        }
                        o.at = At::After;
                    }
                    _ => break,
                }
                i = end;
            }
            _ => {
                let Some(end) = scalar_end(bytes, i).filter(|_| value_here) else { break };
                if at < end {
                    break;
                }
                if let Some(o) = open.last_mut() {
                    o.at = At::After;
                }
                i = end;
            }
        }
    }
    let mut path = String::new();
    for o in &open {
        match (o.object, o.at) {
            (true, At::Key | At::Value) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&o.key);
            }
            (false, At::Value) => path.push_str(&format!("[{}]", o.index)),
            _ => {}
        }
    }
    path
}

/// Where the number, `true`, `false` or `null` at byte `i` ends; `None` if it is not one (a
/// JSON number: `-`, digits without a leading zero, an optional fraction and exponent).
fn scalar_end(bytes: &[u8], i: usize) -> Option<usize> {
    let digits = |mut j: usize| {
        let from = j;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        (j > from).then_some(j)
    };
    let mut j = i;
    match bytes[i] {
        b'-' | b'0'..=b'9' => {
            j += usize::from(bytes[j] == b'-');
            j = match bytes.get(j) {
                // `02` is not a number (a parser stops at the 2, inside it).
                Some(b'0') if bytes.get(j + 1).is_some_and(u8::is_ascii_digit) => return None,
                Some(b'0') => j + 1,
                _ => digits(j)?,
            };
            if bytes.get(j) == Some(&b'.') {
                j = digits(j + 1)?;
            }
            if matches!(bytes.get(j), Some(b'e' | b'E')) {
                j += 1;
                j += usize::from(matches!(bytes.get(j), Some(b'+' | b'-')));
                j = digits(j)?;
            }
            Some(j)
        }
        _ => ["true", "false", "null"].iter().find(|w| bytes[i..].starts_with(w.as_bytes())).map(|w| i + w.len()),
    }
}

/// The byte offset of serde_json's error position in `text`: `line` is 1-based and `column`
/// counts the bytes of that line read, through the character the parser stopped at (0 if it
/// stopped at the line's break). So the offset is that character's.
pub fn offset_of_error(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column).saturating_sub(1).min(text.len())
}

/// The text with the value at `path` replaced by `json` (a JSON value, as text). A missing key
/// is added to its object (and missing objects on the way are created), after the object's last
/// member, laid out like it. `None` if the path goes through something that is not an object
/// (or an array index the text lacks), or the text does not parse.
pub fn set(text: &str, path: &str, json: &str) -> Option<String> {
    let steps = steps(path);
    with_root(text, |root| {
        if let Some(v) = find(root, &steps) {
            return Some(splice(text, range(v), json));
        }
        // The deepest enclosing value the text has; every step below it must be a key.
        let depth = (0..steps.len()).rev().find(|&n| find(root, &steps[..n]).is_some())?;
        let obj @ Value::Object { .. } = find(root, &steps[..depth])? else { return None };
        let mut value = json.to_string();
        for step in steps[depth + 1..].iter().rev() {
            let Step::Key(k) = step else { return None };
            value = format!("{{{}: {value}}}", quote(k));
        }
        let Step::Key(key) = &steps[depth] else { return None };
        Some(insert(text, obj, key, &value))
    })
}

/// The text without the member at `path` (its key, value and one separating comma). `None` if
/// the text has no such member.
pub fn remove(text: &str, path: &str) -> Option<String> {
    let steps = steps(path);
    let (Step::Key(key), parent) = steps.split_last()? else { return None };
    with_root(text, |root| {
        let Value::Object { range, members } = find(root, parent)? else { return None };
        let i = members.iter().rposition(|m| &m.key == key)?;
        let cut = if i + 1 < members.len() {
            members[i].range.start..members[i + 1].range.start
        } else if i > 0 {
            members[i - 1].range.end..members[i].range.end
        } else {
            range.start + 1..range.end - 1
        };
        Some(splice(text, cut, ""))
    })
}

/// The keys of the object at `path`, in the text's order (empty if it is not an object).
pub fn keys(text: &str, path: &str) -> Vec<String> {
    with_root(text, |root| match find(root, &steps(path))? {
        Value::Object { members, .. } => Some(members.iter().map(|m| m.key.clone()).collect()),
        _ => None,
    })
    .unwrap_or_default()
}

fn splice(text: &str, cut: Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..cut.start]);
    out.push_str(with);
    out.push_str(&text[cut.end..]);
    out
}

fn quote(key: &str) -> String {
    serde_json::to_string(key).expect("a string serialises")
}

/// Adds `"key": value` at the end of `obj` (an object), separated and spaced like its members.
fn insert(text: &str, obj: &Value, key: &str, value: &str) -> String {
    let Value::Object { range, members } = obj else { return text.to_string() };
    let Some(last) = members.last() else {
        // An empty object: `{ "key": value }`.
        return splice(text, range.start + 1..range.end - 1, &format!(" {}: {value} ", quote(key)));
    };
    // The layout between members: what follows the comma before the last one, or for a single
    // member what follows the `{`.
    let gap = match members.len() {
        1 => &text[range.start + 1..last.range.start],
        n => {
            let between = &text[members[n - 2].range.end..last.range.start];
            between.find(',').map_or(between, |c| &between[c + 1..])
        }
    };
    // The layout around the colon, as in the last member.
    let colon = &text[last.key_end..last.value.range().start];
    splice(text, last.range.end..last.range.end, &format!(",{gap}{}{colon}{value}", quote(key)))
}

/// The offset of 1-based `line` and `column` (characters) in `text`, counted in UTF-16 code
/// units as a browser's text box counts them; past the end of a line, its end.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> usize {
    let mut offset = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            return offset + l.chars().take(column.saturating_sub(1) as usize).map(char::len_utf16).sum::<usize>();
        }
        offset += l.encode_utf16().count() + 1;
    }
    text.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "{\n  \"name\": \"x\",\n  \"machine\": { \"cpus\": 2 },\n  \"scheduler\": {\n    \"policy\": \"rr\",\n    \"quantum\": 4\n  },\n  \"processes\": [{ \"name\": \"p\", \"threads\": [{ \"name\": \"m\", \"code\": [\"compute 1\", \"lod r0\"] }] }]\n}\n";

    #[test]
    fn paths_split_into_keys_and_indices() {
        use Step::*;
        assert_eq!(
            steps("processes[0].threads[12].code"),
            vec![Key("processes".into()), Index(0), Key("threads".into()), Index(12), Key("code".into())]
        );
        assert_eq!(steps(""), vec![]);
        assert_eq!(steps("processes[1][2]"), vec![Key("processes".into()), Index(1), Index(2)]);
    }

    #[test]
    fn a_value_is_found_by_its_path() {
        assert_eq!(&DOC[span(DOC, "scheduler.quantum").unwrap()], "4");
        assert_eq!(&DOC[span(DOC, "machine").unwrap()], "{ \"cpus\": 2 }");
        assert_eq!(&DOC[span(DOC, "processes[0].threads[0].code[1]").unwrap()], "\"lod r0\"");
        assert_eq!(span(DOC, "machine.thread_switch_ticks"), None);
        assert_eq!(span("{ not json", "name"), None);
    }

    #[test]
    fn lines_and_columns_count_characters() {
        // "quantum" is on line 6; its value 4 after 4 spaces + `"quantum": ` (11 chars) = column 16.
        assert_eq!(locate(DOC, "scheduler.quantum"), Some((6, 16)));
        // A path the text lacks points at the nearest enclosing value: `machine`'s `{` (line 3, col 14).
        assert_eq!(locate(DOC, "machine.thread_switch_ticks"), Some((3, 14)));
        assert_eq!(line_column("µs\nab", 2), (1, 2), "µ is two bytes, one character");
        assert_eq!(line_column("µs\nab", 4), (2, 1));
    }

    #[test]
    fn replacing_a_value_keeps_every_other_byte() {
        let out = set(DOC, "scheduler.quantum", "12").unwrap();
        assert_eq!(out, DOC.replace("\"quantum\": 4", "\"quantum\": 12"));
        let out = set(DOC, "machine.cpus", "3").unwrap();
        assert_eq!(out, DOC.replace("\"cpus\": 2", "\"cpus\": 3"));
    }

    #[test]
    fn a_missing_key_is_added_after_the_last_member_laid_out_alike() {
        let out = set(DOC, "scheduler.tie", "\"preempted_first\"").unwrap();
        assert_eq!(out, DOC.replace("\"quantum\": 4\n", "\"quantum\": 4,\n    \"tie\": \"preempted_first\"\n"));
        let out = set(DOC, "machine.thread_switch_ticks", "1").unwrap();
        assert_eq!(out, DOC.replace("{ \"cpus\": 2 }", "{ \"cpus\": 2, \"thread_switch_ticks\": 1 }"));
        // A missing object is created.
        let compact = r#"{"name":"x","processes":[]}"#;
        assert_eq!(set(compact, "machine.cpus", "2").unwrap(), r#"{"name":"x","processes":[],"machine":{"cpus": 2}}"#);
        assert_eq!(set("{}", "seed", "7").unwrap(), r#"{ "seed": 7 }"#);
        // Through a non-object there is no way.
        assert_eq!(set(DOC, "name.first", "1"), None);
        assert_eq!(set(DOC, "processes[3].name", "\"q\""), None);
    }

    #[test]
    fn removing_a_member_takes_one_comma_with_it() {
        let out = remove(DOC, "scheduler.quantum").unwrap();
        assert_eq!(out, DOC.replace(",\n    \"quantum\": 4", ""));
        let out = remove(DOC, "scheduler.policy").unwrap();
        assert_eq!(out, DOC.replace("\"policy\": \"rr\",\n    ", ""));
        assert_eq!(remove(r#"{"a": {"b": 1}}"#, "a.b").unwrap(), r#"{"a": {}}"#);
        assert_eq!(remove(DOC, "scheduler.tie"), None);
        for text in [out, remove(DOC, "machine.cpus").unwrap()] {
            serde_json::from_str::<serde_json::Value>(&text).expect("still JSON");
        }
    }

    #[test]
    fn keys_are_unescaped_and_broken_text_has_no_values() {
        assert_eq!(keys(r#"{"a\u00e9": 1, "q\"": 2, "\ud834\udd1e": 3}"#, ""), ["aé", "q\"", "𝄞"]);
        for broken in ["{", "{\"a\" 1}", "[1 2]", "{\"a\": }", "\"open", "{} x", ""] {
            assert_eq!(span(broken, ""), None, "{broken}");
        }
        let deep = "[".repeat(300) + &"]".repeat(300);
        assert_eq!(span(&deep, ""), None, "nesting beyond 256 is refused, not a stack overflow");
    }

    #[test]
    fn keys_in_the_authors_order() {
        assert_eq!(keys(DOC, "scheduler"), ["policy", "quantum"]);
        assert_eq!(keys(DOC, "name"), Vec::<String>::new());
    }

    #[test]
    fn a_program_line_is_found_in_a_list_of_lines() {
        // Program line 2 is the list's second entry, "lod r0": line 8; `"lod r0"` starts where
        // the first entry's `"compute 1", ` ends. Column 1 of the program line is just inside the quote.
        let (line, col) = program_position(DOC, "processes[0].threads[0].code", 2, 1).unwrap();
        let entry = span(DOC, "processes[0].threads[0].code[1]").unwrap();
        assert_eq!((line, col), (8, line_column(DOC, entry.start + 1).1));
        // Column 5 is the `r` of `r0`, four characters further.
        assert_eq!(program_position(DOC, "processes[0].threads[0].code", 2, 5), Some((8, col + 4)));
        // Past the end of the line: where it ends (before the closing quote).
        assert_eq!(program_position(DOC, "processes[0].threads[0].code", 2, 40), Some((8, col + 6)));
        assert_eq!(program_position(DOC, "processes[0].threads[0].code", 3, 1), None);
    }

    #[test]
    fn a_program_line_is_found_in_one_string_with_escapes() {
        // `{"code": "compute 1\n  lod r0"}`: line 2 starts after the two-character escape `\n`.
        let text = r#"{"code": "compute 1\n  l\u00f6d r0"}"#;
        let start = text.find("\\n").unwrap() + 2;
        assert_eq!(program_position(text, "code", 2, 1), Some(line_column(text, start)));
        // Column 3 is `l`; column 5 is `d`, after the six-character escape for ö.
        assert_eq!(program_position(text, "code", 2, 3), Some(line_column(text, start + 2)));
        assert_eq!(program_position(text, "code", 2, 5), Some(line_column(text, start + 2 + 1 + 6)));
    }

    #[test]
    fn a_place_is_named_by_the_path_of_what_is_there() {
        let at = |needle: &str| DOC.find(needle).unwrap();
        // Inside a value, a key, or at a value's last character: that member.
        assert_eq!(path_at(DOC, at("rr\"") + 1), "scheduler.policy");
        assert_eq!(path_at(DOC, at("4\n")), "scheduler.quantum");
        assert_eq!(path_at(DOC, at("quantum") + 7), "scheduler.quantum", "a key's closing quote");
        assert_eq!(path_at(DOC, at("lod r0") + 2), "processes[0].threads[0].code[1]");
        // A closing bracket, a comma or an opening bracket where a value was wanted: the
        // enclosing object or array, or the member whose value it is.
        assert_eq!(path_at(DOC, at("2 }") + 2), "machine");
        assert_eq!(path_at(DOC, at("\"x\",") + 3), "");
        assert_eq!(path_at(DOC, at("{ \"cpus")), "machine");
        assert_eq!(path_at(DOC, at("[\"compute")), "processes[0].threads[0].code[0]", "just inside `[`: item 0");
    }

    #[test]
    fn broken_text_is_read_up_to_the_place() {
        // serde_json stops at the first character it cannot take; what follows may be anything.
        let trailing = r#"{"p": [{"v": {"a": 1,}, "t": [1, 2"#;
        assert_eq!(path_at(trailing, trailing.find(",}").unwrap() + 1), "p[0].v");
        // Whatever follows `[` or a comma starts an item; a key counts from its colon on.
        let empty_item = "{\"processes\": [,]}";
        assert_eq!(path_at(empty_item, empty_item.find(',').unwrap()), "processes[0]");
        let no_colon = "{\"machine\": {\"cpus\" 2}}";
        assert_eq!(path_at(no_colon, no_colon.find('2').unwrap()), "machine");
        let cut_key = "{\"machine\": {\"cp";
        assert_eq!(path_at(cut_key, cut_key.len()), "machine");
        let cut = "{\n  \"name\": \"x\",\n  \"processes\": [\n";
        assert_eq!(path_at(cut, cut.len()), "processes");
        let cut_value = "{\"machine\": {\"cpus\": ";
        assert_eq!(path_at(cut_value, cut_value.len()), "machine.cpus");
        let no_comma = "{\"name\": \"x\" \"processes\": []}";
        assert_eq!(path_at(no_comma, no_comma.find("\"processes").unwrap()), "");
        assert_eq!(path_at("hello", 0), "");
    }

    #[test]
    fn a_parsers_line_and_column_is_a_byte_offset() {
        // serde_json's column counts the line's bytes through the character it stopped at.
        let text = "{\n  \"µ\": x\n}";
        assert_eq!(offset_of_error(text, 2, 9), text.find('x').unwrap(), "µ is two bytes");
        assert_eq!(offset_of_error(text, 3, 0), text.rfind('\n').unwrap(), "column 0: the line break before");
        assert_eq!(offset_of_error(text, 9, 9), text.len());
    }

    #[test]
    fn utf16_offsets_match_a_browser_text_box() {
        let text = "ab\nµ𝄞x\n";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 2, 1), 3);
        // µ is one UTF-16 unit, 𝄞 two: column 3 (x) is 3 + 1 + 2.
        assert_eq!(utf16_offset(text, 2, 3), 6);
        assert_eq!(utf16_offset(text, 9, 1), 8);
    }
}
