//! HTML written as text, without web types: escaping, and a message's `` `…` `` spans as
//! `<code>`. The page's text-built views (`src/ui/markup.rs`) and the lab workers' panels
//! (`src/lab/html.rs`) both write their markup with these, so text from a scenario, a form or
//! a learner is escaped one way everywhere.

/// `s` with `&`, `<`, `>`, `"` and `'` escaped: safe as HTML text or a quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` split at backticks: `(is_code, piece)` pairs, in order; an unmatched backtick is kept
/// as plain text.
pub fn code_pieces(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else { break };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        out.push((true, &rest[open + 1..open + 1 + len]));
        rest = &rest[open + 1 + len + 1..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// `text` escaped, its `` `…` `` spans as `<code>` ([`code_pieces`]).
pub fn with_code(text: &str) -> String {
    let mut out = String::new();
    for (code, piece) in code_pieces(text) {
        if code {
            out.push_str("<code>");
            out.push_str(&escape(piece));
            out.push_str("</code>");
        } else {
            out.push_str(&escape(piece));
        }
    }
    out
}

/// An integer with `,` thousands separators, as the pages write counts ("2,000,000"); used by
/// the simulator page (`ui::format`) and the parallel mode's sentences (`parallel::lessons`).
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_outside_cannot_open_a_tag_or_leave_an_attribute() {
        assert_eq!(escape(r#"<b a="x" b='y'>&"#), "&lt;b a=&quot;x&quot; b=&#39;y&#39;&gt;&amp;");
        assert_eq!(with_code("use `<rr>` here"), "use <code>&lt;rr&gt;</code> here");
    }

    #[test]
    fn an_unmatched_backtick_stays_text() {
        assert_eq!(code_pieces("a `b` c `d"), vec![(false, "a "), (true, "b"), (false, " c `d")]);
        assert_eq!(with_code("`x` and `"), "<code>x</code> and `");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1_000), "1,000");
        assert_eq!(super::grouped(16_777_216), "16,777,216");
    }
}
