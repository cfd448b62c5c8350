// Spinning drawn apart on the timeline (issue 8): in spin-vs-block, the threads retrying a taken
// spin lock burn CPU, drawn in their colour cross-hatched, with a legend entry in words; the
// blocking process's threads never spin.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, TEST_TIMEOUT, byId, cli, newPage, openApp, shot, text, useApp } from './lib.mjs';

const app = useApp();

const kinds = (page) =>
  page.evaluate(() => Object.fromEntries(
    document.querySelector('[data-testid="timeline-canvas"]').dataset.kinds.split(' ').map((kv) => kv.split(':')).map(([k, v]) => [k, Number(v)]),
  ));

test('spin-vs-block: spinning bars are drawn apart, with a legend entry in words', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('spin-vs-block');
  const spinners = want.metrics.threads.filter((th) => (th.spin_time ?? 0) > 0);
  assert.ok(spinners.length > 0 && spinners.every((th) => th.process === 'spinning'), 'only the spinning process spins');
  const page = await newPage(app, t);
  await openApp(page, app, 'spin-vs-block');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline-canvas"]')?.dataset.drawn) > 0, null, { timeout: T.load });
  assert.ok((await kinds(page)).spin > 0, JSON.stringify(await kinds(page)));
  assert.match(await text(page, 'legend-spin'), /^spinning: on a CPU, only retrying a spin lock another thread holds/);
  await byId(page, 'lanes-threads').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]')?.dataset.lanes === 'threads', null, { timeout: T.load });
  assert.ok((await kinds(page)).spin > 0);
  await shot(page, 'timeline-spin');

  // A run without spin locks has no spinning and no such legend entry.
  await byId(page, 'preset-select').selectOption('race-mutex');
  await page.waitForFunction(() => document.querySelector('[data-testid="preset-select"]')?.value === 'race-mutex', null, { timeout: T.load });
  await page.waitForFunction(() => !document.querySelector('[data-testid="legend-spin"]'), null, { timeout: T.load });
  assert.equal((await kinds(page)).spin, 0);
  page.done();
});
