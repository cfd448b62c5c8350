//! Command lines as OSTEP's simulators read them: Python's `optparse` rules, without Python.
//!
//! What `optparse` accepts, and so what is accepted here:
//! - short flags `-c`, grouped `-cp`, with a value attached `-q2` or as the next word `-q 2`
//!   (the next word is taken even if it starts with `-`: `-s -5`);
//! - long flags `--quantum 2` or `--quantum=2`, and any unambiguous prefix (`--quan 2`);
//! - `--` ends the flags. A flag given twice keeps its last value.
//!
//! Differences, each to give a clear error instead of a silent surprise: a word that is not a
//! flag or a flag's value is an error (the simulators would ignore it, so `-l 3, 5` would quietly
//! drop the `5`), an empty value (`-l ''`, `--quantum=`) is an error naming the flag (the
//! simulators would take it as the default, so a list lost to a quoting slip would quietly
//! give random jobs), and `-h`/`--help` is reported as [`Parsed::help`] for the caller to print.
//! Two long flags of our own are accepted by every simulator: `--json` and `--scenario`.

use std::fmt::Write as _;

use super::OstepError;

/// One flag a simulator takes.
#[derive(Clone, Copy, Debug)]
pub struct Opt {
    /// The short form's letter (`'q'` for `-q`), if any.
    pub short: Option<char>,
    /// The long form without dashes (`"quantum"`), if any.
    pub long: Option<&'static str>,
    /// The key values are stored under (the long form, or `optparse`'s `dest` without one).
    pub key: &'static str,
    /// The value's name in the help (`"QUANTUM"`), or `None` for a switch that takes none.
    pub value: Option<&'static str>,
    /// What it does, and its default.
    pub help: &'static str,
}

impl Opt {
    /// The name errors use: the short form if there is one (`-q`), else the long (`--json`).
    pub fn name(&self) -> String {
        match (self.short, self.long) {
            (Some(c), _) => format!("-{c}"),
            (None, Some(long)) => format!("--{long}"),
            (None, None) => self.key.to_string(),
        }
    }
}

/// A flag that takes a value.
pub const fn value(short: char, long: &'static str, metavar: &'static str, help: &'static str) -> Opt {
    Opt { short: Some(short), long: Some(long), key: long, value: Some(metavar), help }
}

/// A switch (a flag without a value).
pub const fn switch(short: char, long: &'static str, help: &'static str) -> Opt {
    Opt { short: Some(short), long: Some(long), key: long, value: None, help }
}

/// A switch with only a short form (OSTEP's `-c`), stored under `key`.
pub const fn short_switch(short: char, key: &'static str, help: &'static str) -> Opt {
    Opt { short: Some(short), long: None, key, value: None, help }
}

/// A flag of the simulator that Threadlab does not take: giving it is an error saying so and
/// why (`why`: what the flag does there, and what to use here instead), not "no such option".
pub const fn unsupported(short: char, long: &'static str, why: &'static str) -> Opt {
    Opt { short: Some(short), long: Some(long), key: UNSUPPORTED, value: None, help: why }
}

/// The key of an [`unsupported`] flag: no value is ever stored under it.
const UNSUPPORTED: &str = "";

/// The error for an [`unsupported`] flag `opt`, named by its short form.
fn refused(opt: &Opt) -> OstepError {
    OstepError::new(&opt.name(), format!("not supported by threadlab ({})", opt.help))
}

/// The output switches every simulator takes here (not OSTEP's).
pub const OUTPUT: [Opt; 2] = [
    Opt {
        short: None,
        long: Some("json"),
        key: "json",
        value: None,
        help: "print the workload and the answers as JSON (always solved, as with -c)",
    },
    Opt {
        short: None,
        long: Some("scenario"),
        key: "scenario",
        value: None,
        help: "print the model scenario (JSON) that reproduces the run, for `threadlab run` or the page",
    },
];

/// The flags found on a command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// `(key, value)` of each flag in the order given; a switch has `None`.
    found: Vec<(&'static str, Option<String>)>,
    /// `-h` or `--help` was given.
    pub help: bool,
}

impl Parsed {
    /// The last value given to the flag stored under `key` ([`Opt::key`]), if any.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.found.iter().rev().find(|(k, _)| *k == key).and_then(|(_, v)| v.as_deref())
    }

    /// Whether the switch stored under `key` was given.
    pub fn switch(&self, key: &str) -> bool {
        self.found.iter().any(|(k, _)| *k == key)
    }
}

/// Parses `words` (the flags, without the simulator's name) against `opts` and [`OUTPUT`].
/// Errors name the offending flag or word.
pub fn parse(words: &[String], opts: &[Opt]) -> Result<Parsed, OstepError> {
    let all: Vec<Opt> = opts.iter().chain(OUTPUT.iter()).copied().collect();
    let mut out = Parsed::default();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if word == "--" {
            if let Some(extra) = words.get(i) {
                return Err(stray(extra));
            }
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let longs = || all.iter().filter_map(|o| o.long);
            if "help".starts_with(name) && !name.is_empty() && longs().all(|l| !l.starts_with(name)) {
                out.help = true;
                continue;
            }
            let opt = find_long(&all, name)?;
            if opt.key == UNSUPPORTED {
                return Err(refused(&opt));
            }
            let long = format!("--{name}");
            let v = match (opt.value, attached) {
                (None, Some(_)) => return Err(OstepError::new(&long, "takes no value")),
                (None, None) => None,
                (Some(_), Some(v)) => Some(not_empty(v, &long)?),
                (Some(_), None) => Some(next_value(words, &mut i, &long)?),
            };
            out.found.push((opt.key, v));
            continue;
        }
        let Some(cluster) = word.strip_prefix('-').filter(|c| !c.is_empty()) else {
            return Err(stray(word));
        };
        for (at, c) in cluster.char_indices() {
            if c == 'h' && all.iter().all(|o| o.short != Some('h')) {
                out.help = true;
                continue;
            }
            let Some(opt) = all.iter().find(|o| o.short == Some(c)) else {
                return Err(OstepError::new(&format!("-{c}"), "no such option (-h lists them)"));
            };
            if opt.key == UNSUPPORTED {
                return Err(refused(opt));
            }
            if opt.value.is_none() {
                out.found.push((opt.key, None));
                continue;
            }
            let rest = &cluster[at + c.len_utf8()..];
            let v = if rest.is_empty() { next_value(words, &mut i, &format!("-{c}"))? } else { rest.to_string() };
            out.found.push((opt.key, Some(v)));
            break;
        }
    }
    Ok(out)
}

fn stray(word: &str) -> OstepError {
    OstepError::new(
        &format!("`{word}`"),
        "not a flag: OSTEP's simulators take only flags (a list goes in one word, like -l 3,5,1)",
    )
}

fn next_value(words: &[String], i: &mut usize, flag: &str) -> Result<String, OstepError> {
    let v = words.get(*i).ok_or_else(|| OstepError::new(flag, "needs a value"))?;
    *i += 1;
    not_empty(v.clone(), flag)
}

/// `v`, unless it is empty or only spaces: then an error naming `flag`.
fn not_empty(v: String, flag: &str) -> Result<String, OstepError> {
    if v.trim().is_empty() {
        return Err(OstepError::new(flag, "the value is empty: give one, or leave the flag out for its default"));
    }
    Ok(v)
}

/// The option `--name` stands for: an exact long name, or the only one it is a prefix of.
fn find_long(all: &[Opt], name: &str) -> Result<Opt, OstepError> {
    if let Some(o) = all.iter().find(|o| o.long == Some(name)) {
        return Ok(*o);
    }
    let matches: Vec<(&str, &Opt)> = (all.iter())
        .filter_map(|o| Some((o.long?, o)))
        .filter(|(l, _)| !name.is_empty() && l.starts_with(name))
        .collect();
    match matches.as_slice() {
        [(_, one)] => Ok(**one),
        [] => Err(OstepError::new(&format!("--{name}"), "no such option (-h lists them)")),
        many => {
            let names: Vec<String> = many.iter().map(|(l, _)| format!("--{l}")).collect();
            Err(OstepError::new(&format!("--{name}"), format!("ambiguous: it could be {}", names.join(", "))))
        }
    }
}

/// The help text: a usage line, what the simulator is, and each flag.
pub fn help(command: &str, about: &str, opts: &[Opt]) -> String {
    let mut s = format!("usage: threadlab ostep {command} [flags]\n\n{about}\n\nflags:\n");
    for o in opts.iter().chain(OUTPUT.iter()) {
        let mut left = match (o.short, o.long) {
            (Some(c), Some(l)) => format!("-{c}, --{l}"),
            (Some(c), None) => format!("-{c}"),
            (None, Some(l)) => format!("    --{l}"),
            (None, None) => String::new(),
        };
        if let Some(v) = o.value {
            left = format!("{left} {v}");
        }
        let refused = if o.key == UNSUPPORTED { "not supported by threadlab: " } else { "" };
        let _ = writeln!(s, "  {left:<34} {refused}{}", o.help);
    }
    s.push_str("  -h, --help                         print this help\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: [Opt; 4] = [
        value('q', "quantum", "Q", ""),
        value('Q', "quantumList", "L", ""),
        short_switch('c', "solve", ""),
        switch('p', "per_cpu", ""),
    ];

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn optparse_forms() {
        let p = parse(&words("-q 2 -cp --quantumL=3,4 --json"), &OPTS).unwrap();
        assert_eq!(p.value("quantum"), Some("2"));
        assert_eq!(p.value("quantumList"), Some("3,4"));
        assert!(p.switch("solve") && p.switch("per_cpu") && p.switch("json"));
        let p = parse(&words("-q5 -q -7"), &OPTS).unwrap();
        assert_eq!(p.value("quantum"), Some("-7"), "the last value wins; a value may start with -");
        let p = parse(&words("-cq3"), &OPTS).unwrap();
        assert_eq!(p.value("quantum"), Some("3"));
        assert!(parse(&words("-h"), &OPTS).unwrap().help);
    }

    #[test]
    fn errors_name_the_flag() {
        let flag = |s: &str| parse(&words(s), &OPTS).unwrap_err().flag;
        assert_eq!(flag("-x"), "-x");
        assert_eq!(flag("-q"), "-q");
        assert_eq!(flag("--quantum"), "--quantum");
        assert_eq!(flag("--quantum 3 --frob"), "--frob");
        assert_eq!(flag("--per=1"), "--per");
        assert_eq!(flag("--c"), "--c");
        assert_eq!(flag("-c 5"), "`5`");
        // An empty value (a quoting slip: `-q ''`) is named, not taken as the default.
        let empty = |w: &[&str]| parse(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &OPTS).unwrap_err();
        for (w, name) in
            [(&["-q", ""][..], "-q"), (&["-q", " "], "-q"), (&["--quantum="], "--quantum"), (&["-cQ", ""], "-Q")]
        {
            let e = empty(w);
            assert_eq!(e.flag, name, "{w:?}");
            assert!(e.message.starts_with("the value is empty"), "{w:?}: {e}");
        }
        let e = parse(&words("--quant 2"), &OPTS).unwrap_err();
        assert!(e.message.contains("--quantum, --quantumList"), "{e}");
    }
}
