// The parallel mode's benchmark (issue 9): opens parallel.html in headless Chromium on the built
// site and prints, for this machine, the speedup of CPU-bound work (hashing, the page's speedup
// run) on N = 1 and 2 workers, its ratio to the model's prediction, the workers' start-up, and
// postMessage's copy cost per MiB. A benchmark, not a test: it prints figures (medians over REPS
// fresh pages) with the target and PASS or MISS, and fails (exit 1) only if the page does not
// load, panics, or a run does not finish or merges a wrong answer.
//
//   trunk build --release --dist dist && node e2e/bench/parallel-bench.mjs   (or bash scripts/parallel-bench.sh)
//
// Environment: THREADLAB_DIST (built site, default dist/), CHROMIUM (default /usr/bin/chromium),
// REPS (default 3), WORK (rounds over each block of the 1 MiB: 64, 256 or 1024; default 1024),
// MIB (the copy measurement's data: 1, 16 or 64 MiB; default 64), ISOLATION=0 (serve without
// COOP/COEP).
//
// What each figure is (the page's own measurements, see src/parallel/isolated.rs and speedup.rs):
// - speedup (wall): T(1) / T(2), each T from starting the run's workers to the last answer on the
//   page: start-up, sending, hashing and merging. The model's prediction for the same N is
//   T̂(1) / T̂(2) (src/parallel/speedup.rs); ratio = measured / predicted.
// - speedup (hashing only): the N = 1 worker's hashing span over the slowest of the N = 2 workers':
//   the independent CPU-bound part, whose target is ≥ 0.9 × N.
// - start-up: from `new Worker` to its first message (the slowest of the run's workers).
// - copy cost per MiB: sending MIB MiB to one worker (post → arrival in the worker), copied minus
//   transferred (the transfer's time is the message's delivery without the copy), per 10^6 bytes.
import os from 'node:os';
import { chromium } from 'playwright-core';
import { startServer } from '../server.mjs';
import { CHROMIUM_ARGS, DIST } from '../lib.mjs';
import { speedupRows } from '../parallel-lib.mjs';

const REPS = Number(process.env.REPS || 3);
const WORK = String(process.env.WORK || 1024);
const MIB = String(process.env.MIB || 64);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RUN_MS = 300_000;

const fail = (msg) => {
  console.error(`parallel-bench: FAILED: ${msg}`);
  process.exit(1);
};
const median = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length === 0 ? NaN : v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');
const byId = (page, id) => page.locator(`[data-testid="${id}"]`).first();

async function freshPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && /panicked|RuntimeError|unreachable/i.test(m.text()) && errors.push(m.text()));
  await page.goto(`${url}/parallel.html`, { waitUntil: 'load', timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="speed-status"]')?.dataset.kind === 'idle', null, { timeout: 60_000 });
  page.errors = errors;
  return { page, context };
}

async function settle(page, prefix) {
  await page.waitForFunction(
    (p) => ['done', 'stopped', 'error'].includes(document.querySelector(`[data-testid="${p}-status"]`)?.dataset.kind),
    prefix,
    { timeout: RUN_MS },
  );
  const kind = await byId(page, `${prefix}-status`).getAttribute('data-kind');
  if (kind !== 'done') fail(`${prefix} run ended ${kind}: ${await byId(page, `${prefix}-status`).textContent()}`);
}

/** One speedup run over N = 1, 2: the table's rows with the hashing span. */
async function speedup(page) {
  await byId(page, 'speed-workers').fill('2');
  await byId(page, 'speed-work').selectOption(WORK);
  await byId(page, 'speed-run').click();
  await settle(page, 'speed');
  return speedupRows(page);
}

/** One isolated run of MIB MiB to one worker, copied or transferred: its sending time and bytes. */
async function send(page, how) {
  await byId(page, 'iso-workers').fill('1');
  await byId(page, 'iso-size').selectOption(MIB);
  await byId(page, `iso-${how}`).check();
  await byId(page, 'iso-run').click();
  await settle(page, 'iso');
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid="iso-copied"]').dataset;
    const exact = document.querySelector('[data-testid="iso-check"]').dataset.exact;
    return { sendMs: Number(c.sendMs), bytes: Number(c.bytes), copied: Number(c.copied), exact };
  });
}

const isolation = process.env.ISOLATION !== '0';
const server = await startServer({ root: DIST, isolation });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
const loadBefore = load();
const rows = [];
const copy = [];
const transfer = [];
let cores = 0;
try {
  for (let rep = 0; rep < REPS; rep++) {
    const { page, context } = await freshPage(browser, server.url);
    cores = await page.evaluate(() => navigator.hardwareConcurrency);
    rows.push(await speedup(page));
    copy.push(await send(page, 'copy'));
    transfer.push(await send(page, 'transfer'));
    if (page.errors.length) fail(`the page threw or panicked: ${page.errors.join('; ')}`);
    await context.close();
  }
} finally {
  await browser.close().catch(() => {});
  await server.close().catch(() => {});
}
if ([...copy, ...transfer].some((r) => r.exact !== 'true')) fail('an isolated run merged a wrong answer');

const at = (n, key) => median(rows.map((r) => r.find((x) => x.n === n)?.[key]));
const s2 = at(2, 'speedup');
const p2 = at(2, 'predicted');
const hashSpeedup = median(rows.map((r) => r[0].hashMs / r[1].hashMs));
const mib = copy[0].bytes / 2 ** 20;
const copyMs = median(copy.map((r) => r.sendMs));
const moveMs = median(transfer.map((r) => r.sendMs));
const verdict = (ok) => (ok ? 'PASS' : 'MISS');

console.log(`parallel-bench: ${REPS} fresh pages, work ${WORK} rounds over 1 MiB, ${isolation ? 'with' : 'without'} COOP/COEP`);
console.log(`machine: ${os.cpus().length} CPUs (navigator.hardwareConcurrency ${cores}); load average (1, 5, 15 min) before ${loadBefore}, after ${load()}`);
console.log('medians:');
console.log(`  N = 1: wall ${at(1, 'wallMs').toFixed(1)} ms, hashing ${at(1, 'hashMs').toFixed(1)} ms, start-up ${at(1, 'startupMs').toFixed(1)} ms; speedup 1 (by definition)`);
console.log(`  N = 2: wall ${at(2, 'wallMs').toFixed(1)} ms, hashing ${at(2, 'hashMs').toFixed(1)} ms, start-up ${at(2, 'startupMs').toFixed(1)} ms (slowest of 2)`);
console.log(`  speedup (wall, start-up included) at N = 2: ${s2.toFixed(2)}×; the model predicts ${p2.toFixed(2)}×; measured / predicted ${(s2 / p2).toFixed(2)}`);
console.log(`  speedup (hashing only) at N = 2: ${hashSpeedup.toFixed(2)}×  target ≥ ${(0.9 * 2).toFixed(1)}× (0.9 × N)  ${verdict(hashSpeedup >= 1.8)}`);
console.log(`  speedup (wall) at N = 2 against the same target: ${verdict(s2 >= 1.8)}`);
console.log(`  sending ${copy[0].bytes.toLocaleString('en')} bytes to one worker: copied ${copyMs.toFixed(1)} ms (${copy[0].copied.toLocaleString('en')} bytes copied), transferred ${moveMs.toFixed(1)} ms (0 bytes copied)`);
console.log(`  postMessage copy cost: ${((copyMs - moveMs) / mib).toFixed(3)} ms per MiB (copied − transferred, per 2^20 bytes); copied alone ${(copyMs / mib).toFixed(3)} ms per MiB`);
