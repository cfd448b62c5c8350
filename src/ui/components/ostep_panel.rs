//! The OSTEP mode (`?mode=ostep`): a command line for one of OSTEP's homework simulators
//! (`scheduler -p RR -q 2 -l 3,5,1 -c`), run by the mode's own worker
//! ([`crate::ui::nested_worker`]) on Threadlab's model. It shows what `threadlab ostep` prints
//! for the same words (the simulator's numbers in its layout), in a monospace block; "Open as
//! scenario" opens the run's scenario as the custom scenario, named after the command, to be
//! played on the timeline.
//!
//! The line run is in the address (`?mode=ostep&cmd=scheduler%20-p%20RR…`, replaced on each
//! run, no reload), so a reload or a shared link opens the mode with it and runs it; a broken
//! one is answered like a typed one (the flag named, the text kept in the field). The Examples
//! menu only fills the field: browsing it with the arrow keys runs nothing.
//!
//! For x86.py (`x86 -t 2 -i 3 -a bx=3 -M 2000 -R ax,bx -c`) the program is typed in a text
//! area shown under the line; Run appends it to the line as `--program-text '…'` (what the
//! CLI does with `-p`'s file), so the address carries it too ([`crate::ostep::line`]). The
//! command shown above the answer is that line after `threadlab ostep`, in a block that keeps
//! its line breaks: pasted in a POSIX shell it prints the same text (no `.s` file needed).
//!
//! The component stays mounted while another mode is shown (its line and answer are kept); the
//! worker starts when the mode is first opened. The line and the program as typed, run or not,
//! and the line run last are kept in this browser ([`storage::keep_ostep`]), so a reload keeps
//! them; a link's line wins over them ([`start_fields`]).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::messaging::ostep::{Ostep, OstepAnswer};
use crate::ostep::line::{names_x86, start_fields, with_program};
use crate::ui::format::with_code;
use crate::ui::nested_worker::{NestedWorker, WorkerEvent};
use crate::ui::storage;

/// The command line shown in the empty field (OSTEP's cpu-sched homework, question 1 style).
const PLACEHOLDER: &str = "scheduler -p RR -q 2 -l 3,5,1 -c";

/// Examples to pick from, by simulator: each from its OSTEP homework's README or questions.
const EXAMPLES: [(&str, &[&str]); 6] = [
    (
        "scheduler",
        &[
            "scheduler -p FIFO -l 200,200,200 -c",
            "scheduler -p SJF -l 100,200,300 -c",
            "scheduler -p RR -q 2 -l 3,5,1 -c",
        ],
    ),
    (
        "process-run",
        &[
            "process-run -l 5:100,5:100 -c -p",
            "process-run -l 1:0,4:100 -c -p",
            "process-run -l 3:0,5:100,5:100,5:100 -S SWITCH_ON_IO -I IO_RUN_IMMEDIATE -c -p",
        ],
    ),
    ("mlfq", &["mlfq -n 3 -q 10 -l 0,200,0:100,20,0 -c", "mlfq -n 3 -q 10 -B 50 -l 0,150,0:100,50,5:100,50,5 -c"]),
    ("lottery", &["lottery -l 10:1,10:100 -c", "lottery -s 1 -j 3 -c"]),
    ("multi", &["multi -n 1 -L a:30:200 -c -t", "multi -n 2 -L a:100:100,b:100:50,c:100:50 -c -t -p"]),
    (
        "x86",
        &[
            "x86 -p count.s -t 2 -i 3 -a bx=3 -M 2000 -R ax,bx -c",
            "threads-intro/x86.py -p count.s -t 2 -i 2 -a bx=1 -M 2000 -c",
        ],
    ),
];

/// The program the x86 text area starts with: two threads adding to one counter, no lock.
const X86_PROGRAM: &str = "# each thread adds 1 to the counter at 2000, %bx times
.main
.again
mov 2000, %ax
add $1, %ax
mov %ax, 2000
sub $1, %bx
test $0, %bx
jgt .again
halt
";

/// The address's parameter that holds the command line.
const CMD: &str = "cmd";

/// The command line the address carries (`?mode=ostep&cmd=…`), if the OSTEP mode is the one
/// asked for and the line is not blank.
fn cmd_from_address() -> Option<String> {
    let search = gloo::utils::window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let cmd = params.get(CMD).filter(|c| !c.trim().is_empty())?;
    (params.get("mode")? == "ostep").then_some(cmd)
}

/// Puts `line` in the address bar as `cmd` (no reload), keeping the other parameters; spaces
/// are written `%20` (not `+`), as a link is read either way.
fn show_cmd(line: &str) {
    let window = gloo::utils::window();
    let (Ok(history), Ok(search)) = (window.history(), window.location().search()) else { return };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return };
    params.set(CMD, line);
    // In the form encoding a `+` stands only for a space (a typed `+` is `%2B`).
    let query = String::from(params.to_string()).replace('+', "%20");
    let path = window.location().pathname().unwrap_or_default();
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}?{query}")));
}

/// Props of [`OstepPanel`].
#[derive(Properties, PartialEq)]
pub struct OstepPanelProps {
    /// Whether the OSTEP mode is the one shown (the component keeps its state when it is not).
    pub visible: bool,
    /// Called with the run's scenario (JSON text) to open it as the custom scenario.
    pub on_open: Callback<String>,
}

/// What the panel shows.
#[derive(Clone, Default, PartialEq)]
struct View {
    /// The line last run, and its answer once in.
    ran: Option<String>,
    answer: Option<OstepAnswer>,
    busy: bool,
    failed: Option<String>,
    /// Answers received so far (the page's tests wait for the next one).
    answers: u32,
}

/// The OSTEP mode's panel.
#[component]
pub fn OstepPanel(props: &OstepPanelProps) -> Html {
    let view = use_mut_ref(View::default);
    let redraw = use_force_update();
    // A reload or a link: the address's line (run once the first render is done, below).
    let from_address = use_memo((), |_| cmd_from_address());
    let (line, program) = {
        let from = from_address.clone();
        let start = use_memo((), move |_| start_fields((*from).as_deref(), storage::kept_ostep()));
        let (l, p) = (*start).clone();
        (use_state(move || l), use_state(move || p.unwrap_or_else(|| X86_PROGRAM.to_string())))
    };
    let worker = {
        let (view, redraw) = (view.clone(), redraw.clone());
        use_memo((), move |_| {
            NestedWorker::<Ostep>::new(
                "ostep_worker_loader.js",
                Callback::from(move |e: WorkerEvent<OstepAnswer>| {
                    {
                        let mut v = view.borrow_mut();
                        match e {
                            // A line is one run: no progress to show.
                            WorkerEvent::Progress(..) => return,
                            WorkerEvent::Done(answer) => v.answer = Some(answer),
                            WorkerEvent::Failed(message) => v.failed = Some(message),
                        }
                        (v.busy, v.answers) = (false, v.answers + 1);
                    }
                    redraw.force_update();
                }),
            )
        })
    };
    // The worker starts when the mode is first opened, so the first line is answered at once.
    {
        let worker = worker.clone();
        use_effect_with(props.visible, move |&visible| {
            if visible {
                worker.warm();
            }
        });
    }
    let run = {
        let (view, worker, redraw) = (view.clone(), worker.clone(), redraw.clone());
        Callback::from(move |text: String| {
            {
                let mut v = view.borrow_mut();
                *v = View { ran: Some(text.clone()), answer: None, busy: true, failed: None, answers: v.answers };
            }
            show_cmd(&text);
            storage::keep_ostep(2, &text);
            worker.send(text);
            redraw.force_update();
        })
    };
    // The fields as they start (a link's line replaces what was kept), then the address's line run.
    {
        let (run, from_address, line, program) = (run.clone(), from_address.clone(), line.clone(), program.clone());
        use_effect_with((), move |_| {
            storage::keep_ostep(0, &line);
            storage::keep_ostep(1, &program);
            if let Some(text) = (*from_address).clone() {
                run.emit(text);
            }
        });
    }
    // Back in the mode (the mode menu dropped `cmd`): the line last run goes back in the address.
    {
        let view = view.clone();
        use_effect_with(props.visible, move |&visible| {
            if let Some(ran) = view.borrow().ran.as_deref().filter(|_| visible) {
                show_cmd(ran);
            }
        });
    }
    if !props.visible {
        return Html::default();
    }
    let onsubmit = {
        let (run, line, program) = (run.clone(), line.clone(), program.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            run.emit(with_program(&line, &program));
        })
    };
    let on_program = {
        let program = program.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value();
            storage::keep_ostep(1, &text);
            program.set(text)
        })
    };
    let oninput = {
        let line = line.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            storage::keep_ostep(0, &text);
            line.set(text)
        })
    };
    // Only fills the field: a closed <select> fires `change` on every arrow key, so running here
    // would run each example a keyboard user passes; Run (or Enter in the field) runs it.
    let on_example = {
        let line = line.clone();
        Callback::from(move |e: Event| {
            let picked = e.target_unchecked_into::<HtmlSelectElement>().value();
            if !picked.is_empty() {
                storage::keep_ostep(0, &picked);
                line.set(picked);
            }
        })
    };
    let on_cancel = {
        let (view, worker, redraw) = (view.clone(), worker.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            worker.cancel();
            {
                let mut v = view.borrow_mut();
                v.busy = false;
                v.failed = Some("Cancelled.".into());
            }
            redraw.force_update();
        })
    };
    let v = view.borrow().clone();
    let block = |testid: &'static str, label: &'static str, text: &str| {
        html! {
            <pre class="ostep-text" data-testid={testid} tabindex="0" role="region" aria-label={label}>{ text.to_string() }</pre>
        }
    };
    let result = match &v.answer {
        Some(OstepAnswer::Ran { printed, scenario }) => {
            let onclick = {
                let (on_open, scenario) = (props.on_open.clone(), scenario.clone());
                Callback::from(move |_: MouseEvent| on_open.emit(scenario.clone()))
            };
            html! {
                <>
                    <p class="hint">{ "The command, to paste in a shell (an x86 program is in its " }<code>{ "--program-text" }</code>{ "), and what it prints:" }</p>
                    { block("ostep-cli", "The command", &format!("threadlab ostep {}", v.ran.as_deref().unwrap_or_default().trim())) }
                    { block("ostep-text", "What the simulator prints", printed) }
                    <p class="buttons">
                        <button class="primary" data-testid="ostep-open" {onclick}>{ "Open as scenario" }</button>
                        <span class="hint">{ "Plays this run on the timeline, kept as a custom scenario named after the command." }</span>
                    </p>
                </>
            }
        }
        Some(OstepAnswer::Help { text }) => block("ostep-help", "The simulator's help", text),
        Some(OstepAnswer::Refused { flag, message }) => html! {
            <p class="error" role="alert" data-testid="ostep-error">{ with_code(&format!("{flag}: {message}")) }</p>
        },
        None => Html::default(),
    };
    html! {
        <section class="panel lab ostep" data-testid="lab-ostep" aria-labelledby="ostep-title" aria-busy={v.busy.to_string()} data-answers={v.answers.to_string()}>
            <h2 id="ostep-title" class="panel-title">{ "OSTEP" }</h2>
            <p class="hint">
                { "A command line for one of OSTEP's homework simulators (scheduler, process-run, mlfq, lottery, multi, x86), \
                   run on Threadlab's model: the simulator's numbers in its layout, line for line (its few sentences \
                   in our own words), and a scenario to play. " }
                <code>{ "-h" }</code>{ " lists a simulator's flags." }
            </p>
            <form class="ostep-form" {onsubmit}>
                <label class="ostep-line">
                    <span>{ "Command line" }</span>
                    <input type="text" data-testid="ostep-line" value={(*line).clone()} {oninput} placeholder={PLACEHOLDER}
                        spellcheck="false" autocomplete="off" autocapitalize="off" />
                </label>
                <button type="submit" data-testid="ostep-run">{ "Run" }</button>
                <label class="ostep-examples">
                    <span>{ "Examples" }</span>
                    <select data-testid="ostep-examples" onchange={on_example} aria-describedby="ostep-examples-hint">
                        <option value="" selected=true>{ "Pick one to fill the line…" }</option>
                        { for EXAMPLES.iter().map(|(sim, lines)| html! {
                            <optgroup label={*sim}>
                                { for lines.iter().map(|l| html! { <option value={*l}>{ *l }</option> }) }
                            </optgroup>
                        }) }
                    </select>
                </label>
                <p class="hint" id="ostep-examples-hint">{ "An example fills the command line; Run runs it." }</p>
                if names_x86(&line) {
                    <label class="ostep-program">
                        <span>{ "Program (.s), the file -p names" }</span>
                        <textarea data-testid="ostep-program" rows="10" spellcheck="false" value={(*program).clone()}
                            oninput={on_program} />
                    </label>
                }
            </form>
            if v.busy {
                <p class="buttons" role="status" data-testid="ostep-busy">
                    { "Running…" }<button onclick={on_cancel}>{ "Cancel" }</button>
                </p>
            }
            if let Some(e) = &v.failed {
                <p class="error" role="alert" data-testid="ostep-failed">{ e }</p>
            }
            <div class="ostep-result" data-testid="ostep-result">{ result }</div>
        </section>
    }
}
