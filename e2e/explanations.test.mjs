// What the thread table and memory view say: no "main main", the PC with its line, the mutex's
// wait queue, and why a lost update happened (both loads, with times; who wins a tie). The
// CLI's trace is the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, cli, newPage, openApp, setValue, shot, text, useApp } from './lib.mjs';

const app = useApp();

async function seek(page, t) {
  await setValue(page, 'scrub', t);
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, t);
}

test('a thread named main reads "main" once; the PC cell gives its line', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const row = page.locator('[data-testid="thread-table"] tr[data-tid="0"]');
  const cell = (await row.locator('td').nth(1).innerText()).replace(/\s+/g, ' ').trim();
  assert.equal(cell, 'main');
  assert.doesNotMatch(await byId(page, 'thread-table').innerText(), /main\s+main/);
  // race-unsafe: one instruction per line, so PC p is line p + 1 (the loop ran at t=0: PC 1).
  assert.equal(await row.locator('[data-testid="thread-pc"]').innerText(), '1 (line 2)');
  const title = await page.locator('[data-testid="thread-table"] th', { hasText: /^PC/ }).getAttribute('title');
  assert.match(title, /counted from 0/);
  assert.match(title, /counted from 1/);
  page.done();
});

test('race-mutex: the memory view shows the mutex owner and its wait queue', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('race-mutex', '--trace');
  const names = want.metrics.threads.map((th) => th.name);
  const events = want.trace.events;
  const blocked = events.find((e) => e.type === 'state' && e.state === 'blocked' && e.on === 'mutex');
  // The owner then: the last mutex event at or before that instant.
  const owner = events.filter((e) => e.type === 'mutex' && e.time <= blocked.time).at(-1).owner;
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  assert.match(await text(page, 'mutex-counter-m'), /^m: (free|held by \w+); nobody waits$/);
  await seek(page, blocked.time);
  assert.equal(await text(page, 'mutex-counter-m'), `m: held by ${names[owner]}; wait queue (next owner first): ${names[blocked.tid]}`);
  // The thread table agrees: the waiter is blocked on the mutex.
  const row = page.locator(`[data-testid="thread-table"] tr[data-tid="${blocked.tid}"]`);
  assert.equal(await row.locator('[data-testid="thread-state"]').innerText(), 'blocked');
  await shot(page, 'mutex-wait-queue');
  page.done();
});

/** For the store at `events[i]`: its thread's CPU (last dispatch before it) and last load
 * (a register write followed by that thread's PC moving to 2, just past race-unsafe's `load` at PC 1). */
function storeContext(events, i) {
  const tid = events[i].tid;
  let cpu = null;
  let load = null;
  for (let j = i - 1; j >= 0 && (cpu === null || load === null); j--) {
    const e = events[j];
    if (e.tid !== tid) continue;
    if (cpu === null && e.type === 'state' && e.cause === 'dispatched') cpu = e.cpu;
    if (load === null && e.type === 'reg') {
      const next = events.slice(j + 1).find((x) => x.tid === tid && x.type === 'pc');
      if (next && next.pc === 2) load = { time: e.time, value: e.value };
    }
  }
  return { tid, cpu, load, time: events[i].time, value: events[i].value };
}

test('race-unsafe: a lost update says both threads loaded the same value, when, and why the last store wins', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('race-unsafe', '--trace');
  const names = want.metrics.threads.map((th) => th.name);
  const events = want.trace.events;
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  // The first two lost updates: one whose stores share an instant, and one whose do not.
  let checked = { tie: false, apart: false };
  for (let k = 0; k < 2; k++) {
    await byId(page, 'btn-next-lost').click();
    const now = Number(await byId(page, 'scrub').inputValue());
    const i = events.findIndex((e) => e.type === 'mem' && e.lost > 0 && e.time === now);
    const store = storeContext(events, i);
    const j = events.slice(0, i).findLastIndex((e) => e.type === 'mem');
    const over = storeContext(events, j);
    const why = await text(page, 'lost-why');
    const load = (w) => `${names[w.tid]} loaded counter = ${w.load.value} at t = ${w.load.time} µs`;
    const same = store.load.value === over.load.value ? ': both read the same value' : '';
    assert.ok(why.startsWith(`Why: ${load(over)} and ${load(store)}${same}.`), why);
    const stored = (w) => `${names[w.tid]} stored ${w.value} (${w.load.value} +${w.value - w.load.value}) at t = ${w.time} µs`;
    assert.ok(why.includes(`${stored(over)}, then ${stored(store)}`), why);
    if (over.time === store.time) {
      checked.tie = true;
      assert.ok(why.includes(`Both stores happened at t = ${now} µs: at one instant the CPUs' events apply in CPU order`), why);
      assert.ok(why.includes(`so ${names[store.tid]}'s store on CPU ${store.cpu} landed after ${names[over.tid]}'s on CPU ${over.cpu}`), why);
      await shot(page, 'lost-update-same-instant');
    } else {
      checked.apart = true;
      assert.doesNotMatch(why, /CPU order/);
    }
  }
  assert.deepEqual(checked, { tie: true, apart: true }, 'both kinds of lost update were explained');
  page.done();
});
