// Seeing the program run: the code view follows the cursor (the line each thread runs or runs
// next, loop rounds), picks a thread from the thread table, and the language reference opens
// from the editor and closes with Escape; its text is a file beside the page (not in the page's
// wasm), fetched on the first press, and a failed fetch is said and retried. The CLI's trace is
// the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DIST, T, TEST_TIMEOUT, byId, cli, newPage, openApp, openScenario, setValue, shot, text, useApp } from './lib.mjs';

const app = useApp();

/** Thread `tid`'s PC at the end of instant `t`, from the CLI trace (pc events up to t; 0 before). */
function pcAt(trace, tid, t) {
  let pc = 0;
  for (const e of trace.events) {
    if (e.time > t) break;
    if (e.type === 'pc' && e.tid === tid) pc = e.pc;
  }
  return pc;
}

/** Rounds of race-unsafe's `loop 500` that thread `tid` has begun by `t`: each entry to the
 * body (its PC moving to 1, the `load`) begins one. */
function roundAt(trace, tid, t) {
  return trace.events.filter((e) => e.time <= t && e.type === 'pc' && e.tid === tid && e.pc === 1).length;
}

async function seek(page, t) {
  await setValue(page, 'scrub', t);
  await page.waitForFunction((v) => document.querySelector('[data-testid="code-view"]') && Number(document.querySelector('[data-testid="scrub"]').value) === v, t);
}

test('the code view marks the line each thread is at and follows the cursor', { timeout: TEST_TIMEOUT }, async (t) => {
  // race-unsafe's program has one instruction per source line (loop, load, add, store,
  // compute, end), so instruction PC p is on line p + 1.
  const want = cli('race-unsafe', '--trace');
  const trace = want.trace;
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const view = byId(page, 'code-view');
  // Automatic: the first running thread, main (tid 0).
  assert.equal(await view.getAttribute('data-tid'), '0');
  assert.match(await text(page, 'code-view'), /Program worker of counter \/ main/);
  assert.match(await text(page, 'code-view'), /Also run by worker/);

  for (const time of [0, 3, 9, 40, 123]) {
    await seek(page, time);
    const pc = pcAt(trace, 0, time);
    const current = view.locator('li[aria-current="step"]');
    assert.equal(await current.count(), 1, `t=${time}: one marked line`);
    assert.equal(await current.getAttribute('data-line'), String(pc + 1), `t=${time}: main's line`);
    // The mark is words, not only colour: the status names the line and the PC.
    assert.match(await text(page, 'code-status'), new RegExp(`^main, line ${pc + 1} \\(PC ${pc}\\): `));
    // Each thread running the program is shown at its own line.
    for (const tid of [0, 1]) {
      const line = pcAt(trace, tid, time) + 1;
      const mark = view.locator(`li[data-line="${line}"] [data-testid="code-mark"][data-tid="${tid}"]`);
      assert.equal(await mark.count(), 1, `t=${time}: thread ${tid} marked at line ${line}`);
    }
    const round = view.locator('li[data-line="1"] [data-testid="loop-round"]');
    assert.equal(await round.textContent(), `round ${roundAt(trace, 0, time)} of 500`, `t=${time}: main's round`);
  }
  await shot(page, 'code-view-race-unsafe');

  // Stepping moves the mark with the cursor.
  const before = await view.locator('li[aria-current="step"]').getAttribute('data-line');
  await byId(page, 'btn-step-forward').click();
  const now = Number(await byId(page, 'scrub').inputValue());
  assert.equal(await view.locator('li[aria-current="step"]').getAttribute('data-line'), String(pcAt(trace, 0, now) + 1));
  assert.ok(before !== null);
  page.done();
});

test('picking a thread in the thread table shows its program; the code view can go back to automatic', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('mixed-rr-2cpu', '--trace');
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-rr-2cpu');
  const rows = page.locator('[data-testid="thread-table"] tr[data-tid]');
  const last = (await rows.count()) - 1;
  await rows.nth(last).locator('[data-testid="thread-pick"]').click();
  const view = byId(page, 'code-view');
  assert.equal(await view.getAttribute('data-tid'), String(last));
  assert.equal(await rows.nth(last).locator('[data-testid="thread-pick"]').getAttribute('aria-pressed'), 'true');
  assert.equal(await byId(page, 'code-thread').inputValue(), String(last));
  const th = want.metrics.threads[last];
  assert.match(await text(page, 'code-view'), new RegExp(`of ${th.process} / ${th.name}`));
  // Not arrived yet at t=0 (it arrives later): it starts at line 1.
  assert.match(await text(page, 'code-status'), /line 1 \(PC 0\): starts here, not arrived yet/);
  await byId(page, 'code-thread').selectOption('auto');
  assert.equal(await view.getAttribute('data-tid'), '0');
  page.done();
});

test('the language reference opens from the editor, lists every instruction, and closes with Escape', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  // The parser's own list of instructions, from its error for an unknown one.
  const editor = byId(page, 'scenario-editor');
  await editor.fill((await editor.inputValue()).replace('"  add r0, 1', '"  frobnicate r0'));
  await byId(page, 'btn-apply').click();
  const error = await text(page, 'import-error');
  const known = error.match(/instructions: ([a-z_, ]+)\)/)[1].split(', ');
  assert.ok(known.length >= 10, error);
  await byId(page, 'btn-discard').click();

  const dialog = byId(page, 'language-reference');
  assert.equal(await dialog.isVisible(), false);
  const opener = byId(page, 'btn-language');
  await opener.click();
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await dialog.evaluate((d) => d.open), true);
  for (const m of known) {
    const row = dialog.locator(`[data-testid="reference-${m}"]`);
    assert.equal(await row.count(), 1, `the reference has \`${m}\``);
    const cells = await row.locator('dd').allTextContents();
    assert.equal(cells.length, 3, `\`${m}\`: what it does, its cost, an example`);
    assert.ok(cells.every((c) => c.trim().length > 0), `\`${m}\` entry is filled: ${cells}`);
    assert.match(cells[1], /^(\d+|N)\b.*\sµs\b/, `\`${m}\`'s cost in µs`);
    assert.doesNotMatch(cells[1], /\bticks?\b/, `\`${m}\`'s cost says µs, not ticks`);
    assert.match(cells[2], new RegExp(`\\b${m}\\b`), `\`${m}\`'s example uses it`);
  }
  assert.match(await dialog.textContent(), /Comments/);
  assert.match(await dialog.textContent(), /Ranges/);
  await shot(page, 'language-reference');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // The focus goes back to the button that opened it.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'btn-language');
  // The keyboard opens it too, and its Close button shuts it.
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'visible' });
  await byId(page, 'btn-language-close').click();
  await dialog.waitFor({ state: 'hidden' });
  page.done();
});

test('the reference is fetched from beside the page on the first press, not in the page wasm; a failed fetch is said and retried', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await openApp(page, app, 'race-unsafe');
  assert.equal(fetched.filter((f) => f.endsWith('/language-reference.html')).length, 0, 'not fetched before the first press');
  await page.route('**/language-reference.html', (route) => route.fulfill({ status: 503, body: 'busy' }));
  const dialog = byId(page, 'language-reference');
  await byId(page, 'btn-language').click();
  await dialog.waitFor({ state: 'visible' });
  assert.match(await text(page, 'reference-error'), /could not be fetched \(the server answered 503.*press the button again/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await page.unroute('**/language-reference.html');
  await byId(page, 'btn-language').click();
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await dialog.locator('[data-testid="reference-compute"]').count(), 1);
  assert.equal(await byId(page, 'reference-error').count(), 0);
  // Opened again: no second fetch.
  await byId(page, 'btn-language-close').click();
  await dialog.waitFor({ state: 'hidden' });
  await byId(page, 'btn-language').click();
  await dialog.waitFor({ state: 'visible' });
  assert.equal(fetched.filter((f) => f.endsWith('/language-reference.html')).length, 2, fetched.join('\n'));
  // The page's own wasm holds none of the reference's text.
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const pageWasm = readdirSync(DIST).find((f) => f.startsWith('threadlab-web') && f.endsWith('.wasm') && html.includes(f));
  const bytes = readFileSync(path.join(DIST, pageWasm)).toString('latin1');
  assert.equal(bytes.includes('A time slice may cut it'), false, `compute's entry is in ${pageWasm}`);
  assert.ok(readFileSync(path.join(DIST, 'language-reference.html'), 'utf8').includes('A time slice may cut it'));
  page.done();
});

test('a runtime error\'s badge wraps inside the code view, at 390 and 1280 px', { timeout: TEST_TIMEOUT }, async (t) => {
  // main joins thread id 99, no thread of its process: ESRCH, a fault of a long sentence.
  const json = JSON.stringify({
    format: 2,
    name: 'join-nobody',
    machine: { cpus: 1 },
    processes: [{ name: 'p', threads: [{ name: 'main', code: ['set r0, 99', 'join r0'] }] }],
  }, null, 2);
  for (const width of [390, 1280]) {
    const page = await newPage(app, t);
    await page.setViewportSize({ width, height: 900 });
    await openScenario(page, app, json, 1);
    await page.waitForFunction(() => document.querySelector('[data-testid="outcome"]').dataset.kind === 'runtime_error', null, { timeout: T.load });
    await byId(page, 'btn-end').click();
    const mark = page.locator('[data-testid="code-listing"] li[data-line="2"] [data-testid="code-mark"]');
    await mark.waitFor();
    assert.match(await mark.innerText(), /^main: failed here, runtime error: .*ESRCH\)$/s);
    await mark.scrollIntoViewIfNeeded();
    const [badge, view, listing] = await Promise.all([mark, byId(page, 'code-view'), byId(page, 'code-listing')].map((l) => l.boundingBox()));
    for (const [name, box] of [['code view', view], ['listing', listing]]) {
      assert.ok(badge.x >= box.x - 0.5 && badge.x + badge.width <= box.x + box.width + 0.5,
        `${width} px: the badge (${badge.x}+${badge.width}) runs out of the ${name} (${box.x}+${box.width})`);
    }
    // Nothing scrolls sideways in the listing to hide it either.
    assert.ok(await byId(page, 'code-listing').evaluate((e) => e.scrollWidth <= e.clientWidth + 1), `${width} px: the listing scrolls sideways`);
    await shot(page, `code-runtime-error-${width}`);
    page.done();
  }
});

test('a forked child running its parent program is named with its process', { timeout: TEST_TIMEOUT }, async (t) => {
  // fork-copy: app/main forks app.1/main, which runs the same program as app/main.
  const page = await newPage(app, t);
  await openApp(page, app, 'fork-copy');
  await byId(page, 'code-thread').selectOption('0');
  await page.waitForFunction(() => document.querySelector('[data-testid="code-view"]')?.getAttribute('data-tid') === '0');
  const said = await text(page, 'code-view');
  assert.match(said, /Also run by app\.1\/main;/);
  assert.doesNotMatch(said, /Also run by main;/);
  page.done();
});
