// The JSON editor: line numbers, no wrapping (an error's "line L, column C" is the place seen),
// a jump to the error, Tab indents (Esc then Tab leaves), Ctrl+Enter applies; errors in a
// learner's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, T, TEST_TIMEOUT, byId, newPage, openApp, shot, text, useApp, waitForPreset } from './lib.mjs';

const app = useApp();
const presetText = (key) => readFileSync(path.join(ROOT, 'presets', `${key}.json`), 'utf8');

/** The editor caret's line and column (1-based; columns count characters as the box shows them). */
async function caret(page) {
  return byId(page, 'scenario-editor').evaluate((el) => {
    const before = [...el.value.slice(0, el.selectionStart)].join('');
    const lines = before.split('\n');
    return { line: lines.length, column: [...lines[lines.length - 1]].length + 1, focused: document.activeElement === el };
  });
}

async function errorText(page) {
  await page.waitForFunction(() => (document.querySelector('[data-testid="import-error"]')?.textContent ?? '').trim().length > 0, null, { timeout: T.ui });
  return text(page, 'import-error');
}

test('line numbers match the lines, and lines do not wrap', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const value = await byId(page, 'scenario-editor').inputValue();
  const numbers = (await byId(page, 'editor-gutter').textContent()).trim().split('\n').map(Number);
  const lines = value.split('\n').length;
  assert.deepEqual(numbers, Array.from({ length: lines }, (_, i) => i + 1));
  const box = await byId(page, 'scenario-editor').evaluate((el) => ({
    wrap: el.getAttribute('wrap'), whiteSpace: getComputedStyle(el).whiteSpace, lineHeight: getComputedStyle(el).lineHeight,
    scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
  }));
  assert.equal(box.wrap, 'off');
  assert.equal(box.whiteSpace, 'pre');
  assert.ok(box.scrollWidth > box.clientWidth, 'the long description line scrolls instead of wrapping');
  const gutterLineHeight = await byId(page, 'editor-gutter').evaluate((el) => getComputedStyle(el).lineHeight);
  assert.equal(gutterLineHeight, box.lineHeight, 'gutter and text lines have one height');
  page.done();
});

test('an error on Apply puts the caret on its line and column, which the gutter marks', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const src = presetText('race-unsafe');
  // A program typo on the preset's `load` line: the message gives the program line and the file's line and column.
  const broken = src.replace('"  load r0, counter', '"  lod r0, counter');
  const editor = byId(page, 'scenario-editor');
  await editor.fill(broken);
  await byId(page, 'btn-apply').click();
  const msg = await errorText(page);
  const m = msg.match(/program line (\d+), column (\d+) \(file line (\d+), column (\d+)\)/);
  assert.ok(m, `the message gives both places: ${msg}`);
  // Backticked words are shown as code: the text has no backticks.
  assert.match(msg, /unknown instruction lod: did you mean load\?/);
  const [line, column] = [Number(m[3]), Number(m[4])];
  // Worked out from the text: the line holding `lod`, and `lod`'s first letter on it.
  const at = broken.indexOf('lod r0');
  const before = broken.slice(0, at).split('\n');
  assert.deepEqual([line, column], [before.length, before[before.length - 1].length + 1]);
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'scenario-editor');
  assert.deepEqual(await caret(page), { line, column, focused: true });
  assert.equal(await page.locator('[data-testid="editor-gutter"] .bad').textContent(), `${line}\n`);
  // The caret's line is visible: within the box's scrolled window.
  const visible = await editor.evaluate((el, l) => {
    const top = (l - 1) * 18;
    return top >= el.scrollTop && top + 18 <= el.scrollTop + el.clientHeight;
  }, line);
  assert.ok(visible, 'the error line is scrolled into view');
  await shot(page, 'editor-error-jump');

  // The button goes there again after the caret moved.
  await editor.evaluate((el) => el.setSelectionRange(0, 0));
  await byId(page, 'btn-show-error').click();
  assert.deepEqual(await caret(page), { line, column, focused: true });
  page.done();
});

test('a wrong type is said in words and located where it is seen', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const broken = presetText('race-unsafe').replace('"cpus": 2', '"cpus": "two"');
  await byId(page, 'scenario-editor').fill(broken);
  await byId(page, 'scenario-editor').press('Control+Enter');
  const msg = await errorText(page);
  assert.match(msg, /cpus must be a whole number from 1 to 64, got the text "two"/);
  for (const bad of ['u32', 'usize', '::', 'invalid type']) assert.ok(!msg.includes(bad), `${bad} in ${msg}`);
  const m = msg.match(/line (\d+), column (\d+)/);
  // Line 6 is `    "cpus": "two",`; the parser stops at the closing quote: 4 + 8 + 5 = column 17.
  assert.deepEqual([Number(m[1]), Number(m[2])], [6, 17]);
  assert.deepEqual(await caret(page), { line: 6, column: 17, focused: true });
  page.done();
});

test('Tab indents, Shift+Tab outdents, Esc then Tab leaves the box, Ctrl+Enter applies', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const editor = byId(page, 'scenario-editor');
  const src = await editor.inputValue();
  // Passing through by keyboard (focus by Tab, nothing typed): Tab moves on, the text unchanged
  // (a student tabbing to Play walked into the box and indented the scenario).
  await editor.focus();
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement?.dataset.testid), 'scenario-editor', 'Tab passes the box by');
  assert.equal(await editor.inputValue(), src);
  assert.equal(await byId(page, 'editor-unapplied').count(), 0, 'no unapplied edits');
  // Working in the box (a click into it): Tab indents. The caret at the start of line 2 (`  "format": 2,`).
  await editor.click();
  await editor.evaluate((el) => { const i = el.value.indexOf('\n') + 1; el.setSelectionRange(i, i); });
  await page.keyboard.press('Tab');
  let value = await editor.inputValue();
  assert.equal(value.split('\n')[1], '    "format": 2,');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'scenario-editor', 'Tab stays in the box');
  await page.keyboard.press('Shift+Tab');
  value = await editor.inputValue();
  assert.equal(value.split('\n')[1], '  "format": 2,');
  // Lines 2–3 selected: both indent.
  await editor.evaluate((el) => { const a = el.value.indexOf('\n') + 1; const b = el.value.indexOf('\n', el.value.indexOf('\n', a) + 1); el.setSelectionRange(a, b); });
  await page.keyboard.press('Tab');
  value = await editor.inputValue();
  assert.deepEqual(value.split('\n').slice(1, 3).map((l) => l.slice(0, 4)), ['    ', '    ']);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await editor.inputValue(), src, 'back to the text as written');
  // Esc then Tab: the focus moves on.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement?.dataset.testid), 'scenario-editor');
  assert.equal(await editor.inputValue(), src);

  // Ctrl+Enter applies: one loop of 5 runs far shorter than the preset.
  await editor.fill(src.replace('loop 500', 'loop 5'));
  await editor.press('Control+Enter');
  await waitForPreset(page, 'custom');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="scrub"]').max) < 100);
  page.done();
});

test('edits of one scenario left unapplied while another runs say whose they are; Discard shows the run', { timeout: TEST_TIMEOUT }, async (t) => {
  // Issue 7: the run shown was the deadlock while the editor held the edited race, unsaid.
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  const editor = byId(page, 'scenario-editor');
  const edited = (await editor.inputValue()).replace('loop 500', 'loop 5');
  await editor.fill(edited);
  const race = '\u201cRace: counter++ without a lock\u201d';
  const deadlock = '\u201cDeadlock: two locks, opposite order\u201d';
  assert.equal(await text(page, 'draft-note'), `Unapplied edits of ${race} \u2014 the run shown is ${race} without them.`);
  await byId(page, 'preset-select').selectOption('deadlock');
  await waitForPreset(page, 'deadlock');
  await page.waitForFunction((want) => document.querySelector('[data-testid="draft-note"]')?.textContent.trim() === want,
    `Unapplied edits of ${race} \u2014 the run shown is ${deadlock}.`);
  assert.equal(await editor.inputValue(), edited, 'the learner\'s edits are still there');
  // The banner is above the editor box, its buttons say whose edits they act on.
  const [banner, box] = [await byId(page, 'editor-unapplied').boundingBox(), await editor.boundingBox()];
  assert.ok(banner.y + banner.height <= box.y, `banner above the box: ${banner.y}+${banner.height} vs ${box.y}`);
  assert.equal(await byId(page, 'btn-discard').getAttribute('aria-label'), `Discard the unapplied edits of ${race}`);
  await shot(page, 'draft-of-another-scenario');
  // Discard: the editor shows the run shown (the deadlock preset as shipped), and the banner goes.
  await byId(page, 'btn-discard').click();
  await byId(page, 'editor-unapplied').waitFor({ state: 'detached' });
  assert.equal(await editor.inputValue(), presetText('deadlock'));
  // The banner's Apply runs the draft (as the custom scenario).
  await editor.fill(edited);
  await byId(page, 'btn-apply-draft').click();
  await waitForPreset(page, 'custom');
  await byId(page, 'editor-unapplied').waitFor({ state: 'detached' });
  page.done();
});
