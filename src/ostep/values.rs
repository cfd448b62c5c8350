//! Flag values as OSTEP's simulators read them (Python's `optparse`, `int()`, `float()`), and
//! numbers printed as Python prints them.
//!
//! Each parser returns a message without the flag's name; callers ([`super::OstepError`], the
//! CLI's argument parser) add it.

use crate::model::Ticks;

/// Largest integer a flag takes in magnitude (Python's are unbounded; 2¹²⁷ is plenty).
const INT_MAX_DIGITS: usize = 38;

/// The message for an empty integer (no backquoted nothing: `` `` is not an integer``).
const EMPTY_INT: &str = "empty: write an integer like 3";

/// An integer flag (`type="int"` in `optparse`): decimal with an optional sign, or `0x…` hex,
/// `0b…` binary, and a leading `0` meaning octal, as `optparse` reads them (so `-s 010` is 8).
/// Errors: not an integer in that base, or too large.
pub fn int(text: &str) -> Result<i128, String> {
    if text.trim().is_empty() {
        return Err(EMPTY_INT.into());
    }
    let bad = || format!("`{text}` is not an integer");
    let lower = text.to_ascii_lowercase();
    let (digits, radix, negative) = if let Some(hex) = lower.strip_prefix("0x") {
        (hex, 16, false)
    } else if let Some(bin) = lower.strip_prefix("0b") {
        (if bin.is_empty() { "0" } else { bin }, 2, false)
    } else if lower.starts_with('0') {
        // Python's int(s, 8) also takes an `0o` prefix.
        (lower.strip_prefix("0o").unwrap_or(&lower), 8, false)
    } else {
        let trimmed = lower.trim();
        match trimmed.strip_prefix('-') {
            Some(rest) => (rest, 10, true),
            None => (trimmed.strip_prefix('+').unwrap_or(trimmed), 10, false),
        }
    };
    if digits.is_empty() || digits.len() > INT_MAX_DIGITS * 4 || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(bad());
    }
    let magnitude = i128::from_str_radix(digits, radix).map_err(|_| format!("`{text}` is too large"))?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// An integer as Python's `int(text)` reads it (base 10: `010` is 10), surrounding spaces and a
/// sign allowed; as used inside a flag's value (process-run's `-l 3:50`).
pub fn decimal_int(text: &str) -> Result<i128, String> {
    let t = text.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if t.is_empty() {
        return Err(EMPTY_INT.into());
    }
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{text}` is not an integer"));
    }
    let magnitude: i128 = digits.parse().map_err(|_| format!("`{text}` is too large"))?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// An integer flag that must lie in `lo..=hi`.
pub fn int_in(text: &str, lo: i64, hi: i64) -> Result<i64, String> {
    in_range(int(text)?, lo, hi)
}

/// `n` if it lies in `lo..=hi`.
pub fn in_range(n: i128, lo: i64, hi: i64) -> Result<i64, String> {
    if n < i128::from(lo) || n > i128::from(hi) {
        return Err(format!("{n} is out of range: give {lo} to {hi}"));
    }
    Ok(n as i64)
}

/// Most decimal places a length may have (the finest time unit is 10⁻⁹ of OSTEP's).
pub const MAX_DECIMALS: u32 = 9;

/// A non-negative decimal number, exactly: `digits / 10^decimals`, with no trailing zeros in the
/// fraction (`2.50` is 25 / 10¹).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    /// The number times 10^`decimals`.
    pub digits: u128,
    /// Decimal places, at most [`MAX_DECIMALS`].
    pub decimals: u32,
}

impl Decimal {
    /// Parses `2`, `2.5`, `+2.5`, `.5`, `5.`, `1e3`, `2.5E-1` (surrounding spaces allowed, as
    /// Python's `float()`). Errors: a sign `-`, `inf`/`nan`, more than [`MAX_DECIMALS`] places,
    /// or not a number.
    pub fn parse(text: &str) -> Result<Decimal, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty: write a decimal like 3 or 2.5".into());
        }
        let t = t.strip_prefix('+').unwrap_or(t);
        if t.starts_with('-') {
            return Err(format!("`{text}` is negative: a length is 0 or more"));
        }
        let not_a_number = || format!("`{text}` is not a number: write a decimal like 3 or 2.5");
        let (t, exponent) = match t.split_once(['e', 'E']) {
            None => (t, 0),
            Some((m, e)) => {
                let e = e.strip_prefix('+').unwrap_or(e);
                let ok = !e.is_empty() && e.len() <= 4 && e.trim_start_matches('-').chars().all(|c| c.is_ascii_digit());
                (m, if ok { e.parse::<i32>().map_err(|_| not_a_number())? } else { return Err(not_a_number()) })
            }
        };
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.len() + frac.len() == 0 || !all_digits(whole) || !all_digits(frac) {
            return Err(not_a_number());
        }
        // Move the point by the exponent: `2.5e1` is `25.`, `2.5e-1` is `.25`.
        let digits_all = format!("{whole}{frac}");
        let point = whole.len() as i64 + i64::from(exponent);
        if !(-40..=40).contains(&point) {
            return Err(format!("`{text}` is too large or too small"));
        }
        let (whole, frac) = if point <= 0 {
            (String::new(), format!("{}{digits_all}", "0".repeat(point.unsigned_abs() as usize)))
        } else if point as usize >= digits_all.len() {
            (format!("{digits_all}{}", "0".repeat(point as usize - digits_all.len())), String::new())
        } else {
            (digits_all[..point as usize].to_string(), digits_all[point as usize..].to_string())
        };
        let frac = frac.trim_end_matches('0');
        let decimals = frac.len() as u32;
        if decimals > MAX_DECIMALS {
            return Err(format!("`{text}` has more than {MAX_DECIMALS} decimal places"));
        }
        let joined = format!("{whole}{frac}");
        let joined = joined.trim_start_matches('0');
        if joined.len() > 30 {
            return Err(format!("`{text}` is too large"));
        }
        let digits =
            if joined.is_empty() { 0 } else { joined.parse::<u128>().map_err(|_| format!("`{text}` is too large"))? };
        Ok(Decimal { digits, decimals })
    }

    /// The number in units of 10^−`decimals` (≥ its own decimals). Errors if it is too large
    /// for a tick count.
    pub fn in_units(&self, decimals: u32) -> Option<Ticks> {
        let scaled = self.digits.checked_mul(10u128.checked_pow(decimals.checked_sub(self.decimals)?)?)?;
        Ticks::try_from(scaled).ok()
    }

    /// The nearest `f64`, as Python's `float()` gives it.
    pub fn to_f64(&self) -> f64 {
        format!("{}e-{}", self.digits, self.decimals).parse().expect("digits and an exponent parse")
    }
}

/// A run's time unit: OSTEP's unit divided by 10^`decimals`, the finest decimal unit that makes
/// every length in the run whole (`-l 2.5,1.5` runs in tenths).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeUnit {
    /// Decimal places of OSTEP's unit the model's tick resolves.
    pub decimals: u32,
}

impl TimeUnit {
    /// Ticks per OSTEP unit, 10^`decimals`.
    pub fn per_unit(&self) -> Ticks {
        10u64.pow(self.decimals)
    }

    /// `ticks` in OSTEP's units, the nearest `f64`.
    pub fn to_f64(&self, ticks: Ticks) -> f64 {
        ticks as f64 / self.per_unit() as f64
    }

    /// The whole OSTEP units in `ticks`, truncated (Python's `%d` of a float).
    pub fn whole(&self, ticks: Ticks) -> Ticks {
        ticks / self.per_unit()
    }

    /// The mean of `sum` ticks over `count` items, in OSTEP's units (one rounding).
    pub fn mean(&self, sum: Ticks, count: usize) -> f64 {
        sum as f64 / (count as f64 * self.per_unit() as f64)
    }

    /// The unit in OSTEP's units as text: `1`, `0.1`, `0.01`, …
    pub fn label(&self) -> String {
        match self.decimals {
            0 => "1".into(),
            d => format!("0.{}1", "0".repeat(d as usize - 1)),
        }
    }
}

/// `x` as Python's `str(float)` / `repr` prints it: the shortest digits that read back as `x`,
/// with `.0` on whole numbers, and exponent notation below 10⁻⁴ or from 10¹⁶ (`1e+16`,
/// `1.5e-05`).
pub fn py_float(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let sci = format!("{x:e}"); // shortest round-trip digits: "-1.2345e-7"
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    if (-4..16).contains(&exp) {
        let s = format!("{x}");
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values from CPython 3.11: `python3 -c "from optparse import OptionParser; ..."`
    /// with `type="int"`, and `repr(float(s))`.
    #[test]
    fn optparse_ints() {
        assert_eq!(int("10"), Ok(10));
        assert_eq!(int("-5"), Ok(-5));
        assert_eq!(int("010"), Ok(8));
        assert_eq!(int("0x1F"), Ok(31));
        assert_eq!(int("0b101"), Ok(5));
        assert_eq!(int("0"), Ok(0));
        assert!(int("08").is_err());
        assert_eq!(int(""), Err(EMPTY_INT.into()));
        assert_eq!(decimal_int(" "), Err(EMPTY_INT.into()));
        assert_eq!(Decimal::parse(""), Err("empty: write a decimal like 3 or 2.5".into()));
        assert!(int("1.5").is_err());
        assert!(int("-0x5").is_err());
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(Decimal::parse("2.50"), Ok(Decimal { digits: 25, decimals: 1 }));
        assert_eq!(Decimal::parse(".5"), Ok(Decimal { digits: 5, decimals: 1 }));
        assert_eq!(Decimal::parse("3"), Ok(Decimal { digits: 3, decimals: 0 }));
        assert_eq!(Decimal::parse("0"), Ok(Decimal { digits: 0, decimals: 0 }));
        assert_eq!(Decimal::parse("2.5").unwrap().in_units(2), Some(250));
        assert!(Decimal::parse("-1").is_err());
        assert_eq!(Decimal::parse("1e3"), Ok(Decimal { digits: 1000, decimals: 0 }));
        assert_eq!(Decimal::parse("2.5E-1"), Ok(Decimal { digits: 25, decimals: 2 }));
        assert!(Decimal::parse("1e").is_err());
        assert!(Decimal::parse("inf").is_err());
        assert!(Decimal::parse(".").is_err());
        assert!(Decimal::parse("0.0000000001").is_err());
    }

    #[test]
    fn python_float_repr() {
        assert_eq!(py_float(3.0), "3.0");
        assert_eq!(py_float(2.5), "2.5");
        assert_eq!(py_float(0.1), "0.1");
        assert_eq!(py_float(1e16), "1e+16");
        assert_eq!(py_float(1234567890123456.0), "1234567890123456.0");
        assert_eq!(py_float(0.0001), "0.0001");
        assert_eq!(py_float(1.5e-5), "1.5e-05");
        assert_eq!(py_float(1.2345678901234567e19), "1.2345678901234567e+19");
    }
}
