//! The wait-for graph panel's contents as markup text ([`crate::model::waitgraph::WaitGraph`]
//! drawn): an SVG with threads in the left column and the objects they hold or wait for in the
//! right one, an arrow thread → object for a wait and object → thread for a holder, a cycle thick,
//! dashed and labelled "cycle"; then the cycles and the exited holders in words, and every edge
//! in a list (the drawing's text equivalent). A `join` waits for a thread's exit: drawn as a box
//! "exit of w1" in the right column, with an arrow joiner → box and box → w1 (the thread whose
//! exit it is), so two threads joining each other close a cycle as two locks do. Built as one string, as the page's other
//! text-built views (`src/ui/markup.rs`): far less wasm than the same elements in `html!`.
//! Every name goes through [`escape`].

use std::fmt::Write;

use crate::markup::{escape, with_code};
use crate::model::System;
use crate::model::program::Instr;
use crate::model::trace::{Snapshot, ThreadState};
use crate::model::waitgraph::WaitGraph;

/// Rows drawn at most in a column; a bigger graph is given as its words and list only.
pub const MAX_ROWS: usize = 20;
/// Drawing units (the SVG scales to the panel's width): row height, box size, the columns' x,
/// the drawing's width.
const ROW: i32 = 44;
const BOX_W: i32 = 112;
const BOX_H: i32 = 32;
const LEFT: i32 = 4;
const RIGHT: i32 = 244;
const WIDTH: i32 = 360;
/// Where arrows meet a box, from its middle: waits above, holders below, so the two arrows
/// between one pair never overlap.
const WAIT_DY: i32 = -6;
const HOLD_DY: i32 = 6;

/// Whether the system has any synchronisation object, or a program that joins a thread (the
/// page shows the graph only then).
pub fn has_objects(sys: &System) -> bool {
    let joins = || sys.programs.iter().any(|p| p.instrs.iter().any(|i| matches!(i, Instr::Join { .. })));
    joins()
        || sys.processes.iter().any(|p| {
            let o = &p.objects;
            !(p.mutexes.is_empty()
                && o.spinlocks.is_empty()
                && o.condvars.is_empty()
                && o.rwlocks.is_empty()
                && o.semaphores.is_empty()
                && o.barriers.is_empty()
                && o.channels.is_empty())
        })
}

/// The graph in a few words, for the folded panel's title: "a cycle of waits: deadlock",
/// "2 held, 1 waiting", "nothing held, nobody waits". It counts the drawing's arrows: a join is
/// one wait (joiner → the thread's exit) and one held (the exit → the joined thread, which
/// "holds" its exit until it exits).
pub fn summary(g: &WaitGraph) -> String {
    let waits = g.edges.iter().filter(|e| !e.holds).count();
    let held = g.edges.len() - waits + g.joins.len();
    match (g.cycles.len(), waits + g.joins.len(), held) {
        (0, 0, 0) => "nothing held, nobody waits".into(),
        (0, w, h) => format!("{h} held, {w} waiting"),
        (1, ..) => "a cycle of waits: deadlock".into(),
        (n, ..) => format!("{n} cycles of waits: deadlock"),
    }
}

/// A name cut to fit a box (14 characters; the full name is in its tooltip and in the list).
fn fit(name: &str) -> String {
    if name.chars().count() <= 14 { name.to_string() } else { name.chars().take(13).chain(['…']).collect() }
}

/// One box at column x `x`: a thread's (round, left) or an object's (square, right), centred at
/// row y `cy`, with its name and, below it, a smaller second line (an object's kind, "exited").
fn node(out: &mut String, class: &str, title: &str, (x, cy): (i32, i32), name: &str, second: &str) {
    let (rx, mid) = (if x == LEFT { 14 } else { 2 }, x + BOX_W / 2);
    let name_y = if second.is_empty() { cy + 4 } else { cy - 2 };
    let _ = write!(
        out,
        r#"<g class="{class}"><title>{}</title><rect x="{x}" y="{}" width="{BOX_W}" height="{BOX_H}" rx="{rx}"/><text x="{mid}" y="{name_y}" text-anchor="middle">{}</text>"#,
        escape(title),
        cy - BOX_H / 2,
        escape(&fit(name))
    );
    if !second.is_empty() {
        let _ = write!(out, r#"<text class="wg-kind" x="{mid}" y="{}" text-anchor="middle">{second}</text>"#, cy + 11);
    }
    out.push_str("</g>");
}

/// The drawing: one box per node, one arrow per edge. `snap` says which threads have exited.
pub fn svg(sys: &System, g: &WaitGraph, snap: &Snapshot) -> String {
    // Right column: the objects, then one "exit of …" box per join.
    let right = g.objects.len() + g.joins.len();
    let rows = g.threads.len().max(right) as i32;
    // The shorter column is centred against the longer one.
    let y = |i: usize, n: usize| (rows - n as i32) * ROW / 2 + i as i32 * ROW + ROW / 2 + 4;
    let ty = |tid| y(g.threads.iter().position(|&t| t == tid).unwrap_or(0), g.threads.len());
    let oy = |o| y(o, right);
    let mut out = format!(
        r#"<svg class="wg-svg" data-testid="waitgraph-svg" viewBox="0 0 {WIDTH} {}" role="img" aria-label="Wait-for graph: the list below says the same in words"><defs>"#,
        rows * ROW + 8
    );
    for (id, size, class) in [("wg-arrow", 8, "wg-head"), ("wg-arrow-cycle", 11, "wg-head-cycle")] {
        let _ = write!(
            out,
            r#"<marker id="{id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{size}" markerHeight="{size}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="{class}"/></marker>"#
        );
    }
    out.push_str("</defs>");
    let (tx, ox) = (LEFT + BOX_W, RIGHT);
    for e in &g.edges {
        let (x1, y1, x2, y2) = match e.holds {
            true => (ox, oy(e.object) + HOLD_DY, tx + 2, ty(e.thread) + HOLD_DY),
            false => (tx, ty(e.thread) + WAIT_DY, ox - 2, oy(e.object) + WAIT_DY),
        };
        let holds = if e.holds { " wg-holds" } else { "" };
        let (cycle, marker) = if e.in_cycle { (" wg-cycle", "wg-arrow-cycle") } else { ("", "wg-arrow") };
        let _ = write!(
            out,
            r#"<line class="wg-edge{holds}{cycle}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" marker-end="url(#{marker})"/>"#
        );
    }
    for (k, j) in g.joins.iter().enumerate() {
        let row = oy(g.objects.len() + k);
        let (cycle, marker) = if j.in_cycle { (" wg-cycle", "wg-arrow-cycle") } else { ("", "wg-arrow") };
        let (y1, y2) = (ty(j.joiner) + WAIT_DY, row + WAIT_DY);
        let _ = write!(
            out,
            r#"<line class="wg-edge{cycle}" x1="{tx}" y1="{y1}" x2="{}" y2="{y2}" marker-end="url(#{marker})"/>"#,
            ox - 2
        );
        let _ = write!(
            out,
            r#"<line class="wg-edge wg-holds{cycle}" x1="{ox}" y1="{}" x2="{}" y2="{}" marker-end="url(#{marker})"/>"#,
            row + HOLD_DY,
            tx + 2,
            ty(j.thread) + HOLD_DY
        );
        let name = sys.thread_name(j.thread);
        let title = format!("the exit of thread {name}, which {} joins", sys.thread_name(j.joiner));
        node(&mut out, "wg-object", &title, (RIGHT, row), &name, "thread's exit");
    }
    // A cycle says so in text too (never by colour alone): one label per cycle, on one of its
    // waits' arrows, a quarter of the way from the thread; the first arrow whose label stays
    // clear of the labels already placed (on a label per arrow, the philosophers' p4 → f0 and
    // p3 → f4 put two labels on each other at p3).
    // Every wait arrow runs from the threads' column to the objects', so the labels share their
    // x: only their rows can collide.
    let label_x = tx + (ox - 2 - tx) / 4 + 6;
    let mut placed: Vec<i32> = Vec::new();
    for cycle in &g.cycles {
        let mut spot = None;
        for &t in cycle {
            let row = if let Some(e) = g.edges.iter().find(|e| !e.holds && e.in_cycle && e.thread == t) {
                oy(e.object)
            } else if let Some(k) = g.joins.iter().position(|j| j.in_cycle && j.joiner == t) {
                oy(g.objects.len() + k)
            } else {
                continue;
            };
            let (y1, y2) = (ty(t) + WAIT_DY, row + WAIT_DY);
            let y = y1 + (y2 - y1) / 4 - 5;
            let clear = placed.iter().all(|&p| (y - p).abs() >= 14);
            if clear || spot.is_none() {
                spot = Some(y);
            }
            if clear {
                break;
            }
        }
        if let Some(y) = spot {
            placed.push(y);
            let _ =
                write!(out, r#"<text class="wg-cycle-label" x="{label_x}" y="{y}" text-anchor="middle">cycle</text>"#);
        }
    }
    for &tid in &g.threads {
        let name = sys.thread_name(tid);
        let exited = snap.threads[tid].state == ThreadState::Terminated;
        let (class, title, second) = match exited {
            true => ("wg-thread wg-exited", format!("thread {name} (exited)"), "exited"),
            false => ("wg-thread", format!("thread {name}"), ""),
        };
        node(&mut out, class, &title, (LEFT, ty(tid)), &name, second);
    }
    for (i, &o) in g.objects.iter().enumerate() {
        let name = WaitGraph::object_name(sys, o);
        let second = match g.readers[i] {
            0 => o.kind.word().to_string(),
            1 => format!("{}, 1 reader", o.kind.word()),
            n => format!("{}, {n} readers", o.kind.word()),
        };
        node(&mut out, "wg-object", &format!("{} {name}", o.kind.word()), (RIGHT, oy(i)), &name, &second);
    }
    out.push_str("</svg>");
    out
}

/// The panel's contents under its title: the drawing (up to [`MAX_ROWS`] rows) and its key, each
/// cycle and each exited holder in words, and the list of edges; a sentence when the graph is
/// empty.
pub fn body(sys: &System, g: &WaitGraph, snap: &Snapshot) -> String {
    if g.is_empty() {
        return r#"<p class="muted">No thread holds or waits for a lock, semaphore, condition variable, barrier or channel, or joins a thread, now.</p>"#
            .into();
    }
    let mut out = String::new();
    if g.threads.len().max(g.objects.len() + g.joins.len()) <= MAX_ROWS {
        out.push_str(&svg(sys, g, snap));
        out.push_str(
            "<p class=\"hint\">Arrow from a thread to an object: it waits for it. From an object to a thread: the \
             thread holds it. A thread's exit is held by that thread, and a thread joining it waits for it. Thick, \
             dashed and labelled “cycle”: a cycle of waits, a deadlock.</p>",
        );
    } else {
        let _ = write!(
            out,
            r#"<p class="muted">Too big to draw ({} threads, {} objects): the list says who holds and waits for what.</p>"#,
            g.threads.len(),
            g.objects.len()
        );
    }
    for c in &g.cycles {
        let _ = write!(
            out,
            r#"<p class="wg-words wg-cycle-words" data-testid="waitgraph-cycle"><strong>Cycle:</strong> {}.</p>"#,
            with_code(&g.cycle_words(sys, c))
        );
    }
    for &e in &g.exited {
        let _ = write!(
            out,
            r#"<p class="wg-words" data-testid="waitgraph-exited"><strong>No cycle:</strong> {}.</p>"#,
            with_code(&g.exited_words(sys, e))
        );
    }
    for &e in &g.uncopied {
        let _ = write!(
            out,
            r#"<p class="wg-words" data-testid="waitgraph-uncopied"><strong>No cycle:</strong> {}.</p>"#,
            with_code(&g.uncopied_words(sys, e))
        );
    }
    out.push_str(r#"<ul class="wg-edges" data-testid="waitgraph-edges" aria-label="Edges of the wait-for graph">"#);
    for e in &g.edges {
        let on = if e.in_cycle { r#"<span class="wg-on-cycle"> (on the cycle)</span>"# } else { "" };
        let _ = write!(out, "<li>{}{on}</li>", with_code(&g.edge_words(sys, e)));
    }
    for j in &g.joins {
        let on = if j.in_cycle { r#"<span class="wg-on-cycle"> (on the cycle)</span>"# } else { "" };
        let _ = write!(out, "<li>{}{on}</li>", with_code(&g.join_words(sys, j)));
    }
    out.push_str("</ul>");
    out
}
