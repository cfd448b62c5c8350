// Layouts at a phone's, a laptop's and a wide screen's width: nothing makes the page scroll
// sideways (wide content scrolls inside its own box), with the job table and saved scenarios shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, byId, newPage, openApp, shot, useApp, waitForPreset } from './lib.mjs';

const app = useApp();

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
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert.ok(scroll <= inner, `page is ${scroll} px wide in a ${inner} px window`);
    await shot(page, `layout-${width}`);
    page.done();
  });
}
