//! MLFQ on OSTEP ch. 8's examples and on OSTEP's `mlfq.py` rules, every number worked by hand.
//! Time in ticks stands for the book's milliseconds; no context-switch cost.

mod common;
use common::*;
use threadlab::model::scenario::{Policy, ProcessSpec, Scenario, TieRule};
use threadlab::model::scheduler::{BoostOrder, MlfqLevel, MlfqSpec, PolicySpec};
use threadlab::model::trace::IntervalKind;
use threadlab::model::{Outcome, RunResult};

/// An MLFQ with `levels` as (quantum, allotment), highest first, and the other settings default.
fn mlfq(levels: &[(u64, u64)]) -> MlfqSpec {
    let levels = levels.iter().map(|&(quantum, allotment)| MlfqLevel { quantum, allotment }).collect();
    MlfqSpec { levels, ..MlfqSpec::with_defaults(1) }
}

fn run_mlfq(spec: MlfqSpec, cpus: u32, jobs: Vec<ProcessSpec>) -> RunResult {
    let mut s: Scenario = scenario(cpus, Policy::Mlfq, None, jobs);
    s.scheduler = spec.into();
    let (_, r) = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    r
}

/// Every run interval as (tid, start, end), in time order. A thread picked again at the end of
/// its quantum starts a new interval, so each interval is at most one quantum.
fn runs(r: &RunResult) -> Vec<(usize, u64, u64)> {
    let mut v: Vec<_> = (r.trace.as_ref().unwrap().intervals.iter())
        .filter(|i| i.kind == IntervalKind::Run)
        .map(|i| (i.tid, i.start, i.end))
        .collect();
    v.sort_by_key(|&(tid, start, _)| (start, tid));
    v
}

fn runs_of(r: &RunResult, tid: usize) -> Vec<(u64, u64)> {
    runs(r).into_iter().filter(|&(t, _, _)| t == tid).map(|(_, s, e)| (s, e)).collect()
}

fn completion(r: &RunResult, tid: usize) -> u64 {
    r.metrics.threads[tid].completion.unwrap()
}

/// OSTEP figure 8.2 (a long-running job descends one queue per time slice) with figure 8.7's
/// quanta, longer at lower priority (10, 20, 40), so the slice lengths show the level: 10 at
/// the top, 20 in the middle, then 40 for good at the bottom. 150 = 10 + 20 + 40 + 40 + 40.
#[test]
fn a_long_job_descends_one_level_per_quantum() {
    let r = run_mlfq(mlfq(&[(10, 1), (20, 1), (40, 1)]), 1, vec![job("A", 0, "compute 150")]);
    assert_eq!(runs_of(&r, 0), vec![(0, 10), (10, 30), (30, 70), (70, 110), (110, 150)]);
}

/// OSTEP figure 8.7: two long jobs, quanta 10, 20, 40. They share each level in turn: A 0–10
/// and B 10–20 at the top, A 20–40 and B 40–60 in the middle, A 60–100 and B 100–140 at the
/// bottom (70 ticks each so far), then A's last 30 (140–170) and B's (170–200).
#[test]
fn two_long_jobs_share_each_level_in_turn() {
    let jobs = vec![job("A", 0, "compute 100"), job("B", 0, "compute 100")];
    let r = run_mlfq(mlfq(&[(10, 1), (20, 1), (40, 1)]), 1, jobs);
    let expect = vec![
        (0, 0, 10),
        (1, 10, 20),
        (0, 20, 40),
        (1, 40, 60),
        (0, 60, 100),
        (1, 100, 140),
        (0, 140, 170),
        (1, 170, 200),
    ];
    assert_eq!(runs(&r), expect);
}

/// OSTEP figure 8.3 ("Along came a short job"): three queues, 10-tick quanta. A (200) is at the
/// bottom by 20; B (20) arrives at 100, as A's quantum ends, enters at the top and runs 100–110,
/// then 110–120 in the middle queue, still above A: it "completes before reaching the bottom
/// queue, in two time slices". A, with 100 left at 100, resumes at 120 and ends at 220.
#[test]
fn a_short_job_runs_first_and_ends_before_the_bottom() {
    let jobs = vec![job("A", 0, "compute 200"), job("B", 100, "compute 20")];
    let r = run_mlfq(mlfq(&[(10, 1), (10, 1), (10, 1)]), 1, jobs);
    assert_eq!(runs_of(&r, 1), vec![(100, 110), (110, 120)]);
    assert_eq!(times(&r, 1), (120, 20, 0, 0)); // completion, turnaround, response, waiting
    assert_eq!(completion(&r, 0), 220);
}

/// Rule 1 at once, and `mlfq.py`'s pre-empted job keeping its place and ticks: B arrives at 105,
/// halfway through A's bottom quantum 100–110, takes the CPU at once (105–115 at the top,
/// 115–125 in the middle), and A resumes at 125 with the 5 ticks left of that quantum
/// (125–130) before a fresh one (130–140). A: 105 ticks by 105, 95 more from 125: ends at 220.
#[test]
fn a_higher_arrival_preempts_at_once_and_the_preempted_job_keeps_its_ticks() {
    let jobs = vec![job("A", 0, "compute 200"), job("B", 105, "compute 20")];
    let r = run_mlfq(mlfq(&[(10, 1), (10, 1), (10, 1)]), 1, jobs);
    let a = runs_of(&r, 0);
    let i = a.iter().position(|&x| x == (100, 105)).expect("A runs 100–105");
    assert_eq!(a[i..i + 3], [(100, 105), (125, 130), (130, 140)]);
    assert_eq!(completion(&r, 1), 125);
    assert_eq!(completion(&r, 0), 220);
}

/// B: one tick of CPU, then 9 ticks of I/O, twenty times (the last burst ends it), from t=50.
fn interactive_b() -> ProcessSpec {
    job("B", 50, "compute 1\nloop 19\nio 9\ncompute 1\nend")
}

/// OSTEP figure 8.4 (I/O), under the first rules (§8.2): Rule 4b, "if a job gives up the CPU
/// before the time slice is up, it stays at the same priority level" (`reset_on_block`). Two
/// levels, 10-tick quanta. A (200) is at the bottom by 10; B never uses a whole quantum, stays
/// on top and runs the moment it wakes: 50+10k to 51+10k for k = 0..19, done at 241, never
/// waiting. A: 50 ticks by 50, then 9 of every 10 (51–60, 61–70, …): 16 rounds give 144, six
/// more 211–217. A ends at 217.
#[test]
fn an_interactive_job_stays_on_top_under_the_first_rules() {
    let spec = MlfqSpec { reset_on_block: true, ..mlfq(&[(10, 1), (10, 1)]) };
    let r = run_mlfq(spec, 1, vec![job("A", 0, "compute 200"), interactive_b()]);
    assert_eq!(times(&r, 1), (241, 191, 0, 0));
    assert_eq!(completion(&r, 0), 217);
}

/// The same workload under the final Rule 4 (§8.4, the default): B's ticks add up across its
/// I/Os, so its tenth tick (140–141) uses up its top quantum and it moves to the bottom, beside
/// A. Worked tick by tick: A's quantum, renewed at 50, 61, 73, 84, 95, 106, 117, 128, 139, runs
/// out at 150, when B wakes; the tie rule (arrivals and wake-ups first) puts B ahead, B runs
/// 150–151, A 151–161. From then on B wakes (160, 171, 182, 193, 204, 215) while A runs and
/// waits 1 tick for A's quantum to end each time: 6 ticks of waiting. A has 140 ticks by 150 and
/// 10 per round after: 150 by 161, …, 200 at 216. B's bursts 16–19 run 216, 226, 236, 246: it
/// ends at 247.
#[test]
fn the_allotment_rule_moves_an_interactive_job_down() {
    let r = run_mlfq(mlfq(&[(10, 1), (10, 1)]), 1, vec![job("A", 0, "compute 200"), interactive_b()]);
    assert_eq!(times(&r, 1), (247, 197, 0, 6));
    assert_eq!(completion(&r, 0), 216);
    assert!(runs_of(&r, 1).contains(&(150, 151)));
}

/// OSTEP figure 8.5 (starvation, and Rule 5's boost). Two levels of 10, the first rules
/// (`reset_on_block`): B (from 20) and C (from 25) alternate 5 ticks of CPU with 5 of I/O, ten
/// bursts each, and keep the top queue busy. Without a boost A (100) runs 0–20, then starves
/// until B ends at 115 and C at 120; A's last 80 ticks run 120–200.
#[test]
fn without_a_boost_a_long_job_starves() {
    let r = run_mlfq(mlfq(&[(10, 1), (10, 1)]).with_reset(), 1, starvation_jobs());
    assert_eq!(runs_of(&r, 0).iter().filter(|&&(s, _)| (20..120).contains(&s)).count(), 0);
    assert_eq!((completion(&r, 1), completion(&r, 2)), (115, 120));
    assert_eq!(completion(&r, 0), 200);
}

/// The same with a boost every 50 ticks. At 50 C blocks and B wakes; the boost lifts A to the
/// top ahead of B, and A runs a full top quantum 50–60 (B and C queue behind it), then drops to
/// the bottom. The same happens at 100 (A 100–110). So A runs in every boost period; B and C
/// end 20 ticks later (135, 140). A has 40 ticks by 140 and runs alone to 200.
#[test]
fn a_boost_ends_starvation() {
    let spec = MlfqSpec { boost_period: 50, ..mlfq(&[(10, 1), (10, 1)]).with_reset() };
    let r = run_mlfq(spec, 1, starvation_jobs());
    let a = runs_of(&r, 0);
    assert!(a.contains(&(50, 60)) && a.contains(&(100, 110)), "{a:?}");
    assert_eq!((completion(&r, 1), completion(&r, 2)), (135, 140));
    assert_eq!(completion(&r, 0), 200);
}

fn starvation_jobs() -> Vec<ProcessSpec> {
    let bursts = "compute 5\nloop 9\nio 5\ncompute 5\nend";
    vec![job("A", 0, "compute 100"), job("B", 20, bursts), job("C", 25, bursts)]
}

trait WithReset {
    fn with_reset(self) -> Self;
}
impl WithReset for MlfqSpec {
    fn with_reset(self) -> Self {
        MlfqSpec { reset_on_block: true, ..self }
    }
}

/// G games the scheduler (OSTEP figure 8.6): 9 ticks of CPU, then a 1-tick I/O, just before its
/// 10-tick quantum would end; five bursts. Two levels of 10; A (100) is at the bottom when G
/// arrives at 20.
fn gaming_jobs() -> Vec<ProcessSpec> {
    vec![job("A", 0, "compute 100"), job("G", 20, "compute 9\nloop 4\nio 1\ncompute 9\nend")]
}

/// Figure 8.6, left: under the first rules G keeps a fresh quantum after each I/O, stays on top
/// and takes 45 of the 49 ticks from 20 to 69, where it ends without ever waiting. A gets 1
/// tick per I/O (29, 39, 49, 59): 24 by 69, then its last 76 alone, ending at 145.
#[test]
fn gaming_works_under_the_first_rules() {
    let r = run_mlfq(mlfq(&[(10, 1), (10, 1)]).with_reset(), 1, gaming_jobs());
    assert_eq!(times(&r, 1), (69, 49, 0, 0));
    assert_eq!(completion(&r, 0), 145);
}

/// Figure 8.6, right: with the allotment rule G's ticks carry over its I/Os. Its top quantum
/// runs out at 31 (9 ticks, I/O, 1 tick), and at the bottom it takes turns with A: it runs
/// 20–29, 30–31, 40–48, 58–60, 70–77, 87–90, 100–106, 116–120, 130–135, waiting 9+9+10+9+10+9+10
/// = 66 ticks, and ends at 135 (45 CPU + 4 I/O + 66 waiting = 115 after arriving). A still ends
/// at 145: 90 ticks by 130, the last 10 after G.
#[test]
fn the_allotment_rule_defeats_gaming() {
    let r = run_mlfq(mlfq(&[(10, 1), (10, 1)]), 1, gaming_jobs());
    let g: Vec<(u64, u64)> =
        vec![(20, 29), (30, 31), (40, 48), (58, 60), (70, 77), (87, 90), (100, 106), (116, 120), (130, 135)];
    assert_eq!(runs_of(&r, 1), g);
    assert_eq!(times(&r, 1), (135, 115, 0, 66));
    assert_eq!(completion(&r, 0), 145);
}

/// A thread whose quantum runs out at the very instant it blocks has used its slice, even with
/// `reset_on_block`: Rule 4a ("if a job uses up an entire time slice while running, its
/// priority is reduced"), and `mlfq.py`, which checks the quantum after its `-S` reset. Two
/// levels of 10: A is at the bottom from 10. G (20) runs 20–30, all its quantum, then blocks
/// 30–35; at the bottom it waits for A's quantum 30–40 and ends 40–45 (on top it would have
/// pre-empted A at 35 and ended at 40).
#[test]
fn a_quantum_used_up_as_the_thread_blocks_still_counts() {
    for spec in [mlfq(&[(10, 1), (10, 1)]), mlfq(&[(10, 1), (10, 1)]).with_reset()] {
        let jobs = vec![job("A", 0, "compute 100"), job("G", 20, "compute 10\nio 5\ncompute 5")];
        let r = run_mlfq(spec, 1, jobs);
        assert_eq!(runs_of(&r, 1), vec![(20, 30), (40, 45)]);
    }
}

/// `wake_to_front` (`mlfq.py -I`): a woken thread joins the head of its queue, ahead of a
/// running thread of its level, which it pre-empts. One level of 10. A (30) runs 0–10, B 10–12
/// then I/O until 15; A runs from 12. By default B queues behind A and runs 22–24; with
/// `wake_to_front` it takes the CPU at 15 and ends at 17, and A resumes with the 7 ticks left of
/// its quantum (17–24). A ends at 34 either way.
#[test]
fn a_woken_thread_can_jump_to_the_front() {
    let jobs = || vec![job("A", 0, "compute 30"), job("B", 0, "compute 2\nio 3\ncompute 2")];
    let r = run_mlfq(mlfq(&[(10, 1)]), 1, jobs());
    assert_eq!((completion(&r, 0), completion(&r, 1)), (34, 24));
    let r = run_mlfq(MlfqSpec { wake_to_front: true, ..mlfq(&[(10, 1)]) }, 1, jobs());
    assert_eq!((completion(&r, 0), completion(&r, 1)), (34, 17));
    assert_eq!(runs_of(&r, 0), vec![(0, 10), (12, 15), (17, 24), (24, 34)]);
}

/// The tie rule: A's quantum ends at 10 as B arrives, on one level of 10. Arrivals first
/// (default): B 10–15, A 15–25. Pre-empted first (`mlfq.py`, where the quantum ends at the end
/// of tick 9, before tick 10's arrivals): A 10–20, B 20–25.
#[test]
fn the_tie_rule_orders_a_quantum_end_and_an_arrival() {
    let jobs = || vec![job("A", 0, "compute 20"), job("B", 10, "compute 5")];
    let r = run_mlfq(mlfq(&[(10, 1)]), 1, jobs());
    assert_eq!((completion(&r, 0), completion(&r, 1)), (25, 15));
    let r = run_mlfq(MlfqSpec { tie: TieRule::PreemptedFirst, ..mlfq(&[(10, 1)]) }, 1, jobs());
    assert_eq!((completion(&r, 0), completion(&r, 1)), (20, 25));
}

/// `arrivals_before_wakeups`: A wakes at 5 as B arrives. By default the two go by thread id (A
/// 5–10, B 10–15); `mlfq.py` handles the instant's arrivals before its I/O completions (B 5–10,
/// A 10–15).
#[test]
fn arrivals_can_queue_before_wakeups() {
    let jobs = || vec![job("A", 0, "compute 2\nio 3\ncompute 5"), job("B", 5, "compute 5")];
    let r = run_mlfq(mlfq(&[(10, 1)]), 1, jobs());
    assert_eq!((completion(&r, 0), completion(&r, 1)), (10, 15));
    let r = run_mlfq(MlfqSpec { arrivals_before_wakeups: true, ..mlfq(&[(10, 1)]) }, 1, jobs());
    assert_eq!((completion(&r, 0), completion(&r, 1)), (15, 10));
}

/// The boost order, and a boost taking the CPU from a running thread. Three levels of 10, a
/// boost every 50. A (from 0) runs 0–10 at the top, 10–20 in the middle and from 20 at the
/// bottom; B and C arrive at 25, take the CPU from A (5 ticks left of its quantum) and run
/// 25–35 and 35–45 at the top, moving to the middle. At the boost at 50, B runs its middle
/// quantum (45–55), C waits in the middle, A at the bottom.
/// - `highest_first`: top = [B (running), C, A]: B stays first and is re-sliced with a fresh
///   top quantum, 50–60; then C 60–70 and A 70–80.
/// - `lowest_first` (`mlfq.py`): top = [A, B (running), C]: B gives way at 50; A 50–60, then B
///   60–70 with a fresh top quantum, C 70–80.
#[test]
fn a_boost_appends_the_lower_levels_in_boost_order() {
    let jobs = || vec![job("A", 0, "compute 100"), job("B", 25, "compute 100"), job("C", 25, "compute 100")];
    let spec = MlfqSpec { boost_period: 50, ..mlfq(&[(10, 1), (10, 1), (10, 1)]) };
    let from_45 = |r: &RunResult| runs(r).into_iter().filter(|&(_, s, _)| (45..80).contains(&s)).collect::<Vec<_>>();

    let r = run_mlfq(spec.clone(), 1, jobs());
    assert_eq!(from_45(&r), vec![(1, 45, 50), (1, 50, 60), (2, 60, 70), (0, 70, 80)]);
    let r = run_mlfq(MlfqSpec { boost_order: BoostOrder::LowestFirst, ..spec }, 1, jobs());
    assert_eq!(from_45(&r), vec![(1, 45, 50), (0, 50, 60), (1, 60, 70), (2, 70, 80)]);
}

/// On two CPUs the newcomer on a higher level takes the CPU of the running thread ranked last.
/// Two levels of 10. A and B run 0–10 on CPUs 0 and 1 and move down together, A ranked first (it
/// was dispatched first). C (5) arrives at 15 at the top and takes B's CPU: C 15–20; B resumes
/// at 20 with the 5 ticks left of its quantum. A runs on: done at 100; B at 105.
#[test]
fn on_two_cpus_a_newcomer_preempts_the_last_ranked_thread() {
    let jobs = vec![job("A", 0, "compute 100"), job("B", 0, "compute 100"), job("C", 15, "compute 5")];
    let r = run_mlfq(mlfq(&[(10, 1), (10, 1)]), 2, jobs);
    assert_eq!(times(&r, 2), (20, 5, 0, 0));
    assert_eq!((completion(&r, 0), completion(&r, 1)), (100, 105));
    assert!(runs_of(&r, 1).contains(&(20, 25)));
}

/// The boost timer is cancelled when the last thread leaves: the run ends when its work does.
#[test]
fn a_pending_boost_does_not_stretch_the_run() {
    let spec = MlfqSpec { boost_period: 1000, ..mlfq(&[(10, 1), (10, 1)]) };
    let r = run_mlfq(spec, 1, vec![job("A", 0, "compute 25\nio 50\ncompute 5")]);
    assert_eq!(r.metrics.makespan, 80);
}

/// An `mlfq.py` job: `run` ticks of CPU, with an I/O of `io_time` after every `io_freq` ticks
/// of CPU (0: none) except at the end (`mlfq.py` checks for the end before the I/O).
fn ostep_job(name: &str, start: u64, run: u64, io_freq: u64, io_time: u64) -> ProcessSpec {
    if io_freq == 0 || io_freq >= run {
        return job(name, start, &format!("compute {run}"));
    }
    let ios = (run - 1) / io_freq;
    let last = run - ios * io_freq;
    job(name, start, &format!("loop {ios}\ncompute {io_freq}\nio {io_time}\nend\ncompute {last}"))
}

/// The settings that make MLFQ follow OSTEP's `mlfq.py` (ostep-homework @6c6cfc7) for
/// `-Q` / `-A` lists `levels` and boost `-B`; `-S` and `-I` are `reset_on_block` and
/// `wake_to_front`.
fn ostep_mlfq(levels: &[(u64, u64)], boost: u64, stay: bool, iobump: bool) -> MlfqSpec {
    MlfqSpec {
        boost_period: boost,
        boost_order: BoostOrder::LowestFirst,
        reset_on_block: stay,
        wake_to_front: iobump,
        arrivals_before_wakeups: true,
        tie: TieRule::PreemptedFirst,
        ..mlfq(levels)
    }
}

/// (response, turnaround) of each thread, as `mlfq.py` prints them.
fn ostep_stats(r: &RunResult) -> Vec<(u64, u64)> {
    r.metrics.threads.iter().map(|t| (t.response.unwrap(), t.turnaround.unwrap())).collect()
}

/// Reference runs of OSTEP's `mlfq.py -c` itself (the simulator these settings follow; its
/// numbers, not ours):
/// - `-l 0,84,7:0,42,3:0,51,4` (the workload in its README), defaults `-n 3 -q 10 -a 1 -i 5`:
///   response 0, 7, 10; turnaround 180, 161, 171.
/// - `-l 0,42,0:0,50,7:3,40,7 -Q 5,10,20 -A 1,1,1 -B 25 -i 3 -S -I`: response 0, 5, 7;
///   turnaround 80, 141, 119. Each of `boost_order`, `tie`, `reset_on_block`, `wake_to_front`
///   and `boost_period` changes these numbers; `arrivals_before_wakeups` is shown above.
#[test]
fn ostep_mlfq_py_runs_are_reproduced() {
    let jobs = vec![ostep_job("J0", 0, 84, 7, 5), ostep_job("J1", 0, 42, 3, 5), ostep_job("J2", 0, 51, 4, 5)];
    let r = run_mlfq(ostep_mlfq(&[(10, 1), (10, 1), (10, 1)], 0, false, false), 1, jobs);
    assert_eq!(ostep_stats(&r), vec![(0, 180), (7, 161), (10, 171)]);

    let jobs = || vec![ostep_job("J0", 0, 42, 0, 3), ostep_job("J1", 0, 50, 7, 3), ostep_job("J2", 3, 40, 7, 3)];
    let levels = [(5, 1), (10, 1), (20, 1)];
    let r = run_mlfq(ostep_mlfq(&levels, 25, true, true), 1, jobs());
    assert_eq!(ostep_stats(&r), vec![(0, 80), (5, 141), (7, 119)]);
}

#[test]
fn parameters_are_checked_and_located() {
    let err = |sched: &str| {
        let json = format!(
            r#"{{"format":2,"name":"x","scheduler":{sched},"processes":[{{"name":"p","threads":[{{"name":"main","code":"compute 1"}}]}}]}}"#
        );
        match Scenario::from_json(&json) {
            Err(e) => e,
            Ok(s) => threadlab::model::run(&s).map(|_| ()).expect_err("expected an error"),
        }
    };
    let e = err(r#"{"policy":"mlfq","levels":[{"quantum":10},{"quantum":0}]}"#);
    assert_eq!(e.path, "scheduler.levels[1].quantum");
    let e = err(r#"{"policy":"mlfq","levels":[{"quantum":10,"allotment":0},{"quantum":10}]}"#);
    assert_eq!(e.path, "scheduler.levels[0].allotment");
    let e = err(r#"{"policy":"mlfq","levels":[]}"#);
    assert_eq!(e.path, "scheduler.levels");
    let e = err(r#"{"policy":"mlfq","levels":[{"quantum":10,"allotmnt":2}]}"#);
    assert_eq!(e.path, "scheduler.levels[0].allotmnt");
    let e = err(r#"{"policy":"mlfq"}"#);
    assert!(e.to_string().contains("levels"), "{e}");
    let e = err(r#"{"policy":"mlfq","levels":[{"quantum":10}],"boost_order":"sideways"}"#);
    assert_eq!(e.path, "scheduler.boost_order");
    // The lowest level's allotment may be 0, as `mlfq.py -A` allows: it has no effect.
    let json = r#"{"format":2,"name":"x","scheduler":{"policy":"mlfq","levels":[{"quantum":10},{"quantum":20,"allotment":0}],
        "boost_period":100,"boost_order":"lowest_first","reset_on_block":true,"wake_to_front":true,
        "arrivals_before_wakeups":true,"tie":"preempted_first"},
        "processes":[{"name":"p","threads":[{"name":"main","code":"compute 50"}]}]}"#;
    let s = Scenario::from_json(json).unwrap();
    let (_, r) = threadlab::model::run(&s).unwrap();
    assert_eq!(r.metrics.threads[0].completion, Some(50));
    let again = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(again, s);
}
