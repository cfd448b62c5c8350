//! The page's OSTEP command line with an x86.py program carried in it: the page shows a text
//! area for the program when the line runs x86.py ([`names_x86`]), appends the program to the
//! line it runs as `--program-text '…'` ([`with_program`], what the CLI does with `-p`'s
//! file), and splits a line from the address back into the two ([`split_program`]).
//!
//! Byte scans rather than `str`'s pattern searchers: the page links these, and each searcher
//! (a `&str` needle, a reverse `char` search, `trim_end`) is code of its own in its module.

/// The option that carries the program's text.
const MARK: &str = " --program-text '";

/// Byte offset of the first `needle` in `hay`.
fn find(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes().windows(needle.len()).position(|w| w == needle.as_bytes())
}

/// Whether `line` runs x86.py (`x86`, `x86.py`, `threads-intro/x86.py`, after `python3`).
pub fn names_x86(line: &str) -> bool {
    let mut words = line.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty());
    let mut first = words.next().unwrap_or("");
    if first.starts_with("python") {
        first = words.next().unwrap_or("");
    }
    let base = &first[first.bytes().rposition(|b| b == b'/').map_or(0, |i| i + 1)..];
    base == "x86" || base == "x86.py"
}

/// `line` split into the command and the program [`with_program`] appended to it, if any (a
/// reload or a link carries both in the address).
pub fn split_program(line: &str) -> (String, Option<String>) {
    match (find(line, MARK), line.bytes().rposition(|b| b == b'\'')) {
        (Some(at), Some(end)) if end >= at + MARK.len() => {
            let mut rest = &line[at + MARK.len()..end];
            let mut program = String::with_capacity(rest.len());
            while let Some(i) = find(rest, "'\\''") {
                program.push_str(&rest[..=i]);
                rest = &rest[i + 4..];
            }
            program.push_str(rest);
            (line[..at].to_string(), Some(program))
        }
        _ => (line.to_string(), None),
    }
}

/// `line` with `program` appended as `--program-text`, single-quoted as a shell quotes (a `'`
/// inside is written `'\''`), when the line runs x86.py and carries no program yet. Blanks
/// (ASCII) at the end of the line are dropped first.
pub fn with_program(line: &str, program: &str) -> String {
    if !names_x86(line) || find(line, "--program-text").is_some() {
        return line.to_string();
    }
    let mut out = line[..line.bytes().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1)].to_string();
    out.push_str(MARK);
    for part in program.split('\'') {
        out.push_str(part);
        out.push_str("'\\''");
    }
    out.truncate(out.len() - 3);
    out
}

/// What the OSTEP mode's fields hold when the page starts: the command line, and the x86.py
/// program (`None`: the page's first program). The address's line `cmd` wins, as a shared link
/// must, unless it is the line this browser ran last (`kept[2]`: a reload of the learner's own
/// address after a run); then, as without a line in the address, the fields are as the learner
/// left them (`kept[0]`, `kept[1]`: typed, run or not), else as the address has them.
pub fn start_fields(cmd: Option<&str>, kept: [Option<String>; 3]) -> (String, Option<String>) {
    let [line, program, ran] = kept;
    let (cmd_line, cmd_program) = cmd.map(split_program).unwrap_or_default();
    if cmd.is_some() && ran.as_deref() != cmd {
        return (cmd_line, cmd_program);
    }
    (line.unwrap_or(cmd_line), program.or(cmd_program))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_lines_run_x86() {
        for yes in ["x86 -t 2", "  x86.py", "python3 threads-intro/x86.py -p a.s", "threads-locks/x86.py\t-c"] {
            assert!(names_x86(yes), "{yes}");
        }
        for no in ["", "scheduler -p RR", "x86x -t 1", "python3 x86.pyc", "multi x86"] {
            assert!(!names_x86(no), "{no}");
        }
    }

    #[test]
    fn a_program_goes_into_the_line_and_back_out() {
        let program = "mov $1, %ax # it's 'one'\nhalt\n";
        let line = with_program("x86 -p a.s -c  ", program);
        // Worked by hand: each ' becomes '\'' inside the single quotes.
        assert_eq!(line, "x86 -p a.s -c --program-text 'mov $1, %ax # it'\\''s '\\''one'\\''\nhalt\n'");
        assert_eq!(split_program(&line), ("x86 -p a.s -c".to_string(), Some(program.to_string())));
        // The words a shell (shlex, as the ostep worker splits the line) reads give the text back.
        let words = shlex::split(&line).expect("the line splits as a shell would");
        assert_eq!(words.last().map(String::as_str), Some(program));
    }

    #[test]
    fn lines_without_a_program_stay_as_they_are() {
        assert_eq!(with_program("scheduler -p RR", "halt"), "scheduler -p RR");
        let carried = "x86 --program-text 'halt'";
        assert_eq!(with_program(carried, "nop"), carried);
        assert_eq!(split_program("x86 -p a.s"), ("x86 -p a.s".to_string(), None));
        assert_eq!(split_program("x86 --program-text '"), ("x86 --program-text '".to_string(), None));
        assert_eq!(split_program("x86 --program-text ''"), ("x86".to_string(), Some(String::new())));
    }

    #[test]
    fn the_fields_at_the_start_keep_the_learners_work_and_a_link_wins() {
        let kept =
            |l: &str, p: &str, ran: Option<&str>| [Some(l.to_string()), Some(p.to_string()), ran.map(String::from)];
        let typed = kept("x86 -t 2 -c", "halt\n", None);
        // Nothing in the address: the fields as left, run or not.
        assert_eq!(start_fields(None, typed.clone()), ("x86 -t 2 -c".into(), Some("halt\n".into())));
        assert_eq!(start_fields(None, [None, None, None]), (String::new(), None));
        // A link: its line and program, whatever was typed here.
        let link = with_program("x86 -t 3", "nop\nhalt\n");
        assert_eq!(start_fields(Some(&link), typed.clone()), ("x86 -t 3".into(), Some("nop\nhalt\n".into())));
        // This page's own address after a run, the program changed since: the change stays.
        let ran = with_program("x86 -t 2 -c", "halt\n");
        let changed = kept("x86 -t 2 -c -R ax", "nop\nhalt\n", Some(&ran));
        assert_eq!(start_fields(Some(&ran), changed), ("x86 -t 2 -c -R ax".into(), Some("nop\nhalt\n".into())));
        // Ran here, with nothing else kept: the address's.
        assert_eq!(
            start_fields(Some(&ran), [None, None, Some(ran.clone())]),
            ("x86 -t 2 -c".into(), Some("halt\n".into()))
        );
    }
}
