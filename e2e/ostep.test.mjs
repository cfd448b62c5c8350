// The OSTEP mode: a command line for one of OSTEP's simulators, run in the mode's own worker,
// shows exactly what `threadlab ostep <same words>` prints; a bad flag is named (an empty value
// or list item called empty); -h shows the help; the Examples menu only fills the line (arrow
// keys run nothing); the line run is in the address (a reload and a link run it again, a broken
// one is named with its text kept); "Open as scenario" opens the run as the custom scenario and
// plays it, with the metrics `threadlab run` gives for the scenario `--scenario` prints, and
// hands the focus to the timeline's heading. At 390 and 1920 px: no sideways page scroll, the
// job table shows each job's whole name, and no accessibility violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import {
  CLI, T, TEST_TIMEOUT, byId, cliFile, newPage, nextOstepAnswer as nextAnswer, num, openApp, ostepAnswers as answers, shot, text, useApp,
  waitForPreset, waitNum,
} from './lib.mjs';

const app = useApp();

/** `threadlab ostep WORDS`: its exit status, stdout and stderr. Words split at spaces, a
 * '…' quoted one kept whole without its quotes (`''` is an empty word), as a shell does. */
function ostep(line) {
  assert.ok(existsSync(CLI), `no CLI at ${CLI}`);
  const words = line.match(/'[^']*'|[^\s']+/g).map((w) => w.replaceAll("'", ''));
  const r = spawnSync(CLI, ['ostep', ...words], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Types `line` in the command line field and runs it; waits for the answer. */
async function run(page, line) {
  const before = await answers(page);
  await byId(page, 'ostep-line').fill(line);
  await byId(page, 'ostep-run').click();
  await nextAnswer(page, before);
}

/** The monospace block's text, exactly. */
const block = (page, id) => byId(page, id).evaluate((el) => el.textContent);


/** The CLI's error for `line` as the page words it (`threadlab: ` and backquotes aside). */
const cliError = (line) => {
  const cli = ostep(line);
  assert.equal(cli.status, 1, line);
  return cli.stderr.trim().replace(/^threadlab: /, '').replaceAll('`', '');
};

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
  // An empty value or list item is called empty, with its flag and place, as the CLI says it.
  for (const line of ['scheduler -l 3,,1 -c', "scheduler -j '' -c", 'lottery -l 10:1,10: -c']) {
    await run(page, line);
    const said = await text(page, 'ostep-error');
    assert.equal(said, cliError(line), line);
    assert.match(said, /empty/, line);
    assert.doesNotMatch(said, / {2}/, `${line}: no gap where a word is missing`);
  }
  // The Examples menu only fills the line: browsing it with the arrow keys runs nothing.
  const example = 'multi -n 2 -L a:100:100,b:100:50,c:100:50 -c -t -p';
  const before = await answers(page);
  const examples = byId(page, 'ostep-examples');
  await examples.focus();
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('ArrowDown');
  const browsed = await examples.inputValue();
  assert.ok(browsed.length > 0, 'the arrow keys moved through the list');
  assert.equal(await byId(page, 'ostep-line').inputValue(), browsed, 'the line shows the example reached');
  await page.waitForTimeout(1500);
  assert.equal(await answers(page), before, 'browsing ran nothing');
  assert.equal(await byId(page, 'lab-ostep').getAttribute('aria-busy'), 'false');
  // Picked, it runs only on Run.
  await examples.selectOption(example);
  assert.equal(await byId(page, 'ostep-line').inputValue(), example);
  await page.waitForTimeout(500);
  assert.equal(await answers(page), before, 'picking ran nothing');
  await byId(page, 'ostep-run').click();
  await nextAnswer(page, before);
  assert.equal(await text(page, 'ostep-cli'), `threadlab ostep ${example}`);
  assert.equal(await block(page, 'ostep-text'), ostep(example).stdout);
  // A reload keeps the mode and the worker answers again.
  await page.reload({ waitUntil: 'load', timeout: T.load });
  await byId(page, 'ostep-line').waitFor({ timeout: T.load });
  await run(page, 'lottery -l 10:1,10:100 -c');
  assert.equal(await block(page, 'ostep-text'), ostep('lottery -l 10:1,10:100 -c').stdout);
  page.done();
});

test('the line run is in the address: a reload and a link run it again; a broken one is named, its text kept', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'mode-ostep').click();
  const line = "mlfq -n 2 -q 5 -l '0,20,0:0,10,3' -c";
  await run(page, line);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('mode'), 'ostep');
  assert.equal(url.searchParams.get('cmd'), line);
  assert.match(url.search, /cmd=mlfq%20-n%202%20-q%205%20-l%20%270%2C20%2C0%3A0%2C10%2C3%27%20-c/, 'percent-encoded');
  const want = ostep(line).stdout;
  assert.equal(await block(page, 'ostep-text'), want);
  // A reload runs it again, the line in the field.
  await page.reload({ waitUntil: 'load', timeout: T.load });
  await byId(page, 'ostep-text').waitFor({ timeout: T.load });
  assert.equal(await byId(page, 'ostep-line').inputValue(), line);
  assert.equal(await block(page, 'ostep-text'), want);
  assert.equal(await text(page, 'ostep-cli'), `threadlab ostep ${line}`);
  // Another mode drops it from the address; back in the OSTEP mode it returns.
  await byId(page, 'mode-compare').click();
  assert.equal(new URL(page.url()).searchParams.get('cmd'), null);
  await byId(page, 'mode-ostep').click();
  await page.waitForFunction((l) => new URL(location.href).searchParams.get('cmd') === l, line, { timeout: T.ui });
  page.done();
  // A shared link, in a fresh page, opens the mode with the line and runs it.
  const other = await newPage(app, t);
  const shared = 'scheduler -p RR -q 2 -l 3,5,1 -c';
  await other.goto(`${app.url}/?preset=race-unsafe&mode=ostep&cmd=${encodeURIComponent(shared)}`, { waitUntil: 'load', timeout: T.load });
  await byId(other, 'ostep-text').waitFor({ timeout: T.load });
  assert.equal(await byId(other, 'ostep-line').inputValue(), shared);
  assert.equal(await block(other, 'ostep-text'), ostep(shared).stdout);
  // A broken one: the flag named, as the CLI names it; the text kept in the field to mend.
  const broken = 'scheduler -p RR -q x -l 3,5,1';
  await other.goto(`${app.url}/?mode=ostep&cmd=${encodeURIComponent(broken)}`, { waitUntil: 'load', timeout: T.load });
  await byId(other, 'ostep-error').waitFor({ timeout: T.load });
  assert.equal(await text(other, 'ostep-error'), cliError(broken));
  assert.equal(await byId(other, 'ostep-line').inputValue(), broken);
  assert.equal(new URL(other.url()).searchParams.get('cmd'), broken, 'kept in the address too');
  other.done();
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
    // The focus goes to the simulator's timeline heading, and screen readers are told.
    await page.waitForFunction(() => document.activeElement?.id === 'timeline-title', null, { timeout: T.ui });
    assert.match(await text(page, 'mode-announce'), /custom scenario.*focus is on its timeline/);
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
    // The run opened as a scenario: the job table shows each job's whole name (`Job 0`).
    await run(page, 'scheduler -l 3,5,1,2,4,6,1,2,3,5,7,1 -c');
    await byId(page, 'ostep-open').click();
    await waitForPreset(page, 'custom');
    await byId(page, 'job-table').waitFor({ timeout: T.load });
    const names = await byId(page, 'job-table').locator('input.name').evaluateAll((inputs) =>
      inputs.map((i) => ({ value: i.value, scroll: i.scrollWidth, client: i.clientWidth })));
    assert.equal(names.length, 12);
    for (const [i, n] of names.entries()) {
      assert.equal(n.value, `Job ${i}`);
      assert.ok(n.scroll <= n.client, `Job ${i}: ${n.scroll} px of text in a ${n.client} px cell`);
    }
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert.ok(scroll <= inner, `job table: page is ${scroll} px wide in a ${inner} px window`);
    await shot(page, `ostep-jobs-${width}`);
    page.done();
  });
}
