// A teacher's own scenario is never lost: the custom scenario stays in the menu after a preset
// and across a reload; scenarios are kept under names (several), opened, replaced and forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ROOT, TEST_TIMEOUT, byId, cli, newPage, num, openApp, shot, useApp, waitControls, waitForPreset, waitNum,
} from './lib.mjs';

const app = useApp();
const presetText = (key) => readFileSync(path.join(ROOT, 'presets', `${key}.json`), 'utf8');

/** The menu's entries under "Yours": [value, label]. */
async function mine(page) {
  return page.locator('[data-testid="preset-select"] optgroup[label^="Yours"] option')
    .evaluateAll((os) => os.map((o) => [o.value, o.textContent.trim()]));
}

async function keepAs(page, name) {
  await byId(page, 'keep-name').fill(name);
  await byId(page, 'btn-keep').click();
  await waitForPreset(page, `saved:${name}`);
}

test('the custom scenario stays in the menu after a preset and a reload, and opens as written', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const mineText = presetText('race-mutex').replace('"name": "Race fixed with a mutex"', '"name": "My mutex lab"').replace('"cpus": 2', '"cpus": 1');
  await byId(page, 'scenario-editor').fill(mineText);
  await byId(page, 'scenario-editor').press('Control+Enter');
  await waitForPreset(page, 'custom');
  const one = await num(page, 'metric-makespan');

  await byId(page, 'preset-select').selectOption('single-thread');
  await waitForPreset(page, 'single-thread');
  assert.deepEqual(await mine(page), [['custom', 'Custom: My mutex lab']]);

  await page.reload();
  await waitForPreset(page, 'single-thread');
  assert.deepEqual(await mine(page), [['custom', 'Custom: My mutex lab']], 'still there after a reload');
  await byId(page, 'preset-select').selectOption('custom');
  await waitForPreset(page, 'custom');
  assert.equal(await byId(page, 'scenario-editor').inputValue(), mineText, 'the author\'s text, byte for byte');
  await waitNum(page, 'metric-makespan', one);
  await waitControls(page, { source: 'custom', cpus: 1, policy: 'fcfs', quantum: null, tie: null });
  assert.equal(await byId(page, 'description-edited').count(), 0, 'as written: nothing stale');

  // A setting updates it in place (no "(edited)" copy) and says its description may be stale,
  // written for the settings it was opened with; so does a reload (walk s11).
  await byId(page, 'setting-cpus').fill('2');
  await waitControls(page, { source: 'custom', cpus: 2, policy: 'fcfs', quantum: null, tie: null });
  assert.match(await byId(page, 'description-edited').textContent(), /as opened: its settings have changed/);
  assert.deepEqual(await mine(page), [['custom', 'Custom: My mutex lab']]);
  await page.reload();
  await waitForPreset(page, 'custom');
  assert.match(await byId(page, 'description-edited').textContent(), /as opened: its settings have changed/);
  page.done();
});

test('several named scenarios are kept, survive a reload, open, and can be forgotten without losing the one in use', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-1cpu');
  await byId(page, 'setting-policy').selectOption('rr');
  await waitControls(page, { source: 'mixed-fcfs-1cpu', cpus: 1, policy: 'rr', quantum: 4, tie: 'arrivals_first' });
  await keepAs(page, 'Week 3: RR');

  await byId(page, 'preset-select').selectOption('mixed-fcfs-2cpu');
  await waitForPreset(page, 'mixed-fcfs-2cpu');
  await keepAs(page, 'Week 4: two CPUs');
  assert.deepEqual((await mine(page)).map(([v]) => v), ['saved:Week 3: RR', 'saved:Week 4: two CPUs']);
  assert.match(page.url(), /\?saved=Week%204/);

  await page.reload();
  await waitForPreset(page, 'saved:Week 4: two CPUs');
  assert.deepEqual((await mine(page)).map(([, l]) => l), ['Week 3: RR', 'Week 4: two CPUs']);
  await byId(page, 'preset-select').selectOption('saved:Week 3: RR');
  await waitForPreset(page, 'saved:Week 3: RR');
  await waitControls(page, { source: 'saved:Week 3: RR', cpus: 1, policy: 'rr', quantum: 4, tie: 'arrivals_first' });
  await waitNum(page, 'metric-context-switches', cli('mixed-fcfs-1cpu', '--policy', 'rr').metrics.context_switches);

  // A change to a kept scenario shows "(edited)" until kept again under its name ("Replace").
  await byId(page, 'setting-quantum').fill('2');
  await page.waitForFunction(() => /\(edited\)/.test(document.querySelector('[data-testid="preset-select"] option:checked').textContent));
  assert.match(await byId(page, 'description-edited').textContent(), /settings have changed/, 'the description may be stale: said');
  assert.equal((await byId(page, 'btn-keep').textContent()).trim(), 'Replace');
  await byId(page, 'btn-keep').click();
  await page.waitForFunction(() => !/\(edited\)/.test(document.querySelector('[data-testid="preset-select"] option:checked').textContent));
  assert.equal(await byId(page, 'description-edited').count(), 0);
  await shot(page, 'picker-my-scenarios');

  // Forgetting asks first, naming it and saying what becomes of the text; Cancel keeps it.
  await byId(page, 'btn-delete-saved').click();
  const confirm = byId(page, 'forget-confirm');
  await confirm.waitFor();
  const said = await confirm.textContent();
  assert.match(said, /Forget “Week 3: RR”\?/);
  assert.match(said, /export it first/i);
  assert.equal(await byId(page, 'btn-delete-saved').getAttribute('aria-expanded'), 'true');
  await shot(page, 'forget-confirm');
  await byId(page, 'btn-forget-cancel').click();
  await confirm.waitFor({ state: 'detached' });
  assert.equal(await byId(page, 'preset-select').inputValue(), 'saved:Week 3: RR', 'nothing forgotten');
  assert.deepEqual((await mine(page)).map(([v]) => v), ['saved:Week 3: RR', 'saved:Week 4: two CPUs']);
  // Forgetting the one in use: it stays on screen, as the custom scenario.
  await byId(page, 'btn-delete-saved').click();
  await byId(page, 'btn-forget-confirm').click();
  await waitForPreset(page, 'custom');
  assert.deepEqual((await mine(page)).map(([v]) => v), ['custom', 'saved:Week 4: two CPUs']);
  await waitControls(page, { source: 'custom', cpus: 1, policy: 'rr', quantum: 2, tie: 'arrivals_first' });
  await page.reload();
  await waitForPreset(page, 'custom');
  assert.deepEqual((await mine(page)).map(([v]) => v), ['custom', 'saved:Week 4: two CPUs']);
  page.done();
});

test('a failed apply loses nothing: the text stays, across a reload, with the run shown before', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const makespan = await num(page, 'metric-makespan');
  const broken = presetText('race-unsafe').replace('"cpus": 2', '"cpus": "two"');
  await byId(page, 'scenario-editor').fill(broken);
  await byId(page, 'btn-apply').click();
  await byId(page, 'import-error').waitFor();
  await page.reload();
  await byId(page, 'editor-unapplied').waitFor();
  assert.equal(await byId(page, 'scenario-editor').inputValue(), broken);
  assert.equal(await num(page, 'metric-makespan'), makespan);
  page.done();
});

test('keeping under another kept scenario\'s name asks first; a preset\'s name is not offered', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  // The name offered for a preset is free, and says whose it is: nothing is kept yet, so no
  // number (the walk saw "… (2)" before anything was kept).
  const offered = await byId(page, 'keep-name').inputValue();
  assert.match(offered, / \(mine\)$/, offered);
  await keepAs(page, 'Week 5');
  await openApp(page, app, 'deadlock');
  await byId(page, 'keep-name').fill('Week 5');
  assert.equal((await byId(page, 'btn-keep').textContent()).trim(), 'Replace');
  await byId(page, 'btn-keep').click();
  await byId(page, 'keep-confirm').waitFor();
  assert.match(await byId(page, 'keep-confirm').textContent(), /press Replace again/);
  assert.equal(await byId(page, 'preset-select').inputValue(), 'deadlock', 'nothing replaced yet');
  await shot(page, 'keep-confirm');
  await byId(page, 'btn-keep').click();
  await waitForPreset(page, 'saved:Week 5');
  assert.equal(await byId(page, 'keep-confirm').count(), 0);
  assert.deepEqual((await mine(page)).map(([v]) => v), ['saved:Week 5']);
  assert.match(await byId(page, 'scenario-editor').inputValue(), /Deadlock/, 'the second one replaced it');
  page.done();
});
