// The OSTEP mode runs x86.py: a line naming x86 shows a program text area (filled with a
// counter program); Run shows exactly what `threadlab ostep` prints for the same words with
// `-p` naming a file holding that text, and the command it shows, copied and pasted in a shell,
// prints the same; "Open as scenario" opens the run as the custom
// scenario, named after the command without the program's text, and plays it with the
// makespan `threadlab run` gives (one tick per instruction). At 390 px the program area fits
// without sideways scroll and passes axe; a bad program's error names -p, the line and the
// column, and the program stays as typed. A racy run (OSTEP's looping-race-nolock.s, 2 threads)
// opened shows cell 2000 in the memory view and marks its lost update where the CLI's trace does.
// A run with a `.var` counter, an array and push/pop opened: its cells listed from t = 0, an
// array's by index, each thread's stack cells after the shared ones, marked; the code view without the assembled line, no
// thread called main. A reload keeps the mode's line and program, typed or run (a link wins).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import {
  CLI, T, TEST_TIMEOUT, byId, cliFile, newPage, nextOstepAnswer, num, openApp, ostepAnswers, scrub, setValue, shot, text, useApp,
  waitForPreset, waitNum,
} from './lib.mjs';

const app = useApp();

test('x86.py in the OSTEP mode: the program area, the CLI\'s text, and the run opened', { timeout: TEST_TIMEOUT }, async (t) => {
  assert.ok(existsSync(CLI), `no CLI at ${CLI}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'threadlab-x86-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'mode-ostep').click();
  // No program area for another simulator.
  await byId(page, 'ostep-line').fill('scheduler -p RR -q 2 -l 3,5,1 -c');
  assert.equal(await byId(page, 'ostep-program').count(), 0);
  const flags = '-p count.s -t 2 -i 3 -a bx=2 -M 2000 -R ax,bx -c';
  const line = `x86 ${flags}`;
  await byId(page, 'ostep-line').fill(line);
  await byId(page, 'ostep-program').waitFor({ timeout: T.ui });
  const program = await byId(page, 'ostep-program').inputValue();
  assert.match(program, /halt/);
  const before = await ostepAnswers(page);
  await byId(page, 'ostep-run').click();
  await nextOstepAnswer(page, before);
  // The CLI on a file holding the same text, run where `count.s` names it.
  writeFileSync(path.join(dir, 'count.s'), program);
  const cli = spawnSync(CLI, ['ostep', 'x86', ...flags.split(' ')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(cli.status, 0, cli.stderr);
  const shown = await byId(page, 'ostep-text').evaluate((el) => el.textContent);
  assert.equal(shown, cli.stdout);
  assert.match(shown, /------ Interrupt ------/);
  // The command shown above the answer, copied as a teacher copies it (the selection's text, so
  // line breaks the block does not keep are lost) and pasted in a shell, in a folder with no
  // count.s, with `threadlab` the CLI: it prints what the panel shows.
  const copied = await byId(page, 'ostep-cli').evaluate((el) => {
    getSelection().selectAllChildren(el);
    return getSelection().toString();
  });
  assert.match(copied, /^threadlab ostep x86 -p count\.s .*--program-text '/);
  const bin = mkdtempSync(path.join(tmpdir(), 'threadlab-bin-'));
  const empty = mkdtempSync(path.join(tmpdir(), 'threadlab-paste-'));
  t.after(() => [bin, empty].forEach((d) => rmSync(d, { recursive: true, force: true })));
  symlinkSync(path.resolve(CLI), path.join(bin, 'threadlab'));
  const pasted = spawnSync('sh', ['-c', copied], { cwd: empty, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  assert.equal(pasted.status, 0, `${copied}\n${pasted.stderr}`);
  assert.equal(pasted.stdout, shown);
  await shot(page, 'ostep-x86');
  // Open as scenario: named after the command, without the program's text.
  await byId(page, 'ostep-open').click();
  await waitForPreset(page, 'custom');
  const label = await page.locator('[data-testid="preset-select"] option:checked').textContent();
  assert.equal(label.trim(), 'Custom: OSTEP: x86 -p count.s -t 2 -i 3 -a bx=2 -M 2000 -R ax,bx');
  const scenario = spawnSync(CLI, ['ostep', 'x86', ...flags.split(' '), '--scenario'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(scenario.status, 0, scenario.stderr);
  const file = path.join(dir, 'x86.json');
  writeFileSync(file, scenario.stdout);
  const want = cliFile(file);
  // 2 threads × (2 rounds × 6 instructions + halt) = 26 instructions, one tick each.
  assert.equal(want.metrics.makespan, 26);
  await waitNum(page, 'metric-makespan', 26);
  await shot(page, 'ostep-x86-opened');
  page.done();
});

test('the x86 program area fits 390 px without sideways scroll, axe clean; a bad program is located', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(`${app.url}/?preset=race-unsafe&mode=ostep`, { waitUntil: 'load', timeout: T.load });
  await byId(page, 'ostep-line').fill('x86 -p count.s -t 2 -i 3 -a bx=2 -M 2000 -c');
  await byId(page, 'ostep-program').fill('.main\nmov 2000, %ax\nj .nowhere\nhalt\n');
  const before = await ostepAnswers(page);
  await byId(page, 'ostep-run').click();
  await nextOstepAnswer(page, before);
  // The error names -p, the line and the column; the program stays as typed.
  assert.match(await byId(page, 'ostep-error').textContent(), /-p: count\.s line 3, column 3: unknown label \.nowhere: no line \.nowhere names an instruction/);
  assert.equal(await byId(page, 'ostep-program').inputValue(), '.main\nmov 2000, %ax\nj .nowhere\nhalt\n');
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `page is ${scroll} px wide in a ${inner} px window`);
  const axe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`), []);
  await shot(page, 'ostep-x86-390');
  page.done();
});

// OSTEP's threads-intro/looping-race-nolock.s: `bx` rounds of `value++` at address 2000.
const LOOPING_RACE = `.main
.top
mov 2000, %ax  # get 'value' at address 2000
add $1, %ax    # increment it
mov %ax, 2000  # store it back
sub  $1, %bx
test $0, %bx
jgt .top
halt
`;

test('a racy x86 run opened: the memory view shows cell 2000 and marks the lost update', { timeout: TEST_TIMEOUT }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'threadlab-x86-race-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The CLI's trace of the same run: x86 steps whose store marks a lost update.
  const flags = '-p race.s -t 2 -i 2 -a bx=1 -M 2000 -c';
  writeFileSync(path.join(dir, 'race.s'), LOOPING_RACE);
  const scenario = spawnSync(CLI, ['ostep', 'x86', ...flags.split(' '), '--scenario'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(scenario.status, 0, scenario.stderr);
  const file = path.join(dir, 'race.json');
  writeFileSync(file, scenario.stdout);
  const want = cliFile(file, '--trace');
  const lost = want.trace.events.filter((e) => e.type === 'x86' && e.step.lost > 0);
  // Worked in tests/x86_memory.rs: thread 1 stores its 1 at t = 7 over thread 0's 1 of t = 5.
  assert.deepEqual(lost.map((e) => [e.time, e.tid]), [[7, 1]]);

  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'mode-ostep').click();
  await byId(page, 'ostep-line').fill(`x86 ${flags}`);
  await byId(page, 'ostep-program').waitFor({ timeout: T.ui });
  await byId(page, 'ostep-program').fill(LOOPING_RACE);
  const before = await ostepAnswers(page);
  await byId(page, 'ostep-run').click();
  await nextOstepAnswer(page, before);
  await byId(page, 'ostep-open').click();
  await waitForPreset(page, 'custom');
  await byId(page, 'btn-next-lost').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="scrub"]').value) === 7);
  // The cell, named by its address as x86.py's -M column is, holds the 1 just stored.
  assert.equal(await num(page, 'var-x86-2000'), 1);
  assert.equal(await text(page, 'lost-warning'), "⚠ lost update: Thread 1 stored 1 over Thread 0's write (Thread 0's +1 is lost)");
  assert.match(await text(page, 'lost-why'), /Thread 1 loaded 2000 = 0 at t = 3 µs/);
  await shot(page, 'ostep-x86-lost-update');
  page.done();
});

// A counter and an array (locks version), and a push and pop: each thread adds 1 to `count`,
// stores its %ax in slots[%ax] and pushes and pops it (tests/x86_memory.rs, ARRAY_STACK).
const ARRAY_STACK = `.var count
.var slots 4
.main
mov count, %bx
add $1, %bx
mov %bx, count
lea slots, %cx
mov %ax, 0(%cx,%ax,4)
push %ax
pop %dx
halt
`;

test('an x86 run opened: cells listed from t = 0, an array by index, stacks after them; no assembled line, no main thread', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await page.goto(`${app.url}/?preset=race-unsafe&mode=ostep`, { waitUntil: 'load', timeout: T.load });
  // The scenario's menu, settings and editors do nothing for the OSTEP mode: hidden.
  for (const id of ['preset-select', 'setting-cpus', 'setting-policy', 'scenario-editor']) {
    assert.equal(await byId(page, id).isVisible(), false, `${id} is shown in the OSTEP mode`);
  }
  await byId(page, 'ostep-line').fill('x86 -p a.s -t 2 -i 100 -a ax=0,ax=1 -M count -R ax,bx -c');
  await byId(page, 'ostep-program').fill(ARRAY_STACK);
  const before = await ostepAnswers(page);
  await byId(page, 'ostep-run').click();
  await nextOstepAnswer(page, before);
  await byId(page, 'ostep-open').click();
  await waitForPreset(page, 'custom');
  assert.equal(await byId(page, 'preset-select').isVisible(), true);
  // t = 0: the declared cells, at 0 (the walk saw "No variables." until the first store).
  assert.equal((await scrub(page)).value, 0);
  const memory = byId(page, 'memory-view');
  for (const name of ['count', 'slots[0]', 'slots[1]', 'slots[2]', 'slots[3]']) assert.equal(await num(page, `var-x86-${name}`), 0, name);
  assert.doesNotMatch(await memory.textContent(), /No variables/);
  // At the end: count 2, thread 1's 1 in slots[1] (not "108"), each push in its thread's stack.
  const { max } = await scrub(page);
  await setValue(page, 'scrub', max);
  await waitNum(page, 'var-x86-count', 2);
  assert.equal(await num(page, 'var-x86-slots[1]'), 1);
  assert.equal(await memory.locator('[data-testid="var-x86-108"]').count(), 0);
  // The rows in order: the shared cells, then thread 0's stack (from sp 128000 down), then
  // thread 1's (from 127000), each marked as that thread's.
  const rows = await memory.locator('table.vars tr:not(.lost-row)').evaluateAll((trs) => trs.map((tr) => [
    tr.querySelector('th').textContent, tr.querySelector('.value').textContent, tr.querySelector('[data-testid="stack-of"]')?.textContent ?? '',
  ]));
  const stack = (t) => `Thread ${t}'s stack: its own, push and call write it`;
  assert.deepEqual(rows, [
    ['count', '2', ''], ['slots[0]', '0', ''], ['slots[1]', '1', ''], ['slots[2]', '0', ''], ['slots[3]', '0', ''],
    ['127996', '0', stack(0)], ['126996', '1', stack(1)],
  ]);
  // The code view leaves out the assembled line, which the JSON keeps; no thread is "main".
  const listing = await byId(page, 'code-listing').textContent();
  assert.match(listing, /push %ax/);
  assert.doesNotMatch(listing, /# assembled/);
  assert.match(await byId(page, 'scenario-editor').inputValue(), /# assembled /);
  assert.equal(await byId(page, 'thread-table').locator('.badge', { hasText: 'main' }).count(), 0);
  await shot(page, 'ostep-x86-array-stack');
  page.done();
});

test('a reload keeps the OSTEP line and x86 program, typed or run; a link still wins', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await page.goto(`${app.url}/?preset=race-unsafe&mode=ostep`, { waitUntil: 'load', timeout: T.load });
  const line = 'x86 -p a.s -t 2 -i 2 -a ax=0,ax=1 -M count -c';
  const fields = async () => {
    await byId(page, 'ostep-program').waitFor({ timeout: T.load });
    return [await byId(page, 'ostep-line').inputValue(), await byId(page, 'ostep-program').inputValue()];
  };
  // Typed, not run.
  await byId(page, 'ostep-line').fill(line);
  await byId(page, 'ostep-program').fill(ARRAY_STACK);
  await page.reload({ waitUntil: 'load', timeout: T.load });
  assert.deepEqual(await fields(), [line, ARRAY_STACK]);
  // Run: the address carries it, and the fields stay.
  const before = await ostepAnswers(page);
  await byId(page, 'ostep-run').click();
  await nextOstepAnswer(page, before);
  await page.reload({ waitUntil: 'load', timeout: T.load });
  await byId(page, 'ostep-text').waitFor({ timeout: T.load });
  assert.deepEqual(await fields(), [line, ARRAY_STACK]);
  // Changed after the run, not run again: the change is kept over the address's line run.
  const changed = `${ARRAY_STACK}# changed\n`;
  await byId(page, 'ostep-program').fill(changed);
  await page.reload({ waitUntil: 'load', timeout: T.load });
  await byId(page, 'ostep-text').waitFor({ timeout: T.load });
  assert.deepEqual(await fields(), [line, changed]);
  // A shared link with another line and program, in the same browser: the link's.
  const shared = `x86 -p b.s -t 1 -c --program-text '.main\nhalt\n'`;
  await page.goto(`${app.url}/?mode=ostep&cmd=${encodeURIComponent(shared)}`, { waitUntil: 'load', timeout: T.load });
  await byId(page, 'ostep-text').waitFor({ timeout: T.load });
  assert.deepEqual(await fields(), ['x86 -p b.s -t 1 -c', '.main\nhalt\n']);
  page.done();
});
