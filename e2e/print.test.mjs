// Printing gives a handout: the scenario's name and description, the timeline, the state and
// the metrics; no buttons, menus or JSON box.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, cli, newPage, openApp, shot, text, useApp } from './lib.mjs';

const app = useApp();

test('print media shows a handout without controls', { timeout: TEST_TIMEOUT }, async (t) => {
  const want = cli('race-unsafe');
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  assert.equal(await byId(page, 'handout-title').isVisible(), false, 'the handout title is for print only');
  await page.emulateMedia({ media: 'print' });
  // No buttons in print, except the legend's thread chips, printed as the colour key.
  assert.equal(await page.locator('button:visible:not(.legend-thread)').count(), 0, 'no buttons in print');
  const key = await byId(page, 'timeline-legend').locator('.legend-thread:visible').evaluateAll((els) => els.map((el) => ({
    name: el.textContent.trim(),
    chip: getComputedStyle(el.querySelector('.swatch')).backgroundColor,
    exact: getComputedStyle(el.querySelector('.swatch')).printColorAdjust,
  })));
  assert.deepEqual(key.map((k) => k.name), ['main', 'worker'], 'the colour key names each thread');
  for (const k of key) {
    assert.notEqual(k.chip, 'rgba(0, 0, 0, 0)', `${k.name} has a colour chip`);
    assert.equal(k.exact, 'exact', 'the browser keeps the chip\'s background in print');
  }
  assert.equal(await page.locator('.bar-details').isVisible(), false, 'no hover/tap instructions in print');
  assert.equal(await page.locator('select:visible, input:visible, textarea:visible').count(), 0, 'no form controls in print');
  assert.ok(await byId(page, 'handout-title').isVisible());
  assert.ok((await text(page, 'handout-title')).startsWith(want.scenario), 'the scenario name heads the handout');
  assert.match(await text(page, 'handout-title'), /Two threads of one process each add 1/);
  for (const id of ['timeline', 'metrics-table', 'thread-table', 'memory-view', 'outcome']) {
    assert.ok(await byId(page, id).isVisible(), `${id} is printed`);
  }
  // Thread names still read in print (their pick buttons are hidden).
  assert.match(await byId(page, 'thread-table').innerText(), /\bworker\b/);
  // Tables print whole: no box clips them.
  const clipped = await page.locator('.table-scroll').evaluateAll((els) => els.filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1).length);
  assert.equal(clipped, 0, 'no table is cut off in print');
  await shot(page, 'print-handout');
  page.done();
});
