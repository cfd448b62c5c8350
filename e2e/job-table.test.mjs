// The job table: start from the template, edit jobs as rows, the JSON follows (only its
// `processes`), Apply runs what the CLI runs; a bad cell says why and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_TIMEOUT, byId, cliFile, newPage, num, openApp, shot, text, useApp, waitForPreset, waitNum } from './lib.mjs';

const app = useApp();

/** The table's rows as cell texts. */
async function rows(page) {
  return byId(page, 'job-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [...tr.querySelectorAll('input')].map((i) => i.value)));
}

async function setCell(page, row, col, value) {
  const cell = byId(page, `job-${row}-${col}`);
  await cell.fill(value);
  await cell.press('Tab');
}

test('the template becomes a job table; edits write the processes into the JSON; Apply runs it', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  assert.match(await text(page, 'job-table-note'), /more than a job table/);
  assert.doesNotMatch(await text(page, 'job-table-note'), /`/, 'no raw backquotes');
  await byId(page, 'btn-job-template').click();
  await byId(page, 'job-table').waitFor();
  assert.deepEqual(await rows(page), [
    ['A', '0', '8', '', ''],
    ['B', '2', '3, 2', '5', ''],
    ['C', '4', '5', '', ''],
  ]);
  const editor = byId(page, 'scenario-editor');
  const template = await editor.inputValue();
  const head = template.slice(0, template.indexOf('"processes"'));

  await setCell(page, 2, 'bursts', '6, 1');
  await setCell(page, 2, 'io', '3');
  await setCell(page, 0, 'priority', '2');
  await byId(page, 'btn-add-job').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="job-table"] tbody tr').length === 4);
  await setCell(page, 3, 'arrival', '7');
  assert.deepEqual(await rows(page), [
    ['A', '0', '8', '', '2'],
    ['B', '2', '3, 2', '5', ''],
    ['C', '4', '6, 1', '3', ''],
    ['D', '7', '1', '', ''],
  ]);
  const written = await editor.inputValue();
  assert.ok(written.startsWith(head), 'everything before `processes` is as written');
  const s = JSON.parse(written);
  assert.deepEqual(s.processes[2], { name: 'C', arrival: 4, threads: [{ name: 'main', code: ['compute 6', 'io 3', 'compute 1'] }] });
  assert.equal(s.processes[0].priority, 2);
  await byId(page, 'editor-unapplied').waitFor();
  await shot(page, 'job-table');

  await byId(page, 'btn-job-apply').click();
  await waitForPreset(page, 'custom');
  const dir = mkdtempSync(path.join(tmpdir(), 'threadlab-jobs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'jobs.json');
  writeFileSync(file, written);
  const want = cliFile(file);
  await waitNum(page, 'metric-makespan', want.metrics.makespan);
  assert.equal(await num(page, 'metric-context-switches'), want.metrics.context_switches);
  page.done();
});

test('a bad cell says what it must hold and changes nothing; removing a job rewrites the JSON', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'btn-job-template').click();
  await byId(page, 'job-table').waitFor();
  const editor = byId(page, 'scenario-editor');
  const before = await editor.inputValue();
  const bursts = await byId(page, 'job-1-bursts').inputValue();
  await setCell(page, 1, 'bursts', '3, x');
  await byId(page, 'job-error').waitFor();
  // Code in the message is set as code, not shown with its backquotes.
  assert.match(await text(page, 'job-error'), /CPU bursts must be whole numbers of µs, at least 1.* x is not/);
  assert.equal(await byId(page, 'job-error').locator('code', { hasText: /^x$/ }).count(), 1);
  assert.equal(await byId(page, 'job-1-bursts').inputValue(), '3, x', 'the cell keeps what was typed');
  assert.equal(await byId(page, 'job-1-bursts').getAttribute('aria-invalid'), 'true');
  assert.equal(await editor.inputValue(), before, 'the JSON is unchanged');
  // Typed back to its value: the error goes, though the JSON does not change (it stayed before).
  await setCell(page, 1, 'bursts', bursts);
  await page.waitForFunction(() => !document.querySelector('[data-testid="job-error"]'));
  assert.equal(await byId(page, 'job-1-bursts').getAttribute('aria-invalid'), 'false');
  assert.equal(await editor.inputValue(), before);
  await setCell(page, 1, 'bursts', '3, x');
  await byId(page, 'job-error').waitFor();
  await setCell(page, 1, 'name', 'A');
  assert.match(await text(page, 'job-error'), /already used/);
  assert.equal(await editor.inputValue(), before);

  await byId(page, 'btn-remove-job-0').click();
  await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid="scenario-editor"]').value).processes.length === 2);
  assert.deepEqual(JSON.parse(await editor.inputValue()).processes.map((p) => p.name), ['B', 'C']);
  page.done();
});
