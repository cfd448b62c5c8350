// Threads created at run time (create, join, exit v): the thread table says "not started" for a
// thread no create has started, "blocked" with "thread w1 to exit" while main joins, and each
// worker's exit value once joined. The CLI's trace is the oracle for the instants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, cli, newPage, openApp, setValue, shot, useApp } from './lib.mjs';

const app = useApp();

async function seek(page, t) {
  await setValue(page, 'scrub', t);
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, t);
}

const state = (page, tid) =>
  page.locator(`[data-testid="thread-table"] tr[data-tid="${tid}"] [data-testid="thread-state"]`).innerText();

test('threads-create-join: not started, joining, then exited with their values and joined', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('threads-create-join', '--trace');
  const events = want.trace.events;
  const join = events.find((e) => e.type === 'state' && e.state === 'blocked' && e.on === 'join');
  const exits = events.filter((e) => e.type === 'state' && e.cause === 'exited');
  const page = await newPage(app, t);
  await openApp(page, app, 'threads-create-join');
  await seek(page, 0);
  assert.equal(await state(page, 4), 'not started');
  // Only main has a stack yet: 4096 + 4096 + 8192.
  assert.match(await byId(page, 'memory-view').innerText(), /stacks 8,192 B \(1 × 8,192 B\) = 16,384 B; 4 threads not started have no stack yet/);
  await seek(page, join.time);
  assert.equal(await state(page, join.tid), 'blocked');
  const waits = page.locator(`[data-testid="thread-table"] tr[data-tid="${join.tid}"] [data-testid="thread-waits"]`);
  assert.equal(await waits.innerText(), `thread ${want.metrics.threads[join.thread].name} to exit`);
  await shot(page, 'threads-joining');
  await byId(page, 'btn-end').click();
  for (const e of exits.filter((x) => x.tid !== 0)) {
    assert.equal(await state(page, e.tid), `exited (${e.value}), joined`);
  }
  assert.equal(await state(page, 0), 'exited (0)');
  assert.match(await byId(page, 'memory-view').innerText(), /stacks 40,960 B \(5 × 8,192 B\) = 49,152 B/);
  page.done();
});
