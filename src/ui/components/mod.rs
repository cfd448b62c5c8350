//! The page's views, one function component per file.

pub mod controls;
pub mod header;
pub mod memory_view;
pub mod metrics_table;
pub mod outcome_banner;
pub mod preset_picker;
pub mod scenario_editor;
pub mod settings;
pub mod thread_table;
pub mod timeline;
pub mod timeline_lanes;
