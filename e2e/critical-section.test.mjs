// C12 in Sweep mode: the preset `critical-section` swept over its own param `$cs` (offered in the
// setting picker), one series per CPU count, the speedup over the 1-CPU series. The chart is the
// CLI's `threadlab sweep … --json` for the command line the page shows, and its points are the
// ones worked by hand in tests/critical_section.rs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byId, cliJson, newPage, openApp, shot, T, TEST_TIMEOUT, useApp } from './lib.mjs';

const env = useApp();

test('sweeping the critical section draws the speedup of 4 CPUs over 1', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  await openApp(page, env, 'critical-section');
  await byId(page, 'mode-sweep').click();
  await byId(page, 'sweep-chart').waitFor({ timeout: T.load });
  const form = page.locator('[data-testid="sweep-form"]');
  // The scenario's params are in the picker, with their values now.
  const options = await form.locator('select[name="param"] option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(options.filter(([v]) => v.startsWith('params.')), [
    ['params.cs', '$cs (the scenario\'s, now 4)'],
    ['params.work', '$work (the scenario\'s, now 20)'],
  ]);
  await form.locator('select[name="param"]').selectOption('params.cs');
  await form.locator('input[name="values"]').fill('1,5,20,80');
  for (const box of await form.locator('input[name="policy"]').all()) await box.uncheck();
  await form.locator('input[name="series"]').fill('cpus=1,4');
  await form.locator('select[name="metric"]').selectOption('speedup');
  await form.locator('input[name="baseline"]').fill('1');
  await byId(page, 'sweep-run').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="sweep-cli"]')?.textContent.includes('--baseline 1'),
    null,
    { timeout: T.load },
  );
  const args = ((await byId(page, 'sweep-cli').textContent()) ?? '').trim().split(/\s+/).slice(1);
  assert.deepEqual(args, [
    'sweep', '--preset', 'critical-section', '--param', 'params.cs', '--values', '1,5,20,80',
    '--series', 'cpus=1,4', '--metric', 'speedup', '--baseline', '1', '--json',
  ]);
  const points = await page.$$eval('[data-testid="sweep-point"]', (ps) =>
    ps.map((p) => ({ series: p.dataset.series, x: Number(p.dataset.x), y: Number(p.dataset.y) })),
  );
  const cli = cliJson(args);
  assert.deepEqual(points, cli.series.flatMap((s) => s.points.map((p) => ({ series: s.name, x: p.x, y: p.y }))));
  // By hand (tests/critical_section.rs): 1 CPU takes 20 × (cs + 25) + 3 ticks; 4 CPUs, once the
  // mutex is never free (cs ≥ 3), 21 + 20 × (cs + 4).
  const four = points.filter((p) => p.series === '4');
  assert.deepEqual(four.slice(1).map((p) => p.y), [603 / 201, 903 / 501, 2103 / 1701]);
  assert.ok(four[0].y > four[1].y, 'cs = 1 gains most');
  assert.deepEqual(points.filter((p) => p.series === '1').map((p) => p.y), [1, 1, 1, 1]);
  const chart = (await byId(page, 'sweep-chart').textContent()) ?? '';
  assert.match(chart, /Speedup \(×\) over series 1/);
  assert.match(chart, /\$cs/);
  await shot(page, 'sweep-critical-section');
  page.done();
});
