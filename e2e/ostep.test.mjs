// The OSTEP mode: a command line for one of OSTEP's simulators, run in the mode's own worker,
// shows exactly what `threadlab ostep <same words>` prints; a bad flag is named; -h shows the
// help; "Open as scenario" opens the run as the custom scenario and plays it, with the metrics
// `threadlab run` gives for the scenario `--scenario` prints. At 390 and 1920 px: no sideways
// page scroll and no accessibility violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { CLI, T, TEST_TIMEOUT, byId, cliFile, newPage, num, openApp, shot, text, useApp, waitForPreset, waitNum } from './lib.mjs';

const app = useApp();

/** `threadlab ostep WORDS`: its exit status, stdout and stderr. */
function ostep(line) {
  assert.ok(existsSync(CLI), `no CLI at ${CLI}`);
  const r = spawnSync(CLI, ['ostep', ...line.split(/\s+/)], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Types `line` in the command line field and runs it; waits for the answer. */
async function run(page, line) {
  const before = Number(await byId(page, 'lab-ostep').getAttribute('data-answers'));
  await byId(page, 'ostep-line').fill(line);
  await byId(page, 'ostep-run').click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="lab-ostep"]')?.dataset.answers) > n,
    before,
    { timeout: T.load },
  );
}

/** The monospace block's text, exactly. */
const block = (page, id) => byId(page, id).evaluate((el) => el.textContent);

test('a command line shows the CLI\'s text, a bad flag is named, -h is the help', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'mode-ostep').click();
  assert.match(page.url(), /mode=ostep/);
  // The worker reads the flags; its own reader and simulation workers read and run the scenario;
  // it prints from the result (per-CPU queues, -S, from the trace's queue samples).
  for (const line of ['scheduler -p RR -q 2 -l 3,5,1 -c', 'process-run -l 3:0,5:100 -S SWITCH_ON_IO -I IO_RUN_IMMEDIATE -c -p', 'mlfq -s 1 -j 3 -c', 'scheduler -p SJF -l 2,1 --json', 'multi -s 2 -j 6 -n 3 -p -P 7 -S -t -c']) {
    await run(page, line);
    const cli = ostep(line);
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(await block(page, 'ostep-text'), cli.stdout, line);
    assert.equal(await text(page, 'ostep-cli'), `threadlab ostep ${line}`);
  }
  // A bad quantum: the flag is named, in the CLI's words (`threadlab: ` and backquotes aside).
  const bad = 'scheduler -p RR -q x -l 3,5,1';
  await run(page, bad);
  const cli = ostep(bad);
  assert.equal(cli.status, 1);
  const said = await text(page, 'ostep-error');
  assert.match(said, /^-q: /);
  assert.equal(said, cli.stderr.trim().replace(/^threadlab: /, '').replaceAll('`', ''));
  assert.equal(await byId(page, 'ostep-open').count(), 0, 'nothing to open');
  await shot(page, 'ostep-error');
  // -h: the help, shown as text, not as an error.
  await run(page, 'lottery -h');
  assert.equal(await byId(page, 'ostep-error').count(), 0);
  assert.equal(await block(page, 'ostep-help'), ostep('lottery -h').stdout);
  // An example picked from the list runs at once.
  const example = 'multi -n 2 -L a:100:100,b:100:50,c:100:50 -c -t -p';
  const answers = Number(await byId(page, 'lab-ostep').getAttribute('data-answers'));
  await byId(page, 'ostep-examples').selectOption(example);
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="lab-ostep"]')?.dataset.answers) > n,
    answers,
    { timeout: T.load },
  );
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="ostep-cli"]')?.textContent === `threadlab ostep ${want}`,
    example,
    { timeout: T.load },
  );
  assert.equal(await byId(page, 'ostep-line').inputValue(), example);
  assert.equal(await block(page, 'ostep-text'), ostep(example).stdout);
  // A reload keeps the mode and the worker answers again.
  await page.reload({ waitUntil: 'load', timeout: T.load });
  await byId(page, 'ostep-line').waitFor({ timeout: T.load });
  await run(page, 'lottery -l 10:1,10:100 -c');
  assert.equal(await block(page, 'ostep-text'), ostep('lottery -l 10:1,10:100 -c').stdout);
  page.done();
});

test('Open as scenario plays the run, with the metrics of `threadlab run` on its --scenario', { timeout: TEST_TIMEOUT }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'threadlab-ostep-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const cases = [
    ['scheduler -p RR -q 2 -l 3,5,1 -c', 'OSTEP: scheduler -p RR -q 2 -l 3,5,1'],
    ['process-run -l 3:0,5:100 -S SWITCH_ON_IO -I IO_RUN_IMMEDIATE -c -p', 'OSTEP: process-run -l 3:0,5:100 -S SWITCH_ON_IO -I IO_RUN_IMMEDIATE -p'],
  ];
  for (const [i, [line, name]] of cases.entries()) {
    await page.goto(`${app.url}/?preset=race-unsafe&mode=ostep`, { waitUntil: 'load', timeout: T.load });
    await run(page, line);
    await byId(page, 'ostep-open').click();
    // The simulator's view, with the run as the custom scenario named after the command.
    await waitForPreset(page, 'custom');
    assert.doesNotMatch(page.url(), /mode=/);
    assert.equal(await byId(page, 'lab-ostep').count(), 0);
    const label = await page.locator('[data-testid="preset-select"] option:checked').textContent();
    assert.equal(label.trim(), `Custom: ${name}`);
    const shown = JSON.parse(await byId(page, 'scenario-editor').inputValue());
    assert.equal(shown.name, name);
    // `threadlab run` on the scenario `--scenario` prints gives the page's metrics.
    const printed = ostep(`${line} --scenario`);
    assert.equal(printed.status, 0, printed.stderr);
    const file = path.join(dir, `ostep-${i}.json`);
    writeFileSync(file, printed.stdout);
    const want = cliFile(file);
    await waitNum(page, 'metric-makespan', want.metrics.makespan);
    assert.equal(await num(page, 'metric-context-switches'), want.metrics.context_switches);
    // The same scenario as --scenario prints, but for its name.
    assert.deepEqual({ ...shown, name: '' }, { ...JSON.parse(printed.stdout), name: '' });
    await shot(page, `ostep-opened-${i}`);
  }
  page.done();
});

for (const width of [390, 1920]) {
  test(`the OSTEP mode fits ${width} px without sideways scroll, axe clean`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(app, t);
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${app.url}/?preset=race-unsafe&mode=ostep`, { waitUntil: 'load', timeout: T.load });
    await byId(page, 'ostep-line').waitFor({ timeout: T.load });
    for (const line of ['multi -n 2 -L a:100:100,b:100:50,c:100:50 -c -t -p', 'mlfq -h', 'scheduler -q 0x']) {
      await run(page, line);
      const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      assert.ok(scroll <= inner, `${line}: page is ${scroll} px wide in a ${inner} px window`);
      const axe = await new AxeBuilder({ page }).analyze();
      assert.deepEqual(axe.violations.map((v) => `${line}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`), []);
      if (line.startsWith('multi')) await shot(page, `ostep-${width}`);
    }
    page.done();
  });
}
