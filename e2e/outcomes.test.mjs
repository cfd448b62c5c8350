// Outcomes other than a plain completion, and every preset opening from the URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT, byId, cli, newPage, num, openApp, outcomeKind, scrub, shot, text, useApp,
} from './lib.mjs';

const app = useApp();

test('the deadlock preset stops with a deadlock naming both threads and both locks', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('deadlock');
  assert.equal(want.outcome.kind, 'deadlock');

  const page = await newPage(app, t);
  await openApp(page, app, 'deadlock');
  assert.equal(await outcomeKind(page), 'deadlock');
  const msg = await text(page, 'outcome');
  assert.equal(want.outcome.waits.length, 2);
  for (const w of want.outcome.waits) {
    // e.g. "bank/a waits for mutex `y` (held by bank/b)"
    assert.ok(msg.includes(w.thread), `outcome does not name thread ${w.thread}: ${msg}`);
    assert.match(msg, new RegExp(`mutex\\W{0,3}${w.mutex}\\b`), `outcome does not name mutex ${w.mutex}: ${msg}`);
  }
  assert.equal(await num(page, 'metric-makespan'), want.metrics.makespan);
  assert.equal((await scrub(page)).max, want.outcome.time);
  await shot(page, 'deadlock');
  page.done();
});

test('every preset opens from ?preset=KEY with the outcome and makespan the CLI gives', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'COOP/COEP make the page cross-origin isolated');
  const keys = await byId(page, 'preset-select').evaluate((el) => [...el.options].map((o) => o.value));
  for (const k of [
    'single-thread', 'race-unsafe', 'race-mutex', 'mixed-fcfs-1cpu', 'mixed-rr-1cpu',
    'mixed-fcfs-2cpu', 'mixed-rr-2cpu', 'deadlock',
  ]) {
    assert.ok(keys.includes(k), `preset menu lacks ${k} (has ${keys.join(', ')})`);
  }
  for (const key of keys) {
    const want = cli(key);
    await openApp(page, app, key);
    assert.equal(await outcomeKind(page), want.outcome.kind, `${key}: outcome`);
    assert.equal(await num(page, 'metric-makespan'), want.metrics.makespan, `${key}: makespan`);
    assert.equal(await num(page, 'metric-context-switches'), want.metrics.context_switches, `${key}: context switches`);
    assert.ok((await text(page, 'scenario-description')).length > 0, `${key}: description`);
    assert.ok(await byId(page, 'timeline').isVisible(), `${key}: timeline visible`);
    // At the end every process a fork or spawn creates exists (before its creation it has no row).
    await byId(page, 'btn-end').click();
    const rows = await page.locator('[data-testid="thread-table"] tr[data-tid]').count();
    assert.equal(rows, want.metrics.threads.length, `${key}: one thread-table row per thread (at the end)`);
    for (const [i, v] of want.metrics.variables.entries()) {
      // A shared segment's variable is one row on the page (under the first process mapping it),
      // where the CLI lists it for every process: the earlier row stands for it.
      const id = `final-var-${v.process}-${v.name}`;
      if (!(await page.locator(`[data-testid="${id}"]`).count())) {
        const first = want.metrics.variables.slice(0, i).find((w) => w.name === v.name && w.value === v.value);
        assert.ok(first, `${key}: no row for ${v.process}/${v.name} and no earlier segment row for it`);
        continue;
      }
      assert.equal(await num(page, id), v.value, `${key}: final ${v.process}/${v.name}`);
    }
    await shot(page, `preset-${key}`);
  }
  page.done();
});

test('the thread table shows each thread state and pc at the cursor', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-rr-1cpu');
  await byId(page, 'btn-end').click();
  const rows = page.locator('[data-testid="thread-table"] tr[data-tid]');
  const n = await rows.count();
  assert.ok(n > 0);
  for (let i = 0; i < n; i++) {
    const state = ((await rows.nth(i).locator('[data-testid="thread-state"]').textContent()) ?? '').trim();
    assert.match(state, /\S/, `row ${i} has a state`);
    assert.ok(await rows.nth(i).locator('[data-testid="thread-pc"]').count(), `row ${i} has a pc cell`);
  }
  // All threads finished at the end of a completed run.
  const states = await rows.locator('[data-testid="thread-state"]').allTextContents();
  for (const s of states) assert.match(s, /done|finish|terminat|exit/i, `state at the end: ${s}`);
  page.done();
});

test('an endless loop stops at the step budget with a message, and the timeline shows the run', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const editor = byId(page, 'scenario-editor');
  await editor.fill((await editor.inputValue()).replace('loop 500', 'loop 4000000000'));
  await byId(page, 'btn-apply').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="outcome"]')?.getAttribute('data-kind') === 'budget_exceeded');
  assert.match(await byId(page, 'outcome').textContent(), /limits\.max_steps/);
  // Both threads were still running when the budget ran out: their bars are drawn (the canvas
  // lists the threads it drew).
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline-canvas"]')?.dataset.threads === '0 1');
  page.done();
});
