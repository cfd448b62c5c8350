// The wait-for graph at the cursor (issue 8): on the deadlock preset, at the end it draws and
// words the cycle a → y → b → x → a; before the deadlock (each thread holding its first lock)
// there is no cycle; axe finds nothing; at 390 and 1920 px the page does not scroll sideways.
// A scenario without locks shows no graph. The CLI's outcome is the oracle for the cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SHOTS, T, TEST_TIMEOUT, byId, cli, newPage, openApp, scrub, setValue, shot, text, useApp } from './lib.mjs';

const app = useApp();

async function seek(page, t) {
  await setValue(page, 'scrub', t);
  await page.waitForFunction((v) => Number(document.querySelector('[data-testid="scrub"]').value) === v, t);
}

/** Waits until the graph's title names time `t` (its views follow the cursor a few times a second). */
async function graphAt(page, t) {
  await page.waitForFunction(
    (v) => document.querySelector('[data-testid="waitgraph"] summary')?.textContent.includes(`t = ${v} µs`),
    t,
    { timeout: T.load },
  );
}

/** Saves a screenshot of the graph's panel to e2e/screenshots/NAME.png. */
async function panelShot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await byId(page, 'waitgraph').screenshot({ path: path.join(SHOTS, `${name}.png`), animations: 'disabled' });
}

async function violations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  assert.ok(result.passes.length > 10, 'axe ran its rules');
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function noSidewaysScroll(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `${what}: page is ${scroll} px wide in a ${inner} px window`);
}

for (const width of [390, 1920]) {
  test(`deadlock preset at ${width} px: the graph shows the cycle at the end and none before`, { timeout: TEST_TIMEOUT }, async (t) => {
    const want = cli('deadlock');
    assert.equal(want.outcome.kind, 'deadlock');
    // a waits for y held by b, b for x held by a: the report's waits, in tid order.
    const [a, b] = want.outcome.waits;
    assert.equal(a.holder, b.thread);
    assert.equal(b.holder, a.thread);
    const name = (label) => label.split('/')[1];

    const page = await newPage(app, t);
    await page.setViewportSize({ width, height: 900 });
    await openApp(page, app, 'deadlock');
    // The run ended in a deadlock: the graph is unfolded.
    const details = page.locator('[data-testid="waitgraph"] details');
    assert.equal(await details.evaluate((el) => el.open), true, 'the graph is open after a deadlock');

    const end = (await scrub(page)).max;
    assert.equal(end, want.outcome.time);
    await seek(page, end);
    await graphAt(page, end);
    assert.match(await text(page, 'waitgraph-summary'), /a cycle of waits: deadlock/);
    assert.equal(
      await text(page, 'waitgraph-cycle'),
      `Cycle: ${name(a.thread)} waits for mutex ${a.mutex}, held by ${name(b.thread)}, which waits for mutex ${b.mutex}, held by ${name(a.thread)}.`,
    );
    const svg = byId(page, 'waitgraph-svg');
    // Four arrows (two holds, two waits), all on the cycle: thick and dashed, and labelled in text.
    assert.equal(await svg.locator('line').count(), 4);
    assert.equal(await svg.locator('line.wg-cycle').count(), 4);
    const style = await svg.locator('line.wg-cycle').first().evaluate((el) => {
      const s = getComputedStyle(el);
      return { width: parseFloat(s.strokeWidth), dash: s.strokeDasharray };
    });
    assert.ok(style.width >= 3 && style.dash !== 'none', `a cycle's arrow is thick and dashed: ${JSON.stringify(style)}`);
    assert.ok((await svg.locator('text.wg-cycle-label').allTextContents()).every((s) => s === 'cycle'));
    assert.ok((await svg.locator('text.wg-cycle-label').count()) >= 1, 'the cycle is labelled in text');
    // The text equivalent: one line per edge.
    const edges = await page.locator('[data-testid="waitgraph-edges"] li').allTextContents();
    assert.deepEqual(edges.map((s) => s.replace(' (on the cycle)', '')).sort(), [
      `${name(a.thread)} holds mutex ${b.mutex}`,
      `${name(a.thread)} waits for mutex ${a.mutex}`,
      `${name(b.thread)} holds mutex ${a.mutex}`,
      `${name(b.thread)} waits for mutex ${b.mutex}`,
    ].sort());
    // The outcome banner names the same cycle.
    assert.match(await text(page, 'outcome'), new RegExp(`a cycle: ${a.thread} waits for ${b.thread}, which waits for ${a.thread}`));
    await noSidewaysScroll(page, `deadlock at the end, ${width} px`);
    assert.deepEqual(await violations(page), []);
    await panelShot(page, `waitgraph-deadlock-end-${width}`);
    await shot(page, `waitgraph-page-end-${width}`);

    // Before the deadlock (t = 3: each holds its first lock, taken at t = 1, and computes): two
    // holder arrows, no wait, no cycle.
    await seek(page, 3);
    await graphAt(page, 3);
    assert.equal(await text(page, 'waitgraph-summary'), '— 2 held, 0 waiting');
    assert.equal(await byId(page, 'waitgraph-cycle').count(), 0);
    assert.equal(await svg.locator('line').count(), 2);
    assert.equal(await svg.locator('line.wg-cycle').count(), 0);
    assert.equal(await svg.locator('text.wg-cycle-label').count(), 0);
    await noSidewaysScroll(page, `deadlock before the end, ${width} px`);
    assert.deepEqual(await violations(page), []);
    await panelShot(page, `waitgraph-deadlock-before-${width}`);
    page.done();
  });
}

test('a scenario without locks shows no wait-for graph', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'single-thread');
  assert.equal(await byId(page, 'waitgraph').count(), 0);
  page.done();
});

test('without a deadlock the graph is folded and not built; unfolding shows it at the cursor, folding hides it', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-mutex');
  const details = byId(page, 'waitgraph').locator('details');
  // What the panel holds under its title (the graph, its words, or "no thread holds…").
  const shown = () => details.evaluate((el) => el.children.length - 1);
  assert.equal(await details.evaluate((el) => el.open), false, 'folded when the run completed');
  // Folded: its title still follows the cursor; nothing is built under it.
  await seek(page, 2);
  await graphAt(page, 2);
  assert.equal(await shown(), 0);
  await byId(page, 'waitgraph').locator('summary').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="waitgraph"] details').children.length > 1, null, { timeout: T.ui });
  assert.equal(await details.evaluate((el) => el.open), true);
  // It follows the cursor while open.
  await seek(page, 3);
  await graphAt(page, 3);
  assert.ok((await shown()) > 0);
  await byId(page, 'waitgraph').locator('summary').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="waitgraph"] details').children.length === 1, null, { timeout: T.ui });
  assert.equal(await details.evaluate((el) => el.open), false);
  page.done();
});

test('dining philosophers: at the end the graph words a cycle of all five', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('philosophers');
  assert.equal(want.outcome.kind, 'deadlock');
  const page = await newPage(app, t);
  await page.setViewportSize({ width: 390, height: 900 });
  await openApp(page, app, 'philosophers');
  const end = (await scrub(page)).max;
  await seek(page, end);
  await graphAt(page, end);
  // p_i holds f_i and waits for f_(i+1 mod 5): the report's waits, round the table.
  const name = (label) => label.split('/')[1];
  const words = want.outcome.waits
    .map((w, i) => `${i ? 'which ' : `${name(w.thread)} `}waits for mutex ${w.mutex}, held by ${name(w.holder)}`)
    .join(', ');
  assert.equal(await text(page, 'waitgraph-cycle'), `Cycle: ${words}.`);
  assert.equal(await byId(page, 'waitgraph-svg').locator('line.wg-cycle').count(), 10);
  await noSidewaysScroll(page, 'philosophers at the end, 390 px');
  await panelShot(page, 'waitgraph-philosophers-end-390');
  page.done();
});
