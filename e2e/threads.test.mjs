// Threads created at run time (create, join, exit v): the thread table says "not created yet" for a
// thread no create has started, "blocked" with "thread w1 to exit" while main joins, and each
// worker's exit value once joined. The CLI's trace is the oracle for the instants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  T, TEST_TIMEOUT, byId, cli, cliFile, editorScenario, newPage, num, openApp, openScenario, outcomeKind, setValue, shot, text, useApp, waitNum,
} from './lib.mjs';

const app = useApp();

async function seek(page, t) {
  await setValue(page, 'scrub', t);
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, t);
}

const state = (page, tid) =>
  page.locator(`[data-testid="thread-table"] tr[data-tid="${tid}"] [data-testid="thread-state"]`).innerText();

test('threads-create-join: not started, joining, then exited with their values and joined', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('threads-create-join', '--trace');
  const events = want.trace.events;
  const join = events.find((e) => e.type === 'state' && e.state === 'blocked' && e.on === 'join');
  const exits = events.filter((e) => e.type === 'state' && e.cause === 'exited');
  const page = await newPage(app, t);
  await openApp(page, app, 'threads-create-join');
  await seek(page, 0);
  assert.equal(await state(page, 4), 'not created yet');
  // Only main has a stack yet: 4096 + 4096 + 8192.
  assert.match(await byId(page, 'memory-view').innerText(), /stacks 8,192 B \(1 × 8,192 B\) = 16,384 B; 4 threads not created yet have no stack/);
  await seek(page, join.time);
  assert.equal(await state(page, join.tid), 'blocked');
  const waits = page.locator(`[data-testid="thread-table"] tr[data-tid="${join.tid}"] [data-testid="thread-waits"]`);
  assert.equal(await waits.innerText(), `thread ${want.metrics.threads[join.thread].name} to exit`);
  await shot(page, 'threads-joining');
  await byId(page, 'btn-end').click();
  for (const e of exits.filter((x) => x.tid !== 0)) {
    assert.equal(await state(page, e.tid), `exited (${e.value}), joined`);
  }
  assert.equal(await state(page, 0), 'exited (0)');
  assert.match(await byId(page, 'memory-view').innerText(), /stacks 40,960 B \(5 × 8,192 B\) = 49,152 B/);
  page.done();
});

/** A scenario: process p, main running `main`, `slots` threads w1… declared "start": "created". */
function withWorkers(main, worker, slots) {
  const threads = [{ name: 'main', code: main.split('\n') }];
  for (let i = 1; i <= slots; i++) threads.push({ name: `w${i}`, program: 'worker', start: 'created' });
  return JSON.stringify({
    format: 2,
    name: 'threads',
    machine: { cpus: 1 },
    processes: [{ name: 'p', variables: { result: 0 }, programs: { worker: worker.split('\n') }, threads }],
  }, null, 2);
}

test('a slot no create reaches: the banner says every started thread finished and names it', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openScenario(page, app, withWorkers('create r1, worker\njoin r1', 'compute 1', 3), 4);
  await page.waitForFunction(() => /not every thread/.test(document.querySelector('[data-testid="outcome"]').textContent));
  assert.equal(await outcomeKind(page), 'completed');
  const banner = await text(page, 'outcome');
  assert.doesNotMatch(banner, /every thread finished/);
  assert.match(banner, /Completed, not every thread created\s*— every started thread finished, but 2 thread slots were never created: p\/w2, p\/w3 \(no create started them\)/);
  // The metrics: a slot never created has no arrival (nor anything else): "—", not 0. w1,
  // created when main's create ends at 14 (its cost), arrived then.
  const cells = (sel) => page.locator(`[data-testid="metrics-table"] ${sel} td`).allInnerTexts();
  for (const w of ['w2', 'w3']) {
    assert.deepEqual(await cells(`tr[data-testid="never-created-p-${w}"]`), ['p', w, ...Array(9).fill('—')]);
  }
  const rows = await page.locator('[data-testid="metrics-table"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  const w1 = rows.find((r) => r[1] === 'w1');
  assert.equal(w1[2], '14');
  page.done();
});

test('a run stopped by a runtime error: the final values say so, and claim no shortfall', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  // set r1, 9 (0–1) then join r1 (1–2): no thread 9, ESRCH at t=2, with result still 0 of 5.
  const json = JSON.parse(withWorkers('set r1, 9\njoin r1', 'compute 1', 1));
  json.processes[0].expected = { result: 5 };
  await openScenario(page, app, JSON.stringify(json, null, 2), 2);
  await page.waitForFunction(() => document.querySelector('[data-testid="outcome"]').dataset.kind === 'runtime_error');
  const row = byId(page, 'final-var-p-result').locator('xpath=ancestor::tr');
  const verdict = await row.locator('.verdict').innerText();
  assert.equal(verdict, 'not final: the run stopped at t=2 before finishing');
  assert.doesNotMatch(await byId(page, 'metrics-table').innerText(), /short of expected/);
  page.done();
});

test('a runtime error: the failing thread is shown failed, its line says so', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  // main joins itself (r0 = 0, its own id): EDEADLK when the join's tick ends.
  await openScenario(page, app, withWorkers('compute 2\njoin r0', 'compute 1', 1), 2);
  await page.waitForFunction(() => document.querySelector('[data-testid="outcome"]').dataset.kind === 'runtime_error');
  await byId(page, 'btn-end').click();
  assert.equal(await state(page, 0), 'failed (runtime error)');
  const row = page.locator('[data-testid="thread-table"] tr[data-tid="0"]');
  assert.equal(await row.getAttribute('class').then((c) => /on-cpu/.test(c ?? '')), false, 'no longer on a CPU');
  const mark = page.locator('[data-testid="code-listing"] li[data-line="2"] [data-testid="code-mark"]');
  assert.match(await mark.innerText(), /^main: failed here, runtime error: .*EDEADLK/);
  assert.doesNotMatch(await byId(page, 'code-listing').innerText(), /running on CPU|main next/);
  assert.match(await text(page, 'code-status'), /main, line 2 \(PC 1\): failed here, runtime error/);
  // Before the failure it was running its join.
  await seek(page, 2);
  assert.notEqual(await state(page, 0), 'failed (runtime error)');
  page.done();
});

test('threads-create-join: sync wait is the JSON lock_wait, join included; the legend says join', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('threads-create-join');
  const page = await newPage(app, t);
  await openApp(page, app, 'threads-create-join');
  const header = byId(page, 'col-sync-wait');
  assert.equal((await header.innerText()).trim(), 'Sync wait');
  const tip = await header.getAttribute('title');
  assert.match(tip, /join waiting for a thread's exit/);
  assert.match(tip, /CLI's JSON calls it lock_wait/);
  const cells = page.locator('[aria-label="Metrics per thread"] tbody tr');
  for (const [i, m] of want.metrics.threads.entries()) {
    assert.equal(Number(await cells.nth(i).locator('td').nth(10).innerText()), m.lock_wait, m.name);
  }
  assert.ok(want.metrics.threads[0].lock_wait > 0, 'main waits in its joins');
  await byId(page, 'lanes-threads').click();
  assert.match(await text(page, 'legend-lock'), /or in a join \(waiting for a thread's exit\)/);
  page.done();
});

test('threads-create-join: the wait-for graph heading counts the exit its drawing shows held', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('threads-create-join', '--trace');
  const join = want.trace.events.find((e) => e.type === 'state' && e.state === 'blocked' && e.on === 'join');
  const page = await newPage(app, t);
  await openApp(page, app, 'threads-create-join');
  await seek(page, join.time);
  await page.locator('[data-testid="waitgraph"] summary').click();
  await byId(page, 'waitgraph-svg').waitFor();
  const held = await page.locator('[data-testid="waitgraph-svg"] line.wg-holds').count();
  const waits = await page.locator('[data-testid="waitgraph-svg"] line.wg-edge:not(.wg-holds)').count();
  assert.deepEqual([held, waits], [1, 1]);
  assert.equal(await text(page, 'waitgraph-summary'), `— ${held} held, ${waits} waiting`);
  page.done();
});

test('no backticks in tooltips, labels or plain text: threads-create-join and deadlock', { timeout: TEST_TIMEOUT }, async (t) => {
  // Every title and aria-label, SVG <title>, and every text outside code, pre and the editor.
  const ticks = (page) => page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('[title], [aria-label]')) {
      for (const a of ['title', 'aria-label']) {
        const v = el.getAttribute(a);
        if (v && v.includes('`')) bad.push(`${a}: ${v}`);
      }
    }
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.textContent.includes('`') && !n.parentElement.closest('code, pre, textarea, .json-editor, script, style')) {
        bad.push(`text in <${n.parentElement.tagName.toLowerCase()}>: ${n.textContent.trim().slice(0, 120)}`);
      }
    }
    return bad;
  });
  const page = await newPage(app, t);
  await openApp(page, app, 'threads-create-join');
  const want = cli('threads-create-join', '--trace');
  const join = want.trace.events.find((e) => e.type === 'state' && e.state === 'blocked' && e.on === 'join');
  await seek(page, join.time);
  await page.locator('[data-testid="waitgraph"] summary').click();
  await byId(page, 'lanes-threads').click();
  // main's lane (the first): its bars by keys until the join wait's details show.
  await byId(page, 'timeline').focus();
  await page.keyboard.press('Home');
  let details = '';
  for (let i = 0; i < 20 && !/blocked in join/.test(details); i++) {
    await page.keyboard.press('ArrowRight');
    details = await text(page, 'bar-details');
  }
  assert.match(details, /blocked in join, waiting for thread w1 to exit/);
  assert.deepEqual(await ticks(page), []);
  await openApp(page, app, 'deadlock');
  await byId(page, 'btn-end').click();
  assert.deepEqual(await ticks(page), []);
  page.done();
});

test('threads-create-join: the next mark is the instruction run next; a slot not created has none', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('threads-create-join', '--trace');
  // main (tid 0) at its creates: PC 1, line 2; the `end` (line 3) takes no time and goes back.
  const creates = want.trace.events.filter((e) => e.type === 'pc' && e.tid === 0 && e.pc === 1).map((e) => e.time);
  assert.equal(creates.length, 4);
  const page = await newPage(app, t);
  await openApp(page, app, 'threads-create-join');
  await byId(page, 'code-thread').selectOption('0');
  const next = () => page.locator('[data-testid="code-listing"] [data-testid="code-next"]');
  for (const time of creates.slice(0, 3)) {
    await seek(page, time + 1);
    assert.equal(await next().count(), 1, `t=${time + 1}`);
    assert.equal(await next().locator('xpath=ancestor::li').getAttribute('data-line'), '2', `t=${time + 1}`);
  }
  await seek(page, creates[3] + 1);
  assert.equal(await next().locator('xpath=ancestor::li').getAttribute('data-line'), '4');
  // w1 at t = 0: not created yet, no next mark; its line says so.
  await seek(page, 0);
  await byId(page, 'code-thread').selectOption('1');
  assert.equal(await next().count(), 0);
  assert.match(await byId(page, 'code-listing').innerText(), /w1: starts here when a create starts it; not created yet/);
  page.done();
});

test('threads-create-join: the thread creation setting re-runs and changes that one value', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  assert.equal(await byId(page, 'setting-create').count(), 0, 'no box for a scenario that creates no thread');
  await openApp(page, app, 'threads-create-join');
  assert.equal(Number(await byId(page, 'setting-create').inputValue()), 14);
  const before = await editorScenario(page);
  const makespan = await num(page, 'metric-makespan');
  await setValue(page, 'setting-create', 40);
  await page.waitForFunction(() => /"thread_create_ticks": 40/.test(document.querySelector('[data-testid="scenario-editor"]').value), null, { timeout: T.load });
  const after = await editorScenario(page);
  assert.deepEqual(after, { ...before, machine: { ...before.machine, thread_create_ticks: 40 } });
  // The run is the CLI's run of that scenario.
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'threadlab-')), 'create40.json');
  writeFileSync(file, JSON.stringify(after));
  const want = cliFile(file);
  await waitNum(page, 'metric-makespan', want.metrics.makespan);
  assert.notEqual(want.metrics.makespan, makespan);
  assert.equal(Number(await byId(page, 'setting-create').inputValue()), 40);
  page.done();
});
