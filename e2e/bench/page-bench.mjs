// The page's benchmark (the page issue's §2): opens the built page in headless Chromium and prints
// how fast it is on the big scenario (e2e/bench/big-run.json: 16 CPUs, 8 processes × 8 threads,
// about 10,000 µs, 77,000 instructions and 26,000 context switches) and, for contrast, on a small
// preset (race-unsafe). Each figure is a median over the repetitions, printed with its target and
// PASS or MISS. A benchmark, not a test: nothing here fails on a MISS. It fails loudly (exit 1)
// if the page does not load, throws or panics, or a run never shows.
//
//   trunk build --release --dist dist && node e2e/bench/page-bench.mjs     (or bash scripts/page-bench.sh)
//
// Environment: THREADLAB_DIST (built site, default dist/), CHROMIUM (default /usr/bin/chromium),
// REPS (fresh pages per scenario, default 3), PLAY_MS (each play measurement, default 3000),
// ONLY=big, small or huge (one scenario; huge: a run at the trace's 2,000,000-event cap), JSON=FILE (also write the figures there as JSON), HIDE=SELECTORS (for diagnosis: hides those
// parts of the page once the run is shown, e.g. HIDE=".threads-panel,.memory-panel", to see what
// they cost).
//
// What each figure is (times from the page's own clock, performance.now()):
// - apply → drawn: from Apply's click to the next frame painted after the timeline's canvas drew
//   the new run (its `data-run`), on a fresh page whose worker is warm (it ran the page's first
//   preset). Split by the page's performance measures (src/ui/runner.rs): check + post (click →
//   "run sent"), worker run ("run in the worker": sent → received, the run and its message),
//   decode ("run decoded": bytes → the page's Run), first draw (decoded → painted: every view's
//   render, the timeline's bars, layout, paint).
// - re-run after a quantum change (the CPU count for a preset without a quantum): the same, from
//   the setting's input event.
// - playing: requestAnimationFrame callbacks per second over PLAY_MS of play (the browser's frame
//   rate, at most the display's 60), frames in which the clock shown moved, the main thread's CPU
//   time per frame (what a busy machine does not inflate) and its work per frame (Chrome's own
//   task, script, style and layout durations, wall-clock, over the frames). At the
//   default speed from the middle of the run; at the fastest speed from 0, restarted at each end.
// - scrub, step: input event (the range's input; the button's click) → next frame painted, at
//   points spread over the run.
// - keystroke: a key typed into the JSON editor (inside the description, so the JSON stays valid)
//   → next frame painted, from the key event's own time stamp; and the longest task while typing
//   (work put off by the keystroke shows there).
// - DOM elements: the whole page's and the timeline panel's (the timeline's must be bounded by its
//   width in pixels, not by the number of bars).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../server.mjs';
import { CHROMIUM_ARGS, DIST, ROOT } from '../lib.mjs';

const REPS = Number(process.env.REPS || 3);
const PLAY_MS = Number(process.env.PLAY_MS || 3000);
const ONLY = process.env.ONLY;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LOAD_MS = 60_000;
const RUN_MS = 120_000;

/** The targets (page issue §2). `max`: at most; `min`: at least. */
const TARGET = {
  apply: { max: 1000, unit: 'ms' },
  rerun: { max: 1000, unit: 'ms' },
  fps: { min: 50, unit: 'frames/s' },
  scrub: { max: 50, unit: 'ms' },
  step: { max: 50, unit: 'ms' },
  key: { max: 30, unit: 'ms' },
};

const fail = (msg) => {
  console.error(`page-bench: FAILED: ${msg}`);
  process.exit(1);
};

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const max = (xs) => Math.max(...xs.filter((x) => Number.isFinite(x)));

const byId = (page, id) => page.locator(`[data-testid="${id}"]`).first();

/** A fresh page at 1280×900 that records errors and panics; `page.errors` lists them. */
async function freshPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(LOAD_MS);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /panicked|RuntimeError|unreachable/i.test(m.text())) page.errors.push(`console: ${m.text()}`);
  });
  page.on('crash', () => page.errors.push('the page crashed'));
  return page;
}

/** Opens `?preset=KEY` and waits for its run on the timeline; fails loudly if it never shows. */
async function open(page, url, key) {
  try {
    await page.goto(`${url}/?preset=${key}`, { waitUntil: 'load', timeout: LOAD_MS });
    await page.waitForFunction(
      (k) => document.querySelector('[data-testid="preset-select"]')?.value === k
        && document.querySelector('[data-testid="timeline-canvas"]')?.dataset.run,
      key,
      { timeout: LOAD_MS },
    );
  } catch (e) {
    fail(`the page did not load ?preset=${key} within ${LOAD_MS / 1000} s (${e.message.split('\n')[0]})${page.errors.length ? `; ${page.errors.join('; ')}` : ''}`);
  }
  check(page);
}

function check(page) {
  if (page.errors.length) fail(`the page threw or panicked: ${page.errors.join('; ')}`);
}

/**
 * Runs `act` (a function's source, called in the page) and waits until the timeline's canvas has
 * drawn another run, then for the next painted frame. Returns the times (ms) of the split, from
 * the page's performance marks.
 */
async function untilDrawn(page, act, arg) {
  const r = await page.evaluate(async ({ act, arg, limit }) => {
    const canvas = () => document.querySelector('[data-testid="timeline-canvas"]');
    const before = canvas().dataset.run;
    performance.clearMarks();
    performance.clearMeasures();
    const painted = new Promise((done, failed) => {
      const timer = setTimeout(() => failed(new Error(`no new run drawn in ${limit / 1000} s`)), limit);
      const seen = () => {
        clearTimeout(timer);
        const drawn = performance.now();
        requestAnimationFrame(() => setTimeout(() => done({ drawn, painted: performance.now() }), 0));
      };
      // The canvas is kept across runs; a new one (a remount) counts too.
      const watch = new MutationObserver(() => {
        if (canvas()?.dataset.run && canvas().dataset.run !== before) {
          watch.disconnect();
          seen();
        }
      });
      watch.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-run'] });
    });
    const t0 = performance.now();
    // eslint-disable-next-line no-new-func
    new Function('arg', act)(arg);
    const { drawn, painted: t1 } = await painted;
    const at = (name) => performance.getEntriesByName(name, 'mark').at(-1)?.startTime;
    const took = (name) => performance.getEntriesByName(name, 'measure').at(-1)?.duration;
    const decoded = at('threadlab: run decoded');
    return {
      total: t1 - t0,
      post: (at('threadlab: run sent') ?? NaN) - t0,
      worker: took('threadlab: run in the worker') ?? NaN,
      decode: took('threadlab: run decoded') ?? NaN,
      draw: t1 - (decoded ?? NaN),
      dom: drawn - t0,
    };
  }, { act, arg, limit: RUN_MS }).catch((e) => fail(`${e.message.split('\n')[0]}${page.errors.length ? `; ${page.errors.join('; ')}` : ''}`));
  check(page);
  return r;
}

/** Sets an input's value as a user does (the native setter, then input and change). */
const SET_VALUE = `
  const [id, v] = arg;
  const el = document.querySelector('[data-testid="' + id + '"]');
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set.call(el, String(v));
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
`;
const CLICK = `document.querySelector('[data-testid="' + arg + '"]').click();`;

/** The run's end (ticks) and the timeline's extent. */
const runEnd = (page) => page.evaluate(() => Number(document.querySelector('[data-testid="scrub"]').max));

/** Plays for PLAY_MS; returns frames/s, frames with a new clock /s, and main-thread work per frame. */
async function play(page, cdp, { fastest }) {
  await page.evaluate(({ fastest }) => {
    const set = (id, v) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set.call(el, String(v));
      el.dispatchEvent(new Event('input', { bubbles: true }));
    };
    if (fastest) {
      set('speed', document.querySelector('[data-testid="speed"]').max);
      set('scrub', 0);
    } else {
      set('scrub', Math.round(Number(document.querySelector('[data-testid="scrub"]').max) / 2));
    }
  }, { fastest });
  await page.waitForTimeout(300);
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const m0 = await metrics();
  const r = await page.evaluate(({ ms, fastest }) => new Promise((done) => {
    const btn = document.querySelector('[data-testid="btn-play"]');
    const scrub = document.querySelector('[data-testid="scrub"]');
    btn.click();
    let frames = 0; let moved = 0; let last = scrub.value; let longest = 0; let prev = null; let restarts = 0;
    const start = performance.now();
    const frame = (t) => {
      frames += 1;
      if (prev !== null) longest = Math.max(longest, t - prev);
      prev = t;
      const s = document.querySelector('[data-testid="scrub"]');
      if (s.value !== last) { moved += 1; last = s.value; }
      // At the fastest speed the run ends in a fraction of a second: play it again.
      if (fastest && btn.getAttribute('aria-pressed') === 'false') { btn.click(); restarts += 1; }
      if (t - start < ms) requestAnimationFrame(frame);
      else {
        if (btn.getAttribute('aria-pressed') === 'true') btn.click();
        const secs = (t - start) / 1000;
        done({ fps: frames / secs, moved: moved / secs, longest, frames, restarts });
      }
    };
    requestAnimationFrame(frame);
  }), { ms: PLAY_MS, fastest });
  const m1 = await metrics();
  const d = (k) => (m1[k] - m0[k]) * 1000;
  r.script = d('ScriptDuration') / r.frames;
  r.layout = (d('LayoutDuration') + d('RecalcStyleDuration')) / r.frames;
  r.task = d('TaskDuration') / r.frames;
  // The main thread's CPU time: unlike the durations above, not inflated when other programs
  // hold the cores (a busy machine).
  r.cpu = d('ThreadTime') / r.frames;
  check(page);
  return r;
}

/** Input → next painted frame (ms) for `n` inputs at points spread over the run. */
async function latencies(page, kind, n) {
  const end = await runEnd(page);
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = Math.round(((i + 0.5) / n) * end);
    const ms = await page.evaluate(({ kind, t }) => new Promise((done) => {
      const set = (id, v) => {
        const el = document.querySelector(`[data-testid="${id}"]`);
        Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set.call(el, String(v));
        el.dispatchEvent(new Event('input', { bubbles: true }));
      };
      const measure = (act) => {
        const t0 = performance.now();
        act();
        requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
      };
      if (kind === 'scrub') measure(() => set('scrub', t));
      else {
        // Get there first (not measured), let it settle, then step.
        set('scrub', t);
        setTimeout(() => requestAnimationFrame(() => setTimeout(
          () => measure(() => document.querySelector('[data-testid="btn-step-forward"]').click()), 0)), 50);
      }
    }), { kind, t });
    out.push(ms);
    await page.waitForTimeout(60);
  }
  check(page);
  return out;
}

/** Types `n` characters into the editor's description, one every 120 ms; key → painted (ms). */
async function keystrokes(page, n) {
  await page.evaluate(() => {
    const area = document.querySelector('[data-testid="scenario-editor"]');
    const at = area.value.indexOf('"description": "') + '"description": "'.length;
    area.focus();
    area.setSelectionRange(at, at);
    window.__keys = [];
    window.__longest = 0;
    area.addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      requestAnimationFrame(() => setTimeout(() => window.__keys.push(performance.now() - t0), 0));
    }, { capture: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask' });
  });
  for (let i = 0; i < n; i++) {
    await page.keyboard.type('abcdefghijklmnopqrstuvwxyz'[i % 26]);
    await page.waitForTimeout(120);
  }
  await page.waitForTimeout(600);
  const r = await page.evaluate(() => ({ keys: window.__keys, longest: window.__longest }));
  const typed = await page.evaluate(() => document.querySelector('[data-testid="scenario-editor"]').value.includes('"description": "abc'));
  if (!typed) fail('the keys typed did not reach the editor');
  check(page);
  return r;
}

/** DOM elements: the page's, the timeline panel's, and the plot's width (CSS px). */
const elements = (page) => page.evaluate(() => {
  const panel = document.querySelector('.timeline-panel') ?? document.querySelector('[data-testid="timeline"]');
  return {
    page: document.querySelectorAll('*').length,
    timeline: panel.querySelectorAll('*').length + 1,
    width: Math.round(document.querySelector('[data-testid="timeline"] .plot').getBoundingClientRect().width),
  };
});

/** Every figure for one scenario: `text` applied over the page's `from` preset. */
async function measureScenario(browser, url, { label, from, text, setting }) {
  const rows = { apply: [], rerun: [], playDefault: [], playFast: [], scrub: [], step: [], key: [], longest: [], dom: [] };
  let end = 0;
  for (let rep = 0; rep < REPS; rep++) {
    const page = await freshPage(browser);
    await open(page, url, from);
    if (text) {
      await byId(page, 'scenario-editor').fill(text);
      await page.waitForTimeout(300);
    }
    rows.apply.push(await untilDrawn(page, CLICK, 'btn-apply'));
    end = await runEnd(page);
    if (process.env.HIDE) await page.addStyleTag({ content: `${process.env.HIDE} { display: none !important; }` });
    await page.waitForTimeout(300);
    // Two setting changes and back (the first value, then the scenario's own).
    const own = await page.evaluate((id) => Number(document.querySelector(`[data-testid="${id}"]`).value), setting.id);
    for (const v of [setting.other, own]) {
      rows.rerun.push(await untilDrawn(page, SET_VALUE, [setting.id, v]));
      await page.waitForTimeout(300);
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    rows.playDefault.push(await play(page, cdp, { fastest: false }));
    rows.playFast.push(await play(page, cdp, { fastest: true }));
    rows.scrub.push(...await latencies(page, 'scrub', 10));
    rows.step.push(...await latencies(page, 'step', 10));
    rows.dom.push(await elements(page));
    const k = await keystrokes(page, 12);
    rows.key.push(...k.keys);
    rows.longest.push(k.longest);
    await page.context().close();
  }
  return { label, setting, end, rows };
}

/**
 * A run at the trace's cap (the big scenario's loop run 1,500 times: 2,000,000 events, the most a
 * trace records): apply → drawn with its split, the longest main-thread task from Apply until two
 * seconds after the run shows (the page must not freeze while it gets ready to scrub), a scrub
 * to the run's end at once (before the page has folded its checkpoints ahead), and a re-run after
 * a quantum change.
 */
async function measureHuge(browser, url, text) {
  const rows = { apply: [], longest: [], jump: [], rerun: [] };
  let end = 0;
  for (let rep = 0; rep < REPS; rep++) {
    const page = await freshPage(browser);
    await open(page, url, 'race-unsafe');
    await byId(page, 'scenario-editor').fill(text);
    await page.waitForTimeout(300);
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    rows.apply.push(await untilDrawn(page, CLICK, 'btn-apply'));
    end = await runEnd(page);
    rows.jump.push(await page.evaluate((t) => new Promise((done) => {
      const el = document.querySelector('[data-testid="scrub"]');
      const t0 = performance.now();
      Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set.call(el, String(t));
      el.dispatchEvent(new Event('input', { bubbles: true }));
      requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
    }), end));
    await page.waitForTimeout(2000);
    rows.longest.push(await page.evaluate(() => Math.max(0, ...window.longTasks)));
    rows.rerun.push(await untilDrawn(page, SET_VALUE, ['setting-quantum', 4]));
    check(page);
    await page.context().close();
  }
  const pick = (xs, k) => xs.map((x) => x[k]);
  const out = [`Run at the trace's cap: big-run.json looped 1,500 times, 2,000,000 events (${f(end)} µs; medians of ${REPS} pages)`];
  out.push(line('apply → drawn (ms)', median(pick(rows.apply, 'total')), TARGET.apply));
  out.push(line('  run in the worker (with its message)', median(pick(rows.apply, 'worker'))));
  out.push(line('  decode (bytes → the page\'s run)', median(pick(rows.apply, 'decode'))));
  out.push(line('  first draw (decoded → painted)', median(pick(rows.apply, 'draw'))));
  out.push(line('longest main-thread task, Apply to 2 s after (ms)', median(rows.longest)));
  out.push(line('scrub to the end at once → painted (ms)', median(rows.jump), TARGET.scrub));
  out.push(line('re-run after a quantum change (ms)', median(pick(rows.rerun, 'total')), TARGET.rerun));
  out.push(line('  run in the worker', median(pick(rows.rerun, 'worker'))));
  out.push(line('  decode and first draw', median(pick(rows.rerun, 'total')) - median(pick(rows.rerun, 'worker'))));
  const figures = {
    apply: median(pick(rows.apply, 'total')), longest: median(rows.longest), jump: median(rows.jump), rerun: median(pick(rows.rerun, 'total')),
  };
  return { text: out.join('\n'), figures };
}

const f = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—');

/** One printed line: the figure, its value, its target and PASS / MISS. */
function line(name, value, target, d = 0) {
  let t = ''; let verdict = '';
  if (target) {
    t = target.max !== undefined ? `< ${f(target.max)} ${target.unit}` : `≥ ${f(target.min)} ${target.unit}`;
    const ok = target.max !== undefined ? value < target.max : value >= target.min;
    verdict = Number.isFinite(value) ? (ok ? 'PASS' : 'MISS') : 'MISS';
  }
  return `  ${name.padEnd(52)} ${f(value, d).padStart(9)}   ${t.padEnd(16)} ${verdict}`;
}

function report({ label, setting, end, rows }) {
  const out = [];
  const pick = (xs, k) => xs.map((x) => x[k]);
  const figures = {};
  out.push(`${label} (${f(end)} µs; medians of ${REPS} pages)`);
  figures.apply = median(pick(rows.apply, 'total'));
  out.push(line('apply → drawn (ms)', figures.apply, TARGET.apply));
  out.push(line('  check + post to the worker', median(pick(rows.apply, 'post'))));
  out.push(line('  run in the worker (with its message)', median(pick(rows.apply, 'worker'))));
  out.push(line('  decode (bytes → the page\'s run)', median(pick(rows.apply, 'decode'))));
  out.push(line('  first draw (decoded → painted)', median(pick(rows.apply, 'draw'))));
  figures.rerun = median(pick(rows.rerun, 'total'));
  out.push(line(`re-run after a ${setting.name} change (ms, ${rows.rerun.length} runs)`, figures.rerun, TARGET.rerun));
  out.push(line('  run in the worker', median(pick(rows.rerun, 'worker'))));
  out.push(line('  first draw (decoded → painted)', median(pick(rows.rerun, 'draw'))));
  for (const [key, name] of [['playDefault', 'default speed, from the middle'], ['playFast', 'fastest speed, from 0']]) {
    const p = rows[key];
    figures[key] = median(pick(p, 'fps'));
    out.push(line(`playing, ${name} (frames/s)`, figures[key], TARGET.fps, 1));
    out.push(line('  frames in which the clock moved (/s)', median(pick(p, 'moved')), null, 1));
    out.push(line('  main-thread CPU time per frame (ms)', median(pick(p, 'cpu')), null, 1));
    out.push(line('  main-thread work per frame (ms): all', median(pick(p, 'task')), null, 1));
    out.push(line('    of which script', median(pick(p, 'script')), null, 1));
    out.push(line('    of which style and layout', median(pick(p, 'layout')), null, 1));
    out.push(line('  longest gap between two frames (ms)', median(pick(p, 'longest'))));
  }
  figures.scrub = median(rows.scrub);
  out.push(line(`scrub → painted (ms, ${rows.scrub.length} scrubs)`, figures.scrub, TARGET.scrub));
  out.push(line('  slowest', max(rows.scrub)));
  figures.step = median(rows.step);
  out.push(line(`step → painted (ms, ${rows.step.length} steps)`, figures.step, TARGET.step));
  out.push(line('  slowest', max(rows.step)));
  figures.key = median(rows.key);
  out.push(line(`keystroke in the editor → painted (ms, ${rows.key.length} keys)`, figures.key, TARGET.key));
  out.push(line('  slowest', max(rows.key)));
  out.push(line('  longest task while typing (ms; 0: none over 50)', median(rows.longest)));
  const dom = rows.dom.at(-1);
  figures.domPage = dom.page;
  figures.domTimeline = dom.timeline;
  out.push(line('DOM elements, whole page', dom.page));
  out.push(line(`DOM elements, timeline panel (plot ${dom.width} px wide)`, dom.timeline, { max: dom.width, unit: 'elements' }));
  return { text: out.join('\n'), figures };
}

// ---------------------------------------------------------------------------------------------

if (!existsSync(path.join(DIST, 'index.html'))) fail(`no built site at ${DIST} (run trunk build --release --dist dist)`);
if (!existsSync(CHROMIUM)) fail(`no browser at ${CHROMIUM} (run scripts/setup.sh)`);
const BIG = readFileSync(path.join(ROOT, 'e2e', 'bench', 'big-run.json'), 'utf8');

const server = await startServer({ root: DIST });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: LOAD_MS });
try {
  const started = new Date();
  console.log(`page-bench: headless Chromium ${browser.version()}, 1280×900, ${REPS} pages per scenario, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  // The worker's start-up, on a fresh page (information).
  const first = await freshPage(browser);
  await open(first, server.url, 'race-unsafe');
  const startup = await first.evaluate(() => performance.getEntriesByName('threadlab: worker start-up', 'measure')[0]?.duration);
  await first.context().close();
  console.log(line('worker start-up (ms, information)', startup));
  const results = [];
  if (!ONLY || ONLY === 'big') results.push(await measureScenario(browser, server.url, {
    label: 'Big run: e2e/bench/big-run.json, 16 CPUs, 64 threads, RR quantum 3',
    from: 'race-unsafe',
    text: BIG,
    setting: { id: 'setting-quantum', name: 'quantum', other: 4 },
  }));
  if (!ONLY || ONLY === 'small') results.push(await measureScenario(browser, server.url, {
    label: 'Small preset: race-unsafe (for contrast)',
    from: 'race-unsafe',
    text: null,
    setting: { id: 'setting-cpus', name: 'CPU count', other: 1 },
  }));
  const printed = results.map(report);
  if (ONLY === 'huge' || !ONLY) {
    const huge = JSON.parse(BIG);
    huge.name = 'Big run at the trace cap';
    for (const p of huge.processes) p.programs.worker[0] = 'loop 1500';
    huge.limits = { max_steps: 2_000_000, max_time: 1_000_000_000 };
    printed.push(await measureHuge(browser, server.url, JSON.stringify(huge, null, 2)));
  }
  for (const p of printed) console.log(`\n${p.text}`);
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`\npage-bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s (load ${load}); a benchmark, not a test: a MISS fails nothing.`);
  if (process.env.JSON) {
    writeFileSync(process.env.JSON, JSON.stringify({
      date: started.toISOString(), chromium: browser.version(), startup,
      ...Object.fromEntries(results.map((r, i) => [r.label.startsWith('Big') ? 'big' : 'small', printed[i].figures])),
    }, null, 2));
  }
} finally {
  await browser.close();
  await server.close();
}
