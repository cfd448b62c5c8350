//! The names of a process's synchronisation objects, one table per kind: an object's id is its
//! index in its kind's table. The parser fills the tables (see [`crate::model::program`]); the
//! run, the trace and every message name objects through them. Beside them, the settings each
//! object starts from ([`ObjectSettings`]).
//!
//! Objects that need a number are declared in the scenario (a semaphore's initial value, a
//! barrier's thread count) and come first, in name order; the others (mutexes, spin locks,
//! condition variables, read-write locks) are declared by their first use, and a read-write lock
//! may also be declared to choose its preference. One name is one object: a name used for two
//! kinds in one process is an error.

use serde::{Deserialize, Serialize};

use crate::model::scenario::{ProcessSpec, RwPreference};

/// A kind of synchronisation object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A blocking mutex (`lock`, `unlock`).
    Mutex,
    /// A spin lock (`spin_lock`, `spin_unlock`).
    Spinlock,
    /// A condition variable (`cond_wait`, `cond_signal`, `cond_broadcast`).
    Condvar,
    /// A read-write lock (`read_lock`, `write_lock`, …).
    RwLock,
    /// A counting semaphore (`sem_wait`, `sem_post`), declared in `semaphores`.
    Semaphore,
    /// A barrier (`barrier`), declared in `barriers`.
    Barrier,
    /// A message channel between processes (`send`, `recv`), declared in the scenario's
    /// `channels` ([`crate::model::sync::Channel`]).
    Channel,
}

impl ObjectKind {
    /// Every kind, in the order messages list them.
    pub const ALL: [ObjectKind; 7] = [
        ObjectKind::Mutex,
        ObjectKind::Spinlock,
        ObjectKind::Condvar,
        ObjectKind::RwLock,
        ObjectKind::Semaphore,
        ObjectKind::Barrier,
        ObjectKind::Channel,
    ];

    /// The kind in words: "mutex", "spin lock", "condition variable", …
    pub fn word(self) -> &'static str {
        match self {
            ObjectKind::Mutex => "mutex",
            ObjectKind::Spinlock => "spin lock",
            ObjectKind::Condvar => "condition variable",
            ObjectKind::RwLock => "read-write lock",
            ObjectKind::Semaphore => "semaphore",
            ObjectKind::Barrier => "barrier",
            ObjectKind::Channel => "channel",
        }
    }

    /// The process field that declares objects of this kind, if they must be declared there:
    /// `semaphores` and `barriers` (a semaphore needs its initial value, a barrier its count);
    /// a channel is declared in the scenario's `channels` (processes share it).
    pub fn declared_in(self) -> Option<&'static str> {
        match self {
            ObjectKind::Semaphore => Some("semaphores"),
            ObjectKind::Barrier => Some("barriers"),
            ObjectKind::Channel => Some("channels"),
            _ => None,
        }
    }
}

/// A process's synchronisation objects other than mutexes (which keep their own table,
/// [`crate::model::system::ProcessInfo::mutexes`]), by kind; index = the object's id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectNames {
    /// Spin locks, by first use.
    pub spinlocks: Vec<String>,
    /// Condition variables, by first use.
    pub condvars: Vec<String>,
    /// Read-write locks: the declared ones in name order, then the others by first use.
    pub rwlocks: Vec<String>,
    /// Semaphores, as declared, in name order.
    pub semaphores: Vec<String>,
    /// Barriers, as declared, in name order.
    pub barriers: Vec<String>,
    /// The scenario's channels, in name order (the same table in every process: a channel's id
    /// is the same whichever process uses it).
    pub channels: Vec<String>,
    /// The process's named programs (its `programs`), in name order: `create`'s operand is an
    /// index here. Not synchronisation objects: kept here because the parser reads every name a
    /// program may use from this table and [`crate::model::program::Symbols`].
    pub programs: Vec<String>,
}

impl ObjectNames {
    /// The table of `kind` (`None` for mutexes, kept apart).
    pub fn table(&self, kind: ObjectKind) -> Option<&Vec<String>> {
        match kind {
            ObjectKind::Mutex => None,
            ObjectKind::Spinlock => Some(&self.spinlocks),
            ObjectKind::Condvar => Some(&self.condvars),
            ObjectKind::RwLock => Some(&self.rwlocks),
            ObjectKind::Semaphore => Some(&self.semaphores),
            ObjectKind::Barrier => Some(&self.barriers),
            ObjectKind::Channel => Some(&self.channels),
        }
    }

    /// The table of `kind`, to add to (`None` for mutexes).
    pub fn table_mut(&mut self, kind: ObjectKind) -> Option<&mut Vec<String>> {
        match kind {
            ObjectKind::Mutex => None,
            ObjectKind::Spinlock => Some(&mut self.spinlocks),
            ObjectKind::Condvar => Some(&mut self.condvars),
            ObjectKind::RwLock => Some(&mut self.rwlocks),
            ObjectKind::Semaphore => Some(&mut self.semaphores),
            ObjectKind::Barrier => Some(&mut self.barriers),
            ObjectKind::Channel => Some(&mut self.channels),
        }
    }

    /// The name of object `id` of `kind` (not for mutexes).
    pub fn name(&self, kind: ObjectKind, id: usize) -> &str {
        self.table(kind).and_then(|t| t.get(id)).map_or("?", String::as_str)
    }
}

/// What a process's objects start from, indexed like [`ObjectNames`]' tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectSettings {
    /// Each semaphore's initial value and bound (`None`: unbounded).
    pub semaphores: Vec<(u64, Option<u64>)>,
    /// Each barrier's count: how many threads must arrive for it to open.
    pub barriers: Vec<u32>,
    /// Each read-write lock's preference (declared, else readers).
    pub rwlocks: Vec<RwPreference>,
}

impl ObjectSettings {
    /// The settings of the objects `names`, from their declarations in `spec`.
    pub fn of(names: &ObjectNames, spec: &ProcessSpec) -> Self {
        ObjectSettings {
            semaphores: (names.semaphores.iter())
                .map(|n| {
                    let d = &spec.semaphores[n];
                    (u64::from(d.initial), d.max.map(u64::from))
                })
                .collect(),
            barriers: names.barriers.iter().map(|n| spec.barriers[n]).collect(),
            rwlocks: (names.rwlocks.iter())
                .map(|n| spec.rwlocks.get(n).map(|d| d.prefer).unwrap_or_default())
                .collect(),
        }
    }
}
