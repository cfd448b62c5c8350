// Every control shows the scenario in use, after every way of changing it: a preset, a setting,
// an import, an apply, a link and a reload. The controls are compared with the scenario's JSON
// (the editor's text, and the preset files) and the numbers with the CLI's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ROOT, TEST_TIMEOUT, byId, cli, controls, editorScenario, expectedControls, newPage, num, openApp, shot,
  useApp, waitControls, waitForPreset, waitNum,
} from './lib.mjs';

const app = useApp();
const presetText = (key) => readFileSync(path.join(ROOT, 'presets', `${key}.json`), 'utf8');
const preset = (key) => JSON.parse(presetText(key));

/** Picks a menu entry and waits for its run. */
async function pick(page, value) {
  await byId(page, 'preset-select').selectOption(value);
  await waitForPreset(page, value);
}

test('the issue\'s sequence: FCFS preset, Round Robin, race preset, Round Robin preset: every control says RR', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-1cpu');
  await waitControls(page, expectedControls('mixed-fcfs-1cpu', cli('mixed-fcfs-1cpu').settings));

  await byId(page, 'setting-policy').selectOption('rr');
  await waitControls(page, { source: 'mixed-fcfs-1cpu', cpus: 1, policy: 'rr', quantum: 4, tie: 'arrivals_first' });
  assert.match(await byId(page, 'preset-select').locator('option:checked').textContent(), /\(edited\)/);

  await pick(page, 'race-unsafe');
  await waitControls(page, expectedControls('race-unsafe', cli('race-unsafe').settings));

  await pick(page, 'mixed-rr-1cpu');
  const want = cli('mixed-rr-1cpu');
  await waitControls(page, expectedControls('mixed-rr-1cpu', want.settings));
  assert.deepEqual(await editorScenario(page), preset('mixed-rr-1cpu'), 'the JSON is the preset');
  await waitNum(page, 'metric-context-switches', want.metrics.context_switches);
  assert.equal(await num(page, 'metric-makespan'), want.metrics.makespan);
  page.done();
});

test('importing a Round Robin file after changing the policy box shows Round Robin everywhere', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-1cpu');
  await byId(page, 'setting-policy').selectOption('srtf');
  await waitControls(page, { source: 'mixed-fcfs-1cpu', cpus: 1, policy: 'srtf', quantum: null, tie: null });
  await byId(page, 'import-file').setInputFiles({
    name: 'rr.json', mimeType: 'application/json', buffer: Buffer.from(presetText('mixed-rr-2cpu'), 'utf8'),
  });
  await waitControls(page, expectedControls('custom', cli('mixed-rr-2cpu').settings));
  assert.equal(await byId(page, 'scenario-editor').inputValue(), presetText('mixed-rr-2cpu'), 'the file as written');
  await waitNum(page, 'metric-context-switches', cli('mixed-rr-2cpu').metrics.context_switches);
  page.done();
});

test('applying edited JSON moves the controls; a control edits only its own value in the JSON', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-rr-1cpu');
  const editor = byId(page, 'scenario-editor');
  const original = presetText('mixed-rr-1cpu');
  assert.equal(await editor.inputValue(), original, 'the editor shows the preset file as written, not re-serialised');

  // Apply: quantum 4 → 2, tie rule pre-empted first, 2 CPUs.
  const edited = original
    .replace('"quantum": 4', '"quantum": 2,\n    "tie": "preempted_first"')
    .replace('"cpus": 1', '"cpus": 2');
  await editor.fill(edited);
  await byId(page, 'btn-apply').click();
  await waitControls(page, { source: 'custom', cpus: 2, policy: 'rr', quantum: 2, tie: 'preempted_first' });
  assert.equal(await editor.inputValue(), edited, 'the author\'s text is kept on Apply');

  // Controls: each changes its own value in the text, nothing else.
  await byId(page, 'setting-quantum').fill('3');
  await waitControls(page, { source: 'custom', cpus: 2, policy: 'rr', quantum: 3, tie: 'preempted_first' });
  assert.equal(await editor.inputValue(), edited.replace('"quantum": 2', '"quantum": 3'));
  await byId(page, 'setting-tie').selectOption('arrivals_first');
  await waitControls(page, { source: 'custom', cpus: 2, policy: 'rr', quantum: 3, tie: 'arrivals_first' });
  assert.equal(await editor.inputValue(), edited.replace('"quantum": 2', '"quantum": 3').replace('"preempted_first"', '"arrivals_first"'));
  await byId(page, 'setting-policy').selectOption('fcfs');
  await waitControls(page, { source: 'custom', cpus: 2, policy: 'fcfs', quantum: null, tie: null });
  const fcfsText = original.replace('"policy": "rr",\n    "quantum": 4', '"policy": "fcfs"').replace('"cpus": 1', '"cpus": 2');
  assert.equal(await editor.inputValue(), fcfsText, 'FCFS\'s text: only the scheduler members changed');
  const s = await editorScenario(page);
  assert.deepEqual(s.scheduler, { policy: 'fcfs' });
  await shot(page, 'controls-after-edits');
  page.done();
});

test('the policy menu lists every policy; each shows its own settings and runs as the CLI runs it', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-1cpu');
  const keys = await byId(page, 'setting-policy').locator('option').evaluateAll((os) => os.map((o) => o.value));
  for (const k of ['fcfs', 'rr', 'srtf']) assert.ok(keys.includes(k), `${k} in ${keys}`);
  for (const k of keys) {
    await byId(page, 'setting-policy').selectOption(k);
    await page.waitForFunction((want) => JSON.parse(document.querySelector('[data-testid="scenario-editor"]').value).scheduler.policy === want, k);
    const s = await editorScenario(page);
    const r = cli('mixed-fcfs-1cpu', '--policy', k);
    await waitControls(page, expectedControls('mixed-fcfs-1cpu', r.settings));
    // A policy's other parameters are shown read-only, from its spec (SRTF: preempt_on_equal).
    for (const [name, value] of Object.entries(s.scheduler).filter(([n]) => !['policy', 'quantum', 'tie'].includes(n))) {
      // Shown as in the JSON (a text as itself).
      assert.equal(await byId(page, `param-${name}`).textContent(), typeof value === 'string' ? value : JSON.stringify(value));
    }
    if (k === 'srtf') assert.equal(await byId(page, 'param-preempt_on_equal').textContent(), 'false');
    // The run is the CLI's run of that policy.
    await waitNum(page, 'metric-makespan', r.metrics.makespan);
  }
  page.done();
});

test('a link and a reload show the controls of what they open', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-2cpu');
  await byId(page, 'setting-policy').selectOption('rr');
  await byId(page, 'setting-quantum').fill('6');
  const want = { source: 'mixed-fcfs-2cpu', cpus: 2, policy: 'rr', quantum: 6, tie: 'arrivals_first' };
  await waitControls(page, want);
  assert.match(page.url(), /\?preset=mixed-fcfs-2cpu$/);

  // A reload keeps the edited preset, controls, JSON and run.
  await page.reload();
  await waitControls(page, want);
  assert.equal((await editorScenario(page)).scheduler.quantum, 6);
  await waitNum(page, 'metric-makespan', cli('mixed-fcfs-2cpu', '--policy', 'rr', '--quantum', '6').metrics.makespan);

  // A link to another preset (same browser) opens that preset as shipped.
  await page.goto(`${app.url}/?preset=mixed-rr-2cpu`);
  await waitForPreset(page, 'mixed-rr-2cpu');
  await waitControls(page, expectedControls('mixed-rr-2cpu', cli('mixed-rr-2cpu').settings));

  // A fresh browser given the first link gets the preset as shipped (edits live in one browser).
  const fresh = await newPage(app, t);
  await fresh.goto(`${app.url}/?preset=mixed-fcfs-2cpu`);
  await waitForPreset(fresh, 'mixed-fcfs-2cpu');
  await waitControls(fresh, expectedControls('mixed-fcfs-2cpu', cli('mixed-fcfs-2cpu').settings));
  page.done();
  fresh.done();
});

test('a failed apply changes no control; the controls still describe the run shown', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-rr-1cpu');
  const before = await controls(page);
  await byId(page, 'scenario-editor').fill(presetText('mixed-rr-1cpu').replace('"quantum": 4', '"quantum": 0').replace('"cpus": 1', '"cpus": 3'));
  await byId(page, 'btn-apply').click();
  await byId(page, 'import-error').waitFor();
  assert.deepEqual(await controls(page), before);
  page.done();
});
