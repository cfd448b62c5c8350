// The shipped scenarios are files beside the page (dist/presets/KEY.json, src/presets.rs): the
// page fetches one when it is opened, so their text is not in the page's wasm. A preset that
// cannot be fetched is reported in words, the run shown stays, and the next pick works; with
// none to be had at start, the menu, the modes (OSTEP's) and the editor's Import stay beside Retry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  CLI, DIST, ROOT, T, TEST_TIMEOUT, byId, newPage, nextOstepAnswer, num, openApp, ostepAnswers, shot, text, useApp, waitForPreset,
} from './lib.mjs';

const app = useApp({ prefix: '/course/threads' });
const preset = (key) => JSON.parse(readFileSync(path.join(ROOT, 'presets', `${key}.json`), 'utf8'));

test('a preset is fetched from beside the page (here a sub-folder), and its text is not in the page wasm', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await openApp(page, app, 'race-mutex');
  assert.ok(fetched.includes('/course/threads/presets/race-mutex.json'), fetched.join('\n'));
  assert.match(await text(page, 'scenario-description'), /mutex/i);
  assert.deepEqual(JSON.parse(await byId(page, 'scenario-editor').inputValue()), preset('race-mutex'));
  // Another pick fetches its own file.
  await byId(page, 'preset-select').selectOption('deadlock');
  await waitForPreset(page, 'deadlock');
  await page.waitForFunction(
    (name) => (document.querySelector('[data-testid="scenario-editor"]')?.value ?? '').includes(name),
    preset('deadlock').name,
    { timeout: T.load },
  );
  assert.deepEqual(JSON.parse(await byId(page, 'scenario-editor').inputValue()), preset('deadlock'));
  assert.ok(fetched.includes('/course/threads/presets/deadlock.json'));
  page.done();
  // The page's own wasm (index.html's module) holds no preset's description.
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const pageWasm = readdirSync(DIST).find((f) => f.startsWith('threadlab-web') && f.endsWith('.wasm') && html.includes(f));
  assert.ok(pageWasm, 'the page wasm is found in dist');
  const bytes = readFileSync(path.join(DIST, pageWasm)).toString('latin1');
  for (const key of ['race-unsafe', 'deadlock', 'critical-section']) {
    const words = preset(key).description.slice(0, 40);
    assert.equal(bytes.includes(words), false, `${key}'s description is in ${pageWasm}`);
  }
});

test('a preset that cannot be fetched is reported; the run shown stays and the next pick works', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const makespan = await num(page, 'metric-makespan');
  await page.route('**/presets/deadlock.json', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await byId(page, 'preset-select').selectOption('deadlock');
  // Said at the top, where the learner looks after a pick.
  await page.waitForFunction(() => /deadlock\.json/.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''), null, { timeout: T.load });
  const message = await text(page, 'notice');
  assert.match(message, /Deadlock: two locks/);
  assert.match(message, /presets\/deadlock\.json/);
  assert.match(message, /404/);
  await waitForPreset(page, 'race-unsafe');
  assert.equal(await num(page, 'metric-makespan'), makespan, 'the run shown stays');
  await page.unroute('**/presets/deadlock.json');
  await byId(page, 'preset-select').selectOption('deadlock');
  await waitForPreset(page, 'deadlock');
  page.done();
});

test('with no preset file to be had at start, the page says which and offers Retry, the menu, the modes and import', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  let blocked = true;
  await page.route('**/presets/*.json', (route) => (blocked ? route.abort('internetdisconnected') : route.continue()));
  await page.goto(`${app.url}/?preset=deadlock`, { waitUntil: 'load', timeout: T.load });
  await byId(page, 'btn-retry').waitFor({ timeout: T.load });
  const message = await text(page, 'run-error');
  assert.match(message, /Deadlock: two locks/);
  assert.match(message, /presets\/deadlock\.json, then presets\/race-unsafe\.json/);
  assert.match(message, /Nothing of yours is lost/);
  assert.equal(await text(page, 'running'), 'No scenario could be opened.');
  // Beside Retry: the scenario menu (asking for a pick), the modes and the editor's Import.
  const select = byId(page, 'preset-select');
  assert.equal(await select.inputValue(), '');
  const options = await select.locator('option').allTextContents();
  assert.ok(options.length > 10 && options.some((o) => /^Deadlock: two locks/.test(o)), options.join(' | '));
  assert.equal(await byId(page, 'import-file').count(), 1);
  await shot(page, 'presets-none-fetched');
  // The OSTEP mode needs no scenario: it runs a line as the CLI does.
  await byId(page, 'mode-ostep').click();
  const line = 'scheduler -p RR -q 2 -l 3,5,1 -c';
  await byId(page, 'ostep-line').fill(line);
  const before = await ostepAnswers(page);
  await byId(page, 'ostep-run').click();
  await nextOstepAnswer(page, before);
  const cli = spawnSync(CLI, ['ostep', ...line.split(' ')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(await byId(page, 'ostep-text').evaluate((el) => el.textContent), cli.stdout);
  await byId(page, 'mode-simulator').click();
  // Another preset, still blocked: said, and the menu stays for the next try.
  await select.selectOption('race-mutex');
  await page.waitForFunction(() => /race-mutex\.json/.test(document.querySelector('[data-testid="run-error"]')?.textContent ?? ''), null, { timeout: T.load });
  await byId(page, 'preset-select').waitFor({ timeout: T.load });
  blocked = false;
  // Retry asks again for the preset last picked, the one the message names.
  await byId(page, 'btn-retry').click();
  await waitForPreset(page, 'race-mutex');
  await byId(page, 'outcome').waitFor({ state: 'attached', timeout: T.load });
  page.done();
});

test('with no preset file to be had at start, a file can be imported, and a preset picked once the files come back', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  let blocked = true;
  await page.route('**/presets/*.json', (route) => (blocked ? route.abort('internetdisconnected') : route.continue()));
  await page.goto(`${app.url}/?preset=deadlock`, { waitUntil: 'load', timeout: T.load });
  await byId(page, 'btn-retry').waitFor({ timeout: T.load });
  const mine = { ...preset('race-mutex'), name: 'Mine, imported' };
  await byId(page, 'import-file').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(mine), 'utf8') });
  await waitForPreset(page, 'custom');
  await byId(page, 'outcome').waitFor({ state: 'attached', timeout: T.load });
  assert.equal((await page.locator('[data-testid="preset-select"] option:checked').textContent()).trim(), 'Custom: Mine, imported');
  assert.equal(await byId(page, 'btn-retry').count(), 0);
  blocked = false;
  await byId(page, 'preset-select').selectOption('race-unsafe');
  await waitForPreset(page, 'race-unsafe');
  await page.waitForFunction((d) => document.querySelector('[data-testid="scenario-description"]')?.textContent.startsWith(d), preset('race-unsafe').description.slice(0, 20), { timeout: T.load });
  page.done();
});
