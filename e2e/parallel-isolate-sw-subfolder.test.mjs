// The optional service worker (isolate-sw.js) on a static host that publishes Threadlab in a
// sub-folder, without the isolation headers: the worker's scope is that folder, the page is
// isolated after its one reload and its workers run; `?isolate=off` returns to the explanation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, TEST_TIMEOUT, byId, newPage, text, useApp } from './lib.mjs';
import { countLoads, isolation, results, run, waitLoads } from './parallel-lib.mjs';

const app = useApp({ isolation: false, prefix: '/course/threadlab' });

test('from a sub-folder, ?isolate=sw isolates the folder after one reload, and ?isolate=off undoes it', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  const loads = await countLoads(page);
  await page.goto(`${app.url}/parallel.html?isolate=sw`, { waitUntil: 'load', timeout: T.load });
  await waitLoads(page, loads, 2);
  assert.deepEqual(await isolation(page), {
    isolated: true,
    sab: 'function',
    controller: `${app.url}/isolate-sw.js`,
    registrations: [`${app.url}/`],
  });
  assert.equal(await run(page, 2, 100_000), 'done', await text(page, 'status'));
  const r = await results(page);
  assert.deepEqual(r.atomic, { expected: 200_000, got: 200_000, lost: 0 });
  assert.deepEqual(r.lock, { expected: 200_000, got: 200_000, lost: 0 });
  assert.equal(loads.n, 2, 'the page reloaded more than once');

  await page.goto(`${app.url}/parallel.html?isolate=off`, { waitUntil: 'load', timeout: T.load });
  await waitLoads(page, loads, 4);
  assert.deepEqual(await isolation(page), { isolated: false, sab: 'undefined', controller: null, registrations: [] });
  assert.equal(await byId(page, 'shared-unavailable').isVisible(), true);
  page.done();
});
