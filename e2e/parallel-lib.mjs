// Helpers for the parallel mode's browser tests (parallel.html).
import { T, byId } from './lib.mjs';

/** Opens parallel.html (with address flags `query`) and waits until its module has started. */
export async function openParallel(page, env, query = '') {
  await page.goto(`${env.url}/parallel.html${query}`, { waitUntil: 'load', timeout: T.load });
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.dataset.kind, null, {
    timeout: T.load,
  });
}

/** Runs with `workers` workers and `iterations` additions each; resolves to the status's kind. */
export async function run(page, workers, iterations, timeout = T.play) {
  await byId(page, 'workers').fill(String(workers));
  await byId(page, 'iterations').selectOption(String(iterations));
  await byId(page, 'run').click();
  await page.waitForFunction(
    () => ['done', 'stopped', 'error'].includes(document.querySelector('[data-testid="status"]')?.dataset.kind),
    null,
    { timeout },
  );
  return byId(page, 'status').getAttribute('data-kind');
}

/** The results table's rows: { plain, atomic, lock } each { expected, got, lost }. */
export async function results(page) {
  return page.evaluate(() => {
    const out = {};
    for (const key of ['plain', 'atomic', 'lock']) {
      const row = document.querySelector(`[data-testid="result-${key}"]`);
      if (row) out[key] = { expected: +row.dataset.expected, got: +row.dataset.got, lost: +row.dataset.lost };
    }
    return out;
  });
}
