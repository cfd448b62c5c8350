// The settings never lose what the learner typed or changed: keystrokes while a run is computed,
// a setting with unapplied JSON edits, MLFQ's levels, a changed preset left for another, a
// cancelled import (a fresh tester's walk found each of these losing something).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ROOT, T, TEST_TIMEOUT, bigRun, byId, newPage, openApp, shot, text, useApp,
} from './lib.mjs';

const app = useApp();
const BIG = path.join(ROOT, 'e2e', 'bench', 'big-run.json');

/** A run of seconds, as a file to import (see bigRun). */
function longRun() {
  return { name: 'long-run.json', mimeType: 'application/json', buffer: Buffer.from(bigRun(1500, 2_000_000), 'utf8') };
}

/** Waits until the scenario in use (the editor's text) has `want` CPUs and the box shows it; returns that scenario. */
async function settledCpus(page, want, timeout = 120_000) {
  await page.waitForFunction(
    (w) => !document.querySelector('[data-testid="editor-unapplied"]')
      && JSON.parse(document.querySelector('[data-testid="scenario-editor"]').value).machine.cpus === Number(w)
      && document.querySelector('[data-testid="setting-cpus"]').value === w,
    want,
    { timeout },
  );
  return JSON.parse(await byId(page, 'scenario-editor').inputValue());
}

test('CPUs typed while a big run is computed are never overwritten, and the run uses them', { timeout: 600_000 }, async (t) => {
  const page = await newPage(app, t);
  await page.setViewportSize({ width: 1024, height: 900 });
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'import-file').setInputFiles(BIG);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="preset-select"]')?.value === 'custom'
      && !document.querySelector('[data-testid="run-progress"]'),
    null,
    { timeout: 180_000 },
  );
  // The walk: select the box, type 12 at 120–250 ms a key; it showed 162, then 1, and ran 1 CPU.
  for (const [typed, delay] of [['12', 120], ['6', 0], ['12', 250]]) {
    await byId(page, 'setting-cpus').click({ clickCount: 3 });
    await page.keyboard.type(typed, { delay });
    assert.equal(await byId(page, 'setting-cpus').inputValue(), typed, 'the box shows what was typed');
    await page.waitForTimeout(400);
    assert.equal(await byId(page, 'setting-cpus').inputValue(), typed, 'no run answer overwrites it');
    const s = await settledCpus(page, typed);
    assert.equal(s.machine.cpus, Number(typed), `the run uses ${typed} CPUs`);
  }
  await shot(page, 'settings-typed-12-big');
  page.done();
});

test('quick keys on a small preset: CPUs 16 and quantum 12 are what run', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-rr-2cpu');
  await byId(page, 'setting-cpus').click({ clickCount: 3 });
  await page.keyboard.type('16');
  assert.equal((await settledCpus(page, '16', T.load)).machine.cpus, 16);
  await byId(page, 'setting-quantum').click({ clickCount: 3 });
  await page.keyboard.type('12');
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="run-progress"]')
      && JSON.parse(document.querySelector('[data-testid="scenario-editor"]').value).scheduler.quantum === 12,
    null,
    { timeout: T.load },
  );
  assert.equal(await byId(page, 'setting-quantum').inputValue(), '12');
  page.done();
});

test('a setting changed with unapplied JSON edits lands in them too; applying keeps both', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const ed = byId(page, 'scenario-editor');
  await ed.fill((await ed.inputValue()).replace('loop 500', 'loop 100'));
  await byId(page, 'editor-unapplied').waitFor();
  assert.equal(await text(page, 'btn-export'), 'Export applied', 'Export says it is not the draft');
  await byId(page, 'setting-cpus').fill('4');
  await byId(page, 'setting-cpus').press('Enter');
  await page.waitForFunction(() => /"cpus": 4/.test(document.querySelector('[data-testid="scenario-editor"]').value));
  assert.match(await ed.inputValue(), /loop 100/, 'the unapplied edit is still there');
  await ed.press('Control+Enter');
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="editor-unapplied"]')
      && !document.querySelector('[data-testid="run-progress"]'),
  );
  assert.equal(await byId(page, 'setting-cpus').inputValue(), '4', 'applying did not go back to 2 CPUs');
  assert.match(await ed.inputValue(), /loop 100/);
  page.done();
});

test('MLFQ shows its levels\' quanta, not one box that flattens them; FCFS shows no quantum', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mlfq-interactive');
  // mlfq-interactive.json: levels with quanta 5, 10 and 20, top first.
  assert.equal(await text(page, 'setting-quantum'), '5 / 10 / 20');
  assert.equal(await byId(page, 'setting-quantum').evaluate((e) => e.tagName), 'OUTPUT', 'read-only');
  await shot(page, 'settings-mlfq-levels');
  await openApp(page, app, 'race-unsafe');
  assert.ok(await byId(page, 'setting-quantum').isDisabled());
  assert.equal(await byId(page, 'setting-quantum').inputValue(), '', 'FCFS has no quantum to show');
  page.done();
});

test('a preset changed by a setting is kept as Custom when another preset is picked', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  await byId(page, 'setting-cpus').fill('1');
  await byId(page, 'setting-cpus').press('Enter');
  await settledCpus(page, '1', T.load);
  await byId(page, 'preset-select').selectOption('deadlock');
  await page.waitForFunction(() => /kept/.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''));
  await byId(page, 'preset-select').selectOption('race-mutex');
  await settledCpus(page, '2', T.load);
  await byId(page, 'preset-select').selectOption('custom');
  const s = await settledCpus(page, '1', T.load);
  assert.equal(s.machine.cpus, 1, 'the changed preset came back');
  page.done();
});

test('a cancelled import keeps the file\'s text in the editor', { timeout: 300_000 }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'import-file').setInputFiles(longRun());
  await byId(page, 'run-progress').waitFor({ state: 'visible', timeout: 60_000 });
  await byId(page, 'btn-cancel-run').click();
  await byId(page, 'editor-unapplied').waitFor();
  assert.match(await byId(page, 'scenario-editor').inputValue(), /Big run, 1500 rounds/);
  assert.equal(await byId(page, 'preset-select').inputValue(), 'race-unsafe', 'the run shown stays');
  page.done();
});
