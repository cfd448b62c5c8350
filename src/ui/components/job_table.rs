//! The job table: a scheduling exercise edited as rows (job, arrival, CPU bursts, I/O waits,
//! priority). Each change writes the scenario's `processes` into the editor's text (unapplied,
//! like typing there); Apply runs it. See [`crate::page::jobs`]. The rows come read (the
//! scenario in use's summary, or the reader worker's rows of the draft): the page reads no
//! scenario.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::page::jobs::{self, Job};
use crate::page::{JobRows, PageAction, Source, Via};
use crate::ui::format::with_code;

/// Props of [`JobTable`].
#[derive(Properties, PartialEq)]
pub struct JobTableProps {
    /// The rows of the editor's text ([`crate::page::PageState::job_rows`]).
    pub rows: JobRows,
    /// The editor's text (the draft, else the scenario in use): what Apply runs.
    pub text: String,
    /// Page actions: a change sends [`PageAction::DraftJobs`], Apply an [`PageAction::Open`].
    pub on_action: Callback<PageAction>,
}

/// A column of the table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Col {
    Name,
    Arrival,
    Bursts,
    Io,
    Priority,
}

impl Col {
    const ALL: [Col; 5] = [Col::Name, Col::Arrival, Col::Bursts, Col::Io, Col::Priority];

    fn id(self) -> &'static str {
        match self {
            Col::Name => "name",
            Col::Arrival => "arrival",
            Col::Bursts => "bursts",
            Col::Io => "io",
            Col::Priority => "priority",
        }
    }

    fn header(self) -> &'static str {
        match self {
            Col::Name => "Job",
            Col::Arrival => "Arrival",
            Col::Bursts => "CPU bursts",
            Col::Io => "I/O waits",
            Col::Priority => "Priority",
        }
    }

    /// The cell's text for `job`.
    fn text(self, job: &Job) -> String {
        let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        match self {
            Col::Name => job.name.clone(),
            Col::Arrival => job.arrival.to_string(),
            Col::Bursts => list(&job.bursts),
            Col::Io => list(&job.io),
            Col::Priority => job.priority.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    /// Sets the cell of `job` from its text, or says what it must hold.
    fn set(self, job: &mut Job, cell: &str) -> Result<(), String> {
        let cell = cell.trim();
        match self {
            Col::Name => job.name = cell.to_string(),
            Col::Arrival => {
                job.arrival = cell
                    .parse()
                    .map_err(|_| format!("The arrival must be a whole number of µs, 0 or more; `{cell}` is not."))?
            }
            Col::Bursts => job.bursts = jobs::parse_ticks(cell, "CPU bursts", 1)?,
            Col::Io => job.io = jobs::parse_ticks(cell, "I/O waits", 1)?,
            Col::Priority if cell.is_empty() => job.priority = None,
            Col::Priority => {
                job.priority = Some(
                    cell.parse()
                        .map_err(|_| format!("The priority must be a whole number, or empty; `{cell}` is not."))?,
                )
            }
        }
        Ok(())
    }
}

/// The first name `A`, `B`, … `Z`, `J27`, … not used by `jobs`.
fn free_name(jobs: &[Job]) -> String {
    let taken = |n: &str| jobs.iter().any(|j| j.name == n);
    (b'A'..=b'Z').map(|c| (c as char).to_string()).chain((27..).map(|i| format!("J{i}"))).find(|n| !taken(n)).unwrap()
}

/// `drafts` with the cell `at` holding `text` (replacing its earlier draft).
fn with_draft(drafts: &[((usize, Col), String)], at: (usize, Col), text: String) -> Vec<((usize, Col), String)> {
    let mut out: Vec<_> = drafts.iter().filter(|(a, _)| *a != at).cloned().collect();
    out.push((at, text));
    out
}

/// The table, or why this scenario cannot be shown as one.
#[component]
pub fn JobTable(props: &JobTableProps) -> Html {
    // A cell whose text is not valid keeps it (with the error) instead of the value in use.
    let drafts = use_state(Vec::<((usize, Col), String)>::new);
    let error = use_state(|| None::<String>);
    {
        let (drafts, error) = (drafts.clone(), error.clone());
        use_effect_with(props.text.clone(), move |_| {
            drafts.set(Vec::new());
            error.set(None);
        });
    }
    let on_template = props.on_action.reform(|_: MouseEvent| PageAction::Template);
    // Rows of an older text (the editor's is being read) are shown, not edited.
    let current = props.rows.current;
    let jobs = match &*props.rows.rows {
        Ok(jobs) => jobs.clone(),
        Err(why) => {
            let why = why.clone();
            return html! {
                <section class="panel job-table" aria-labelledby="job-table-title">
                    <h2 class="panel-title" id="job-table-title">{ "Jobs" }</h2>
                    <p class="hint" data-testid="job-table-note">{ with_code(&why) }</p>
                    <button data-testid="btn-job-template" onclick={on_template}>{ "Start from a job table template" }</button>
                </section>
            };
        }
    };

    // Writes `next` into the text the rows were read from (as a draft), or shows what is wrong
    // and keeps the cell.
    let write = {
        let (text, on_action) = (props.rows.text.clone(), props.on_action.clone());
        let (drafts, error) = (drafts.clone(), error.clone());
        move |next: &[Job], cell: Option<((usize, Col), String)>| match jobs::check_jobs(next).and_then(|()| {
            jobs::write_jobs(&text, next).ok_or_else(|| "The scenario has no `processes` to write.".to_string())
        }) {
            Ok(text) => {
                // Written: no cell waits any more, and no error stands (the text may be the one
                // shown already, e.g. a cell typed back to its value, so nothing else clears them).
                drafts.set(Vec::new());
                error.set(None);
                on_action.emit(PageAction::DraftJobs { text, jobs: next.to_vec() });
            }
            Err(msg) => {
                if let Some((at, t)) = cell {
                    drafts.set(with_draft(&drafts, at, t));
                }
                error.set(Some(msg));
            }
        }
    };
    // The name column is as wide as the longest name (`Job 12` from an OSTEP run, in the
    // monospace font's `ch`), 4 to 16 characters; past the sidebar the table scrolls in its box.
    let name_chars = jobs.iter().map(|j| j.name.chars().count()).max().unwrap_or(0).clamp(4, 16);
    let name_width = format!("width: calc({name_chars}ch + 10px)");
    let cell = |row: usize, col: Col| {
        let onchange = {
            let (jobs, write, drafts, error) = (jobs.clone(), write.clone(), drafts.clone(), error.clone());
            Callback::from(move |e: Event| {
                let value = e.target_unchecked_into::<HtmlInputElement>().value();
                // Other cells still waiting (e.g. two bursts before their I/O wait) count too.
                let mut next = jobs.clone();
                for ((r, c), text) in drafts.iter().filter(|(at, _)| *at != (row, col)) {
                    let _ = c.set(&mut next[*r], text);
                }
                match col.set(&mut next[row], &value) {
                    Ok(()) => write(&next, Some(((row, col), value))),
                    Err(msg) => {
                        drafts.set(with_draft(&drafts, (row, col), value));
                        error.set(Some(msg));
                    }
                }
            })
        };
        let draft = drafts.iter().find(|(at, _)| *at == (row, col)).map(|(_, t)| t.clone());
        let invalid = draft.is_some();
        let value = draft.unwrap_or_else(|| col.text(&jobs[row]));
        let label = format!("{}, job {}", col.header(), row + 1);
        let kind = if matches!(col, Col::Arrival | Col::Priority) { "num" } else { "" };
        let style = (col == Col::Name).then(|| name_width.clone());
        html! {
            <td class={kind}>
                <input type="text" data-testid={format!("job-{row}-{}", col.id())} aria-label={label} {value} {onchange}
                    readonly={!current} {style}
                    aria-invalid={invalid.to_string()} class={classes!("cell", col.id())} />
            </td>
        }
    };
    let rows: Html = (0..jobs.len())
        .map(|row| {
            let on_remove = {
                let (jobs, write) = (jobs.clone(), write.clone());
                Callback::from(move |_: MouseEvent| {
                    let mut next = jobs.clone();
                    next.remove(row);
                    write(&next, None);
                })
            };
            let name = jobs[row].name.clone();
            html! {
                <tr>
                    { for Col::ALL.iter().map(|&c| cell(row, c)) }
                    <td>
                        <button class="remove" data-testid={format!("btn-remove-job-{row}")} onclick={on_remove}
                            disabled={jobs.len() == 1 || !current} aria-label={format!("Remove job {name}")} title={format!("Remove job {name}")}>
                            { "✕" }
                        </button>
                    </td>
                </tr>
            }
        })
        .collect();
    let on_add = {
        let (jobs, write) = (jobs.clone(), write.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = jobs.clone();
            let arrival = next.last().map_or(0, |j| j.arrival);
            next.push(Job::new(&free_name(&next), arrival, 1));
            write(&next, None);
        })
    };
    let on_apply = {
        let (text, on_action) = (props.text.clone(), props.on_action.clone());
        Callback::from(move |_: MouseEvent| {
            on_action.emit(PageAction::Open { source: Source::Custom, text: text.clone(), via: Via::Apply })
        })
    };
    html! {
        <section class="panel job-table" aria-labelledby="job-table-title">
            <h2 class="panel-title" id="job-table-title">{ "Jobs" }</h2>
            <p class="hint">{ "One process per job; times in µs. CPU bursts and I/O waits alternate: \u{201c}3, 2\u{201d} with I/O \u{201c}5\u{201d} computes 3, waits 5, computes 2. Changes go into the JSON below; Apply runs them." }</p>
            <div class="table-scroll">
                <table class="table jobs" data-testid="job-table">
                    <thead><tr>
                        { for Col::ALL.iter().map(|c| html! { <th scope="col">{ c.header() }</th> }) }
                        <th scope="col"><span class="visually-hidden">{ "Remove" }</span></th>
                    </tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            </div>
            if let Some(msg) = &*error {
                <p class="setting-error" role="alert" data-testid="job-error">{ with_code(msg) }</p>
            }
            <div class="buttons">
                <button data-testid="btn-add-job" onclick={on_add} disabled={!current}>{ "Add a job" }</button>
                <button data-testid="btn-job-apply" class="primary" onclick={on_apply}>{ "Apply" }</button>
            </div>
        </section>
    }
}
