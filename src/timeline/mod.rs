//! What the page's timeline draws, as pure data (no web types; tested natively).
//!
//! The page draws a run's timeline on a canvas, so its cost follows its width in pixels, not the
//! number of CPU intervals (a 64-thread run has about 60,000). This module prepares that drawing:
//!
//! - [`spans`]: every bar of a run, once per run, in lanes sorted by time (one lane per CPU, or
//!   one per thread with its ready and blocked time, read from the trace's state changes);
//! - [`columns`]: which bar each pixel column of a lane shows at a zoom, merged into blocks, and
//!   lost-update marks gathered into counted clusters;
//! - [`window`]: the visible time window (zoom) and the axis's step;
//! - [`palette`]: colours by process with a shade per thread;
//! - [`names`]: the thread lanes' labels, short and distinct.
//!
//! Time is in ticks (simulated µs).

pub mod columns;
pub mod names;
pub mod palette;
pub mod spans;
pub mod window;

pub use columns::{Block, LOST_MARK_SPACE, LostCluster, blocks, lost_clusters, lost_mark_extent};
pub use spans::{LaneSet, Lanes, Span, SpanKind};
pub use window::{MIN_SPAN, Window, axis_step};
