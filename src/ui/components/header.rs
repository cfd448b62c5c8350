//! Title and in-page help.

use yew::prelude::*;

/// The page header: title and one paragraph on what the app does and how to use it.
#[component]
pub fn Header() -> Html {
    html! {
        <header class="header">
            <h1>{ "Threadlab" }</h1>
            <p class="help">
                { "Threadlab simulates how a computer runs programs: processes (each with its own memory) \
                   contain threads (sharing that memory), which a scheduler places on CPUs. Pick a scenario, \
                   then press Play or step through time: the timeline shows which thread each CPU runs, the \
                   thread table shows each thread's state, program counter and registers, and the memory view \
                   shows the shared variables changing — watch two threads race on a counter and lose updates, \
                   or fix it with a mutex. Change the CPUs or the scheduling policy to re-run the scenario, or \
                   edit its JSON in the Scenario JSON box to write your own. Time is in simulated microseconds (µs). " }
                <a href="parallel.html">{ "Real parallelism on your cores" }</a>
            </p>
        </header>
    }
}
