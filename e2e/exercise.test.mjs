// Exercise mode: a seeded workload (the CLI's `threadlab exercise`), answered right from the
// CLI's answers, then one answer wrong: marked in words, with the spans of the correct value
// outlined on the timeline and summed; Show answers fills in the CLI's values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { byId, cliJson, newPage, shot, T, TEST_TIMEOUT, useApp } from './lib.mjs';

const env = useApp();


const FIELDS = ['completion', 'turnaround', 'waiting', 'response'];

async function check(page) {
  await byId(page, 'exercise-check').click();
}

test('an exercise answered right, then wrong, then shown', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(env, t);
  await page.goto(`${env.url}/?mode=exercise`, { waitUntil: 'load', timeout: T.load });
  await byId(page, 'exercise-problem').waitFor({ timeout: T.load });
  const form = page.locator('[data-testid="exercise-form"]');
  await form.locator('input[name="seed"]').fill('7');
  await form.locator('select[name="policy"]').selectOption('rr');
  await form.locator('input[name="quantum"]').fill('2');
  await form.locator('input[name="jobs"]').fill('4');
  await byId(page, 'exercise-new').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="exercise-problem"] h3')?.textContent.includes('seed 7'),
    null,
    { timeout: T.load },
  );
  const cli = cliJson(['exercise', '--policy', 'rr', '--quantum', '2', '--seed', '7', '--jobs', '4', '--answers', '--json']);
  // The jobs shown are the CLI's.
  const arrivals = await page.$$eval('[data-testid="exercise-jobs"] tbody tr td:first-of-type', (tds) => tds.map((td) => Number(td.textContent)));
  assert.deepEqual(arrivals, cli.exercise.jobs.map((j) => j.arrival));

  const fill = async (answers) => {
    for (const j of answers) for (const f of FIELDS) await byId(page, `answer-${j.job}.${f}`).fill(String(j[f]));
  };
  await fill(cli.answers.jobs);
  await check(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="exercise-summary"]'), null, { timeout: T.load });
  assert.equal(await byId(page, 'exercise-summary').textContent(), '16 of 16 answers right (within 0.01).');
  const verdicts = await page.$$eval('[data-testid="verdict"]', (vs) => vs.map((v) => v.textContent));
  assert.deepEqual(verdicts, Array(16).fill('✓ right'));
  await shot(page, 'exercise-right');

  // B's waiting time off by one: wrong in words, its ready spans outlined on B's lane and summed.
  const b = cli.answers.jobs[1];
  await byId(page, `answer-B.waiting`).fill(String(b.waiting + 1));
  await check(page);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="exercise-summary"]')?.textContent.startsWith('15 of 16'),
    null,
    { timeout: T.load },
  );
  const wrong = page.locator('[data-testid="verdict"][data-job="B"][data-field="waiting"]');
  assert.equal(await wrong.textContent(), '✗ wrong');
  const why = page.locator('[data-testid="why"][data-job="B"][data-field="waiting"]');
  assert.equal(await why.getAttribute('open'), '');
  const marks = await why.locator('[data-testid="g-mark"]').evaluateAll((ms) =>
    ms.map((m) => ({ lane: Number(m.dataset.lane), start: Number(m.dataset.start), end: Number(m.dataset.end) })),
  );
  assert.deepEqual(marks, b.made_of.waiting.map((s) => ({ lane: 1, start: s.start, end: s.end })));
  assert.ok(marks.length > 0);
  assert.match(await why.locator('[data-testid="why-sum"]').textContent(), new RegExp(`= ${b.waiting} µs\\.$`));
  // One unit word on the page: µs, as the simulator's timeline says.
  for (const id of ['exercise-problem', 'answers-form']) {
    assert.doesNotMatch(await byId(page, id).textContent(), /\bticks?\b/, id);
  }
  await shot(page, 'exercise-wrong');
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);

  // Show answers: every box holds the CLI's value.
  await byId(page, 'exercise-show').click();
  await page.waitForFunction(() => document.querySelector('.verdict.shown'), null, { timeout: T.load });
  for (const j of cli.answers.jobs) {
    for (const f of FIELDS) assert.equal(await byId(page, `answer-${j.job}.${f}`).inputValue(), String(j[f]));
  }
  page.done();
});
