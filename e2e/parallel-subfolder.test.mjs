// Served from a sub-folder (as a course site or a static host may publish it): the simulator's
// link opens the parallel mode, whose module and workers load from that folder and run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, newPage, openApp, useApp } from './lib.mjs';
import { results, run } from './parallel-lib.mjs';

const app = useApp({ prefix: '/course/threadlab' });

test('from a sub-folder, the link opens the parallel mode and its workers run', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app);
  await page.locator('a[href="parallel.html"]').click();
  await page.waitForURL(/\/course\/threadlab\/parallel\.html$/);
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.dataset.kind === 'idle');
  assert.equal(await run(page, 2, 100_000), 'done');
  const r = await results(page);
  assert.deepEqual(r.atomic, { expected: 200_000, got: 200_000, lost: 0 });
  await byId(page, 'back').click();
  await page.waitForURL(/\/course\/threadlab\/(\?.*)?$/);
  page.done();
});
