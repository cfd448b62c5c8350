// Processes talking by messages (issue 8): on the ipc-messages preset, while the producer is
// blocked on a full channel the wait-for graph draws its wait on the channel and words it, and
// the timeline legend names channel waits. The CLI's trace is the oracle for when it waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, TEST_TIMEOUT, byId, cli, newPage, openApp, setValue, text, useApp } from './lib.mjs';

const app = useApp();

test('ipc-messages: the graph shows the producer waiting on the full channel', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('ipc-messages', '--trace');
  assert.equal(want.outcome.kind, 'completed');
  // The producer (tid 0) blocks in `send` on channel 0 (`items`) when it is full.
  const blocked = want.trace.events.find((e) => e.tid === 0 && e.type === 'state' && e.on === 'channel' && e.send === true);
  assert.ok(blocked, 'the producer waits for room at least once');
  const at = blocked.time + 1;

  const page = await newPage(app, t);
  await page.setViewportSize({ width: 1280, height: 900 });
  await openApp(page, app, 'ipc-messages');
  await setValue(page, 'scrub', at);
  await page.waitForFunction(
    (v) => document.querySelector('[data-testid="waitgraph"] summary')?.textContent.includes(`t = ${v} µs`),
    at,
    { timeout: T.load },
  );
  await byId(page, 'waitgraph').locator('summary').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="waitgraph-edges"] li').length > 0, null, { timeout: T.ui });
  const edges = await page.locator('[data-testid="waitgraph-edges"] li').allTextContents();
  assert.ok(edges.includes('producer/main waits for channel items to have room'), JSON.stringify(edges));
  assert.equal(await byId(page, 'waitgraph-svg').locator('line').count(), edges.length);
  assert.match(await text(page, 'legend-lock'), /barrier or channel/);
  page.done();
});
