// What a newcomer trips on: invalid settings, the keyboard after a click, the speed across
// re-runs, and importing a broken file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ROOT, T, TEST_TIMEOUT, byId, cli, newPage, num, openApp, scrub, setValue, shot, text, useApp,
  waitForPreset, waitNum,
} from './lib.mjs';

const app = useApp();

test('invalid CPU counts and quanta show an inline error, do not re-run, and the box goes back on blur', { timeout: TEST_TIMEOUT }, async (t) => {
  const two = cli('race-unsafe');
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const cpus = byId(page, 'setting-cpus');
  for (const bad of ['0', '200', '', '1.5', '-3']) {
    await cpus.fill(bad);
    await byId(page, 'setting-error').waitFor();
    const msg = await text(page, 'setting-error');
    assert.match(msg, /CPU count must be/, `error for ${JSON.stringify(bad)}: ${msg}`);
    assert.match(msg, /still uses 2/);
    assert.equal(await byId(page, 'setting-error').getAttribute('role'), 'alert');
    assert.equal(await num(page, 'metric-makespan'), two.metrics.makespan, `${JSON.stringify(bad)} did not re-run`);
    assert.equal(await cpus.inputValue(), bad, 'while focused, the box keeps what was typed');
  }
  // Clearing the box and typing a new number works (the box does not snap back mid-edit).
  await cpus.fill('');
  await cpus.pressSequentially('1');
  const one = cli('race-unsafe', '--cpus', '1');
  await waitNum(page, 'metric-makespan', one.metrics.makespan);
  await cpus.fill('2');
  await waitNum(page, 'metric-makespan', two.metrics.makespan);
  await cpus.fill('0');
  await shot(page, 'setting-error');
  await cpus.press('Tab');
  assert.equal(await cpus.inputValue(), '2', 'on blur the box shows the value in use');

  assert.match(await text(page, 'setting-error'), /still uses 2/, 'after blur the error says what is in use');

  // A valid value clears the error and re-runs.
  await cpus.fill('1');
  await waitNum(page, 'metric-makespan', one.metrics.makespan);
  assert.equal(await page.locator('[data-testid="setting-error"]').count(), 0);

  // Quantum under Round Robin.
  await byId(page, 'setting-policy').selectOption('rr');
  await page.waitForFunction(() => !document.querySelector('[data-testid="setting-quantum"]').disabled);
  const q = await byId(page, 'setting-quantum').inputValue();
  const makespan = await num(page, 'metric-makespan');
  await byId(page, 'setting-quantum').fill('0');
  await byId(page, 'setting-error').waitFor();
  assert.match(await text(page, 'setting-error'), /quantum must be at least 1/i);
  assert.equal(await num(page, 'metric-makespan'), makespan);
  await byId(page, 'setting-quantum').press('Tab');
  assert.equal(await byId(page, 'setting-quantum').inputValue(), q);
  page.done();
});

test('arrow keys step after a button was clicked; Space plays without scrolling the page', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  await byId(page, 'btn-step-forward').click();
  const a = (await scrub(page)).value;
  assert.ok(a > 0);
  // The focus is on the button now.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'btn-step-forward');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) > v, a);
  const b = (await scrub(page)).value;
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) < v, b);

  // Space with the focus on the page body: play, then pause; the page does not scroll.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Space');
  await page.waitForFunction(() => /pause/i.test(document.querySelector('[data-testid="btn-play"]').textContent));
  await page.keyboard.press('Space');
  await page.waitForFunction(() => /play/i.test(document.querySelector('[data-testid="btn-play"]').textContent));
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'no scrolling on Space or arrows');
  page.done();
});

test('the chosen playback speed survives a preset change and a settings change', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await setValue(page, 'speed', 2);
  const speedText = async () => (await page.locator('.speed output').textContent()).trim();
  assert.match(await speedText(), /^5 µs per second/);
  await byId(page, 'preset-select').selectOption('mixed-rr-1cpu');
  await waitForPreset(page, 'mixed-rr-1cpu');
  await waitNum(page, 'metric-makespan', cli('mixed-rr-1cpu').metrics.makespan);
  assert.match(await speedText(), /^5 µs per second/);
  await byId(page, 'setting-cpus').fill('2');
  await waitNum(page, 'metric-makespan', cli('mixed-rr-1cpu', '--cpus', '2').metrics.makespan);
  assert.equal(await byId(page, 'speed').inputValue(), '2');
  page.done();
});

test('a broken import names the file, keeps unapplied edits, else shows the file unapplied', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const makespan = await num(page, 'metric-makespan');
  const editor = byId(page, 'scenario-editor');
  const src = readFileSync(path.join(ROOT, 'presets', 'race-unsafe.json'), 'utf8');
  const broken = src.replace('load r0, counter', 'lod r0, counter');
  const importFile = (name, content) => byId(page, 'import-file').setInputFiles({
    name, mimeType: 'application/json', buffer: Buffer.from(content, 'utf8'),
  });

  // No edits: the file's text goes into the editor, marked unapplied.
  await importFile('bad.json', broken);
  await page.waitForFunction(() => (document.querySelector('[data-testid="import-error"]')?.textContent ?? '').length > 0, null, { timeout: T.ui });
  assert.match(await text(page, 'import-error'), /^bad\.json: processes\[0\]/);
  assert.equal(await editor.inputValue(), broken);
  await byId(page, 'editor-unapplied').waitFor();
  assert.equal(await num(page, 'metric-makespan'), makespan, 'the running scenario is unchanged');
  await shot(page, 'import-bad-file');

  // With edits: they stay.
  const mine = broken.replace('lod r0', 'load r0').replace('loop 500', 'loop 7');
  await editor.fill(mine);
  await importFile('worse.json', '{ "name": ');
  await page.waitForFunction(() => /^worse\.json: /.test(document.querySelector('[data-testid="import-error"]')?.textContent ?? ''), null, { timeout: T.ui });
  assert.equal(await editor.inputValue(), mine, 'unapplied edits are not overwritten by a broken file');
  assert.equal(await num(page, 'metric-makespan'), makespan);
  page.done();
});
