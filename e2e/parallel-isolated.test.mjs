// The parallel mode's isolated mode (like processes) and speedup run (parallel.html), served with
// the cross-origin isolation headers: the merged answer is exact, copying shows the bytes copied
// and transferring shows none and detached buffers; the speedup run draws a point per N and its
// prediction, and runs far below it are flagged; Cancel mid-run leaves nothing half-shown; a
// crashed or hung worker, or a message the browser refuses to post, is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { T, TEST_TIMEOUT, byId, newPage, shot, text, useApp } from './lib.mjs';
import { checkTableBoxes, isolatedResult, openParallel, runIsolated, settled, speedupRows, startSpeedup } from './parallel-lib.mjs';

const app = useApp();
const MIB = 1 << 20;

/**
 * The isolated run's lesson says whether its `n` workers beat the page alone, as its own numbers
 * and the times paragraph's do; returns { faster, text }.
 */
async function lessonAgrees(page, n, how) {
  const lesson = await text(page, 'iso-lesson');
  const m = lesson.match(
    new RegExp(`^(Slower than|Faster than|No faster than) the page alone: ${n} workers took ([\\d.]+) ms in all, where the page hashed all the data by itself in ([\\d.]+) ms\\.`),
  );
  assert.ok(m, lesson);
  const [wall, alone] = [Number(m[2]), Number(m[3])];
  const times = await text(page, 'iso-times');
  const [, lastStartup] = times.match(/([\d.]+) ms for the last of/);
  assert.ok(times.includes(`The whole run: ${m[2]} ms. The page alone hashed all the data in ${m[3]} ms.`), times);
  assert.ok(lesson.includes(`(${lastStartup} ms)`), `the start-up in the lesson is the slowest worker's: ${lesson}`);
  assert.ok(lesson.includes(`(${how}, `), lesson);
  const faster = (await byId(page, 'iso-lesson').getAttribute('data-faster')) === 'true';
  // The words follow the numbers shown (to 0.1 ms: equal shown numbers may be either).
  if (wall > alone) assert.equal(m[1], 'Slower than');
  if (wall < alone) assert.equal(m[1], 'Faster than');
  assert.equal(faster, m[1] === 'Faster than');
  // A slower run points to the speedup section, where the work per byte is heavier.
  assert.equal(lesson.includes('try the speedup section below'), m[1] === 'Slower than', lesson);
  return { faster, text: lesson };
}

test('isolated mode: copied parts merge exactly and show the bytes copied', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  assert.equal(await byId(page, 'iso-status').getAttribute('data-kind'), 'idle');
  assert.equal(await runIsolated(page, { workers: 2, mib: 16, send: 'copy' }), 'done', await text(page, 'iso-status'));
  const r = await isolatedResult(page);
  assert.equal(r.exact, 'true');
  // 16 MiB copied (each worker its half), none detached; each worker received its 8 MiB.
  assert.deepEqual([r.bytes, r.copied, r.detached], [16 * MIB, 16 * MIB, 0]);
  assert.deepEqual(r.rows, [{ detached: 'false', received: 8 * MIB }, { detached: 'false', received: 8 * MIB }]);
  assert.match(await text(page, 'iso-copied'), /postMessage copied 16,777,216 bytes/);
  assert.match(await text(page, 'iso-check'), /Exact/);
  assert.match(await text(page, 'iso-times'), /Worker start-up: .* ms for the first, .* ms for the last of 2/);
  await lessonAgrees(page, 2, 'copied');
  await shot(page, 'parallel-isolated-copy');
  page.done();
});

test('isolated mode: transferred parts copy 0 bytes and leave detached buffers', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  // 3 workers over 1 MiB = 256 blocks: 86, 85 and 85 blocks.
  assert.equal(await runIsolated(page, { workers: 3, mib: 1, send: 'transfer' }), 'done', await text(page, 'iso-status'));
  const r = await isolatedResult(page);
  assert.equal(r.exact, 'true');
  assert.deepEqual([r.bytes, r.copied, r.detached], [MIB, 0, 3]);
  assert.deepEqual(
    r.rows.map((x) => [x.detached, x.received]),
    [['true', 86 * 4096], ['true', 85 * 4096], ['true', 85 * 4096]],
  );
  assert.match(await text(page, 'iso-copied'), /copied 0 bytes; the 3 buffers moved .* detached/);
  // 1 MiB hashed once takes the page a few ms; starting 3 workers takes tens: slower, and why.
  const lesson = await lessonAgrees(page, 3, 'moved');
  assert.equal(lesson.faster, false, lesson.text);
  await shot(page, 'parallel-isolated-transfer');
  page.done();
});

test('isolated mode: the sending time holds no copy out of the page\'s memory; the lesson names shared CPUs', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  // The walk's run: 4 workers × 64 MiB moved. Copying a part out of the page's WebAssembly memory
  // between posts put ~190 ms of copying into a "sending" of a few ms per worker.
  assert.equal(await runIsolated(page, { workers: 4, mib: 64, send: 'transfer' }), 'done', await text(page, 'iso-status'));
  const r = await isolatedResult(page);
  assert.equal(r.exact, 'true');
  const firstPost = Math.min(...r.posts.map((p) => p.postedMs));
  for (const p of r.posts) assert.ok(p.preparedMs <= firstPost, `a part prepared after the first post: ${JSON.stringify(r.posts)}`);
  assert.match(await text(page, 'iso-copied'), /every part was copied out of the page's WebAssembly memory before the first post, so that copy is not in this time/);
  // More workers than the CPUs the browser reports: the lesson says they took turns only when the
  // slowest worker's hashing (its share less its copying in) shows it; never with CPUs enough.
  const cpus = await page.evaluate(() => navigator.hardwareConcurrency);
  const lesson = await text(page, 'iso-lesson');
  const turns = lesson.includes(`4 workers ran on the ${cpus} CPUs this browser reports, and they took turns on them: the slowest worker's hashing`);
  assert.ok(cpus < 4 || !turns, lesson);
  assert.ok(!lesson.includes('took turns') || turns, lesson);
  // One worker: no "first … last of 1", no "buffers" in the plural, nothing "they share".
  assert.equal(await runIsolated(page, { workers: 1, mib: 1, send: 'transfer' }), 'done');
  assert.match(await text(page, 'iso-copied'), /the buffer moved to the worker, and the page's is now detached \(byteLength 0: reading it would fail\)/);
  assert.doesNotMatch(await text(page, 'iso-times'), /last of 1/);
  assert.doesNotMatch(await text(page, 'iso-lesson'), /they share|slowest/);
  assert.equal(await runIsolated(page, { workers: 1, mib: 1, send: 'copy' }), 'done');
  assert.match(await text(page, 'iso-copied'), /copied 1,048,576 bytes, the worker its copy; the page's buffer still holds its own\./);
  page.done();
});

test('speedup: N = 1 and 2 each draw a measured point beside the prediction', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  await startSpeedup(page, { max: 2, work: 64 });
  assert.equal(await settled(page, 'speed'), 'done', await text(page, 'speed-status'));
  const rows = await speedupRows(page);
  assert.deepEqual(rows.map((r) => r.n), [1, 2]);
  // Speedup with 1 worker is 1 by definition (both measured and predicted).
  assert.equal(rows[0].speedup, 1);
  assert.equal(rows[0].predicted, 1);
  for (const r of rows) assert.ok(r.wallMs > 0 && r.startupMs > 0 && r.predicted > 0, JSON.stringify(r));
  assert.equal(await page.locator('[data-testid="measured-point"]').count(), 2);
  assert.equal(await page.locator('[data-testid="predicted-point"]').count(), 2);
  assert.match(await text(page, 'speed-model'), /T\(N\) = s₁ \+ s⁺·\(N − 1\) \+ c·B \+ W \/ min\(N, P\) \+ r, with W = [\d.]+ ms/);
  assert.match(await text(page, 'speed-status'), /^Done: 1 to 2 workers \(64 rounds over 1 MiB\); every run's merged answer equals one worker's/);
  // Both sections' results shown: the audit, and no sideways scroll on a phone or a wide screen.
  assert.equal(await runIsolated(page, { workers: 2, mib: 1, send: 'transfer' }), 'done');
  await shot(page, 'parallel-speedup-done');
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);
  for (const width of [390, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(wide <= 0, `${width} px: the page scrolls sideways by ${wide} px`);
    // The isolated and the speedup tables: on a phone they scroll in their boxes, and say so.
    const boxes = await checkTableBoxes(page, assert);
    assert.equal(boxes.length, 2);
    if (width === 390) assert.ok(boxes.every((b) => b.wide), JSON.stringify(boxes));
    else assert.ok(boxes.every((b) => !b.wide), JSON.stringify(boxes));
    // Captions above their boxes, whole within the page; the chart's text at least 11 px tall.
    const look = await page.evaluate(() => ({
      captions: [...document.querySelectorAll('[data-testid="table-caption"]')]
        .filter((c) => c.offsetParent !== null)
        .map((c) => ({ inBox: !!c.closest('.table-scroll'), right: c.getBoundingClientRect().right, cut: c.scrollWidth > c.clientWidth })),
      page: document.documentElement.clientWidth,
      text: Math.min(...[...document.querySelectorAll('[data-testid="speedup-plot"] text')].map((e) => e.getBoundingClientRect().height)),
    }));
    assert.equal(look.captions.length, 2);
    for (const c of look.captions) assert.ok(!c.inBox && !c.cut && c.right <= look.page, JSON.stringify(look));
    assert.ok(look.text >= 11, `${width} px: the chart's text is ${look.text} px tall`);
    const axe = await new AxeBuilder({ page }).analyze();
    assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), [], `${width} px`);
    await byId(page, 'speed-section').screenshot({ path: `e2e/screenshots/parallel-speedup-${width}.png` }).catch(() => {});
  }
  page.done();
});

test('speedup: Cancel mid-run keeps the runs finished, says where it stopped, and the page runs again', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  await startSpeedup(page, { max: 3, work: 1024 });
  // The N = 1 point is drawn, and the run goes on to N = 2.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="measured-point"]').length >= 1, null, { timeout: T.play });
  await byId(page, 'speed-cancel').click();
  assert.equal(await byId(page, 'speed-status').getAttribute('data-kind'), 'stopped');
  const rows = await speedupRows(page);
  const k = rows.length;
  assert.ok(k >= 1 && k <= 2, JSON.stringify(rows));
  const runs = k === 1 ? 'run 1' : `runs 1–${k}`;
  assert.match(await text(page, 'speed-status'), new RegExp(`^Cancelled at N = ${k + 1}: ${runs} shown\\.`));
  // Said once, in the status: the model line stays the model's.
  assert.doesNotMatch(await text(page, 'speed-model'), /Cancelled/);
  assert.equal(await byId(page, 'speed-result').isVisible(), true);
  assert.equal(await page.locator('[data-testid="measured-point"]').count(), k);
  assert.equal(await byId(page, 'speed-cancel').isDisabled(), true);
  await startSpeedup(page, { max: 1, work: 64 });
  assert.equal(await settled(page, 'speed'), 'done');
  assert.equal((await speedupRows(page)).length, 1);
  assert.equal(await byId(page, 'speed-result').getAttribute('data-cancelled'), null);
  // One run: no comparison claimed, nothing "fitted" from it, no CPU line in the legend unless drawn.
  const status = await text(page, 'speed-status');
  assert.match(status, /^Done: one run, on 1 worker \(64 rounds over 1 MiB\): nothing to compare it with/);
  assert.doesNotMatch(status, /every run/);
  assert.match(await text(page, 'speed-model'), /s⁺, each further worker's, needs a second run/);
  assert.doesNotMatch(await text(page, 'speed-model'), /fitted/);
  const cpus = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(await byId(page, 'speed-cpus-key').isVisible(), cpus === 1);
  assert.equal(await page.locator('[data-testid="speedup-plot"] line.cpus').count(), cpus === 1 ? 1 : 0);
  assert.match(await byId(page, 'speedup-plot').getAttribute('aria-label'), /^Speedup against 1 worker:/);
  page.done();
});

test('speedup: runs far below the model (the CPUs it counts are taken) are flagged in words', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  // The page is told of 8 CPUs on this 2-core machine, as a machine whose cores other programs
  // hold: the model expects ~3.5× on 4 workers, the machine gives at most ~2×.
  await openParallel(page, app, '?debug-par-cpus=8');
  await startSpeedup(page, { max: 4, work: 1024 });
  assert.equal(await settled(page, 'speed'), 'done', await text(page, 'speed-status'));
  const warning = byId(page, 'speed-warning');
  assert.equal(await warning.isVisible(), true);
  const n = Number(await warning.getAttribute('data-n'));
  const ratio = Number(await warning.getAttribute('data-ratio'));
  assert.ok(n >= 2 && n <= 4 && ratio < 0.75, `flagged N = ${n} at ${ratio} of the model`);
  // The flagged run is the table's row with the lowest measured ÷ model among N = 2..4.
  const rows = (await speedupRows(page)).filter((r) => r.n >= 2);
  const worst = rows.reduce((a, b) => (b.speedup / b.predicted < a.speedup / a.predicted ? b : a));
  assert.equal(worst.n, n);
  assert.ok(Math.abs(worst.speedup / worst.predicted - ratio) < 1e-3, `${JSON.stringify(worst)} against ${ratio}`);
  assert.match(await text(page, 'speed-warning'), new RegExp(`Measured far below the model: ${n} workers went .* the 8 CPUs this browser reports are idle`));
  // The status above the warning wears the warning's mark, not a green tick.
  const mark = await byId(page, 'speed-status').evaluate((el) => [el.hasAttribute('data-warn'), getComputedStyle(el, '::before').content]);
  assert.deepEqual(mark, [true, '"⚠ "']);
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);
  // A new run clears the warning until it is finished.
  await startSpeedup(page, { max: 1, work: 64 });
  assert.equal(await settled(page, 'speed'), 'done');
  assert.equal(await warning.isVisible(), false);
  page.done();
});

test('speedup: on the CPUs the browser reports, a run near the model is not flagged', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  await startSpeedup(page, { max: 2, work: 256 });
  assert.equal(await settled(page, 'speed'), 'done', await text(page, 'speed-status'));
  // Flagged exactly when the N = 2 row is below 0.75 of the model (this machine may be busy).
  const two = (await speedupRows(page)).find((r) => r.n === 2);
  const cpus = await page.evaluate(() => navigator.hardwareConcurrency);
  const expected = cpus >= 2 && two.speedup / two.predicted < 0.75;
  assert.equal(await byId(page, 'speed-warning').isVisible(), expected, JSON.stringify({ two, cpus }));
  page.done();
});

test('one experiment at a time: while the shared-memory run goes on, the others refuse to start and say why', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  // A long shared-memory run: 4 workers × 10,000,000 additions, three times over.
  await byId(page, 'workers').fill('4');
  await byId(page, 'iterations').selectOption('10000000');
  await byId(page, 'run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.dataset.kind === 'running', null, { timeout: T.play });
  await startSpeedup(page, { max: 1, work: 64 });
  assert.equal(await settled(page, 'speed'), 'error');
  assert.match(await text(page, 'speed-status'), /Cannot run while the shared-memory run is going on: two experiments at once share the CPUs/);
  await byId(page, 'iso-run').click();
  assert.equal(await settled(page, 'iso'), 'error');
  assert.match(await text(page, 'iso-status'), /Cannot run while the shared-memory run is going on/);
  // The shared-memory run went on; once cancelled, the others run.
  assert.equal(await byId(page, 'status').getAttribute('data-kind'), 'running');
  await byId(page, 'cancel').click();
  assert.equal(await byId(page, 'status').getAttribute('data-kind'), 'stopped');
  await startSpeedup(page, { max: 1, work: 64 });
  assert.equal(await settled(page, 'speed'), 'done');
  assert.match(await text(page, 'speed-status'), /^Done: one run, on 1 worker/);
  page.done();
});

test('a message the browser refuses to post stops the run at once, named, and the page runs again', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  // A function beside worker 1's first part: postMessage throws DataCloneError.
  await openParallel(page, app, '?debug-par-post=uncloneable');
  assert.equal(await runIsolated(page, { workers: 2, mib: 1 }), 'stopped');
  assert.match(await text(page, 'iso-status'), /The browser refused to send worker 1 its job \(DataCloneError: .*\).*no result is shown/s);
  assert.equal(await byId(page, 'iso-result').isVisible(), false);
  assert.equal(await byId(page, 'iso-cancel').isDisabled(), true);
  assert.equal(await runIsolated(page, { workers: 2, mib: 1 }), 'done');
  assert.equal((await isolatedResult(page)).exact, 'true');
  page.done();
});

test('isolated mode: a crashed worker is reported, no result shown, and the page runs again', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app, '?debug-par-worker=panic');
  assert.equal(await runIsolated(page, { workers: 2, mib: 1 }), 'stopped');
  assert.match(await text(page, 'iso-status'), /Worker 1 stopped \(.*asked to panic.*\).*no result is shown/s);
  assert.equal(await byId(page, 'iso-result').isVisible(), false);
  assert.equal(await runIsolated(page, { workers: 2, mib: 1 }), 'done');
  assert.equal((await isolatedResult(page)).exact, 'true');
  // No page.done(): the page logs the worker's panic message on purpose.
});

test('isolated mode: a hung worker is stopped after the time limit', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app, '?debug-par-worker=hang&debug-par-limit-ms=3000');
  assert.equal(await runIsolated(page, { workers: 2, mib: 1 }), 'stopped');
  assert.match(await text(page, 'iso-status'), /did not all answer within 3 s.*terminated/);
  assert.equal(await byId(page, 'iso-result').isVisible(), false);
  assert.equal(await runIsolated(page, { workers: 2, mib: 1 }), 'done');
  page.done();
});
