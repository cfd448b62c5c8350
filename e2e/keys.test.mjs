// Space is the player's play/pause key everywhere except in form fields and on a button the
// focus reached by keyboard (Tab): there Space presses the button, a deliberate choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, newPage, openApp, scrub, text, useApp } from './lib.mjs';

const app = useApp();

const playing = (page) => byId(page, 'btn-play').getAttribute('aria-pressed');
const waitPlaying = (page, want) => page.waitForFunction(
  (w) => document.querySelector('[data-testid="btn-play"]').getAttribute('aria-pressed') === w, want);

test('after clicking a button, Space plays and pauses instead of repeating the button', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  await byId(page, 'btn-step-forward').click();
  const a = (await scrub(page)).value;
  assert.ok(a > 0);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'btn-step-forward');
  await page.keyboard.press('Space');
  await waitPlaying(page, 'true');
  await page.keyboard.press('Space');
  await waitPlaying(page, 'false');

  // Zoom in: Space does not zoom again (the window text stays), it plays.
  await byId(page, 'btn-reset').click();
  await byId(page, 'zoom-in').click();
  const zoomed = await text(page, 'zoom-window');
  await page.keyboard.press('Space');
  await waitPlaying(page, 'true');
  await page.keyboard.press('Space');
  await waitPlaying(page, 'false');
  assert.equal(await text(page, 'zoom-window'), zoomed, 'Space did not zoom in again');
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'no scrolling on Space');
  page.done();
});

test('on a button reached by Tab, Space presses that button', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  await byId(page, 'btn-step-back').click(); // at t = 0: does nothing, puts the focus there
  await page.keyboard.press('Tab'); // Play
  await page.keyboard.press('Tab'); // Step forward
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'btn-step-forward');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="scrub"]').value) > 0);
  assert.equal(await playing(page), 'false', 'Space pressed Step forward, not play');
  page.done();
});
