// Accessibility: axe-core finds no violations on the page, for every preset and with an error shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { TEST_TIMEOUT, byId, newPage, openApp, useApp } from './lib.mjs';

const app = useApp();

async function violations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  assert.ok(result.passes.length > 10, 'axe ran its rules');
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

for (const preset of ['single-thread', 'race-unsafe', 'race-mutex', 'mixed-rr-2cpu', 'deadlock']) {
  test(`no accessibility violations: ${preset}`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(app, t);
    await openApp(page, app, preset);
    assert.deepEqual(await violations(page), []);
    page.done();
  });
}

test('no accessibility violations with an error and a bad setting shown', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'scenario-editor').fill('{ "name": ');
  await byId(page, 'btn-apply').click();
  await byId(page, 'import-error').waitFor();
  await byId(page, 'setting-cpus').fill('0');
  await byId(page, 'setting-error').waitFor();
  assert.deepEqual(await violations(page), []);
  page.done();
});

test('no accessibility violations with the job table, kept scenarios and an error in the editor', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'mixed-fcfs-1cpu');
  await byId(page, 'btn-keep').click();
  await byId(page, 'btn-delete-saved').waitFor();
  await byId(page, 'btn-job-template').click();
  await byId(page, 'job-table').waitFor();
  await byId(page, 'job-0-bursts').fill('x');
  await byId(page, 'job-0-bursts').press('Tab');
  await byId(page, 'job-error').waitFor();
  await byId(page, 'btn-apply').click();
  assert.deepEqual(await violations(page), []);
  await byId(page, 'scenario-editor').fill('{ "name": 5 }');
  await byId(page, 'btn-apply').click();
  await byId(page, 'btn-show-error').waitFor();
  assert.deepEqual(await violations(page), []);
  page.done();
});

test('no accessibility violations with the language reference open, at a lost update, on a phone', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await page.setViewportSize({ width: 390, height: 900 });
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'btn-next-lost').click();
  await byId(page, 'lost-why').waitFor();
  assert.deepEqual(await violations(page), []);
  await byId(page, 'btn-language').click();
  await byId(page, 'language-reference').waitFor({ state: 'visible' });
  assert.deepEqual(await violations(page), []);
  page.done();
});

test('no accessibility violations with a draft of another scenario and a forget to confirm', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(app, t);
  await openApp(page, app, 'race-unsafe');
  await byId(page, 'scenario-editor').fill('{ "name": "half-written"');
  await byId(page, 'preset-select').selectOption('deadlock');
  await page.waitForFunction(() => /the run shown is \u201cDeadlock/.test(document.querySelector('[data-testid="draft-note"]')?.textContent ?? ''));
  await byId(page, 'btn-keep').click();
  await byId(page, 'btn-delete-saved').click();
  await byId(page, 'forget-confirm').waitFor();
  assert.deepEqual(await violations(page), []);
  page.done();
});
