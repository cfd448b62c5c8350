// The race demos in the real page: what the browser shows equals what the native CLI prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  T, TEST_TIMEOUT, byId, cli, cliVar, maxSpeed, newPage, num, openApp, outcomeKind, scrub,
  shot, text, useApp, waitForPreset, waitNum,
} from './lib.mjs';

const app = useApp();

test('race-unsafe chosen from the menu, played to the end, loses updates exactly as the CLI does', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('race-unsafe');
  const counter = cliVar(want, 'counter', 'counter');
  assert.ok(counter < 1000, `CLI's race-unsafe counter is ${counter}, expected < 1000`);

  const page = await newPage(app, t);
  await openApp(page, app);
  await byId(page, 'preset-select').selectOption('race-unsafe');
  await waitForPreset(page, 'race-unsafe');
  await waitNum(page, 'metric-makespan', want.metrics.makespan);
  assert.match(await text(page, 'scenario-description'), /counter/i);
  assert.equal(await outcomeKind(page), 'completed');

  // Metrics of the whole run are shown at once, before playback.
  assert.equal(await num(page, 'final-var-counter-counter'), counter);
  assert.equal(await num(page, 'metric-makespan'), want.metrics.makespan);
  assert.equal(await num(page, 'metric-context-switches'), want.metrics.context_switches);
  assert.equal((await scrub(page)).max, want.metrics.makespan, 'scrub max is the end time');

  // Play at full speed until the cursor reaches the end.
  await maxSpeed(page);
  const play = byId(page, 'btn-play');
  assert.match(await play.textContent(), /play/i);
  await play.click();
  await page.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid="scrub"]');
      return s && Number(s.value) > 0;
    },
    null,
    { timeout: T.ui },
  );
  await page.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid="scrub"]');
      return s && Number(s.max) > 0 && Number(s.value) >= Number(s.max);
    },
    null,
    { timeout: T.play, polling: 200 },
  );
  await page.waitForFunction(
    () => /play/i.test(document.querySelector('[data-testid="btn-play"]')?.textContent ?? ''),
    null,
    { timeout: T.ui },
  );
  assert.match(await text(page, 'time-display'), new RegExp(String(want.metrics.makespan)));
  assert.equal(await num(page, 'var-counter-counter'), counter, 'memory view at the end = final value');
  await shot(page, 'race-unsafe-end');
  page.done();
});

test('race-mutex from the URL reaches exactly 1000, as the CLI does', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('race-mutex');
  assert.equal(cliVar(want, 'counter', 'counter'), 1000);

  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  assert.equal(await outcomeKind(page), 'completed');
  assert.equal(await num(page, 'final-var-counter-counter'), 1000);
  assert.equal(await num(page, 'metric-makespan'), want.metrics.makespan);
  assert.equal(await num(page, 'metric-context-switches'), want.metrics.context_switches);

  await byId(page, 'btn-end').click();
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="scrub"]');
    return s && Number(s.value) === Number(s.max);
  });
  assert.equal((await scrub(page)).value, want.metrics.makespan);
  assert.equal(await num(page, 'var-counter-counter'), 1000);
  await shot(page, 'race-mutex-end');
  page.done();
});

test('stepping back from the end goes to an earlier time, stepping forward returns', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  await byId(page, 'btn-end').click();
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="scrub"]');
    return s && Number(s.max) > 0 && Number(s.value) === Number(s.max);
  });
  const end = await scrub(page);
  const endTime = await text(page, 'time-display');
  const endValue = await num(page, 'var-counter-counter');
  assert.equal(endValue, 1000);

  // One step is one event; several events can share a tick, so step until the time moves
  // (a few steps at most).
  const back = byId(page, 'btn-step-back');
  let steps = 0;
  let cur = end;
  while (cur.value >= end.value && steps < 10) {
    await back.click();
    steps += 1;
    await page.waitForTimeout(50);
    cur = await scrub(page);
  }
  assert.ok(cur.value < end.value, `after ${steps} step(s) back the cursor is still at ${cur.value}`);
  assert.notEqual(await text(page, 'time-display'), endTime, 'time display changed');
  const earlier = await num(page, 'var-counter-counter');
  assert.ok(earlier <= endValue && earlier >= 0, `counter ${earlier} at t=${cur.value} is not within 0..=${endValue}`);
  await shot(page, 'race-mutex-step-back');

  const forward = byId(page, 'btn-step-forward');
  for (let i = 0; i < steps; i++) {
    await forward.click();
    await page.waitForTimeout(50);
  }
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, end.value);
  assert.equal(await text(page, 'time-display'), endTime);
  assert.equal(await num(page, 'var-counter-counter'), endValue);

  // Scrubbing to the middle shows a value part-way, and Reset goes back to t=0.
  const mid = Math.floor(end.max / 2);
  await byId(page, 'scrub').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, mid);
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) <= v, mid);
  const midValue = await num(page, 'var-counter-counter');
  assert.ok(midValue > 0 && midValue < 1000, `counter at t≈${mid} is ${midValue}, expected strictly between 0 and 1000`);

  await byId(page, 'btn-reset').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="scrub"]').value) === 0);
  assert.equal(await num(page, 'var-counter-counter'), 0);
  page.done();
});
