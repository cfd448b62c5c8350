// Helpers for the parallel mode's browser tests (parallel.html).
import { T, byId } from './lib.mjs';

/** Opens parallel.html (with address flags `query`) and waits until its module has started. */
export async function openParallel(page, env, query = '') {
  await page.goto(`${env.url}/parallel.html${query}`, { waitUntil: 'load', timeout: T.load });
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.dataset.kind, null, {
    timeout: T.load,
  });
}

/** Runs with `workers` workers and `iterations` additions each; resolves to the status's kind. */
export async function run(page, workers, iterations, timeout = T.play) {
  await byId(page, 'workers').fill(String(workers));
  await byId(page, 'iterations').selectOption(String(iterations));
  await byId(page, 'run').click();
  await page.waitForFunction(
    () => ['done', 'stopped', 'error'].includes(document.querySelector('[data-testid="status"]')?.dataset.kind),
    null,
    { timeout },
  );
  return byId(page, 'status').getAttribute('data-kind');
}

/** The results table's rows: { plain, atomic, lock } each { expected, got, lost } (and `ms`, its time, with `withMs`). */
export async function results(page, { withMs = false } = {}) {
  return page.evaluate((withMs) => {
    const out = {};
    for (const key of ['plain', 'atomic', 'lock']) {
      const row = document.querySelector(`[data-testid="result-${key}"]`);
      if (!row) continue;
      out[key] = { expected: +row.dataset.expected, got: +row.dataset.got, lost: +row.dataset.lost };
      if (withMs) out[key].ms = +row.dataset.ms;
    }
    return out;
  }, withMs);
}

/** Each `.table-scroll` box of the page shown: { label, wide, tabindex, hint } (hint: its ::before's content). */
export async function tableBoxes(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.table-scroll')]
      .filter((b) => b.offsetParent !== null)
      .map((b) => ({
        label: b.getAttribute('aria-label'),
        role: b.getAttribute('role'),
        wide: b.scrollWidth > b.clientWidth + 1,
        marked: b.hasAttribute('data-wide'),
        tabindex: b.getAttribute('tabindex'),
        hint: getComputedStyle(b, '::before').content,
      })),
  );
}

/**
 * Checks every table box shown at the page's width: one wider than its box is marked, focusable
 * (so the keyboard can scroll it) and says so in words; one that fits is neither. Returns them.
 */
export async function checkTableBoxes(page, assert) {
  // The boxes are measured by a ResizeObserver, after layout: give it a frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const boxes = await tableBoxes(page);
  for (const b of boxes) {
    assert.equal(b.role, 'region', `${b.label}: a labelled region`);
    assert.ok(b.label, 'the box has a label');
    if (b.wide) {
      assert.equal(b.marked, true, `${b.label} scrolls sideways: marked`);
      assert.equal(b.tabindex, '0', `${b.label} scrolls sideways: focusable`);
      assert.match(b.hint, /scroll this table sideways/, `${b.label} scrolls sideways: a hint`);
    } else {
      assert.deepEqual([b.marked, b.tabindex, b.hint], [false, null, 'none'], `${b.label} fits: no hint`);
    }
  }
  return boxes;
}

/** Waits until section `prefix`'s status (iso-status, speed-status) is done, stopped or error; its kind. */
export async function settled(page, prefix, timeout = T.play) {
  await page.waitForFunction(
    (p) => ['done', 'stopped', 'error'].includes(document.querySelector(`[data-testid="${p}-status"]`)?.dataset.kind),
    prefix,
    { timeout },
  );
  return byId(page, `${prefix}-status`).getAttribute('data-kind');
}

/** Runs the isolated mode: `workers` workers, `mib` MiB, `send` 'copy' or 'transfer'; the status's kind. */
export async function runIsolated(page, { workers = 2, mib = 16, send = 'copy' } = {}) {
  await byId(page, 'iso-workers').fill(String(workers));
  await byId(page, 'iso-size').selectOption(String(mib));
  await byId(page, `iso-${send}`).check();
  await byId(page, 'iso-run').click();
  return settled(page, 'iso');
}

/** The isolated run's result: { exact, copied, detached, bytes, sendMs, rows: [{ detached, received }] }. */
export async function isolatedResult(page) {
  return page.evaluate(() => {
    const q = (id) => document.querySelector(`[data-testid="${id}"]`);
    const copied = q('iso-copied');
    return {
      exact: q('iso-check').dataset.exact,
      copied: Number(copied.dataset.copied),
      detached: Number(copied.dataset.detached),
      bytes: Number(copied.dataset.bytes),
      sendMs: Number(copied.dataset.sendMs),
      rows: [...document.querySelectorAll('[data-testid="iso-row"]')].map((r) => ({
        detached: r.dataset.detached,
        received: Number(r.dataset.received),
      })),
      posts: [...document.querySelectorAll('[data-testid="iso-row"]')].map((r) => ({
        preparedMs: Number(r.dataset.preparedMs),
        postedMs: Number(r.dataset.postedMs),
      })),
    };
  });
}

/** Starts the speedup run up to `max` workers with `work` rounds (does not wait). */
export async function startSpeedup(page, { max = 2, work = 64 } = {}) {
  await byId(page, 'speed-workers').fill(String(max));
  await byId(page, 'speed-work').selectOption(String(work));
  await byId(page, 'speed-run').click();
}

/** The speedup table's rows: [{ n, speedup, predicted, startupMs, wallMs, hashMs }]. */
export async function speedupRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="speed-row"]')].map((r) => ({
      n: Number(r.dataset.n),
      speedup: Number(r.dataset.speedup),
      predicted: Number(r.dataset.predicted),
      startupMs: Number(r.dataset.startupMs),
      wallMs: Number(r.dataset.wallMs),
      hashMs: parseFloat(r.cells[3].textContent),
    })),
  );
}

/**
 * Counts the documents the page's top frame loads from now on: `{ n }` (a reload adds one).
 * Counted as each document starts, not at its `load` event: a page that reloads itself before
 * its `load` (it may, when unregistering is quick) never fires one.
 */
export async function countLoads(page) {
  const loads = { n: 0 };
  await page.exposeFunction('threadlabTestDocument', () => loads.n++);
  await page.addInitScript(() => {
    if (window === window.top) window.threadlabTestDocument();
  });
  return loads;
}

/** Waits until `loads.n` is at least `n`, then until the page has loaded and its mode started. */
export async function waitLoads(page, loads, n) {
  const deadline = Date.now() + T.load;
  while (loads.n < n) {
    if (Date.now() > deadline) throw new Error(`the page loaded ${loads.n} times, expected ${n}`);
    await page.waitForTimeout(100);
  }
  await page.waitForLoadState('load', { timeout: T.load });
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.dataset.kind, null, {
    timeout: T.load,
  });
}

/** What the page says of its isolation and of the optional service worker (isolate-sw.js). */
export async function isolation(page) {
  return page.evaluate(async () => ({
    isolated: crossOriginIsolated,
    sab: typeof SharedArrayBuffer,
    controller: navigator.serviceWorker.controller?.scriptURL ?? null,
    // A frame without service workers (credentialless) is refused the list.
    registrations: await navigator.serviceWorker.getRegistrations().then(
      (all) => all.map((r) => r.scope),
      (e) => e.name,
    ),
  }));
}
