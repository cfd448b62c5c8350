// The lab modes (compare, sweep, exercise) at a phone's and a wide screen's width: no sideways
// page scroll (a wide table or chart scrolls or shrinks inside its own box), and no
// accessibility violation (axe) in any of them; each mode's results come from its own worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { T, TEST_TIMEOUT, byId, newPage, shot, useApp } from './lib.mjs';

const app = useApp();

/** What each mode draws when it is done. */
const DONE = { compare: 'compare-table', sweep: 'sweep-chart', exercise: 'exercise-problem' };

for (const width of [390, 1920]) {
  test(`the lab modes fit ${width} px without sideways scroll, axe clean`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(app, t);
    await page.setViewportSize({ width, height: 900 });
    for (const [mode, done] of Object.entries(DONE)) {
      await page.goto(`${app.url}/?preset=compare-policies&mode=${mode}`, { waitUntil: 'load', timeout: T.load });
      await byId(page, done).waitFor({ timeout: T.load });
      const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      assert.ok(scroll <= inner, `${mode}: page is ${scroll} px wide in a ${inner} px window`);
      await shot(page, `lab-${mode}-${width}`);
      const axe = await new AxeBuilder({ page }).analyze();
      assert.deepEqual(axe.violations.map((v) => `${mode}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`), []);
    }
    page.done();
  });
}
