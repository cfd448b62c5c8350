// The timeline at 64 threads (e2e/threads-64.json: 16 CPUs, 8 processes × 8 threads): drawn per
// pixel column on a canvas, so its element count does not grow with the run or the zoom; a thread
// highlighted by click, keys or the thread table; bar details by keys and by touch; blocked time
// drawn with its legend entries; hundreds of lost updates gathered into counted marks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ROOT, T, TEST_TIMEOUT, byId, cli, cliFile, newPage, openApp, openScenario, scrub, shot, text, useApp,
} from './lib.mjs';

const app = useApp();
const FILE = path.join(ROOT, 'e2e', 'threads-64.json');
const JSON64 = readFileSync(FILE, 'utf8');
/** The same run without its locks: every increment races, and hundreds of updates are lost. */
const UNLOCKED = JSON64.replace(/ *"  (un)?lock m",\n/g, '');

/** The timeline's element count, its canvas's drawn blocks and width in device px, its lanes. */
async function drawn(page) {
  return page.evaluate(() => {
    const tl = document.querySelector('[data-testid="timeline"]');
    const c = document.querySelector('[data-testid="timeline-canvas"]');
    return {
      elements: tl.querySelectorAll('*').length,
      blocks: Number(c.dataset.drawn),
      kinds: Object.fromEntries(c.dataset.kinds.split(' ').map((kv) => kv.split(':')).map(([k, v]) => [k, Number(v)])),
      cols: c.width,
      lanes: tl.querySelectorAll('.lane-labels li').length,
    };
  });
}

const KIND = { run: 'running', thread_switch: 'thread switch (same process)', process_switch: 'process switch (address space changes)' };

/** What the details line must say for a CLI interval (its start of line). */
function intervalText(result, iv) {
  const t = result.metrics.threads[iv.tid];
  return `CPU ${iv.cpu} · ${t.process} / ${t.name} · ${KIND[iv.kind]} · ${iv.start}–${iv.end} µs (${iv.end - iv.start} µs)`;
}

/** CPU `cpu`'s intervals by start; the index of the one covering `t`, else the nearest (earlier on a tie). */
function lane(result, cpu) {
  return result.trace.intervals.filter((iv) => iv.cpu === cpu && iv.end > iv.start).sort((a, b) => a.start - b.start);
}
function nearest(bars, t) {
  const i = bars.findIndex((b) => b.start > t);
  const after = i < 0 ? bars.length : i;
  const before = after - 1;
  if (before >= 0 && bars[before].end > t) return before;
  if (before < 0) return after;
  if (after >= bars.length) return before;
  return bars[after].start - t < t - (bars[before].end - 1) ? after : before;
}

test('64 threads: the timeline\'s elements stay bounded by its width, fitted and at full zoom, by CPU and by thread', { timeout: TEST_TIMEOUT }, async (t) => {
  const result = cliFile(FILE, '--trace');
  assert.ok(result.trace.intervals.length > 50_000, 'the big run has tens of thousands of CPU intervals');
  const page = await newPage(app, t);
  await openScenario(page, app, JSON64, 64, { drawn: true });
  const fitted = await drawn(page);
  assert.equal(fitted.lanes, 16);
  // Labels, axis ticks, marks, cursor: a few dozen elements, however many intervals.
  assert.ok(fitted.elements < 200, `${fitted.elements} elements in the timeline`);
  assert.ok(fitted.blocks > 0 && fitted.blocks <= fitted.lanes * fitted.cols, `${fitted.blocks} blocks for ${fitted.lanes} lanes × ${fitted.cols} px`);
  assert.ok(fitted.blocks < result.trace.intervals.length / 2, 'far fewer blocks than intervals');
  await shot(page, 'timeline-64-cpus');

  // Full zoom (the narrowest window): still bounded.
  while (!(await byId(page, 'zoom-in').isDisabled())) await byId(page, 'zoom-in').click();
  assert.equal(Number(await byId(page, 'timeline').getAttribute('data-span')), 8);
  const zoomed = await drawn(page);
  assert.ok(zoomed.elements < 200 && zoomed.blocks <= zoomed.lanes * zoomed.cols, JSON.stringify(zoomed));
  await byId(page, 'zoom-fit').click();

  // One lane per thread: 64 lanes, ready and blocked time drawn too, still bounded.
  await byId(page, 'lanes-threads').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.lanes === 'threads');
  const threads = await drawn(page);
  assert.equal(threads.lanes, 64);
  assert.ok(threads.elements < 400, `${threads.elements} elements in the thread lanes`);
  assert.ok(threads.blocks <= threads.lanes * threads.cols, JSON.stringify(threads));
  await shot(page, 'timeline-64-threads');
  page.done();
});

test('blocked time is drawn in the thread lanes, with legend entries, and its details name the wait', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openScenario(page, app, JSON64, 64, { drawn: true });
  // In the CPU lanes the legend says where blocked time is drawn.
  assert.match(await text(page, 'legend-io'), /blocked on I\/O \(By thread\)/);
  await byId(page, 'lanes-threads').click();
  await page.waitForFunction(() => /io:[1-9]/.test(document.querySelector('[data-testid="timeline-canvas"]').dataset.kinds));
  const { kinds } = await drawn(page);
  assert.ok(kinds.io > 0 && kinds.lock > 0 && kinds.ready > 0, JSON.stringify(kinds));
  assert.equal(await text(page, 'legend-io'), 'blocked on I/O');
  assert.equal(await text(page, 'legend-lock'), "blocked on a lock, semaphore, condition variable, barrier or channel, or in a join (waiting for a thread's exit)");

  // Thread 0's lane by keys: its bars in time order include an I/O wait and a lock wait, and
  // their details say what they wait for (a lock wait names its mutex), as the CLI's trace does.
  const result = cliFile(FILE, '--trace');
  const blocks = result.trace.events.filter((e) => e.type === 'state' && e.tid === 0 && e.state === 'blocked');
  const firstIo = blocks.find((e) => e.on === 'io');
  await byId(page, 'timeline').focus();
  await page.keyboard.press('Home');
  const seen = new Set();
  for (let i = 0; i < 60 && seen.size < 2; i++) {
    const d = await text(page, 'bar-details');
    if (d.includes('blocked on I/O')) {
      seen.add('io');
      if (d.includes(`· ${firstIo.time}–`)) assert.match(d, new RegExp(`waits for I/O until t=${firstIo.until}`), d);
    }
    if (d.includes('blocked on mutex')) {
      seen.add('lock');
      // The mutex's name is set as code, not quoted in backticks.
      assert.match(d, /· blocked on mutex m · \d+–\d+ µs \(\d+ µs\) · at PC \d+: lock m \(line 3\)/, d);
    }
    await page.keyboard.press('ArrowRight');
  }
  assert.deepEqual([...seen].sort(), ['io', 'lock']);
  // (A switch to the thread is in its lane too, and says on which CPU.)
  assert.match(await text(page, 'bar-details'), /^(CPU \d+ · )?p0 \/ t0 · /, 'the keys stayed in thread 0\'s lane');
  page.done();
});

test('a thread is highlighted from the legend, the thread table, a bar, or the keys; again or Esc clears it', { timeout: TEST_TIMEOUT }, async (t) => {
  const result = cliFile(FILE, '--trace');
  const page = await newPage(app, t);
  await openScenario(page, app, JSON64, 64, { drawn: true });
  const tl = byId(page, 'timeline');
  const selected = () => tl.getAttribute('data-selected');

  // Each legend button's name for a screen reader tells its thread apart (64 threads whose
  // names repeat across processes: process / thread).
  const names = await page.locator('.legend-thread').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.equal(names.length, 64);
  assert.equal(new Set(names).size, 64, `repeated names: ${names.slice(0, 4)}`);
  // Legend: process p1's thread t2 is tid 10.
  const legendButton = page.locator('.legend-thread[data-tid="10"]');
  assert.equal(await legendButton.getAttribute('aria-label'), `${result.metrics.threads[10].process} / ${result.metrics.threads[10].name}`);
  await legendButton.click();
  assert.equal(await selected(), '10');
  assert.equal(await legendButton.getAttribute('aria-pressed'), 'true');
  assert.match(await page.locator('[data-testid="thread-table"] tr[data-tid="10"]').getAttribute('class'), /selected/);
  await shot(page, 'timeline-64-highlight');
  await legendButton.click();
  assert.equal(await selected(), null);

  // Thread table, then Esc.
  await page.locator('[data-testid="thread-table"] tr[data-tid="33"] .thread-pick').click();
  assert.equal(await selected(), '33');
  await page.keyboard.press('Escape');
  assert.equal(await selected(), null);

  // A click on a bar: the longest interval on CPU 2 in the first 2000 µs, hit in its middle.
  const end = (await scrub(page)).max;
  const bars = lane(result, 2).filter((b) => b.end < 2000);
  const long = bars.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
  // The pointer works in the viewport: bring the chart into it first.
  await byId(page, 'timeline-canvas').scrollIntoViewIfNeeded();
  const box = await byId(page, 'timeline-canvas').boundingBox();
  const mid = (long.start + long.end) / 2;
  await page.mouse.click(box.x + (box.width * mid) / end, box.y + (box.height / 16) * 2.5);
  assert.equal(await selected(), String(long.tid));
  assert.ok((await text(page, 'bar-details')).startsWith(intervalText(result, long)), await text(page, 'bar-details'));
  // The same bar again clears it.
  await page.mouse.click(box.x + (box.width * mid) / end, box.y + (box.height / 16) * 2.5);
  assert.equal(await selected(), null);
  page.done();
});

test('bar details by keyboard: arrows move along and across the CPU lanes, Enter moves the cursor there', { timeout: TEST_TIMEOUT }, async (t) => {
  const result = cliFile(FILE, '--trace');
  const page = await newPage(app, t);
  await openScenario(page, app, JSON64, 64, { drawn: true });
  // Tab reaches the chart after the zoom buttons.
  await byId(page, 'zoom-in').focus();
  const focused = () => page.evaluate(() => document.activeElement?.dataset.testid);
  for (let i = 0; i < 3 && (await focused()) !== 'timeline'; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(), 'timeline');

  // Each key's effect is waited for (the page redraws after it), never assumed at once.
  const detailsStartWith = (want) => page.waitForFunction(
    (w) => document.querySelector('[data-testid="bar-details"]')?.textContent.startsWith(w), want, { timeout: T.load },
  ).catch(async (e) => { throw new Error(`bar details "${await text(page, 'bar-details')}" do not start with "${want}": ${e.message}`); });
  const cpu0 = lane(result, 0);
  await page.keyboard.press('ArrowRight'); // the bar at the cursor (t = 0) on CPU 0
  await detailsStartWith(intervalText(result, cpu0[0]));
  // Two keys at once, before a redraw: both count (the handler keeps the bar it picked).
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const at = cpu0[2];
  await detailsStartWith(intervalText(result, at));
  assert.equal(await byId(page, 'timeline').getAttribute('data-selected'), String(at.tid), 'focus highlights its thread');
  if (at.kind === 'run') assert.match(await text(page, 'bar-details'), /PC \d+ → \d+: /);
  // Down: CPU 1's bar at the middle of this one.
  await page.keyboard.press('ArrowDown');
  const cpu1 = lane(result, 1);
  const below = cpu1[nearest(cpu1, at.start + Math.floor((at.end - at.start) / 2))];
  await detailsStartWith(intervalText(result, below));
  assert.ok(await byId(page, 'bar-focus').isVisible(), 'a ring marks the focused bar');
  // ← and → moved bars, not the playback; Enter moves the cursor to the bar.
  assert.equal((await scrub(page)).value, 0);
  await page.keyboard.press('Enter');
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, below.start);
  await page.keyboard.press('Escape');
  assert.equal(await byId(page, 'timeline').getAttribute('data-selected'), null);
  page.done();
});

test('hundreds of lost updates are gathered into marks with their count; previous / next still visit each', { timeout: TEST_TIMEOUT }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'threadlab-'));
  const file = path.join(dir, 'unlocked.json');
  writeFileSync(file, UNLOCKED);
  const result = cliFile(file, '--trace');
  const times = [...new Set(result.trace.events.filter((e) => e.type === 'mem' && e.lost > 0).map((e) => e.time))].sort((a, b) => a - b);
  assert.ok(times.length > 200, `${times.length} lost-update instants`);

  const page = await newPage(app, t);
  await openScenario(page, app, UNLOCKED, 64, { drawn: true });
  const marks = await page.locator('[data-testid="lost-marker"]').evaluateAll((els) => els.map((e) => (
    { time: Number(e.dataset.time), count: Number(e.dataset.count), label: e.querySelector('text')?.textContent ?? null })));
  const width = (await byId(page, 'timeline-canvas').boundingBox()).width;
  // Marks at least 24 px apart: at most one per 24 px, and together they count every instant.
  assert.ok(marks.length <= Math.ceil(width / 24) + 1, `${marks.length} marks over ${width} px`);
  assert.equal(marks.reduce((n, m) => n + m.count, 0), times.length);
  for (const m of marks) {
    assert.equal(m.label, m.count > 1 ? String(m.count) : null, 'a gathered mark shows its count');
  }
  assert.ok(marks.some((m) => m.count > 1));
  // No mark is drawn over another (a count of 3 digits is wider than the 24 px gap).
  const spans = await page.locator('[data-testid="lost-marker"]').evaluateAll((els) => els.map((e) => {
    const b = e.getBBox();
    return [b.x, b.x + b.width];
  }));
  const over = spans.filter((s, i) => i > 0 && s[0] < spans[i - 1][1]).map((s) => s.join('–'));
  assert.deepEqual(over, [], `marks drawn over the one before: ${JSON.stringify(spans)}`);
  await shot(page, 'timeline-64-lost');

  await byId(page, 'btn-next-lost').click();
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, times[0]);
  await byId(page, 'btn-next-lost').click();
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, times[1]);
  await byId(page, 'btn-prev-lost').click();
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, times[0]);
  // Zoomed in, the marks spread out: more of them, fewer instants each.
  for (let i = 0; i < 5; i++) await byId(page, 'zoom-in').click();
  const zoomed = await page.locator('[data-testid="lost-marker"]').evaluateAll((els) => els.map((e) => Number(e.dataset.count)));
  assert.ok(Math.max(...zoomed) < Math.max(...marks.map((m) => m.count)), 'zooming in separates them');
  page.done();
});

test('on a phone (390 px, touch): a tap on a bar shows its details and highlights its thread; no sideways scroll', { timeout: TEST_TIMEOUT }, async (t) => {
  const context = await app.browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true, reducedMotion: 'reduce',
  });
  t.after(() => context.close().catch(() => {}));
  const page = await context.newPage();
  page.setDefaultTimeout(T.ui);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openScenario(page, app, readFileSync(path.join(ROOT, 'presets', 'race-mutex.json'), 'utf8'), 2, { drawn: true });
  // A tap lands in the viewport: bring the chart into it first.
  await byId(page, 'timeline-canvas').scrollIntoViewIfNeeded();
  const box = await byId(page, 'timeline-canvas').boundingBox();
  // CPU 0 runs from the start: tap a tenth of the way along its lane.
  await page.touchscreen.tap(box.x + box.width * 0.1, box.y + box.height / 4);
  await page.waitForFunction(() => /^CPU 0 · counter \/ \w+ · /.test(document.querySelector('[data-testid="bar-details"]').textContent));
  assert.notEqual(await byId(page, 'timeline').getAttribute('data-selected'), null);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(sideways <= 0, `page scrolls sideways by ${sideways} px`);
  await byId(page, 'timeline').scrollIntoViewIfNeeded();
  mkdirSync(path.join(ROOT, 'e2e', 'screenshots'), { recursive: true });
  await page.screenshot({ path: path.join(ROOT, 'e2e', 'screenshots', 'timeline-390-touch.png') });
  assert.deepEqual(errors, []);
});

test('threads blocked forever in a deadlock are marked at the end of their lanes', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('deadlock');
  assert.equal(want.outcome.kind, 'deadlock');
  const stuck = want.outcome.waits.map((w) => String(w.tid)).sort();
  assert.ok(stuck.length >= 2, `${stuck}`);
  const page = await newPage(app, t);
  await openApp(page, app, 'deadlock');
  assert.equal(await page.locator('[data-testid="end-mark"]').count(), 0, 'not in the CPU lanes');
  await byId(page, 'lanes-threads').click();
  await page.locator('[data-testid="end-mark"]').first().waitFor();
  const marked = await page.locator('[data-testid="end-mark"]').evaluateAll((els) => els.map((e) => e.dataset.tid));
  assert.deepEqual(marked.sort(), stuck, 'one mark per stuck thread');
  await shot(page, 'timeline-deadlock-end');
  page.done();
});

test('at 1024 px the thread lanes\' labels are not cut, and each gives the full name', { timeout: TEST_TIMEOUT }, async (t) => {
  // Issue 7: the by-thread labels were truncated at a laptop's width.
  const page = await newPage(app, t);
  await page.setViewportSize({ width: 1024, height: 800 });
  await openApp(page, app, 'readers-writers');
  await byId(page, 'lanes-threads').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.lanes === 'threads');
  const labels = await page.locator('[data-testid="timeline"] .lane-labels li').evaluateAll((els) => els.map((e) => ({
    title: e.getAttribute('title'), cut: e.scrollWidth > e.clientWidth + 1, text: e.textContent,
  })));
  // presets/readers-writers.json: one process, `library`, with reader1–3 and writer.
  assert.deepEqual(labels.map((l) => l.title), ['library / reader1', 'library / reader2', 'library / reader3', 'library / writer']);
  for (const l of labels) assert.ok(!l.cut, `${l.title}: label cut ("${l.text}")`);
  await shot(page, 'timeline-thread-labels-1024');
  page.done();
});

test('at 1024 px the legend\'s swatches look like the bars and each stays beside its words', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await page.setViewportSize({ width: 1024, height: 800 });
  await openApp(page, app, 'readers-writers');
  /** Each bar kind's swatch (size, place) and the first line of its words. */
  const kinds = () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.legend-kinds li[data-testid]')].map((li) => {
    const sw = li.querySelector('.swatch').getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents([...li.childNodes].find((n) => n.nodeType === Node.TEXT_NODE));
    const first = range.getClientRects()[0];
    return [li.dataset.testid, { w: sw.width, h: sw.height, top: sw.top, bottom: sw.bottom, right: sw.right, line: { top: first.top, bottom: first.bottom, left: first.left } }];
  })));
  const check = (all, where) => {
    assert.deepEqual(Object.keys(all), ['legend-run', 'legend-thread-switch', 'legend-process-switch', 'legend-ready', 'legend-io', 'legend-lock'], where);
    // Drawn heights as shares of a run bar's (src/ui/components/timeline_lanes.rs): switches
    // 0.5, ready 0.2 (a thin line), waits 0.7; a swatch as high as a run bar would say otherwise.
    const run = all['legend-run'].h;
    assert.ok(all['legend-ready'].h <= run * 0.3, `${where}: ready swatch ${all['legend-ready'].h} px high, run ${run} px`);
    for (const k of ['legend-thread-switch', 'legend-process-switch']) assert.ok(all[k].h <= run * 0.6, `${where}: ${k} ${all[k].h} px high, run ${run} px`);
    for (const [id, k] of Object.entries(all)) {
      // The swatch is on its words' first line, left of them: not alone on a line of its own.
      assert.ok(k.top < k.line.bottom && k.bottom > k.line.top && k.line.left >= k.right - 0.5, `${where}: ${id}'s swatch is cut from its words: ${JSON.stringify(k)}`);
    }
  };
  check(await kinds(), 'By CPU');
  await byId(page, 'lanes-threads').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.lanes === 'threads');
  check(await kinds(), 'By thread');
  await shot(page, 'timeline-legend-1024');
  page.done();
});
