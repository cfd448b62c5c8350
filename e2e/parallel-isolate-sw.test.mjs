// The optional service worker (isolate-sw.js) on a static host: the site served WITHOUT the
// cross-origin isolation headers. Off by default (nothing registered, the page explains why
// shared memory is unavailable); `?isolate=sw` registers it and reloads once, after which the
// page is isolated and the shared-memory run works; `?isolate=off` returns to the explanation.
// In a course site's frame it is tried once, and the page says why it did not help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { T, TEST_TIMEOUT, byId, newPage, openApp, shot, text, useApp } from './lib.mjs';
import { countLoads, isolation, openParallel, results, run, waitLoads } from './parallel-lib.mjs';
import { startServer } from './server.mjs';

const app = useApp({ isolation: false });

test('off by default: nothing is registered and the page explains why shared memory is unavailable', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  const loads = await countLoads(page);
  await openParallel(page, app);
  assert.equal(await byId(page, 'shared-unavailable').isVisible(), true);
  assert.equal(await byId(page, 'isolate-sw').isVisible(), false);
  assert.equal(await byId(page, 'run').isDisabled(), true);
  assert.deepEqual(await isolation(page), { isolated: false, sab: 'undefined', controller: null, registrations: [] });
  // The simulator's page registers nothing either.
  await openApp(page, app);
  assert.deepEqual((await isolation(page)).registrations, []);
  assert.equal(loads.n, 2, 'a page reloaded itself');
  page.done();
});

test('?isolate=sw registers the worker, reloads once, and shared memory works; ?isolate=off undoes it', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  const loads = await countLoads(page);
  await page.goto(`${app.url}/parallel.html?isolate=sw`, { waitUntil: 'load', timeout: T.load });
  await waitLoads(page, loads, 2);
  assert.deepEqual(await isolation(page), {
    isolated: true,
    sab: 'function',
    controller: `${app.url}/isolate-sw.js`,
    registrations: [`${app.url}/`],
  });
  assert.equal(await byId(page, 'status').getAttribute('data-kind'), 'idle');
  assert.equal(await byId(page, 'shared-unavailable').isVisible(), false);
  assert.match(await text(page, 'isolate-sw'), /Shared memory is on thanks to Threadlab’s service worker/);
  // 2 workers × 100,000 additions: Atomics.add and the lock lose none of the 200,000.
  assert.equal(await run(page, 2, 100_000), 'done', await text(page, 'status'));
  const r = await results(page);
  assert.deepEqual(r.atomic, { expected: 200_000, got: 200_000, lost: 0 });
  assert.deepEqual(r.lock, { expected: 200_000, got: 200_000, lost: 0 });
  assert.equal(r.plain.got + r.plain.lost, 200_000);
  await shot(page, 'parallel-isolate-sw-on');
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);
  assert.equal(loads.n, 2, 'the page reloaded more than once');

  // It stays on for the site's folder: the page without the flag, and the simulator, come isolated.
  await openParallel(page, app);
  assert.equal((await isolation(page)).isolated, true);
  assert.equal(await byId(page, 'status').getAttribute('data-kind'), 'idle');
  await openApp(page, app, 'race-unsafe');
  assert.equal((await isolation(page)).isolated, true);
  assert.equal(loads.n, 4);

  // Turned off from the page's own link: unregistered, one reload, the explanation is back.
  await openParallel(page, app);
  await byId(page, 'isolate-off').click();
  await waitLoads(page, loads, 7);
  assert.match(page.url(), /parallel\.html\?isolate=off$/);
  assert.deepEqual(await isolation(page), { isolated: false, sab: 'undefined', controller: null, registrations: [] });
  assert.equal(await byId(page, 'shared-unavailable').isVisible(), true);
  assert.equal(await byId(page, 'run').isDisabled(), true);
  assert.match(await text(page, 'isolate-sw'), /service worker is off/);
  assert.equal(await byId(page, 'isolate-on').getAttribute('href'), 'parallel.html?isolate=sw');
  await shot(page, 'parallel-isolate-sw-off');
  // Off stays off: the plain address is not isolated and does not reload.
  await openParallel(page, app);
  assert.equal((await isolation(page)).isolated, false);
  assert.equal(loads.n, 8);
  page.done();
});

/** Serves a course page that frames parallel.html as `iframes` says, with or without isolation. */
async function courseSite(iframes, isolation) {
  const dir = mkdtempSync(path.join(tmpdir(), 'threadlab-course-'));
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html lang="en"><title>Course</title>${iframes}</html>`);
  return startServer({ root: dir, isolation });
}

/** The frame whose address starts with `url`, once its mode has started. */
async function frameOf(page, url) {
  const deadline = Date.now() + T.load;
  for (;;) {
    const frame = page.frames().find((f) => f.url().startsWith(url));
    if (frame) {
      await frame.waitForFunction(() => document.querySelector('[data-testid="status"]')?.dataset.kind, null, { timeout: T.load });
      return frame;
    }
    assert.ok(Date.now() < deadline, `no frame at ${url}: ${page.frames().map((f) => f.url())}`);
    await page.waitForTimeout(100);
  }
}

test('in the frame of a course page that is not isolated, the worker is tried once and the page says why it did not help', { timeout: TEST_TIMEOUT }, async (t) => {
  // Another origin (its own port) that sends no isolation headers, as most course sites.
  const course = await courseSite(`<iframe title="Threadlab" width="900" height="700" src="${app.url}/parallel.html?isolate=sw"></iframe>`, false);
  t.after(() => course.close());
  const page = await newPage(app, t);
  let frameLoads = 0;
  page.on('framenavigated', (f) => f !== page.mainFrame() && frameLoads++);
  await page.goto(`${course.url}/`, { waitUntil: 'load', timeout: T.load });
  // The frame registers the worker and reloads once; the worker's headers cannot isolate a
  // frame whose parent is not isolated, and the frame does not reload again.
  const deadline = Date.now() + T.load;
  while (frameLoads < 2 && Date.now() < deadline) await page.waitForTimeout(100);
  const frame = await frameOf(page, app.url);
  await frame.locator('[data-testid="isolate-sw"]').filter({ hasText: 'still not cross-origin isolated' }).waitFor({ timeout: T.load });
  const state = await isolation(frame);
  assert.equal(state.isolated, false);
  assert.equal(state.controller, `${app.url}/isolate-sw.js`);
  assert.equal(await frame.locator('[data-testid="shared-unavailable"]').isVisible(), true);
  await page.waitForTimeout(2000);
  assert.equal(frameLoads, 2, 'the frame reloaded more than once');
  page.done();
});

test('an isolated course page isolates a credentialless frame that it allows, with no header from Threadlab’s host', { timeout: TEST_TIMEOUT }, async (t) => {
  // What README.md says of course sites: an ordinary frame of a host without the headers is
  // refused by an isolated page; `credentialless` with `allow="cross-origin-isolated"` works,
  // and needs no service worker (such a frame may not have one).
  const src = `${app.url}/parallel.html`;
  const course = await courseSite(
    `<iframe title="plain" width="900" height="300" src="${src}?frame=plain"></iframe>` +
      `<iframe title="Threadlab" credentialless allow="cross-origin-isolated" width="900" height="700" src="${src}?frame=credentialless"></iframe>`,
    true,
  );
  t.after(() => course.close());
  const page = await newPage(app, t);
  const refused = [];
  page.on('requestfailed', (r) => refused.push(`${r.url()} ${r.failure()?.errorText}`));
  await page.goto(`${course.url}/`, { waitUntil: 'load', timeout: T.load });
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  const frame = await frameOf(page, `${src}?frame=credentialless`);
  // Isolated, and with no service worker: a credentialless frame may not have one at all.
  assert.deepEqual(await isolation(frame), { isolated: true, sab: 'function', controller: null, registrations: 'NotSupportedError' });
  assert.equal(await run(frame, 2, 10_000), 'done');
  assert.deepEqual((await results(frame)).atomic, { expected: 20_000, got: 20_000, lost: 0 });
  assert.ok(refused.some((r) => r.startsWith(`${src}?frame=plain`) && /BLOCKED_BY_RESPONSE/.test(r)), refused.join('\n'));
  page.done();
});
