// The shipped scenarios are files beside the page (dist/presets/KEY.json, src/presets.rs): the
// page fetches one when it is opened, so their text is not in the page's wasm. A preset that
// cannot be fetched is reported in words, the run shown stays, and the next pick works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DIST, ROOT, T, TEST_TIMEOUT, byId, newPage, num, openApp, text, useApp, waitForPreset } from './lib.mjs';

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

test('with no preset file to be had at start, the page says which and offers Retry', { timeout: TEST_TIMEOUT }, async (t) => {
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
  blocked = false;
  await byId(page, 'btn-retry').click();
  await waitForPreset(page, 'deadlock');
  page.done();
});
