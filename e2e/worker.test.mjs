// The simulation worker as the page uses it: the page loads the scenario and sends the worker
// the loaded run's bytes; a long run shows its progress and then the CLI's result; Cancel keeps
// the run shown; a worker that panics or hangs (the page's test flags `debug-worker=panic|hang`,
// which make the page's second run act out that fault) is reported, replaced, and the next run
// works.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useApp, newPage, openApp, waitForPreset, byId, text, num, cli, cliFile, bigRun, T, TEST_TIMEOUT, ROOT }
  from './lib.mjs';

const app = useApp();

async function importText(page, name, content) {
  const buffer = Buffer.from(content, 'utf8');
  await byId(page, 'import-file').setInputFiles({ name, mimeType: 'application/json', buffer });
}

async function pick(page, key) {
  await byId(page, 'preset-select').selectOption(key);
}

/** Waits until the run shown has makespan `m` (ticks). */
async function waitMakespan(page, m) {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="metric-makespan"]')?.textContent.replace(/\D/g, '') === String(want),
    m,
    { timeout: T.load },
  );
}

/** Waits until the editor's error box shows text matching `re`; returns it. */
async function errorMatching(page, re, timeout = T.load) {
  await page.waitForFunction(
    (src) => new RegExp(src).test(document.querySelector('[data-testid="import-error"]')?.textContent ?? ''),
    re.source,
    { timeout },
  );
  return text(page, 'import-error');
}

test('a long run shows its progress, then the same result as the CLI', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  // 600 rounds: about 308,000 instructions, a million trace events, well over 100 ms of work.
  const scenario = bigRun(600, 1_000_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadlab-worker-'));
  const file = path.join(dir, 'long.json');
  writeFileSync(file, scenario);
  const expected = cliFile(file);
  assert.equal(expected.outcome.kind, 'completed');

  // Every text the progress shows, from now on.
  await page.evaluate(() => {
    window.progressTexts = new Set();
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="run-progress-text"]')?.textContent;
      if (t) window.progressTexts.add(t.replace(/[\d,]+/g, 'N'));
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await importText(page, 'long.json', scenario);
  await byId(page, 'run-progress').waitFor({ state: 'visible', timeout: T.load });
  assert.match(await text(page, 'run-progress-text'), /\d/, 'the progress says how far the run has got');
  await page.waitForFunction(
    (m) => {
      const el = document.querySelector('[data-testid="metric-makespan"]');
      return el && !document.querySelector('[data-testid="run-progress"]') && el.textContent.replace(/\D/g, '') === String(m);
    },
    expected.metrics.makespan,
    { timeout: T.play },
  );
  // A million events are read for playback a slice at a time, between frames, and the page says so.
  const seen = await page.evaluate(() => [...window.progressTexts]);
  assert.ok(seen.some((t) => /reading its trace for playback: N %/.test(t)), `progress shown: ${seen.join(' | ')}`);
  assert.equal(await num(page, 'metric-context-switches'), expected.metrics.context_switches);
  page.done();
});

test('Cancel stops a long run and keeps the run shown', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const before = await num(page, 'metric-makespan');
  assert.equal(before, cli('race-unsafe').metrics.makespan);

  // 1,500 rounds with room for them all: a run of seconds (it stops at the trace's limit).
  await importText(page, 'longer.json', bigRun(1500, 2_000_000));
  await byId(page, 'run-progress').waitFor({ state: 'visible', timeout: T.load });
  await byId(page, 'btn-cancel-run').click();
  await page.waitForFunction(
    () => /Run cancelled/.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''),
  );
  assert.equal(await byId(page, 'run-progress').count(), 0, 'no progress once cancelled');
  assert.equal(await num(page, 'metric-makespan'), before, 'the run shown is the one before');
  await waitForPreset(page, 'race-unsafe');

  // The worker was replaced: the next run works.
  await pick(page, 'race-mutex');
  await waitForPreset(page, 'race-mutex');
  await waitMakespan(page, cli('race-mutex').metrics.makespan);
  page.done();
});

test('a worker that panics is reported and replaced; the next run works', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await page.goto(`${app.url}/?preset=race-unsafe&debug-worker=panic`, { waitUntil: 'load', timeout: T.load });
  await waitForPreset(page, 'race-unsafe');
  await byId(page, 'outcome').waitFor({ state: 'attached', timeout: T.load });
  const before = await num(page, 'metric-makespan');

  await pick(page, 'race-mutex'); // the second run: the worker panics
  const msg = await errorMatching(page, /internal error/);
  assert.match(msg, /asked to panic/, `the error says what happened: ${msg}`);
  assert.equal(await num(page, 'metric-makespan'), before, 'the run shown is the one before');

  await pick(page, 'race-mutex'); // a fresh worker runs it
  await waitForPreset(page, 'race-mutex');
  await waitMakespan(page, cli('race-mutex').metrics.makespan);
  // No page.done(): the page logs the worker's panic on purpose.
});

test('a worker that hangs is stopped at the time limit and replaced; the next run works', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  const flags = 'debug-worker=hang&debug-worker-limit-ms=3000';
  await page.goto(`${app.url}/?preset=race-unsafe&${flags}`, { waitUntil: 'load', timeout: T.load });
  await waitForPreset(page, 'race-unsafe');
  await byId(page, 'outcome').waitFor({ state: 'attached', timeout: T.load });
  const before = await num(page, 'metric-makespan');

  await pick(page, 'race-mutex'); // the second run: the worker loops forever
  const msg = await errorMatching(page, /no sign of life|took longer/);
  assert.match(msg, /stopped/, msg);
  assert.equal(await num(page, 'metric-makespan'), before, 'the run shown is the one before');

  await pick(page, 'race-mutex');
  await waitForPreset(page, 'race-mutex');
  await waitMakespan(page, cli('race-mutex').metrics.makespan);
  page.done();
});
