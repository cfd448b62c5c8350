//! The short text forms the CLI reads (and a page could offer in a text box):
//!
//! - a variant: `NAME:key=value,key=value` (`rr4:policy=rr,quantum=4`), or without a name
//!   (`policy=rr,quantum=4`, named after its edits), or a name alone (`base:`, the base as is);
//! - a series list: `key=v1,v2,…` (`policy=fcfs,rr`: one series per value, named by it), or one
//!   variant as above;
//! - values: `1,2,4,8`, ranges `1..16` (inclusive, as `compute 1..3`) and `1..16:3` (every 3rd),
//!   mixed (`1..4,8,16`);
//! - policies: `fcfs,sjf,rr` or `all` ([`Policy::ALL`]).
//!
//! Errors say what is wrong in the text and what is expected; the caller adds the flag.

use super::{MAX_RUNS, Variant};
use crate::model::scenario::{Policy, ScenarioEdit, Setting};

/// Parses a variant (see the module). A name may not contain `:` or `=`.
pub fn variant(text: &str) -> Result<Variant, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty: give NAME:key=value,… (e.g. rr4:policy=rr,quantum=4)".into());
    }
    let (name, edits) = match text.split_once(':') {
        Some((name, rest)) if !name.contains('=') => (name.trim(), rest.trim()),
        _ => ("", text),
    };
    let edits = if edits.is_empty() {
        Vec::new()
    } else {
        edits.split(',').map(ScenarioEdit::parse).collect::<Result<Vec<_>, _>>()?
    };
    if let Some(e) =
        edits.iter().enumerate().find(|(i, e)| edits[..*i].iter().any(|f| f.setting() == e.setting())).map(|x| x.1)
    {
        return Err(format!("`{}` is given twice", e.setting().key()));
    }
    Ok(Variant::new(name, edits))
}

/// Parses a `--series` text: `key=v1,v2,…` gives one variant per value (one `=` in all), else
/// one variant ([`variant`]).
pub fn series(text: &str) -> Result<Vec<Variant>, String> {
    let text = text.trim();
    match text.split_once('=') {
        Some((key, values)) if !key.contains(':') && !values.contains('=') => {
            let setting = Setting::from_key(key.trim())?;
            (values.split(','))
                .map(|v| {
                    let edit = setting.parse(v).map_err(|e| format!("{}: {e}", setting.key()))?;
                    Ok(Variant { name: edit.value_text(), edits: vec![edit] })
                })
                .collect()
        }
        _ => Ok(vec![variant(text)?]),
    }
}

/// Parses values: numbers and inclusive ranges `A..B` or `A..B:STEP`, comma-separated, in the
/// order given. Errors: not a number or range, an empty range (A > B), a step of 0, or more
/// than [`MAX_RUNS`] values.
pub fn values(text: &str) -> Result<Vec<u64>, String> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim) {
        let number = |s: &str| {
            s.trim().parse::<u64>().map_err(|_| format!("`{item}` is not a whole number or a range A..B[:STEP]"))
        };
        match item.split_once("..") {
            None => out.push(number(item)?),
            Some((a, rest)) => {
                let (b, step) = match rest.split_once(':') {
                    Some((b, s)) => (b, number(s)?),
                    None => (rest, 1),
                };
                let (a, b) = (number(a)?, number(b)?);
                if a > b {
                    return Err(format!("`{item}` is empty: the range A..B needs A ≤ B"));
                }
                if step == 0 {
                    return Err(format!("`{item}`: the step must be at least 1"));
                }
                let count = (b - a) / step + 1;
                if count > MAX_RUNS as u64 || out.len() as u64 + count > MAX_RUNS as u64 {
                    return Err(format!("more than {MAX_RUNS} values"));
                }
                out.extend((0..count).map(|k| a + k * step));
            }
        }
        if out.len() > MAX_RUNS {
            return Err(format!("more than {MAX_RUNS} values"));
        }
    }
    Ok(out)
}

/// Parses a policy list, `fcfs,sjf,rr` or `all`. Errors: an unknown key (the error lists the
/// keys) or a policy given twice.
pub fn policies(text: &str) -> Result<Vec<Policy>, String> {
    if text.trim() == "all" {
        return Ok(Policy::ALL.to_vec());
    }
    let mut out: Vec<Policy> = Vec::new();
    for key in text.split(',').map(str::trim) {
        let p = Policy::from_key(key)
            .ok_or_else(|| format!("`{key}` is not a policy (policies: {}, or all)", Policy::keys_for_people()))?;
        if out.contains(&p) {
            return Err(format!("`{key}` is given twice"));
        }
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_with_and_without_names() {
        let v = variant("rr4:policy=rr,quantum=4").unwrap();
        assert_eq!(v.name, "rr4");
        assert_eq!(v.edits, [ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(4)]);
        assert_eq!(variant("policy=rr, quantum=4").unwrap().name, "policy=rr quantum=4");
        let base = variant("as is:").unwrap();
        assert_eq!((base.name.as_str(), base.edits.len()), ("as is", 0));
        assert_eq!(variant("x:quantum=4,quantum=5").unwrap_err(), "`quantum` is given twice");
        assert_eq!(variant("x:quantum=four").unwrap_err(), "quantum: `four` is not a whole number of µs");
        assert!(variant("x:rr").unwrap_err().contains("key=value"));
    }

    #[test]
    fn a_series_list_gives_one_series_per_value() {
        let s = series("policy=fcfs,rr").unwrap();
        let names: Vec<&str> = s.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["fcfs", "rr"]);
        assert_eq!(s[1].edits, [ScenarioEdit::Policy(Policy::RoundRobin)]);
        let one = series("rr2:policy=rr,quantum=2").unwrap();
        assert_eq!((one.len(), one[0].edits.len()), (1, 2));
        assert!(series("policy=fcfs,coinflip").unwrap_err().starts_with("policy: `coinflip` is not a policy"));
    }

    #[test]
    fn values_and_ranges() {
        assert_eq!(values("1,2,4,8").unwrap(), [1, 2, 4, 8]);
        assert_eq!(values("1..4").unwrap(), [1, 2, 3, 4]);
        assert_eq!(values("1..10:3, 16").unwrap(), [1, 4, 7, 10, 16]);
        assert_eq!(values("5..1").unwrap_err(), "`5..1` is empty: the range A..B needs A ≤ B");
        assert_eq!(values("1..4:0").unwrap_err(), "`1..4:0`: the step must be at least 1");
        assert_eq!(values("1,x").unwrap_err(), "`x` is not a whole number or a range A..B[:STEP]");
        assert_eq!(values("0..100000").unwrap_err(), format!("more than {MAX_RUNS} values"));
    }

    #[test]
    fn policy_lists() {
        assert_eq!(policies("fcfs, rr").unwrap(), [Policy::Fcfs, Policy::RoundRobin]);
        assert_eq!(policies("all").unwrap(), Policy::ALL);
        assert!(policies("fcfs,nope").unwrap_err().contains("`nope` is not a policy"));
        assert_eq!(policies("rr,rr").unwrap_err(), "`rr` is given twice");
    }
}
