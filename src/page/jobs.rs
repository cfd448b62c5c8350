//! The job table: a scheduling scenario as rows of jobs (placeholder).
