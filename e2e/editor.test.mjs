// Scenario editor and import: bad input shows a located error and replaces nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ROOT, T, TEST_TIMEOUT, byId, cli, cliVar, newPage, num, openApp, outcomeKind, shot, text, useApp,
  waitNum,
} from './lib.mjs';

const app = useApp();
const preset = (key) => readFileSync(path.join(ROOT, 'presets', `${key}.json`), 'utf8');

// "line 3, column 5", "line 3 col 5", "3:5" all count as a location.
const LOCATED = /(line\s*\d+.*col(umn)?\.?\s*\d+)|(\b\d+:\d+\b)/i;

/** What the page shows of the current run; must not change when an import or apply fails. */
async function snapshot(page) {
  return {
    kind: await outcomeKind(page),
    outcome: await text(page, 'outcome'),
    counter: await num(page, 'final-var-counter-counter'),
    makespan: await num(page, 'metric-makespan'),
    switches: await num(page, 'metric-context-switches'),
  };
}

async function importFile(page, name, content) {
  await byId(page, 'import-file').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(content, 'utf8'),
  });
}

async function errorText(page) {
  const el = byId(page, 'import-error');
  await page.waitForFunction(
    () => (document.querySelector('[data-testid="import-error"]')?.textContent ?? '').trim().length > 0,
    null,
    { timeout: T.ui },
  );
  assert.ok(await el.isVisible(), 'import-error is visible');
  return (await el.textContent()).trim();
}

test('importing a file with a JSON syntax error shows a located error and keeps the previous run', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const before = await snapshot(page);
  assert.equal(before.counter, cliVar(cli('race-unsafe'), 'counter', 'counter'));

  await importFile(page, 'broken.json', '{\n  "name": "broken",\n  "processes": [\n    { "name": "p", }\n  ]\n}\n');
  const msg = await errorText(page);
  assert.match(msg, LOCATED, `error names no line/column: ${msg}`);
  assert.deepEqual(await snapshot(page), before, 'outcome and metrics still show the previous run');
  await shot(page, 'import-syntax-error');
  page.done();
});

test('a bad program line is reported with processes[0] and a line/column', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const before = await snapshot(page);

  const src = preset('race-unsafe');
  assert.ok(src.includes('load r0, counter'));
  await importFile(page, 'typo.json', src.replace('load r0, counter', 'lod r0, counter'));
  const msg = await errorText(page);
  assert.match(msg, /processes\[0\]/, `error does not name processes[0]: ${msg}`);
  assert.match(msg, LOCATED, `error names no line/column: ${msg}`);
  assert.match(msg, /lod/, `error does not quote the bad instruction: ${msg}`);
  assert.deepEqual(await snapshot(page), before, 'outcome and metrics still show the previous run');
  await shot(page, 'import-program-error');
  page.done();
});

test('a bad apply keeps the editor text; a good import replaces the run', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const before = await snapshot(page);
  const editor = byId(page, 'scenario-editor');
  const original = await editor.inputValue();
  assert.match(original, /"processes"/, 'the editor holds the scenario JSON');

  const bad = original.replace('"processes"', '"processes" "oops"');
  await editor.fill(bad);
  await byId(page, 'btn-apply').click();
  const msg = await errorText(page);
  assert.match(msg, LOCATED, `error names no line/column: ${msg}`);
  assert.equal(await editor.inputValue(), bad, 'the text the user typed is still in the editor');
  assert.deepEqual(await snapshot(page), before, 'outcome and metrics still show the previous run');
  await shot(page, 'apply-error');

  // A valid scenario through the file input replaces the run (and clears the error).
  const mutex = cli('race-mutex');
  await importFile(page, 'race-mutex.json', preset('race-mutex'));
  await waitNum(page, 'final-var-counter-counter', 1000);
  await waitNum(page, 'metric-makespan', mutex.metrics.makespan);
  assert.equal(await outcomeKind(page), 'completed');
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="import-error"]');
      return !el || !el.textContent.trim() || el.offsetParent === null;
    },
    null,
    { timeout: T.ui },
  );
  assert.match(await editor.inputValue(), /lock/, 'the editor shows the imported scenario');
  page.done();
});
