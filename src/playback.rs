//! Playback of a finished run: a cursor moving over the trace's timeline.
//!
//! This is the UI's state as a pure reducer ([`Playback::apply`] takes an [`Action`]), with no
//! web types, so it is tested natively. It never simulates anything: the trace is complete, so
//! stepping back is as cheap as stepping forward; the views fold the trace at [`Playback::cursor`]
//! with [`crate::model::trace::Trace::snapshot`].
//!
//! Time is in ticks (1 tick = 1 simulated µs); wall-clock time is in milliseconds.

use std::rc::Rc;

use crate::model::trace::Trace;
use crate::model::{ThreadId, Ticks};

/// Playback speeds offered by the UI, in ticks (simulated µs) per wall-clock second, slowest first.
/// Roughly ×2 / ×2.5 steps, so a slider over the indices feels logarithmic.
pub const SPEEDS: [u32; 16] =
    [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

/// Wall-clock seconds a whole run should take at the default speed.
const DEFAULT_PLAY_SECONDS: u64 = 20;

/// The playback state over one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Playback {
    /// Distinct event times of the trace, ascending, in ticks (shared: cloning is cheap).
    instants: Rc<[Ticks]>,
    /// Current time, in ticks, `0..=end`.
    pub cursor: Ticks,
    /// Last instant of the run, in ticks.
    pub end: Ticks,
    /// Whether the cursor advances on [`Action::Tick`].
    pub playing: bool,
    /// Ticks (simulated µs) the cursor advances per wall-clock second while playing; ≥ 1.
    pub speed: u32,
    /// Whether the user chose `speed` ([`Action::SetSpeed`]); a chosen speed survives
    /// [`Playback::reloaded`].
    pub speed_chosen: bool,
    /// The thread whose bars the timeline highlights (dimming the rest) and whose row the thread
    /// table marks, chosen in either or in the legend; `None`: none. A new run starts with none.
    pub selected: Option<ThreadId>,
    /// Fraction of a tick not yet applied, in thousandths of a tick (speed × ms carries over).
    carry_milliticks: u64,
}

/// Something the user (or the play timer) does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start advancing; at the end, restart from 0 first.
    Play,
    /// Stop advancing.
    Pause,
    /// [`Action::Play`] if paused, else [`Action::Pause`].
    TogglePlay,
    /// Pause and move to the next instant at which something happened (or the end).
    StepForward,
    /// Pause and move to the previous instant at which something happened (or 0).
    StepBack,
    /// Pause and go back to time 0.
    Reset,
    /// Pause and jump to the end of the run.
    SeekEnd,
    /// Move the cursor to this time in ticks (clamped to the run); playing continues.
    Seek(Ticks),
    /// The play timer fired: `elapsed_ms` wall-clock milliseconds passed since the last tick.
    Tick { elapsed_ms: u32 },
    /// Set the speed in ticks per wall-clock second (0 counts as 1).
    SetSpeed(u32),
    /// Highlight this thread (`None`: clear the highlight); playing goes on.
    Select(Option<ThreadId>),
}

impl Playback {
    /// Paused at time 0 over `trace`, at a speed that plays the whole run in about 20 s.
    pub fn new(trace: &Trace) -> Self {
        Self::from_instants(trace.instants(), trace.end_time())
    }

    /// As [`Playback::new`], from the event instants (ascending, ticks) and the end time (ticks).
    pub fn from_instants(instants: Vec<Ticks>, end: Ticks) -> Self {
        Playback {
            instants: instants.into(),
            cursor: 0,
            end,
            playing: false,
            speed: default_speed(end),
            speed_chosen: false,
            selected: None,
            carry_milliticks: 0,
        }
    }

    /// `next` (a new run's playback), keeping this one's speed if the user chose it.
    pub fn reloaded(&self, mut next: Playback) -> Playback {
        if self.speed_chosen {
            next.speed = self.speed;
            next.speed_chosen = true;
        }
        next
    }

    /// The distinct event times, ascending, in ticks.
    pub fn instants(&self) -> &[Ticks] {
        &self.instants
    }

    /// Whether the cursor is at the end of the run.
    pub fn at_end(&self) -> bool {
        self.cursor >= self.end
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Play => self.play(),
            Action::Pause => self.playing = false,
            Action::TogglePlay => {
                if self.playing {
                    self.playing = false;
                } else {
                    self.play();
                }
            }
            Action::StepForward => {
                self.playing = false;
                let i = self.instants.partition_point(|&t| t <= self.cursor);
                self.move_to(self.instants.get(i).copied().unwrap_or(self.end));
            }
            Action::StepBack => {
                self.playing = false;
                let i = self.instants.partition_point(|&t| t < self.cursor);
                self.move_to(if i == 0 { 0 } else { self.instants[i - 1] });
            }
            Action::Reset => {
                self.playing = false;
                self.move_to(0);
            }
            Action::SeekEnd => {
                self.playing = false;
                self.move_to(self.end);
            }
            Action::Seek(t) => self.move_to(t),
            Action::Tick { elapsed_ms } => self.tick(elapsed_ms),
            Action::SetSpeed(s) => {
                self.speed = s.max(1);
                self.speed_chosen = true;
            }
            Action::Select(tid) => self.selected = tid,
        }
    }

    fn play(&mut self) {
        if self.at_end() {
            self.move_to(0);
        }
        // A run of length 0 has nothing to play.
        self.playing = self.end > 0;
    }

    /// Moves the cursor (clamped to `0..=end`) and drops any fractional tick.
    fn move_to(&mut self, t: Ticks) {
        self.cursor = t.min(self.end);
        self.carry_milliticks = 0;
    }

    fn tick(&mut self, elapsed_ms: u32) {
        if !self.playing {
            return;
        }
        // speed ticks per 1000 ms: advance speed × ms / 1000 ticks, keeping the remainder.
        let milliticks = self.carry_milliticks + u64::from(self.speed) * u64::from(elapsed_ms);
        let advance = milliticks / 1000;
        self.carry_milliticks = milliticks % 1000;
        self.cursor = self.cursor.saturating_add(advance).min(self.end);
        if self.at_end() {
            self.playing = false;
            self.carry_milliticks = 0;
        }
    }
}

/// The slowest entry of [`SPEEDS`] that plays `end` ticks in at most 20 wall-clock seconds
/// (the fastest entry if none does).
pub fn default_speed(end: Ticks) -> u32 {
    let wanted = end.div_ceil(DEFAULT_PLAY_SECONDS);
    SPEEDS.iter().copied().find(|&s| u64::from(s) >= wanted).unwrap_or(SPEEDS[SPEEDS.len() - 1])
}

/// Index in [`SPEEDS`] of the entry closest to `speed` (ticks per second), for a slider.
pub fn speed_index(speed: u32) -> usize {
    (0..SPEEDS.len()).min_by_key(|&i| SPEEDS[i].abs_diff(speed)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Event instants 0, 3, 10 and 25; end 30 (a CPU interval ends after the last event).
    fn sample() -> Playback {
        Playback::from_instants(vec![0, 3, 10, 25], 30)
    }

    fn applied(mut p: Playback, actions: &[Action]) -> Playback {
        for &a in actions {
            p.apply(a);
        }
        p
    }

    #[test]
    fn new_starts_paused_at_zero() {
        let p = sample();
        assert_eq!((p.cursor, p.end, p.playing), (0, 30, false));
        // 30 ticks / 20 s = 2 ticks per second: the slowest speed ≥ 2 is 2.
        assert_eq!(p.speed, 2);
    }

    #[test]
    fn new_from_trace_uses_its_instants_and_end() {
        use crate::model::scheduler::ReadyReason;
        use crate::model::trace::{Cause, CpuInterval, IntervalKind, ThreadState, TraceEvent, What};
        let ev = |time| TraceEvent { time, what: What::Pc { tid: 0, pc: 1 } };
        let trace = Trace {
            events: vec![
                TraceEvent {
                    time: 0,
                    what: What::State {
                        tid: 0,
                        state: ThreadState::Ready,
                        cause: Cause::Queued { reason: ReadyReason::Arrived },
                    },
                },
                ev(4),
                ev(4),
                ev(9),
            ],
            intervals: vec![CpuInterval {
                cpu: 0,
                tid: 0,
                start: 0,
                end: 12,
                kind: IntervalKind::Run,
                first_pc: 0,
                last_pc: 2,
            }],
            ready_queue: Vec::new(),
        };
        let p = Playback::new(&trace);
        assert_eq!(p.instants(), &[0, 4, 9]);
        assert_eq!(p.end, 12);
    }

    #[test]
    fn step_forward_visits_each_instant_then_the_end() {
        let mut p = sample();
        let mut seen = Vec::new();
        for _ in 0..6 {
            p.apply(Action::StepForward);
            seen.push(p.cursor);
        }
        // From 0 the next instant after 0 is 3; after 25 comes the end (30), then it stays.
        assert_eq!(seen, vec![3, 10, 25, 30, 30, 30]);
    }

    #[test]
    fn step_back_visits_each_instant_then_zero() {
        let mut p = applied(sample(), &[Action::SeekEnd]);
        let mut seen = Vec::new();
        for _ in 0..6 {
            p.apply(Action::StepBack);
            seen.push(p.cursor);
        }
        assert_eq!(seen, vec![25, 10, 3, 0, 0, 0]);
    }

    #[test]
    fn steps_from_between_instants() {
        // At 7 (between 3 and 10): forward goes to 10, back goes to 3.
        let p = applied(sample(), &[Action::Seek(7), Action::StepForward]);
        assert_eq!(p.cursor, 10);
        let p = applied(sample(), &[Action::Seek(7), Action::StepBack]);
        assert_eq!(p.cursor, 3);
    }

    #[test]
    fn stepping_pauses() {
        let p = applied(sample(), &[Action::Play, Action::StepForward]);
        assert!(!p.playing);
        let p = applied(sample(), &[Action::Play, Action::StepBack]);
        assert!(!p.playing);
    }

    #[test]
    fn tick_advances_speed_times_elapsed() {
        // 1000 ticks/s for 16 ms = 16 ticks.
        let mut p = Playback::from_instants(vec![0, 500], 1000);
        p.apply(Action::SetSpeed(1000));
        p.apply(Action::Play);
        p.apply(Action::Tick { elapsed_ms: 16 });
        assert_eq!(p.cursor, 16);
        p.apply(Action::Tick { elapsed_ms: 250 });
        assert_eq!(p.cursor, 266);
        assert!(p.playing);
    }

    #[test]
    fn tick_carries_fractions_of_a_tick() {
        // 10 ticks/s = one tick per 100 ms; three 40 ms frames = 120 ms = 1.2 ticks → 1, then
        // two more frames = 200 ms → 2 ticks in total.
        let mut p = Playback::from_instants(vec![0], 1000);
        p.apply(Action::SetSpeed(10));
        p.apply(Action::Play);
        for _ in 0..3 {
            p.apply(Action::Tick { elapsed_ms: 40 });
        }
        assert_eq!(p.cursor, 1);
        for _ in 0..2 {
            p.apply(Action::Tick { elapsed_ms: 40 });
        }
        assert_eq!(p.cursor, 2);
    }

    #[test]
    fn tick_does_nothing_when_paused() {
        let p = applied(sample(), &[Action::SetSpeed(1000), Action::Tick { elapsed_ms: 100 }]);
        assert_eq!(p.cursor, 0);
    }

    #[test]
    fn tick_stops_at_the_end() {
        // 100 ticks/s × 500 ms = 50 ticks, but the run ends at 30.
        let p = applied(sample(), &[Action::SetSpeed(100), Action::Play, Action::Tick { elapsed_ms: 500 }]);
        assert_eq!(p.cursor, 30);
        assert!(!p.playing);
    }

    #[test]
    fn play_at_the_end_restarts_from_zero() {
        let p = applied(sample(), &[Action::SeekEnd, Action::Play]);
        assert_eq!(p.cursor, 0);
        assert!(p.playing);
    }

    #[test]
    fn play_in_the_middle_keeps_the_cursor() {
        let p = applied(sample(), &[Action::Seek(12), Action::Play]);
        assert_eq!((p.cursor, p.playing), (12, true));
    }

    #[test]
    fn toggle_play_alternates() {
        let p = applied(sample(), &[Action::TogglePlay]);
        assert!(p.playing);
        let p = applied(p, &[Action::TogglePlay]);
        assert!(!p.playing);
    }

    #[test]
    fn empty_run_never_plays() {
        let p = applied(Playback::from_instants(vec![], 0), &[Action::Play]);
        assert!(!p.playing);
        assert_eq!(p.cursor, 0);
    }

    #[test]
    fn seek_clamps_to_the_end_and_keeps_playing() {
        let p = applied(sample(), &[Action::Play, Action::Seek(1_000)]);
        assert_eq!(p.cursor, 30);
        let p = applied(sample(), &[Action::Play, Action::Seek(20)]);
        assert_eq!((p.cursor, p.playing), (20, true));
    }

    #[test]
    fn reset_and_seek_end_pause() {
        let p = applied(sample(), &[Action::Seek(12), Action::Play, Action::Reset]);
        assert_eq!((p.cursor, p.playing), (0, false));
        let p = applied(sample(), &[Action::Play, Action::SeekEnd]);
        assert_eq!((p.cursor, p.playing), (30, false));
    }

    #[test]
    fn seeking_drops_the_fractional_tick() {
        // 10 ticks/s × 90 ms = 0.9 tick carried; after a seek to 5, another 90 ms is still 0.9.
        let p = applied(
            Playback::from_instants(vec![0], 100),
            &[
                Action::SetSpeed(10),
                Action::Play,
                Action::Tick { elapsed_ms: 90 },
                Action::Seek(5),
                Action::Tick { elapsed_ms: 90 },
            ],
        );
        assert_eq!(p.cursor, 5);
    }

    #[test]
    fn speed_zero_counts_as_one() {
        let p = applied(sample(), &[Action::SetSpeed(0)]);
        assert_eq!(p.speed, 1);
    }

    #[test]
    fn a_chosen_speed_survives_a_reload_and_a_default_one_does_not() {
        let fresh = Playback::from_instants(vec![0], 20_000);
        let p = sample();
        assert_eq!(p.reloaded(fresh.clone()).speed, 1_000, "default speed follows the new run");
        let p = applied(sample(), &[Action::SetSpeed(5), Action::Seek(12), Action::Play]);
        let next = p.reloaded(fresh);
        assert_eq!((next.speed, next.speed_chosen, next.cursor, next.playing), (5, true, 0, false));
    }

    #[test]
    fn a_selected_thread_stays_while_playing_until_cleared_or_a_new_run() {
        let p = applied(sample(), &[Action::Play, Action::Select(Some(1)), Action::Tick { elapsed_ms: 500 }]);
        assert_eq!((p.selected, p.playing), (Some(1), true));
        assert_eq!(applied(p.clone(), &[Action::Select(None)]).selected, None);
        assert_eq!(p.reloaded(sample()).selected, None, "a new run may not have that thread");
    }

    #[test]
    fn default_speed_plays_in_about_twenty_seconds() {
        assert_eq!(default_speed(0), 1);
        // 2509 ticks / 20 s = 125.45 → at least 126/s: 200 is the slowest ladder entry.
        assert_eq!(default_speed(2509), 200);
        // 20 000 / 20 = 1000 exactly.
        assert_eq!(default_speed(20_000), 1_000);
        // Longer than the ladder: the fastest.
        assert_eq!(default_speed(u64::MAX), 100_000);
    }

    #[test]
    fn speed_index_finds_the_nearest_entry() {
        assert_eq!(speed_index(1), 0);
        assert_eq!(speed_index(200), 7);
        assert_eq!(speed_index(190), 7);
        assert_eq!(speed_index(1_000_000), SPEEDS.len() - 1);
    }
}
