// The ready queue at the cursor, and unapplied editor work surviving a re-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, cli, newPage, openApp, setValue, shot, useApp, waitNum } from './lib.mjs';

const app = useApp();

test('the ready queue shown at a time is the model\'s queue at that time', { timeout: TEST_TIMEOUT }, async (t) => {
  const r = cli('mixed-rr-1cpu', '--trace');
  const names = r.metrics.threads.map((th) => `${th.process}/${th.name}`);
  const queueAt = (time) => {
    const samples = r.trace.ready_queue.filter((q) => q.time <= time);
    return samples.length ? samples[samples.length - 1].threads.map((tid) => names[tid]) : [];
  };
  // A time with at least two threads waiting, so the order matters.
  const busy = r.trace.ready_queue.find((q) => q.threads.length >= 2);
  assert.ok(busy, 'the preset should queue two threads at some point');

  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-rr-1cpu');
  for (const time of [0, busy.time, busy.time + 1]) {
    await setValue(page, 'scrub', time);
    await page.waitForFunction((want) => document.querySelector('[data-testid="time-display"]').textContent.includes(`t = ${want} `), time);
    const shown = await byId(page, 'ready-queue').locator('.queue-item').allTextContents();
    assert.deepEqual(shown.map((s) => s.trim()), queueAt(time), `ready queue at t=${time}`);
  }
  await shot(page, 'ready-queue');
  page.done();
});

test('unapplied edits survive a settings change until discarded', { timeout: TEST_TIMEOUT }, async (t) => {
  const one = cli('race-unsafe', '--cpus', '1');
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const editor = byId(page, 'scenario-editor');
  const edited = (await editor.inputValue()).replace('loop 500', 'loop 50');
  await editor.fill(edited);
  await byId(page, 'editor-unapplied').waitFor();

  await byId(page, 'setting-cpus').fill('1');
  await byId(page, 'setting-cpus').press('Tab');
  await waitNum(page, 'metric-makespan', one.metrics.makespan);
  // The setting lands in the unapplied edits too (only its value), which are otherwise kept.
  assert.equal(await editor.inputValue(), edited.replace('"cpus": 2', '"cpus": 1'), 'the learner\'s text is kept, with the new CPUs');
  await byId(page, 'editor-unapplied').waitFor();

  await byId(page, 'btn-discard').click();
  const now = await editor.inputValue();
  assert.ok(now.includes('"cpus": 1') && now.includes('loop 500'), 'discard shows the running scenario');
  assert.equal(await byId(page, 'editor-unapplied').count(), 0);
  page.done();
});

test('an unapplied draft survives a reload; once applied it is the custom scenario, which a reload shows', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const editor = byId(page, 'scenario-editor');
  const edited = (await editor.inputValue()).replace('loop 500', 'loop 40');
  await editor.fill(edited);
  await byId(page, 'editor-unapplied').waitFor();

  await page.reload();
  await byId(page, 'editor-unapplied').waitFor();
  assert.equal(await byId(page, 'scenario-editor').inputValue(), edited, 'the draft came back after a reload');

  await byId(page, 'btn-apply').click();
  // 2 × 40 iterations run far shorter than the preset's 2509 µs: wait for that run.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="scrub"]').max) < 1000);
  assert.equal(await byId(page, 'editor-unapplied').count(), 0);
  assert.equal(await byId(page, 'preset-select').inputValue(), 'custom');
  await page.reload();
  await byId(page, 'scenario-editor').waitFor();
  assert.equal(await byId(page, 'editor-unapplied').count(), 0, 'an applied draft is no longer a draft');
  assert.equal(await byId(page, 'scenario-editor').inputValue(), edited, 'the applied scenario is shown again, as written');
  assert.equal(await byId(page, 'preset-select').inputValue(), 'custom');
  page.done();
});
