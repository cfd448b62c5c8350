// Settings re-run the scenario; export writes the scenario as changed, and it imports back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  T, TEST_TIMEOUT, byId, cli, cliFile, cliVar, newPage, num, openApp, shot, text, useApp, waitNum,
} from './lib.mjs';

const app = useApp();

/** The numbers the metrics table shows, to compare with a CLI result. */
async function shown(page) {
  return {
    makespan: await num(page, 'metric-makespan'),
    switches: await num(page, 'metric-context-switches'),
  };
}
const expected = (r) => ({ makespan: r.metrics.makespan, switches: r.metrics.context_switches });

test('changing the number of CPUs re-runs the scenario (makespan follows the CLI)', { timeout: TEST_TIMEOUT }, async (t) => {
  const two = cli('race-unsafe');
  const one = cli('race-unsafe', '--cpus', '1');
  assert.notEqual(one.metrics.makespan, two.metrics.makespan, 'the CLI itself should see a change');

  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  assert.deepEqual(await shown(page), expected(two));
  assert.equal(await byId(page, 'setting-cpus').inputValue(), String(two.metrics.cpus.length));

  await byId(page, 'setting-cpus').fill('1');
  await byId(page, 'setting-cpus').press('Tab');
  await waitNum(page, 'metric-makespan', one.metrics.makespan);
  assert.deepEqual(await shown(page), expected(one));
  assert.equal(await num(page, 'final-var-counter-counter'), cliVar(one, 'counter', 'counter'));
  await shot(page, 'race-unsafe-1cpu');
  page.done();
});

test('switching FCFS to Round Robin and changing the quantum re-run it (as the CLI does)', { timeout: TEST_TIMEOUT }, async (t) => {
  const fcfs = cli('mixed-fcfs-1cpu');
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-1cpu');
  assert.deepEqual(await shown(page), expected(fcfs));
  assert.equal(await byId(page, 'setting-policy').inputValue(), 'fcfs');
  assert.ok(await byId(page, 'setting-quantum').isDisabled(), 'FCFS uses no quantum');

  await byId(page, 'setting-policy').selectOption('rr');
  await page.waitForFunction(() => !document.querySelector('[data-testid="setting-quantum"]').disabled);
  const q = Number(await byId(page, 'setting-quantum').inputValue());
  assert.ok(q >= 1, `default quantum ${q}`);
  const rr = cli('mixed-fcfs-1cpu', '--policy', 'rr', '--quantum', String(q));
  await waitNum(page, 'metric-makespan', rr.metrics.makespan);
  assert.deepEqual(await shown(page), expected(rr));

  const rr2 = cli('mixed-fcfs-1cpu', '--policy', 'rr', '--quantum', '2');
  await byId(page, 'setting-quantum').fill('2');
  await waitNum(page, 'metric-context-switches', rr2.metrics.context_switches);
  assert.deepEqual(await shown(page), expected(rr2));
  await shot(page, 'mixed-rr-quantum-2');
  page.done();
});

test('export saves the changed scenario; the CLI and a re-import give the same run', { timeout: TEST_TIMEOUT }, async (t) => {
  const one = cli('race-unsafe', '--cpus', '1');
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'setting-cpus').fill('1');
  await waitNum(page, 'metric-makespan', one.metrics.makespan);

  const dir = mkdtempSync(path.join(tmpdir(), 'threadlab-export-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [download] = await Promise.all([page.waitForEvent('download'), byId(page, 'btn-export').click()]);
  assert.match(download.suggestedFilename(), /\.json$/);
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(exported.machine.cpus, 1, 'the export has the changed CPU count');

  // The CLI runs the exported file to the same numbers.
  assert.deepEqual(expected(cliFile(file)), expected(one));

  // A fresh page on another preset, then importing the export, shows that run again.
  const fresh = await newPage(app, t);
  await openApp(fresh, app, 'race-mutex');
  await byId(fresh, 'import-file').setInputFiles(file);
  await waitNum(fresh, 'metric-makespan', one.metrics.makespan);
  assert.deepEqual(await shown(fresh), expected(one));
  assert.equal(await num(fresh, 'final-var-counter-counter'), cliVar(one, 'counter', 'counter'));
  assert.equal(await byId(fresh, 'setting-cpus').inputValue(), '1');
  page.done();
  fresh.done();
});

test('a one-CPU policy on a machine of several says so beside the settings', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-2cpu');
  assert.equal(await byId(page, 'policy-note').count(), 0, 'FCFS on 2 CPUs: nothing to say');
  await byId(page, 'setting-policy').selectOption('process_run');
  await byId(page, 'policy-note').waitFor({ timeout: T.load });
  assert.match(await byId(page, 'policy-note').textContent(), /process-run has one CPU: .*one thread runs at a time, on CPU 0 .*the other CPUs stay idle/);
  // x86.py's policy too: one thread at a time (src/model/scheduler/x86.rs), and the note says so.
  await byId(page, 'setting-policy').selectOption('x86');
  await page.waitForFunction(() => /x86\.py has one CPU/.test(document.querySelector('[data-testid="policy-note"]')?.textContent), null, { timeout: T.load });
  assert.match(await byId(page, 'policy-note').textContent(), /one thread runs at a time, on CPU 0 .*the other CPUs stay idle/);
  await byId(page, 'setting-cpus').fill('1');
  await page.waitForFunction(() => !document.querySelector('[data-testid="policy-note"]'), null, { timeout: T.load });
  page.done();
});

test('the scripted policy says it follows a schedule in the JSON, and what runs without one', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-2cpu');
  const option = page.locator('[data-testid="setting-policy"] option[value="scripted"]');
  assert.doesNotMatch(await option.textContent(), /you choose/);
  assert.match(await option.textContent(), /"schedule" in the JSON .*one CPU/);
  await byId(page, 'setting-policy').selectOption('scripted');
  // Two CPUs, no schedule: Scripted::pick's fallback, one thread at a time (src/model/scheduler/scripted.rs).
  await byId(page, 'policy-note').waitFor({ timeout: T.load });
  assert.match(await text(page, 'policy-note'), /No schedule .*the lowest-numbered ready thread runs until it blocks or ends\. It runs one thread at a time, on CPU 0 .*the other CPUs stay idle\. A schedule needs one CPU: set CPUs to 1.*"schedule": "0011"/);
  await byId(page, 'setting-cpus').fill('1');
  await page.waitForFunction(() => /To choose who runs/.test(document.querySelector('[data-testid="policy-note"]')?.textContent), null, { timeout: T.load });
  assert.doesNotMatch(await text(page, 'policy-note'), /CPUs/);
  page.done();
});
