//! serde's messages about a scenario file, in a learner's words: what the field must be (a table
//! by field name), what was found, and for a misspelt field the likely intended one. Never a Rust
//! type name (`u32`, `ProcessSpec`, `Option<…>`).

use crate::model::scheduler::spec::Policy;

/// What the field named `key` must be, as a learner reads it; `None` for a field not listed.
fn must_be(key: &str) -> Option<String> {
    Some(match key {
        "scenario" => "an object like { \"name\": \"…\", \"processes\": [ … ] }".into(),
        "format" => "the format version, a whole number (this Threadlab writes 2)".into(),
        "name" | "description" => "text in double quotes".into(),
        "machine" => "an object like { \"cpus\": 2 }".into(),
        "cpus" => format!("a whole number from 1 to {}", super::MAX_CPUS),
        "thread_switch_ticks" | "process_switch_ticks" | "arrival" | "max_time" => {
            "a whole number of µs, 0 or more".into()
        }
        "scheduler" => "an object like { \"policy\": \"rr\", \"quantum\": 4 }".into(),
        "policy" => format!("the name of a policy: {}", Policy::keys_for_people()),
        "quantum" | "expected_burst" => "a whole number of µs, at least 1".into(),
        "tie" => "`arrivals_first` or `preempted_first`".into(),
        "seed" => "a whole number, 0 or more".into(),
        "limits" => "an object like { \"max_steps\": 200000 }".into(),
        "max_steps" => "a whole number of instructions, 1 or more".into(),
        "processes" => "a list of processes, like [{ \"name\": \"p\", \"threads\": [ … ] }]".into(),
        "memory" => "an object like { \"code_bytes\": 4096 }".into(),
        "code_bytes" | "data_bytes" | "heap_bytes" | "stack_bytes_per_thread" => {
            "a whole number of bytes, 0 or more".into()
        }
        "variables" | "expected" => "an object of names and whole numbers, like { \"counter\": 0 }".into(),
        "programs" => "an object of program names and programs, like { \"worker\": [\"compute 5\"] }".into(),
        "threads" => "a list of threads, like [{ \"name\": \"main\", \"code\": [\"compute 5\"] }]".into(),
        "code" => "program text: a list of lines like [\"compute 5\", \"exit\"], or one string".into(),
        "program" => "the name of one of the process's `programs`".into(),
        "priority" => "a whole number (it may be negative)".into(),
        "nice" => "a whole number from -20 to 19".into(),
        "tickets" => "a whole number, at least 1".into(),
        "affinity" => "a list of CPU numbers, like [0, 1]".into(),
        "preempt_on_equal" => "true or false".into(),
        "semaphores" => "an object of semaphore names and settings, like { \"slots\": { \"initial\": 4 } }".into(),
        "semaphore" => "an object like { \"initial\": 1 } or { \"initial\": 0, \"max\": 4 }".into(),
        "initial" => "a whole number, 0 or more".into(),
        "max" => "a whole number, at least 1".into(),
        "barriers" => "an object of barrier names and thread counts, like { \"b\": 3 }".into(),
        "barrier count" => "a whole number of threads, at least 1".into(),
        "rwlocks" => {
            "an object of read-write lock names and settings, like { \"l\": { \"prefer\": \"writers\" } }".into()
        }
        "read-write lock" => "an object like { \"prefer\": \"readers\" }".into(),
        "prefer" => "`readers` or `writers`".into(),
        _ => return None,
    })
}

/// serde's name for what it expected, in words (for fields the table lacks).
fn expected_in_words(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a boolean" | "bool" => "true or false".into(),
        "a string" | "string" | "a borrowed string" | "char" => "text in double quotes".into(),
        "a sequence" => "a list [ … ]".into(),
        "a map" => "an object { … }".into(),
        _ if e.starts_with("struct ") || e.starts_with("a map") => "an object { … }".into(),
        _ if e.starts_with("a sequence") || e.starts_with("tuple") => "a list [ … ]".into(),
        _ if e.starts_with("option") || e.starts_with("Option") => "a value, or leave the field out".into(),
        _ => strip_rust(e),
    }
}

/// What serde found (`string "two"`, ``integer `5` ``), in words.
fn found_in_words(unexpected: &str) -> String {
    let u = unexpected.trim();
    let ticked = |prefix: &str| u.strip_prefix(prefix).map(|rest| rest.trim_matches('`').to_string());
    if let Some(s) = u.strip_prefix("string ") {
        return format!("the text {s}");
    }
    for prefix in ["integer ", "floating point ", "boolean ", "character "] {
        if let Some(v) = ticked(prefix) {
            return v;
        }
    }
    match u {
        "null" | "unit value" => "null".into(),
        "sequence" => "a list [ … ]".into(),
        "map" => "an object { … }".into(),
        other => strip_rust(other),
    }
}

/// Removes Rust paths (`a::b::C` → `C`) from a message that has no better wording.
fn strip_rust(s: &str) -> String {
    s.split(' ').map(|w| w.rsplit("::").next().unwrap_or(w)).collect::<Vec<_>>().join(" ")
}

/// The field an error is about, from its path: the last key, or for a list entry `code[2]`,
/// "line 3 of `code`"; and the enclosing field's key (`machine` for `machine.cpus`).
struct Field {
    /// The last key (`cpus`), or for a list entry its list's key.
    key: String,
    /// The key before it, if any (`machine`); for a list entry, the list's key.
    parent: Option<String>,
    /// How a message names it: `` `cpus` ``, `` line 3 of `code` ``, `` `counter` in `variables` ``.
    label: String,
}

fn field(path: &str) -> Field {
    use super::text::Step;
    let steps = super::text::steps(path);
    let keys: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    let last_key = keys.last().copied().unwrap_or("");
    let parent = keys.len().checked_sub(2).map(|i| keys[i].to_string());
    match steps.last() {
        Some(Step::Index(i)) if last_key == "code" || parent.as_deref() == Some("programs") => Field {
            key: "code line".into(),
            parent: Some(last_key.into()),
            label: format!("line {} of `{last_key}`", i + 1),
        },
        Some(Step::Index(i)) => {
            Field { key: last_key.into(), parent: Some(last_key.into()), label: format!("entry {i} of `{last_key}`") }
        }
        _ => match parent.as_deref() {
            Some(map @ ("variables" | "expected")) => Field {
                key: "variable value".into(),
                parent: parent.clone(),
                label: format!("`{last_key}` in `{map}`"),
            },
            Some("programs") => {
                Field { key: "code".into(), parent: parent.clone(), label: format!("program `{last_key}`") }
            }
            Some("barriers") => {
                Field { key: "barrier count".into(), parent: parent.clone(), label: format!("barrier `{last_key}`") }
            }
            Some("semaphores") => {
                Field { key: "semaphore".into(), parent: parent.clone(), label: format!("semaphore `{last_key}`") }
            }
            Some("rwlocks") => Field {
                key: "read-write lock".into(),
                parent: parent.clone(),
                label: format!("read-write lock `{last_key}`"),
            },
            _ => Field { key: last_key.into(), parent, label: format!("`{last_key}`") },
        },
    }
}

/// What `f` must be: the table's words, else serde's `expected` in words.
fn requirement(f: &Field, expected: &str) -> String {
    match f.key.as_str() {
        "variable value" => "a whole number".into(),
        "code line" => "one line of program text in double quotes, like \"compute 5\"".into(),
        key => must_be(key).unwrap_or_else(|| expected_in_words(expected)),
    }
}

/// Closest of `names` to `wrong` by edit distance, if it is a plausible typo (≤ 2 edits).
fn closest<'n>(wrong: &str, names: &[&'n str]) -> Option<&'n str> {
    let distance = |a: &str, b: &str| {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let here = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
                prev = here;
            }
        }
        row[b.len()]
    };
    names.iter().map(|n| (distance(wrong, n), *n)).filter(|&(d, _)| d <= 2).min().map(|(_, n)| n)
}

/// The backticked names in serde's "expected one of `a`, `b`" tail.
fn ticked_names(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// serde's message about the value at `path`, in a learner's words. `path` is where the problem
/// is (for a missing field, the object that lacks it); returns the message and the path to
/// report (for a missing field, the field's own path).
pub(super) fn in_learner_words(path: &str, raw: &str) -> (String, String) {
    let mut f = field(path);
    if path.is_empty() {
        f.label = "the scenario".into();
        f.key = "scenario".into();
    }
    let raw = raw.trim();
    let at = |p: &str| p.to_string();
    if let Some(rest) = raw.strip_prefix("invalid type: ").or_else(|| raw.strip_prefix("invalid value: ")) {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let msg = format!("{} must be {}, got {}", f.label, requirement(&f, expected), found_in_words(found));
        return (msg, at(path));
    }
    if let Some(rest) = raw.strip_prefix("invalid length ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        let msg = format!("{} must be {}, got a list [ … ]", f.label, requirement(&f, expected));
        return (msg, at(path));
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let known = ticked_names(tail);
        let within = match f.parent.as_deref() {
            Some(p) => format!(" in `{p}`"),
            None => " at the top of the scenario".into(),
        };
        let mut msg = format!("unknown field `{name}`{within}");
        match closest(name, &known) {
            Some(best) => msg += &format!(": did you mean `{best}`?"),
            None if known.is_empty() => msg += ": nothing else is allowed here (remove it)",
            None => {}
        }
        if !known.is_empty() {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            msg += &format!(" (allowed here: {})", list.join(", "));
        }
        return (msg, at(path));
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        let own = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
        let whose = if path.is_empty() { "the scenario".to_string() } else { format!("`{path}`") };
        let what = must_be(name).map(|w| format!(": it must be {w}")).unwrap_or_default();
        return (format!("`{name}` is missing from {whose}{what}"), own);
    }
    if let Some(rest) = raw.strip_prefix("duplicate field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return (format!("`{name}` is given twice here: keep one"), at(path));
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let known = ticked_names(tail);
        let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        let mut msg = format!("{} must be one of {}, got `{name}`", f.label, list.join(", "));
        if let Some(best) = closest(name, &known) {
            msg += &format!(": did you mean `{best}`?");
        }
        return (msg, at(path));
    }
    if raw.starts_with("must be ") {
        return (format!("{} {raw}", f.label), at(path));
    }
    if raw == "number out of range" {
        return (format!("{} must be {}: this number is far too large", f.label, requirement(&f, "")), at(path));
    }
    (strip_rust(raw), at(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(path: &str, raw: &str) -> String {
        in_learner_words(path, raw).0
    }

    #[test]
    fn a_wrong_type_says_what_the_field_must_be_and_what_was_found() {
        assert_eq!(
            words("machine.cpus", "invalid type: string \"two\", expected u32"),
            "`cpus` must be a whole number from 1 to 64, got the text \"two\""
        );
        assert_eq!(
            words("processes[0].arrival", "invalid value: integer `-3`, expected u64"),
            "`arrival` must be a whole number of µs, 0 or more, got -3"
        );
        assert_eq!(
            words("processes[0].variables.counter", "invalid type: floating point `1.5`, expected i64"),
            "`counter` in `variables` must be a whole number, got 1.5"
        );
        assert_eq!(
            words("processes[0].threads[0].code[2]", "invalid type: integer `5`, expected a string"),
            "line 3 of `code` must be one line of program text in double quotes, like \"compute 5\", got 5"
        );
        // A field the table lacks (a future policy's parameter) still gets words, not types.
        assert_eq!(
            words("scheduler.levels", "invalid type: string \"x\", expected usize"),
            "`levels` must be a whole number, 0 or more, got the text \"x\""
        );
        assert_eq!(
            words("machine", "invalid type: sequence, expected struct MachineSpec"),
            "`machine` must be an object like { \"cpus\": 2 }, got a list [ … ]"
        );
    }

    #[test]
    fn a_misspelt_field_gets_the_likely_one() {
        let (msg, path) = in_learner_words(
            "machine.cpu",
            "unknown field `cpu`, expected one of `cpus`, `thread_switch_ticks`, `process_switch_ticks`",
        );
        assert_eq!(path, "machine.cpu");
        assert_eq!(
            msg,
            "unknown field `cpu` in `machine`: did you mean `cpus`? (allowed here: `cpus`, `thread_switch_ticks`, `process_switch_ticks`)"
        );
        assert_eq!(
            words("scheduler.quantum", "unknown field `quantum`, there are no fields"),
            "unknown field `quantum` in `scheduler`: nothing else is allowed here (remove it)"
        );
    }

    #[test]
    fn a_missing_field_is_reported_at_its_own_path() {
        let (msg, path) = in_learner_words("processes[1]", "missing field `threads`");
        assert_eq!(path, "processes[1].threads");
        assert!(msg.starts_with("`threads` is missing from `processes[1]`: it must be a list of threads"), "{msg}");
        let (msg, path) = in_learner_words("", "missing field `name`");
        assert_eq!(
            (msg.as_str(), path.as_str()),
            ("`name` is missing from the scenario: it must be text in double quotes", "name")
        );
    }

    #[test]
    fn an_unknown_choice_lists_the_choices() {
        assert_eq!(
            words("scheduler.tie", "unknown variant `arrival_first`, expected `arrivals_first` or `preempted_first`"),
            "`tie` must be one of `arrivals_first`, `preempted_first`, got `arrival_first`: did you mean `arrivals_first`?"
        );
    }
}
