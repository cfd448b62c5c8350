// Served WITHOUT the cross-origin isolation headers (a static host, an LMS): the parallel mode
// says why shared memory is unavailable and how to enable it, its isolated mode and speedup run
// (no shared memory) still run, and the simulator still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { TEST_TIMEOUT, byId, newPage, openApp, shot, text, useApp } from './lib.mjs';
import { isolatedResult, openParallel, runIsolated, settled, speedupRows, startSpeedup } from './parallel-lib.mjs';

const app = useApp({ isolation: false });

test('without isolation, shared mode explains why it is unavailable and how to enable it', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  const note = byId(page, 'shared-unavailable');
  assert.equal(await note.isVisible(), true);
  const why = await text(page, 'shared-unavailable');
  assert.match(why, /crossOriginIsolated is false/);
  assert.match(why, /Cross-Origin-Opener-Policy: same-origin/);
  assert.match(why, /Cross-Origin-Embedder-Policy: require-corp/);
  // A static host cannot send headers: the page offers its service worker, linked.
  assert.match(why, /static host that cannot send headers .* \?isolate=sw/s);
  assert.equal(await byId(page, 'isolate-sw-link').getAttribute('href'), '?isolate=sw');
  assert.equal(await byId(page, 'run').isDisabled(), true);
  assert.equal(await byId(page, 'status').getAttribute('data-kind'), 'error');
  await shot(page, 'parallel-no-isolation');
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);
  page.done();
});

test('without isolation, the simulator still runs its scenarios', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.ok(await byId(page, 'outcome').getAttribute('data-kind'));
  page.done();
});

test('without isolation, the isolated mode still runs: exact, copied and transferred', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openParallel(page, app);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'undefined');
  assert.equal(await byId(page, 'iso-run').isDisabled(), false);
  assert.equal(await runIsolated(page, { workers: 2, mib: 1, send: 'copy' }), 'done', await text(page, 'iso-status'));
  let r = await isolatedResult(page);
  assert.deepEqual([r.exact, r.copied, r.detached], ['true', 1 << 20, 0]);
  assert.equal(await runIsolated(page, { workers: 2, mib: 1, send: 'transfer' }), 'done');
  r = await isolatedResult(page);
  assert.deepEqual([r.exact, r.copied, r.detached], ['true', 0, 2]);
  await startSpeedup(page, { max: 2, work: 64 });
  assert.equal(await settled(page, 'speed'), 'done', await text(page, 'speed-status'));
  assert.deepEqual((await speedupRows(page)).map((x) => x.n), [1, 2]);
  await shot(page, 'parallel-no-isolation-isolated');
  page.done();
});
