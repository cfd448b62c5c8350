// The Races mode (issue 8, "Deadlock and interleavings"): be the scheduler (a lost update made
// on purpose, by mouse and keyboard, undone, exported and replayed on the timeline, ending as
// the CLI's `run --schedule` ends), every interleaving ({2, 3, 4} for two threads incrementing
// twice; each value opens on the timeline; a limit too small says so), and many seeds (the
// histogram's counts are the CLI's `seeds`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { byId, cli, cliJson, cliVar, newPage, shot, T, TEST_TIMEOUT, useApp, waitNum } from './lib.mjs';

const env = useApp();


/** Opens `?preset=KEY&mode=races` and waits for the panel's first answer (its tool menu). */
async function openRaces(page, preset) {
  await page.goto(`${env.url}/?preset=${preset}&mode=races`, { waitUntil: 'load', timeout: T.load });
  await byId(page, 'races-tool-steer').waitFor({ timeout: T.load });
}

/** The steps sent so far (the form's hidden field). */
const steps = (page) => page.locator('[data-testid="steer-form"] input[name="steps"]').getAttribute('value');

async function waitSteps(page, n) {
  await page.waitForFunction(
    (k) => (document.querySelector('[data-testid="steer-form"] input[name="steps"]')?.value ?? '').split(',').filter(Boolean).length === k,
    n,
    { timeout: T.load },
  );
}

test('be the scheduler: a lost update by choice, undone, exported and replayed as the CLI runs it', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  await openRaces(page, 'race-twice');
  await byId(page, 'steer-form').waitFor({ timeout: T.load });
  assert.equal(await byId(page, 'races-tool-steer').getAttribute('aria-pressed'), 'true');
  // Both threads load 0 before either stores: A and B each store 1, then each increments alone.
  const picks = [0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1];
  for (const [i, p] of picks.entries()) {
    if (i === 3) {
      // By keyboard: the focus stays on the thread that just ran, so Enter runs it again.
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'steer-pick-0');
      await page.keyboard.press('Enter');
    } else {
      await byId(page, `steer-pick-${p}`).click();
    }
    await waitSteps(page, i + 1);
  }
  assert.equal(await steps(page), picks.join(','));
  assert.equal((await byId(page, 'races-var-counter').textContent()).trim(), '3');
  assert.match(await byId(page, 'steer-end').textContent(), /lost an update/);
  const schedule = (await byId(page, 'steer-schedule').textContent()).trim();
  assert.equal(schedule, '010011000111');
  assert.equal((await byId(page, 'steer-json').textContent()).trim(), `"scheduler": {"policy": "scripted", "schedule": "${schedule}"}`);
  const href = await byId(page, 'steer-download').getAttribute('href');
  assert.match(decodeURIComponent(href), /"policy": "scripted", "schedule": "010011000111"/);
  await shot(page, 'races-steer');
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);

  // Undo drops one step: B's last store is to do again.
  await byId(page, 'steer-undo').click();
  await waitSteps(page, picks.length - 1);
  assert.equal(await byId(page, 'steer-end').count(), 0);
  await byId(page, 'steer-pick-1').click();
  await waitSteps(page, picks.length);

  // Replayed on the timeline: the scripted policy follows it to the CLI's final value.
  const want = cli('race-twice', '--schedule', schedule);
  assert.equal(cliVar(want, 'counter', 'counter'), 3);
  await byId(page, 'steer-open').click();
  await byId(page, 'timeline').waitFor({ timeout: T.load });
  await waitNum(page, 'final-var-counter-counter', 3);
  await waitNum(page, 'metric-makespan', want.metrics.makespan);
  page.done();
});

test('every interleaving: {2, 3, 4}, each opened on the timeline; a limit too small says so', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  await openRaces(page, 'race-twice');
  await byId(page, 'races-tool-explore').click();
  await byId(page, 'explore-set').waitFor({ timeout: T.load });
  assert.equal(await byId(page, 'explore-set').getAttribute('data-values'), '2,3,4');
  assert.match(await byId(page, 'explore-set').textContent(), /can end with \{2, 3, 4\}/);
  const rows = await page.$$eval('[data-testid="explore-final"]', (rs) => rs.map((r) => ({ values: r.dataset.values, schedule: r.dataset.schedule })));
  assert.deepEqual(rows.map((r) => r.values), ['2', '3', '4']);
  const cliX = cliJson(['explore', '--preset', 'race-twice', '--json']);
  assert.deepEqual(cliX.finals.map((f) => f.values[0]), [2, 3, 4]);
  await shot(page, 'races-explore');

  // The schedule for 2 opens on the timeline and ends with 2.
  await byId(page, 'explore-open-0').click();
  await byId(page, 'timeline').waitFor({ timeout: T.load });
  await waitNum(page, 'final-var-counter-counter', 2);
  assert.equal(cliVar(cli('race-twice', '--schedule', rows[0].schedule), 'counter', 'counter'), 2);

  // Back in the mode, a limit of 10 is too small: the message says so and what to do.
  await byId(page, 'mode-races').click();
  await byId(page, 'explore-form').waitFor({ timeout: T.load });
  await byId(page, 'explore-limit-field').fill('10');
  await byId(page, 'explore-run').click();
  await byId(page, 'explore-too-big').waitFor({ timeout: T.load });
  assert.match(await byId(page, 'explore-too-big').textContent(), /Too big to explore: the search stored 10 states \(the limit\).*raise the limit/);
  page.done();
});

test('many seeds: the histogram counts each final value as the CLI does', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  await openRaces(page, 'race-unsafe');
  // Its `compute 1..3` is drawn at random: being its scheduler is refused, with why.
  assert.match(await byId(page, 'lab-error').textContent(), /compute A\.\.B/);
  await byId(page, 'races-tool-seeds').click();
  await byId(page, 'seeds-form').waitFor({ timeout: T.load });
  await byId(page, 'seeds-runs').fill('20');
  await byId(page, 'seeds-from').fill('3');
  await byId(page, 'seeds-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="seeds-outcomes"]')?.textContent.startsWith('20 runs, seeds 3 to 22'), null, { timeout: T.load });
  const want = cliJson(['seeds', '--preset', 'race-unsafe', '--count', '20', '--from', '3', '--json']).variables[0].values;
  assert.ok(want.length > 1, 'race-unsafe ends with more than one value over 20 seeds');
  const rows = await page.$$eval('[data-testid="seeds-row"]', (rs) => rs.map((r) => [Number(r.dataset.value), Number(r.dataset.runs)]));
  assert.deepEqual(rows, want.map((c) => [c.value, c.runs]));
  const bars = await page.$$eval('[data-testid="seeds-bar"]', (bs) => bs.map((b) => Number(b.dataset.runs)));
  assert.deepEqual(bars, want.map((c) => c.runs));
  assert.match(await byId(page, 'seeds-summary').textContent(), /proves nothing/);
  await shot(page, 'races-seeds');
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);
  page.done();
});
