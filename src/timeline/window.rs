//! The timeline's visible time window (its zoom) and the time axis's step.

use crate::model::Ticks;

/// Narrowest zoom window, in ticks.
pub const MIN_SPAN: Ticks = 8;

/// The visible time window `[start, start + span]`, in ticks; `span` ≥ 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// First tick shown.
    pub start: Ticks,
    /// Ticks shown.
    pub span: Ticks,
}

impl Window {
    /// The whole run `0..=end` (ticks).
    pub fn fit(end: Ticks) -> Self {
        Window { start: 0, span: end.max(1) }
    }

    /// A window of `span` ticks (clamped to `MIN_SPAN..=end`) centred on `centre` as far as a
    /// run of `end` ticks allows.
    pub fn around(centre: Ticks, span: Ticks, end: Ticks) -> Self {
        let end = end.max(1);
        let span = span.clamp(MIN_SPAN.min(end), end);
        let start = centre.saturating_sub(span / 2).min(end - span);
        Window { start, span }
    }

    /// This window if it fits a run of `end` ticks, else the whole run.
    pub fn within(self, end: Ticks) -> Self {
        if self.start + self.span > end.max(1) { Window::fit(end) } else { self }
    }

    /// Whether `t` (ticks) is shown.
    pub fn contains(self, t: Ticks) -> bool {
        t >= self.start && t <= self.start + self.span
    }

    /// A window of the same span that shows `t`: this one if it does, else one that starts a
    /// tenth of a span before `t` (paging, as a playing cursor leaves the window), in `0..=end`.
    pub fn follow(self, t: Ticks, end: Ticks) -> Self {
        if self.contains(t) {
            return self;
        }
        let start = t.saturating_sub(self.span / 10).min(end.max(1).saturating_sub(self.span));
        Window { start, span: self.span }
    }

    /// Where `t` is across the window: 0 at its start, 1 at its end (outside: below 0 or above 1).
    pub fn frac(self, t: Ticks) -> f64 {
        (t as f64 - self.start as f64) / self.span as f64
    }

    /// The tick at fraction `f` (clamped to 0..=1) of the window, rounded.
    pub fn time_at(self, f: f64) -> Ticks {
        self.start + (f.clamp(0.0, 1.0) * self.span as f64).round() as Ticks
    }
}

/// A round step for about `parts` axis divisions over `span` ticks (1, 2 or 5 × 10^k).
pub fn axis_step(span: Ticks, parts: Ticks) -> Ticks {
    let raw = (span / parts.max(1)).max(1);
    let mut base = 1;
    while base * 10 <= raw {
        base *= 10;
    }
    [1, 2, 5, 10].into_iter().map(|m| m * base).find(|&s| s >= raw).unwrap_or(base * 10)
}
