// The Races mode (issue 8, "Deadlock and interleavings"): be the scheduler (a lost update made
// on purpose, by mouse and keyboard, undone, exported and replayed on the timeline, ending as
// the CLI's `run --schedule` ends), every interleaving ({2, 3, 4} for two threads incrementing
// twice; each value opens on the timeline; a limit too small says so), and many seeds (the
// histogram's counts are the CLI's `seeds`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { byId, cli, cliJson, cliVar, newPage, openScenario, ROOT, shot, T, TEST_TIMEOUT, text, useApp, waitNum } from './lib.mjs';

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
  // The schedule's length in the simulator's unit (it said ticks).
  assert.match(await byId(page, 'steer-schedule').evaluate((e) => e.parentElement.textContent), /^The schedule \(12 µs, one thread id per µs,/);
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
  // The CLI's counts and schedules are the page's (the same search, explore_counted).
  assert.equal(cliX.counted, 'interleavings');
  assert.deepEqual(rows.map((r) => r.schedule), cliX.finals.map((f) => f.schedule));
  const counts = await page.$$eval('[data-testid="explore-final"]', (rs) => rs.map((r) => Number(r.querySelectorAll('td')[1].textContent)));
  assert.deepEqual(counts, cliX.finals.map((f) => f.count));
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

test('every interleaving of a big program: the old result hidden, progress while it explores, Cancel and Esc stop it at once', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  // Three threads of 40 unlocked increments: more states than the default limit of 100,000.
  const big = JSON.parse(readFileSync(path.join(ROOT, 'presets', 'race-twice.json'), 'utf8'));
  const p = big.processes[0];
  p.programs.twice[0] = 'loop 40';
  p.threads.push({ name: 'C', program: 'twice' });
  p.expected.counter = 120;
  await openScenario(page, env, JSON.stringify(big), 3, { from: 'race-twice' });
  await byId(page, 'mode-races').click();
  await byId(page, 'races-tool-steer').waitFor({ timeout: T.load });
  await byId(page, 'races-tool-explore').click();
  await byId(page, 'explore-too-big').waitFor({ timeout: T.play });
  assert.match(await byId(page, 'explore-too-big').textContent(), /stored 100000 states/);

  // A limit of 1,000,000: the answer for 100,000 is not this run's, so it goes; the count grows.
  const progress = byId(page, 'explore-progress');
  await byId(page, 'explore-limit-field').fill('1000000');
  await byId(page, 'explore-run').click();
  await progress.waitFor({ timeout: T.ui });
  assert.equal(await byId(page, 'explore-too-big').isVisible(), false, 'the previous run\'s result is hidden');
  assert.equal(await progress.getAttribute('aria-live'), 'polite');
  const count = async () => Number((/Exploring… (\d+) (states|interleavings) so far/.exec(await progress.textContent()) ?? [])[1]);
  await page.waitForFunction(() => /Exploring… [1-9]\d* /.test(document.querySelector('[data-testid="explore-progress"]')?.textContent ?? ''), null, { timeout: T.load });
  const first = await count();
  await page.waitForFunction((n) => Number(/(\d+)/.exec(document.querySelector('[data-testid="explore-progress"]')?.textContent ?? '')?.[1]) > n, first, { timeout: T.load });
  // The page answers while the worker explores.
  let t0 = Date.now();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  assert.ok(Date.now() - t0 < 1000, `a frame took ${Date.now() - t0} ms`);
  await shot(page, 'races-exploring');

  // Esc stops it (the focus is on the Explore button pressed), within a second.
  t0 = Date.now();
  await page.keyboard.press('Escape');
  await byId(page, 'lab-note').waitFor({ timeout: 1000 });
  assert.ok(Date.now() - t0 <= 1000, `stopped after ${Date.now() - t0} ms`);
  const note = await byId(page, 'lab-note').textContent();
  const stopped = Number(/^Stopped after (\d+) (states|interleavings)/.exec(note)?.[1]);
  assert.ok(stopped > 0, note);
  // The learner's own Cancel is said plainly, not as an error.
  assert.equal(await byId(page, 'lab-note').getAttribute('role'), 'status', 'a cancel is not an alert');
  assert.doesNotMatch(note, /lower the limit/);
  assert.equal(await progress.count(), 0);
  assert.equal(await byId(page, 'explore-too-big').isVisible(), false, 'still not this run\'s result');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'explore-run');

  // Again, stopped by its Cancel button from the keyboard; then a small limit answers as before.
  await page.keyboard.press('Enter');
  await progress.waitFor({ timeout: T.ui });
  // Back from the Explore button, past the field and the tool menu, to Cancel above them.
  for (let i = 0; i < 8 && (await page.evaluate(() => document.activeElement?.dataset.testid)) !== 'explore-cancel'; i++) {
    await page.keyboard.press('Shift+Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'explore-cancel');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-note"]')?.textContent.startsWith('Stopped after'), null, { timeout: 1000 });
  await byId(page, 'explore-limit-field').fill('1000');
  await byId(page, 'explore-run').click();
  await page.waitForFunction(() => /stored 1000 states/.test(document.querySelector('[data-testid="explore-too-big"]')?.textContent ?? ''), null, { timeout: T.load });
  assert.equal(await byId(page, 'explore-too-big').isVisible(), true);
  assert.equal(await byId(page, 'lab-note').count(), 0);
  // To the simulator and back, the scenario unchanged: the answer is still there, with its
  // limit, not computed again from the form's first values (a walk found the limit reset).
  await byId(page, 'mode-simulator').click();
  await byId(page, 'mode-races').click();
  assert.match(await text(page, 'explore-too-big'), /stored 1000 states/);
  assert.equal(await byId(page, 'explore-limit-field').inputValue(), '1000');
  assert.equal(await page.locator('[data-testid="lab-progress"], [data-testid="explore-progress"]').count(), 0, 'nothing computed again');
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
