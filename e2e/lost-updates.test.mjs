// The race made visible: lost-update navigation, warnings, timeline markers and counts match
// the CLI's trace; a mutex run has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT, byId, cli, newPage, num, openApp, scrub, shot, text, useApp,
} from './lib.mjs';

const app = useApp();

/** Distinct times of the CLI trace's stores with lost > 0, ascending. */
function lostTimes(result) {
  const times = result.trace.events.filter((e) => e.type === 'mem' && e.lost > 0).map((e) => e.time);
  return [...new Set(times)].sort((a, b) => a - b);
}

async function waitCursor(page, t) {
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, t);
}

test('race-unsafe: "next lost update" goes to the CLI\'s first lost store and the memory view explains it', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('race-unsafe', '--trace');
  const times = lostTimes(want);
  assert.ok(times.length >= 2, 'the preset should lose updates');
  const first = want.trace.events.find((e) => e.type === 'mem' && e.lost > 0);
  const names = want.metrics.threads.map((th) => th.name);
  const v = want.metrics.variables.find((x) => x.name === 'counter');

  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  assert.equal(await page.locator('[data-testid="lost-warning"]').count(), 0, 'no warning at t=0');
  // Neighbouring instants share a mark that shows their count; the marks cover every instant, in
  // order: each mark's first and last instant are the CLI's.
  const marks = await page.locator('[data-testid="lost-marker"]').evaluateAll((els) => els.map((e) => (
    { time: Number(e.dataset.time), last: Number(e.dataset.last), count: Number(e.dataset.count) })));
  let seen = 0;
  for (const m of marks) {
    assert.equal(m.time, times[seen], `a mark starts at instant ${seen}`);
    seen += m.count;
    assert.equal(m.last, times[seen - 1], `a mark ends at instant ${seen - 1}`);
  }
  assert.equal(seen, times.length, 'the marks count every lost-update instant');
  const single = marks.findIndex((m) => m.count === 1);
  if (single >= 0) {
    assert.match(await page.locator('[data-testid="lost-marker"] title').nth(single).textContent(), /^Lost update at t = \d+ µs: \w+ stored/);
  }
  const many = marks.findIndex((m) => m.count > 1);
  if (many >= 0) {
    const title = await page.locator('[data-testid="lost-marker"] title').nth(many).textContent();
    assert.match(title, new RegExp(`^${marks[many].count} lost updates at t = ${marks[many].time}–${marks[many].last} µs`));
  }
  assert.ok(await byId(page, 'btn-prev-lost').isDisabled(), 'nothing before t=0');

  await byId(page, 'btn-next-lost').click();
  await waitCursor(page, first.time);
  const warning = (await byId(page, 'lost-warning').textContent()).trim();
  // e.g. "⚠ lost update: worker stored 1 over main's write (main's +1 is lost)"
  const storer = names[first.tid];
  assert.match(warning, new RegExp(`lost update: ${storer} stored ${first.value} over`), warning);
  const others = names.filter((_, i) => i !== first.tid);
  assert.ok(others.some((n) => warning.includes(`${n}'s`)), `the warning names whose write was lost: ${warning}`);
  assert.match(warning, /[+-]\d+ (is|are) lost/);
  assert.equal(await num(page, 'var-counter-counter'), first.value);
  await shot(page, 'lost-update-first');

  await byId(page, 'btn-next-lost').click();
  await waitCursor(page, times[1]);
  await byId(page, 'btn-prev-lost').click();
  await waitCursor(page, times[0]);

  // Final values: the model's count, and the shortfall worded as such.
  assert.equal(await num(page, 'lost-updates-counter-counter'), v.lost_updates);
  const row = page.locator('tr', { has: page.locator('[data-testid="final-var-counter-counter"]') });
  assert.match(await row.textContent(), new RegExp(`${v.expected - v.value} short of expected`));
  page.done();
});

test('race-mutex: no lost-update buttons or markers, and the Lost updates column says 0', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('race-mutex', '--trace');
  assert.equal(lostTimes(want).length, 0);
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  assert.equal(await page.locator('[data-testid="btn-next-lost"]').count(), 0);
  assert.equal(await page.locator('[data-testid="btn-prev-lost"]').count(), 0);
  assert.equal(await page.locator('[data-testid="lost-marker"]').count(), 0);
  assert.equal(await num(page, 'lost-updates-counter-counter'), 0);
  const head = await page.locator('[data-testid="metrics-table"] th', { hasText: 'Lost updates' }).count();
  assert.equal(head, 1, 'a "Lost updates" column');
  await byId(page, 'btn-end').click();
  assert.equal(await page.locator('[data-testid="lost-warning"]').count(), 0);
  page.done();
});

test('the outcome banner is labelled as the outcome of the whole run; backticks render as code', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const banner = await text(page, 'outcome');
  assert.match(banner, /^Outcome of the whole run:\s*Completed\s*—\s*every thread finished/);
  assert.doesNotMatch(banner, /completed\W+completed/i);
  assert.ok(await byId(page, 'scenario-description').locator('code').count() > 0, 'description has <code>');
  assert.doesNotMatch(await text(page, 'scenario-description'), /`/);

  await openApp(page, app, 'deadlock');
  assert.equal(await byId(page, 'outcome').getAttribute('data-kind'), 'deadlock');
  assert.match(await text(page, 'outcome'), /^Outcome of the whole run:\s*Deadlock/);
  assert.doesNotMatch(await text(page, 'outcome'), /`/);

  // Thread table wording.
  assert.equal(await page.locator('[data-testid="thread-table"] th', { hasText: /^Instruction$/ }).count(), 1);
  const pcTitle = await page.locator('[data-testid="thread-table"] th', { hasText: /^PC \(line\)$/ }).getAttribute('title');
  assert.match(pcTitle, /Program counter/);
  // The line is in the PC cell ("PC 3 (line 4)"); the instruction cell is the instruction.
  const pc = await page.locator('[data-testid="thread-table"] tr[data-tid] [data-testid="thread-pc"]').first().textContent();
  assert.match(pc, /^\d+ \(line \d+\)$/);
  const cell = await page.locator('[data-testid="thread-table"] tr[data-tid] td code').first().textContent();
  assert.match(cell, /^[a-z]+\b/);
  // Marked as the code view marks lines: ▶ on a CPU running it now, ▷ the next to run (walk s11).
  for (const row of await page.locator('[data-testid="thread-table"] tr[data-tid]').all()) {
    const instr = await row.locator('[data-testid="thread-instr"]').textContent();
    if (instr.includes('(finished)')) continue;
    const now = (await row.getAttribute('class') || '').includes('on-cpu') && !(await row.textContent()).includes('switching in');
    assert.match(instr, now ? /^\u25b6 / : /^\u25b7 /, instr);
  }
  page.done();
});

test('an unknown ?preset= says so above the playback', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app);
  await page.goto(`${app.url}/?preset=no-such-thing`);
  await byId(page, 'notice').waitFor();
  assert.ok(await byId(page, 'notice').isVisible());
  assert.match(await text(page, 'notice'), /no preset named no-such-thing/);
  assert.equal(await byId(page, 'preset-select').inputValue(), 'race-unsafe');
  page.done();
});

test('zoom narrows the timeline around the cursor; clicks still seek; Fit shows it all', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const { max } = await scrub(page);
  const tl = byId(page, 'timeline');
  const win = async () => ({ start: Number(await tl.getAttribute('data-start')), span: Number(await tl.getAttribute('data-span')) });
  assert.deepEqual(await win(), { start: 0, span: max });

  await byId(page, 'btn-next-lost').click();
  const cursor = (await scrub(page)).value;
  await byId(page, 'zoom-in').click();
  await byId(page, 'zoom-in').click();
  const w = await win();
  const half = Math.round(max / 2);
  assert.equal(w.span, Math.round(half / 2));
  assert.ok(cursor >= w.start && cursor <= w.start + w.span, `cursor ${cursor} within ${JSON.stringify(w)}`);
  assert.match(await text(page, 'zoom-window'), new RegExp(`showing ${w.start}–${w.start + w.span} µs`));

  // Click the middle of the plot: the cursor goes to the middle of the window.
  const box = await tl.boundingBox();
  const plotLeft = box.x + box.width * 0.07;
  const plotWidth = box.width * 0.93;
  await page.mouse.click(plotLeft + plotWidth / 2, box.y + 30);
  const mid = w.start + w.span / 2;
  const now = (await scrub(page)).value;
  assert.ok(Math.abs(now - mid) <= w.span / 50 + 1, `clicked the middle of ${JSON.stringify(w)}, cursor at ${now}`);
  await shot(page, 'timeline-zoomed');

  await byId(page, 'zoom-out').click();
  assert.ok(Math.abs((await win()).span - half) <= 1, 'zoom out doubles the span');
  await byId(page, 'zoom-fit').click();
  assert.deepEqual(await win(), { start: 0, span: max });
  page.done();
});

test('on a phone (390 px) the lost update\'s explanation is one press from the buttons that find it', { timeout: TEST_TIMEOUT }, async (t) => {
  // Issue 7: on a phone the explanation is far below the timeline; a button leads there.
  const page = await newPage(app, t);
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page, app, 'race-unsafe');
  assert.equal(await byId(page, 'btn-lost-why').count(), 0, 'no lost update at t = 0');
  await byId(page, 'btn-next-lost').click();
  await byId(page, 'lost-why').waitFor({ state: 'attached' });
  const before = await byId(page, 'lost-why').boundingBox();
  assert.ok(before.y > 844, `the explanation starts below the first screen (y = ${before.y})`);
  await byId(page, 'btn-lost-why').click();
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'lost-why');
  const after = await byId(page, 'lost-why').boundingBox();
  assert.ok(after.y >= 0 && after.y + after.height <= 844, `the explanation in the window: ${JSON.stringify(after)}`);
  // The variable it is about, in the row above, too.
  const row = await page.locator('tr.raced').first().boundingBox();
  assert.ok(row.y >= 0, `the variable's row in the window: ${JSON.stringify(row)}`);
  await shot(page, 'lost-why-390');
  page.done();
});
