// Layouts at a phone's, a laptop's and a wide screen's width: nothing makes the page scroll
// sideways (wide content scrolls inside its own box, which then says so), with the job table,
// saved scenarios and the lost-update buttons shown; on a phone the scenario menu comes first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, newPage, openApp, shot, useApp, waitForPreset } from './lib.mjs';

const app = useApp();

/** Page width against the window's. */
async function noSidewaysScroll(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `${what}: page is ${scroll} px wide in a ${inner} px window`);
}

/** Every table box: whether its table is wider than it, and the hint its ::before shows. */
async function tableBoxes(page) {
  return page.locator('.table-scroll').evaluateAll((els) => els.filter((el) => el.offsetParent !== null).map((el) => ({
    label: el.getAttribute('aria-label'),
    wide: el.scrollWidth > el.clientWidth + 1,
    hint: getComputedStyle(el, '::before').content,
  })));
}

for (const width of [390, 1024, 1920]) {
  test(`no horizontal page scroll at ${width} px`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(app, t);
    await page.setViewportSize({ width, height: 900 });
    await openApp(page, app, 'mixed-rr-2cpu');
    await byId(page, 'keep-name').fill('A kept scenario with a rather long name');
    await byId(page, 'btn-keep').click();
    await waitForPreset(page, 'saved:A kept scenario with a rather long name');
    await byId(page, 'btn-job-template').click();
    await byId(page, 'job-table').waitFor();
    await noSidewaysScroll(page, 'mixed-rr-2cpu');
    await shot(page, `layout-${width}`);

    // The race, with its lost-update buttons, at a lost update (explanations shown).
    await openApp(page, app, 'race-unsafe');
    await byId(page, 'btn-next-lost').click();
    await byId(page, 'lost-why').waitFor();
    await noSidewaysScroll(page, 'race-unsafe');
    for (const id of ['btn-prev-lost', 'btn-next-lost', 'btn-play']) {
      const box = await byId(page, id).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= width, `${id} within the window: ${JSON.stringify(box)}`);
    }
    // No caption is cut by its scrolling box (a caption is as wide as its table: the metrics'
    // explanation was cut mid-word at 390 px), and the metrics' note wraps inside the window.
    const cut = await page.locator('.table-scroll caption').evaluateAll((cs) => cs.filter((c) => c.offsetParent !== null).flatMap((c) => {
      const box = c.closest('.table-scroll').getBoundingClientRect();
      // The text's extent, not the caption's box (which is as wide as the table).
      const range = document.createRange();
      range.selectNodeContents(c);
      const r = range.getBoundingClientRect();
      return r.right > box.right + 1 ? [`${c.textContent.slice(0, 40)}…: ends at ${r.right}, box at ${box.right}`] : [];
    }));
    assert.deepEqual(cut, []);
    const note = await byId(page, 'per-thread-note').boundingBox();
    assert.ok(note.x >= 0 && note.x + note.width <= width, `the metrics' note within the window: ${JSON.stringify(note)}`);
    // A table wider than its box says so in words; one that fits does not.
    for (const b of await tableBoxes(page)) {
      if (b.wide) assert.match(b.hint, /scroll this table sideways/, `${b.label} scrolls sideways: a hint`);
      else assert.equal(b.hint, 'none', `${b.label} fits: no hint`);
    }
    if (width === 1024) {
      const boxes = await tableBoxes(page);
      assert.ok(boxes.some((b) => b.wide), 'at 1024 px the thread table scrolls sideways (and says so)');
      // What a blocked thread waits for is in sight without scrolling (it was the last column).
      const scroller = await page.locator('.table-scroll', { has: byId(page, 'thread-table') }).boundingBox();
      const waits = await page.locator('[data-testid="thread-table"] th', { hasText: 'Waits for' }).boundingBox();
      assert.ok(waits.x + waits.width <= scroller.x + scroller.width, `Waits for at ${waits.x}+${waits.width}, box ends at ${scroller.x + scroller.width}`);
    }
    if (width === 390) {
      // The scenario menu is near the top, above the playback.
      const picker = await byId(page, 'preset-select').boundingBox();
      const controls = await byId(page, 'btn-play').boundingBox();
      assert.ok(picker.y < controls.y, `menu at ${picker.y}, Play at ${controls.y}`);
      assert.ok(picker.y < 900, `the menu is on the first screen (y = ${picker.y})`);
    }
    await shot(page, `layout-race-${width}`);
    page.done();
  });
}

/** Presses Tab `n` times from the top of a page just opened: each stop's test id (or tag) and its top (page px). */
async function tabStops(page, n) {
  const stops = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate(() => {
      const el = document.activeElement;
      const r = el.getBoundingClientRect();
      return { id: el.dataset.testid || el.id || el.tagName, top: Math.round(r.top + window.scrollY) };
    }));
  }
  return stops;
}

// The walk: Play was the 21st Tab stop at 1280 px, and on a phone the focus jumped down to the
// settings and back up; then the settings came after the metrics at 1280 px. Tab follows what a
// learner does: the scenario menu, its settings (CPUs, policy), the run's controls (Play), then
// the views (the timeline, the metrics); and on a phone it goes down the page, never back up.
for (const width of [1280, 390]) {
  test(`the tab order at ${width} px: menu, settings, Play, then the views, down the page on a phone`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(app, t);
    await page.setViewportSize({ width, height: 900 });
    await openApp(page, app, 'race-unsafe');
    // One walk through the page (past the last stop, Tab goes back to the top).
    const all = await tabStops(page, 60);
    const stops = all.slice(0, all.findIndex((s) => s.id === 'BODY') >>> 0);
    const ids = stops.map((s) => s.id);
    const at = (id) => ids.indexOf(id) + 1;
    const order = ['preset-select', 'setting-cpus', 'setting-policy', 'btn-play', 'timeline'].map((id) => [id, at(id)]);
    for (const [id, n] of order) assert.ok(n > 0, `${id} is a Tab stop within 60: ${ids.join(', ')}`);
    for (let i = 1; i < order.length; i++) {
      assert.ok(order[i - 1][1] < order[i][1], `${order[i - 1][0]} (stop ${order[i - 1][1]}) before ${order[i][0]} (stop ${order[i][1]}): ${ids.join(', ')}`);
    }
    // Play stays early: the header's link, the menu, the settings and the mode tabs before it.
    assert.ok(at('btn-play') <= 25, `Play is stop ${at('btn-play')}: ${ids.join(', ')}`);
    if (width === 390) {
      // Down the page, never back up (a row's items share their top, give or take a few px).
      const back = stops.filter((s, i) => i > 0 && s.top < stops[i - 1].top - 8).map((s) => `${stops[stops.indexOf(s) - 1].id} → ${s.id} (${s.top})`);
      assert.deepEqual(back, [], stops.map((s) => `${s.id}@${s.top}`).join(', '));
    } else {
      // The settings are in the left column under the menu, the playback on the right.
      const menu = await byId(page, 'preset-select').boundingBox();
      const cpus = await byId(page, 'setting-cpus').boundingBox();
      const play = await byId(page, 'btn-play').boundingBox();
      assert.ok(cpus.y > menu.y && cpus.x < play.x, `menu ${menu.x},${menu.y}; CPUs ${cpus.x},${cpus.y}; Play ${play.x},${play.y}`);
    }
    page.done();
  });
}
