// Compare and sweep modes: the table and the chart the page draws (in the compare and sweep
// workers) are the CLI's `threadlab compare … --json` and `threadlab sweep … --json` for the
// same inputs: the page shows the command line, and the test runs exactly that.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { byId, cliJson, newPage, openApp, shot, T, TEST_TIMEOUT, useApp } from './lib.mjs';

const env = useApp();

/** Runs the CLI with `args` (words of the command line the page shows, `threadlab` left out). */

/** The words of the command line shown in `id`, without `threadlab`. */
async function shownCommand(page, id) {
  const line = ((await byId(page, id).textContent()) ?? '').trim();
  assert.ok(line.startsWith('threadlab '), line);
  return line.split(/\s+/).slice(1);
}

test('the compare table and timelines are the CLI comparison of the same inputs', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  await openApp(page, env, 'compare-policies');
  await byId(page, 'mode-compare').click();
  assert.match(page.url(), /mode=compare/);
  // The first form ticks FCFS, SJF, SRTF and RR; add a quantum of 2 and compare again.
  await byId(page, 'compare-table').waitFor({ timeout: T.load });
  await page.locator('[data-testid="compare-form"] input[name="quanta"]').fill('2');
  await byId(page, 'compare-run').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="compare-cli"]')?.textContent.includes('--quantum 2'),
    null,
    { timeout: T.load },
  );
  const args = await shownCommand(page, 'compare-cli');
  assert.deepEqual(args.slice(0, 6), ['compare', '--preset', 'compare-policies', '--policies', 'fcfs,rr,sjf,srtf', '--quantum']);
  const cli = cliJson(args);
  const rows = await page.$$eval('[data-testid="compare-table"] tbody tr', (trs) =>
    trs.map((tr) => ({
      name: tr.dataset.variant,
      cells: [...tr.querySelectorAll('td[data-value]')].map((td) => ({
        value: td.dataset.value === '' ? null : Number(td.dataset.value),
        best: td.dataset.best === 'true',
        marked: td.textContent.includes('(best)'),
      })),
    })),
  );
  assert.deepEqual(
    rows.map((r) => ({ name: r.name, cells: r.cells.map(({ value, best }) => ({ value, best })) })),
    cli.rows.map((r) => ({ name: r.name, cells: r.cells })),
  );
  // The best is said in words, not by colour alone.
  for (const r of rows) for (const c of r.cells) assert.equal(c.marked, c.best);
  // A timeline per variant, all on one time scale.
  const ends = await page.$$eval('[data-testid="compare-timeline"] svg', (svgs) => svgs.map((s) => s.dataset.until));
  assert.equal(ends.length, 4);
  assert.equal(new Set(ends).size, 1);
  await shot(page, 'compare-table');
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);
  page.done();
});

test('a bad field is named and the mode stays in the address', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  await page.goto(`${env.url}/?preset=compare-policies&mode=compare`, { waitUntil: 'load', timeout: T.load });
  await byId(page, 'compare-table').waitFor({ timeout: T.load });
  await page.locator('[data-testid="compare-form"] input[name="cpus"]').fill('0');
  await byId(page, 'compare-run').click();
  await byId(page, 'lab-error').waitFor({ timeout: T.load });
  assert.match(await byId(page, 'lab-error').textContent(), /cpus/);
  assert.match(page.url(), /mode=compare/);
  await byId(page, 'mode-simulator').click();
  await byId(page, 'timeline').waitFor();
  assert.doesNotMatch(page.url(), /mode=/);
  page.done();
});

test('the sweep chart has the CLI sweep points', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  await openApp(page, env, 'compare-policies');
  await byId(page, 'mode-sweep').click();
  await byId(page, 'sweep-chart').waitFor({ timeout: T.load });
  const args = await shownCommand(page, 'sweep-cli');
  assert.deepEqual(args.slice(0, 7), ['sweep', '--preset', 'compare-policies', '--param', 'quantum', '--values', '1,2,4,8']);
  const cli = cliJson(args);
  const points = await page.$$eval('[data-testid="sweep-point"]', (ps) =>
    ps.map((p) => ({ series: p.dataset.series, x: Number(p.dataset.x), y: Number(p.dataset.y), applied: p.dataset.applied === 'true' })),
  );
  const want = cli.series.flatMap((s) => s.points.filter((p) => p.y !== null).map((p) => ({ series: s.name, x: p.x, y: p.y, applied: p.applied })));
  assert.deepEqual(points, want);
  // Each point says its value in words (a tooltip), the axes are labelled.
  assert.match(await page.locator('[data-testid="sweep-point"] title').first().textContent(), /quantum|Quantum/);
  // In µs, as the timeline says (the CLI's JSON keeps "unit": "ticks").
  assert.match(await byId(page, 'sweep-chart').textContent(), /Average turnaround \(µs\)/);
  assert.doesNotMatch(await byId(page, 'sweep-chart').textContent(), /\bticks?\b/);
  await shot(page, 'sweep-chart');
  page.done();
});
