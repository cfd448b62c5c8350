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

/// `v` with exactly `decimals` digits after the point (at most 20), as `format!("{v:.N}")`
/// writes it, byte for byte (rounded to the nearest, a tie to the even digit, a negative value
/// that rounds to zero keeping its `-`; `NaN`, `inf`, `-inf`), but by integer arithmetic: the
/// pages use it instead of `{:.N}` so their wasm does not link core's float formatting (about
/// 8 KB gzip). `v` is exactly `m·2^e` (its bits); `m·10^N·2^e` is split into its whole part and
/// the remainder, compared with one half. Checked against `format!` in the tests below.
pub fn fixed(v: f64, decimals: usize) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    let neg = v.is_sign_negative();
    let mut out = String::from(if neg { "-" } else { "" });
    if v.is_infinite() {
        out.push_str("inf");
        return out;
    }
    let d = decimals.min(20);
    let bits = v.to_bits();
    let (biased, frac) = (((bits >> 52) & 0x7ff) as i32, bits & ((1 << 52) - 1));
    // v = m · 2^e exactly (a subnormal has no hidden bit).
    let (m, e) = if biased == 0 { (frac, -1074) } else { (frac | 1 << 52, biased - 1075) };
    // m · 10^d < 2^53 · 10^20 < 2^120: fits.
    let scaled = u128::from(m) * 10u128.pow(d as u32);
    let digits = if e >= 0 {
        whole_digits(scaled, e as u32)
    } else {
        let s = (-e) as u32;
        let (q, r) = if s >= 128 { (0, scaled) } else { (scaled >> s, scaled & ((1u128 << s) - 1)) };
        // Compare the remainder with one half, 2^(s−1) (more than `scaled` when s > 120).
        let round_up = s <= 120 && {
            let half = 1u128 << (s - 1);
            r > half || (r == half && q & 1 == 1)
        };
        whole_digits(q + u128::from(round_up), 0)
    };
    let digits = format!("{}{digits}", "0".repeat((d + 1).saturating_sub(digits.len())));
    let (int, fraction) = digits.split_at(digits.len() - d);
    out.push_str(int);
    if d > 0 {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// The decimal digits of `n · 2^shift`: with 9-digit limbs (least significant first) past a
/// `u64`, since a large double's whole part passes even a `u128`.
fn whole_digits(n: u128, shift: u32) -> String {
    if shift == 0
        && let Ok(small) = u64::try_from(n)
    {
        return small.to_string();
    }
    const BASE: u64 = 1_000_000_000;
    let mut limbs = Vec::new();
    let mut rest = n;
    while rest > 0 {
        limbs.push((rest % u128::from(BASE)) as u64);
        rest /= u128::from(BASE);
    }
    let mut left = shift;
    while left > 0 {
        let k = left.min(30);
        left -= k;
        let mut carry = 0u64;
        for limb in &mut limbs {
            let x = (*limb << k) + carry;
            *limb = x % BASE;
            carry = x / BASE;
        }
        while carry > 0 {
            limbs.push(carry % BASE);
            carry /= BASE;
        }
    }
    let mut out = limbs.last().map_or_else(|| "0".to_string(), u64::to_string);
    for limb in limbs.iter().rev().skip(1) {
        let s = limb.to_string();
        out.push_str(&"0".repeat(9 - s.len()));
        out.push_str(&s);
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

    /// `fixed` against `format!("{v:.N}")`, the reference it replaces.
    fn same(v: f64, d: usize) {
        assert_eq!(super::fixed(v, d), format!("{v:.d$}"), "{v:e} to {d} decimals");
    }

    #[test]
    fn fixed_decimals_match_format_on_chosen_values() {
        // Ties (exact in binary) round to even: 0.5 → 0, 1.5 → 2, 2.5 → 2, 0.125 → 0.12.
        for v in [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1e-300, 5e-324, -5e-324, 0.1, 0.7, 99.995] {
            for d in 0..=6 {
                same(v, d);
            }
        }
        for v in [1e15, 1e20, 123456789012345678901234.0, 1.7976931348623157e308, f64::MAX, -f64::MAX] {
            same(v, 0);
            same(v, 3);
        }
        assert_eq!(super::fixed(f64::NAN, 2), "NaN");
        assert_eq!(super::fixed(f64::INFINITY, 2), "inf");
        assert_eq!(super::fixed(f64::NEG_INFINITY, 1), "-inf");
        // Worked: 12.3456 to 2 decimals is 12.35 (0.0056 is past the half hundredth).
        assert_eq!(super::fixed(12.3456, 2), "12.35");
        assert_eq!(super::fixed(-0.004, 2), "-0.00");
    }

    proptest::proptest! {
        #[test]
        fn fixed_decimals_match_format_on_any_double(bits in proptest::num::u64::ANY, d in 0usize..=8) {
            same(f64::from_bits(bits), d);
        }

        #[test]
        fn fixed_decimals_match_format_on_page_sized_values(v in -1.0e7f64..1.0e7, d in 0usize..=4) {
            same(v, d);
            // Values made of few decimals, where ties and near-ties are common.
            same((v * 1000.0).round() / 1000.0, d);
            same((v * 8.0).round() / 8.0, d);
        }
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1_000), "1,000");
        assert_eq!(super::grouped(16_777_216), "16,777,216");
    }
}
