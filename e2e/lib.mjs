// Shared helpers for the end-to-end tests: static server + Debian Chromium through
// playwright-core (never a downloaded browser), the native CLI as the oracle, DOM readers.
//
// Environment (scripts/test.sh sets the first two; the defaults suit a local run after it):
//   THREADLAB_DIST  built site to serve            (default: <repo>/dist)
//   THREADLAB_CLI   native CLI binary              (default: <repo>/target/debug/threadlab)
//   CHROMIUM        browser binary                 (default: /usr/bin/chromium)

import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = process.env.THREADLAB_DIST || path.join(ROOT, 'dist');
export const CLI = process.env.THREADLAB_CLI || path.join(ROOT, 'target', 'debug', 'threadlab');
export const SHOTS = path.join(ROOT, 'e2e', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Bounds for waits (ms). The machine has 2 cores and may be busy compiling. */
export const T = { load: 30_000, ui: 10_000, play: 90_000 };
/** Per-test timeout for node:test (ms). */
export const TEST_TIMEOUT = 180_000;

/**
 * Starts one server and one browser for the calling test file and closes both afterwards
 * (also when a test fails or times out). Returns an object whose fields are filled in by
 * the `before` hook: { url, browser }. `serverOptions` go to startServer (`isolation: false`,
 * `prefix: '/sub'`; `url` then ends with the prefix).
 */
export function useApp(serverOptions = {}) {
  const env = {};
  let server;
  before(async () => {
    assert.ok(existsSync(path.join(DIST, 'index.html')), `no built site at ${DIST} (run trunk build --release)`);
    assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM} (run scripts/setup.sh)`);
    server = await startServer({ root: DIST, ...serverOptions });
    env.url = server.url + (serverOptions.prefix ?? '');
    // Playwright gives every launch() a fresh, temporary --user-data-dir of its own and removes it
    // on close (it refuses a --user-data-dir in args), so no profile state leaks between runs.
    env.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      // Starting Chromium once took over 30 s on this 2-core machine at a load of 17, and
      // failed a whole file's tests; a slow start is no fault of the page.
      timeout: 3 * T.load,
    });
  });
  after(async () => {
    await env.browser?.close().catch(() => {});
    await server?.close().catch(() => {});
  });
  return env;
}

/**
 * A fresh page (own context: no shared storage) at a fixed size, with reduced motion, that
 * records uncaught errors and Rust panics. Call `done()` at the end of the test to assert none.
 */
export async function newPage(env, t) {
  const context = await env.browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(T.ui);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /panicked|RuntimeError|unreachable/i.test(m.text())) {
      errors.push(`console: ${m.text()}`);
    }
  });
  t?.after?.(() => context.close().catch(() => {}));
  page.done = () => assert.deepEqual(errors, [], 'the page threw errors or panicked');
  return page;
}

/** Opens the app (optionally `?preset=KEY`) and waits until a run result is on screen. */
export async function openApp(page, env, preset) {
  const url = preset ? `${env.url}/?preset=${encodeURIComponent(preset)}` : `${env.url}/`;
  await page.goto(url, { waitUntil: 'load', timeout: T.load });
  await byId(page, 'outcome').waitFor({ state: 'attached', timeout: T.load });
  await page.waitForFunction(
    () => document.querySelector('[data-testid="outcome"]')?.getAttribute('data-kind'),
    null,
    { timeout: T.load },
  );
  if (preset) await waitForPreset(page, preset);
}

/** Waits until the preset select shows `key` and its outcome is rendered. */
export async function waitForPreset(page, key) {
  await page.waitForFunction(
    (k) => document.querySelector('[data-testid="preset-select"]')?.value === k,
    key,
    { timeout: T.load },
  );
}

/**
 * Opens preset `from` (race-unsafe unless told), applies scenario `json` in the editor and waits
 * until its `threads` threads are in the thread table; with `drawn`, also until the timeline's
 * canvas has drawn its bars.
 */
export async function openScenario(page, env, json, threads, { from = 'race-unsafe', drawn = false } = {}) {
  await openApp(page, env, from);
  await byId(page, 'scenario-editor').fill(json);
  await byId(page, 'btn-apply').click();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="thread-table"] tr[data-tid]').length === n,
    threads,
    { timeout: T.load },
  );
  if (drawn) {
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="timeline-canvas"]')?.dataset.drawn) > 0,
      null,
      { timeout: T.load },
    );
  }
}

export const byId = (page, id) => page.locator(`[data-testid="${id}"]`).first();

/** An element's text, trimmed. */
export const text = async (page, id) => ((await byId(page, id).textContent()) ?? '').trim();

/** The first (possibly negative) integer in an element's text; thousands separators allowed. */
export async function num(page, id) {
  const s = await text(page, id);
  const m = s.replace(/(\d)[,\u00a0\u202f ](?=\d{3}\b)/g, '$1').match(/-?\d+(\.\d+)?/);
  assert.ok(m, `[data-testid=${id}] shows no number: ${JSON.stringify(s)}`);
  return Number(m[0]);
}

export const outcomeKind = (page) => byId(page, 'outcome').getAttribute('data-kind');

/** The scrub range's cursor (value) and end (max), as numbers. */
export async function scrub(page) {
  return byId(page, 'scrub').evaluate((el) => ({ value: Number(el.value), max: Number(el.max) }));
}

/** Sets a range/number input to a value and fires input + change (what a user's drag does). */
export async function setValue(page, id, value) {
  await byId(page, id).evaluate((el, v) => {
    const proto = Object.getPrototypeOf(el);
    const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
    if (setter) setter.call(el, String(v));
    else el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

/** Sets the speed range to its maximum. */
export async function maxSpeed(page) {
  const max = await byId(page, 'speed').evaluate((el) => el.max || '100');
  await setValue(page, 'speed', max);
}

/** Runs the native CLI: `threadlab run --preset KEY [args]`; returns its parsed JSON. */
export function cli(preset, ...args) {
  return cliRun(['--preset', preset, ...args]);
}

/** Runs the native CLI on a scenario file: `threadlab run FILE [args]`. */
export function cliFile(file, ...args) {
  return cliRun([file, ...args]);
}

function cliRun(args) {
  assert.ok(existsSync(CLI), `no CLI at ${CLI} (cargo build --bin threadlab)`);
  // Traces run to megabytes: lift spawnSync's 1 MB stdout limit (over it, the child is killed).
  const r = spawnSync(CLI, ['run', ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  // 0 = completed, 3 = deadlock / runtime error / budget (JSON still printed).
  assert.ok(r.status === 0 || r.status === 3, `threadlab run ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Runs the native CLI with ARGS (any subcommand: `['compare', …]`, `['seeds', …]`); it must exit 0;
 * returns its parsed JSON. */
export function cliJson(args) {
  assert.ok(existsSync(CLI), `no CLI at ${CLI} (cargo build --bin threadlab)`);
  const r = spawnSync(CLI, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `threadlab ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The final value of PROCESS/NAME in a CLI result. */
export function cliVar(result, process, name) {
  const v = result.metrics.variables.find((x) => x.process === process && x.name === name);
  assert.ok(v, `CLI result has no variable ${process}/${name}`);
  return v.value;
}

/** Saves a full-page screenshot to e2e/screenshots/NAME.png. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Waits until `num(page, id)` equals `value` (polling), then returns it. */
export async function waitNum(page, id, value, timeout = T.load) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await num(page, id);
      if (last === value) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) {
      assert.fail(`[data-testid=${id}] is ${JSON.stringify(last)}, expected ${value} (waited ${timeout} ms)`);
    }
    await page.waitForTimeout(100);
  }
}

/**
 * Every scenario control as shown: the menu, CPUs, policy, quantum (null when disabled), tie
 * rule (null when disabled); null while the page is still loading.
 */
export async function controls(page) {
  return page.evaluate(() => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    if (!el('setting-tie')) return null; // still loading
    return {
      source: el('preset-select').value,
      cpus: Number(el('setting-cpus').value),
      policy: el('setting-policy').value,
      // MLFQ shows its levels' quanta read-only ("5 / 10 / 20"); a policy without one, nothing.
      quantum: el('setting-quantum').tagName === 'OUTPUT' ? el('setting-quantum').value
        : el('setting-quantum').disabled ? null : Number(el('setting-quantum').value),
      tie: el('setting-tie').disabled ? null : el('setting-tie').value,
    };
  });
}

/**
 * What the controls must show for a run whose settings the CLI printed (`cli(...).settings`: the
 * scheduler with every parameter the policy has, defaults included).
 */
export function expectedControls(source, settings) {
  const s = settings.scheduler;
  return {
    source,
    cpus: settings.machine.cpus,
    policy: s.policy,
    // MLFQ shows every level's quantum, top first, read-only (one box would flatten them).
    quantum: 'quantum' in s ? s.quantum : (s.levels ? s.levels.map((l) => l.quantum).join(' / ') : null),
    tie: 'tie' in s ? s.tie : null,
  };
}

/**
 * Waits until no read or run is being computed (the page's `aria-busy`) and the controls equal
 * `want`, then asserts it. (While a setting is read and run, the controls already show the value
 * asked for and the editor still the scenario in use.)
 */
export async function waitControls(page, want, timeout = T.load) {
  const deadline = Date.now() + timeout;
  let got;
  for (;;) {
    got = await controls(page);
    const busy = await page.evaluate(() => document.querySelector('.app')?.getAttribute('aria-busy') === 'true');
    if (!busy && JSON.stringify(got) === JSON.stringify(want)) return got;
    if (Date.now() > deadline) assert.deepEqual(got, want, 'the controls show the scenario in use');
    await page.waitForTimeout(100);
  }
}

/** The scenario the editor shows (no unapplied draft may be pending), parsed. */
export async function editorScenario(page) {
  assert.equal(await byId(page, 'editor-unapplied').count(), 0, 'no unapplied draft');
  return JSON.parse(await byId(page, 'scenario-editor').inputValue());
}

/**
 * The page benchmark's big scenario (e2e/bench/big-run.json) with each thread's loop run `rounds`
 * times and `maxSteps` instructions allowed, as JSON text: 1,500 rounds and 2,000,000 steps make
 * a run of seconds (it stops at the trace's limit), long enough to press Cancel.
 */
export function bigRun(rounds, maxSteps) {
  const s = JSON.parse(readFileSync(path.join(ROOT, 'e2e', 'bench', 'big-run.json'), 'utf8'));
  s.name = `Big run, ${rounds} rounds`;
  for (const p of s.processes) p.programs.worker[0] = `loop ${rounds}`;
  s.limits = { max_steps: maxSteps, max_time: 1_000_000_000 };
  return JSON.stringify(s, null, 2);
}

/** How many answers the OSTEP mode's panel has had (its `data-answers`). */
export const ostepAnswers = async (page) => Number(await byId(page, 'lab-ostep').getAttribute('data-answers'));

/** Waits for the OSTEP mode's answer after the `before`-th ([`ostepAnswers`]). */
export const nextOstepAnswer = (page, before) => page.waitForFunction(
  (n) => Number(document.querySelector('[data-testid="lab-ostep"]')?.dataset.answers) > n,
  before,
  { timeout: T.load },
);
