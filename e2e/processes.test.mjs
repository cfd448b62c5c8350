// Processes created at run time (fork, spawn, wait) on the page: the thread table, the timeline
// and the memory view take the new processes (the page grows its system from the trace), the
// memory view shows each process's pages and its RSS and PSS. The CLI's run is the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, TEST_TIMEOUT, byId, cli, newPage, openApp, setValue, shot, useApp } from './lib.mjs';

const app = useApp();
const grouped = (n) => n.toLocaleString('en-US');

async function seek(page, t) {
  await setValue(page, 'scrub', t);
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, t);
}

test('fork-copy: the child appears when forked, with its own x and its pages', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('fork-copy', '--trace');
  const fork = want.trace.events.find((e) => e.type === 'new_process');
  const child = want.metrics.memory[fork.child];
  const page = await newPage(app, t);
  await openApp(page, app, 'fork-copy');
  await seek(page, 0);
  const memory = byId(page, 'memory-view');
  assert.doesNotMatch(await memory.innerText(), /Process app\.1/);
  // The forked thread has no row before its fork; from the fork on it is main's copy after the
  // fork: the PC of the instruction after it (3, line 4), main's r0 = 1, its own r1 = 0.
  const rows = page.locator('[data-testid="thread-table"] tr[data-tid]');
  assert.equal(await rows.count(), want.metrics.threads.length - 1);
  await seek(page, fork.time);
  assert.equal(await rows.count(), want.metrics.threads.length);
  const copy = page.locator(`[data-testid="thread-table"] tr[data-tid="${fork.thread}"]`);
  assert.match(await copy.locator('[data-testid="thread-pc"]').innerText(), /^3 \(line 4\)/);
  assert.match(await copy.locator('td.regs').innerText(), /^r0=1$/);
  await byId(page, 'btn-end').click();
  const words = await memory.innerText();
  assert.match(words, new RegExp(`Process app\\.1 \\(pid ${fork.child}\\)`));
  assert.match(words, new RegExp(`Forked by app at t = ${fork.time} µs; ended at t = ${child.ended} µs`));
  assert.equal(await byId(page, 'var-app-x').innerText(), '10');
  assert.equal(await byId(page, 'var-app.1-x').innerText(), '20');
  // The child's pages when it ended: code and stacks still shared, data its own.
  const pages = byId(page, `pages-app.1`);
  assert.equal(await pages.locator('i').count(), child.rss_bytes / 4096);
  assert.match(await pages.innerText(),
    new RegExp(`RSS ${grouped(child.rss_bytes)} B, PSS ${grouped(child.pss_bytes)} B`));
  assert.equal(await pages.locator('i.pg-shared').count(), 3);
  assert.match(await byId(page, `pages-app`).innerText(), /1 copied\. .*\(1 copy-on-write\)/);
  assert.match(await byId(page, 'page-legend').innerText(),
    new RegExp(`Peak resident \\(all processes, a shared page once\\): ${grouped(want.metrics.peak_resident_bytes)} B`));
  // The timeline has a lane for the forked thread.
  await byId(page, 'lanes-threads').click();
  assert.equal(await page.locator('.lane-labels li[title="app.1 / main"]').count(), 1);
  await shot(page, 'fork-copy-memory');
  page.done();
});

test('processes-memory: eight spawned processes, each with its box and pages', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('processes-memory');
  const page = await newPage(app, t);
  await openApp(page, app, 'processes-memory');
  await byId(page, 'btn-end').click();
  const boxes = byId(page, 'memory-view').locator('article.process-box');
  assert.equal(await boxes.count(), want.metrics.memory.length);
  assert.match(await byId(page, 'memory-view').innerText(), /Spawned \(worker\) by app at t = 10232 µs/);
  // Resident frames (each page once) apart from the footprints added up (shared pages per process).
  assert.equal(await byId(page, 'metric-peak-resident').textContent(), `${grouped(want.metrics.peak_resident_bytes)} B`);
  assert.equal(await byId(page, 'metric-memory').textContent(), `${grouped(want.metrics.total_memory_bytes)} B`);
  assert.match(await byId(page, 'page-legend').innerText(), /PSS sum at the end: 0 B \(every process has ended/);
  assert.equal(await byId(page, 'outcome').getAttribute('data-kind'), 'completed');
  page.done();
});

test('fork-held-lock: the deadlock names the holder fork did not copy', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'fork-held-lock');
  assert.equal(await byId(page, 'outcome').getAttribute('data-kind'), 'deadlock');
  assert.match(await byId(page, 'outcome').innerText(), /a thread that `?fork`? did not copy into app\.1/);
  page.done();
});
