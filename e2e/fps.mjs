// Frames per second while playing the 64-thread scenario (e2e/threads-64.json), and the
// timeline's drawn element count. A measurement, not a test:
//   THREADLAB_DIST=$PWD/dist node e2e/fps.mjs
// Counts requestAnimationFrame callbacks over 5 s of play at the default speed, and reports the
// longest gap between two frames (a frame blocked by a re-render shows as a long gap).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { CHROMIUM_ARGS, DIST, ROOT, byId } from './lib.mjs';

const server = await startServer({ root: DIST });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/?preset=race-unsafe`);
  await byId(page, 'outcome').waitFor({ state: 'attached', timeout: 30_000 });
  const text = readFileSync(path.join(ROOT, 'e2e', 'threads-64.json'), 'utf8');
  await byId(page, 'scenario-editor').fill(text);
  const t0 = Date.now();
  await byId(page, 'btn-apply').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="scrub"]')?.max > 10000, null, { timeout: 120_000 });
  console.log(`run + first render: ${Date.now() - t0} ms`);
  // HIDE=".threads-panel,.memory-panel" hides parts of the page, to see what a frame costs.
  if (process.env.HIDE) await page.addStyleTag({ content: `${process.env.HIDE} { display: none !important; }` });
  if (process.env.CSS) await page.addStyleTag({ content: process.env.CSS });
  const count = await page.evaluate(() => document.querySelectorAll('*').length);
  const tl = await page.evaluate(() => document.querySelector('[data-testid="timeline"]').querySelectorAll('*').length);
  console.log(`DOM elements: ${count}, in the timeline: ${tl}`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  await byId(page, 'btn-play').click();
  const r = await page.evaluate(() => new Promise((done) => {
    const times = [];
    const start = performance.now();
    const frame = (t) => {
      times.push(t);
      if (t - start < 5000) requestAnimationFrame(frame);
      else {
        let longest = 0;
        for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
        done({ fps: (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000), longest });
      }
    };
    requestAnimationFrame(frame);
  }));
  const after = await metrics();
  const busy = (k) => ((after[k] - before[k]) * 1000).toFixed(0);
  console.log(`main thread over the 5 s: script ${busy('ScriptDuration')} ms, style ${busy('RecalcStyleDuration')} ms, layout ${busy('LayoutDuration')} ms, task ${busy('TaskDuration')} ms`);
  const cursor = await byId(page, 'scrub').evaluate((el) => Number(el.value));
  console.log(`playing: ${r.fps.toFixed(1)} frames/s, longest frame gap ${r.longest.toFixed(0)} ms, cursor at ${cursor}`);
  await byId(page, 'btn-play').click();
  // A step: time from the click to the next painted frame.
  const step = await page.evaluate(() => new Promise((done) => {
    const btn = document.querySelector('[data-testid="btn-step-forward"]');
    const t = performance.now();
    btn.click();
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t), 0));
  }));
  console.log(`step forward to painted: ${step.toFixed(0)} ms`);
} finally {
  await browser.close();
  await server.close();
}
