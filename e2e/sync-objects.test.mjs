// Synchronisation objects on the page, named as they are: the bounded-buffer preset's
// semaphores in the memory view (value, bound, queue), the thread table's wait column and a
// blocked bar's details naming the semaphore (not "a lock"); the readers-writers preset's
// read-write lock. The CLI's trace is the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, TEST_TIMEOUT, byId, cli, newPage, openApp, setValue, shot, text, useApp } from './lib.mjs';

const app = useApp();

async function seek(page, t) {
  await setValue(page, 'scrub', t);
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, t);
}

/** Waits until element `id`'s trimmed text is `want`, then checks it (the message shows both). */
async function waitText(page, id, want) {
  await page
    .waitForFunction(
      ([i, w]) => document.querySelector(`[data-testid="${i}"]`)?.textContent.trim() === w,
      [id, want],
      { timeout: T.load },
    )
    .catch(() => {});
  assert.equal(await text(page, id), want);
}

/** Semaphore `sem`'s value and queue (tids, first to pass first) after the events up to `time`. */
function semaphoreAt(events, sem, initial, time) {
  let value = initial;
  let queue = [];
  for (const e of events) {
    if (e.time > time) break;
    if (e.type === 'semaphore' && e.sem === sem) value = e.value;
    if (e.type === 'state') {
      queue = queue.filter((tid) => tid !== e.tid);
      if (e.state === 'blocked' && e.on === 'semaphore' && e.sem === sem) queue.push(e.tid);
    }
  }
  return { value, queue };
}

test('bounded-buffer: semaphores are shown with value, bound and queue, and a wait names its semaphore', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('bounded-buffer', '--trace');
  const names = want.metrics.threads.map((th) => th.name);
  const events = want.trace.events;
  // Semaphores are numbered in name order: empty = 0, full = 1 (initial 3 and 0, both at most 3).
  const first = events.find((e) => e.type === 'state' && e.state === 'blocked' && e.on === 'semaphore' && e.sem === 1);
  assert.ok(first, 'a consumer blocks on full');
  const page = await newPage(app, t);
  await openApp(page, app, 'bounded-buffer');
  await seek(page, first.time);
  const full = semaphoreAt(events, 1, 0, first.time);
  const empty = semaphoreAt(events, 0, 3, first.time);
  const queue = (q) => (q.length ? `waiting (next first): ${q.map((tid) => names[tid]).join(' → ')}` : 'nobody waits');
  await waitText(page, 'sync-buffer-full', `semaphore full: value ${full.value} (at most 3); ${queue(full.queue)}`);
  assert.equal(await text(page, 'sync-buffer-empty'), `semaphore empty: value ${empty.value} (at most 3); ${queue(empty.queue)}`);
  // The thread table's wait column names the semaphore.
  const row = page.locator(`[data-testid="thread-table"] tr[data-tid="${first.tid}"]`);
  assert.equal(await row.locator('[data-testid="thread-state"]').innerText(), 'blocked');
  assert.equal((await row.locator('[data-testid="thread-waits"]').textContent()).trim(), 'semaphore full');
  await shot(page, 'sync-semaphores');

  // The blocked bar in that thread's lane names the semaphore too.
  await byId(page, 'lanes-threads').click();
  assert.equal(await text(page, 'legend-lock'), "blocked on a lock, semaphore, condition variable, barrier or channel, or in a join (waiting for a thread's exit)");
  await byId(page, 'timeline').focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < first.tid; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Home');
  let found = '';
  for (let i = 0; i < 40 && !found; i++) {
    const d = await text(page, 'bar-details');
    if (d.includes('blocked on')) found = d;
    else await page.keyboard.press('ArrowRight');
  }
  const lane = `buffer / ${names[first.tid]} · `;
  assert.ok(found.startsWith(lane), `the keys reached ${names[first.tid]}'s blocked bar: ${found}`);
  // The semaphore's name is set as code, not quoted in backticks.
  assert.match(found, new RegExp(`· blocked on semaphore full · ${first.time}–\\d+ µs`), found);
  assert.doesNotMatch(found, /a lock/);
  page.done();
});

test('readers-writers: the read-write lock shows its holders, and a waiter what it waits to do', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('readers-writers', '--trace');
  const names = want.metrics.threads.map((th) => th.name);
  const blocked = want.trace.events.find((e) => e.type === 'state' && e.state === 'blocked' && e.on === 'rw_lock');
  assert.ok(blocked, 'someone waits on the read-write lock');
  const page = await newPage(app, t);
  await openApp(page, app, 'readers-writers');
  await seek(page, blocked.time);
  const row = page.locator(`[data-testid="thread-table"] tr[data-tid="${blocked.tid}"]`);
  const mode = blocked.write ? 'to write' : 'to read';
  await page.waitForFunction(
    (tid) => document.querySelector(`[data-testid="thread-table"] tr[data-tid="${tid}"] [data-testid="thread-state"]`)?.textContent === 'blocked',
    blocked.tid,
    { timeout: T.load },
  );
  assert.match((await row.locator('[data-testid="thread-waits"]').textContent()).trim(), new RegExp(`^read-write lock \\w+ ${mode}$`));
  const line = await page.locator('[data-testid^="sync-"]').filter({ hasText: /^read-write lock / }).first().textContent();
  assert.match(line, /^read-write lock \w+: (free|held by \d+ readers?|held by \w+ to write); waiting: .*; prefers (readers|writers)$/);
  assert.ok(line.includes(`${names[blocked.tid]} (${mode})`), line);
  page.done();
});
