// The reader worker: every scenario the page opens is read there. A reader that crashes or hangs
// is reported in words like the simulation worker, the run shown stays, the learner's text is
// kept, and the next apply works (a fresh reader). The faults are acted out on the page's
// second read, asked for by the address (`debug-reader=panic|hang`, src/ui/reader.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, T, TEST_TIMEOUT, byId, newPage, num, shot, text, useApp, waitForPreset } from './lib.mjs';

const app = useApp();
const preset = (key) => readFileSync(path.join(ROOT, 'presets', `${key}.json`), 'utf8');

/** Opens `?preset=race-unsafe&…flags` and waits for its run. */
async function openWith(page, flags) {
  await page.goto(`${app.url}/?preset=race-unsafe&${flags}`, { waitUntil: 'load', timeout: T.load });
  await waitForPreset(page, 'race-unsafe');
  await byId(page, 'outcome').waitFor({ timeout: T.load });
}

/** Puts `mine` in the editor and applies it; the reader's answer is what the test waits for. */
async function apply(page, mine) {
  await byId(page, 'scenario-editor').fill(mine);
  await byId(page, 'btn-apply').click();
}

async function errorShown(page) {
  await page.waitForFunction(
    () => (document.querySelector('[data-testid="import-error"]')?.textContent ?? '').trim().length > 0,
    null,
    { timeout: T.load },
  );
  return text(page, 'import-error');
}

for (const [fault, flags, words] of [
  ['crashes', 'debug-reader=panic', /scenario reader stopped because of an internal error/],
  ['hangs', 'debug-reader=hang&debug-reader-limit-ms=2000', /Reading the scenario took longer than 2 s/],
]) {
  test(`a reader that ${fault} is reported; the run shown and the learner's text stay; the next apply works`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(app, t);
    await openWith(page, flags);
    const makespan = await num(page, 'metric-makespan');
    const mine = preset('race-mutex').replace('Race fixed with a mutex', 'My lab');
    await apply(page, mine);
    const message = await errorShown(page);
    assert.match(message, words);
    assert.match(message, /your text is kept/);
    assert.equal(await byId(page, 'preset-select').inputValue(), 'race-unsafe', 'the run shown stays');
    assert.equal(await num(page, 'metric-makespan'), makespan);
    assert.equal(await byId(page, 'scenario-editor').inputValue(), mine, 'the learner\'s text is kept');
    await byId(page, 'editor-unapplied').waitFor();
    await shot(page, `reader-${fault}`);
    // A fresh reader reads the same text.
    await byId(page, 'btn-apply').click();
    await waitForPreset(page, 'custom');
    await page.waitForFunction(() => !document.querySelector('[data-testid="import-error"]'), null, { timeout: T.load });
    assert.match(await text(page, 'scenario-description'), /mutex/i);
    // No page.done(): the worker's panic is on the console on purpose.
  });
}
