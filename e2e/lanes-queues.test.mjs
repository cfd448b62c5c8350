// Thread lanes are told apart by their labels at every width; per-CPU ready queues are shown
// one per CPU, as the model keeps them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, cli, newPage, openApp, setValue, shot, useApp } from './lib.mjs';

const app = useApp();

/** Each thread lane label's first part (what tells it apart) and whether it shows whole. */
const laneLabels = (page) => page.locator('[data-testid="timeline"] .lane-labels li').evaluateAll((lis) => lis.map((li) => {
  const node = [...li.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent !== '');
  const range = document.createRange();
  range.selectNodeContents(node);
  return { first: node.textContent, whole: range.getBoundingClientRect().right <= li.getBoundingClientRect().right + 0.5 };
}));

for (const [preset, width, want] of [
  ['race-unsafe', 1024, ['main', 'worker']],
  ['mixed-rr-2cpu', 390, ['render', 'editor', 'backup', 'compile']],
]) {
  test(`${preset} at ${width} px: each thread lane's label tells it apart, uncut`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(app, t);
    await page.setViewportSize({ width, height: 900 });
    await openApp(page, app, preset);
    await byId(page, 'lanes-threads').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.lanes === 'threads');
    const labels = await laneLabels(page);
    assert.deepEqual(labels.map((l) => l.first), want);
    for (const l of labels) assert.ok(l.whole, `${l.first} is cut off`);
    await byId(page, 'timeline').screenshot({ path: `e2e/screenshots/lanes-${preset}-${width}.png` });
    page.done();
  });
}

test('with per-CPU queues, each CPU\'s ready queue is listed on its own', { timeout: TEST_TIMEOUT }, async (t) => {
  const r = cli('multicore-queues', '--trace');
  const names = r.metrics.threads.map((th) => `${th.process}/${th.name}`);
  // An instant where two CPUs' queues hold threads, so one shared list would mix them.
  const busy = r.trace.ready_queue.find((q) => q.per_cpu && q.per_cpu.filter((n) => n > 0).length >= 2);
  assert.ok(busy, 'the preset queues threads on two CPUs at some point');
  let from = 0;
  const want = busy.per_cpu.map((n) => { const q = busy.threads.slice(from, from + n).map((tid) => names[tid]); from += n; return q; });

  const page = await newPage(app, t);
  await openApp(page, app, 'multicore-queues');
  await setValue(page, 'scrub', busy.time);
  await page.waitForFunction((w) => document.querySelector('[data-testid="time-display"]').textContent.includes(`t = ${w} `), busy.time);
  const lines = page.locator('[data-testid="ready-queue"]');
  assert.equal(await lines.count(), 4, 'one line per CPU');
  for (let cpu = 0; cpu < 4; cpu++) {
    const line = lines.nth(cpu);
    assert.match(await line.textContent(), new RegExp(`CPU ${cpu}'s ready queue`));
    const shown = (await line.locator('.queue-item').allTextContents()).map((s) => s.trim());
    assert.deepEqual(shown, want[cpu], `CPU ${cpu}'s queue at t=${busy.time}`);
  }
  await shot(page, 'per-cpu-queues');
  page.done();
});
