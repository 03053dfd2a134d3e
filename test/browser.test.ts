/**
 * What a reader sees, in a real browser: the HTML report renders every figure, and JupyterLab draws
 * the interactive plotly figure of an executed notebook.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../lib/report/figure-render';
import { PROJECT_DIRECTORY } from './paths';

let browser: Browser | null = null;
async function openBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  browser ??= await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  return browser;
}
after(async () => { await browser?.close(); });

const notebooks = readdirSync(join(PROJECT_DIRECTORY, 'notebooks')).filter((name) => /^\d\d-.*\.ipynb$/.test(name)).sort();

test('the HTML report of the executed notebooks shows every figure, loading nothing from a network', async () => {
  const output = join(mkdtempSync(join(tmpdir(), 'report-')), 'index.html');
  const paths = notebooks.map((name) => join(PROJECT_DIRECTORY, 'notebooks', name));
  const build = spawnSync(join(PROJECT_DIRECTORY, '.venv/bin/python'), [join(PROJECT_DIRECTORY, 'scripts/build-report.py'), output, ...paths], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const pngOutputs = paths.reduce((count, path) => count + (readFileSync(path, 'utf8').match(/"image\/png"/g) ?? []).length, 0);
  assert.ok(pngOutputs > 0, 'the committed notebooks hold no figure outputs');

  const page = await (await openBrowser()).newPage();
  const remoteRequests: string[] = [];
  page.on('request', (request) => { if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) remoteRequests.push(request.url()); });
  await page.goto(`file://${output}`);
  const images = await page.$$eval('img', (elements) => elements.map((img) => ({ width: (img as HTMLImageElement).naturalWidth, complete: (img as HTMLImageElement).complete })));
  assert.equal(images.length, pngOutputs, 'every figure output becomes an image');
  assert.ok(images.every((image) => image.complete && image.width > 100), 'an image did not decode');
  assert.deepEqual(remoteRequests, []);
  await page.close();
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** JupyterLab on a free local port with a random token and XSRF protection on; resolves once it serves. */
function startJupyterLab(port: number, token: string): Promise<ChildProcess> {
  // Started as `make lab` starts it (scripts/lab: --allow-root added when the user is root).
  const lab = spawn(join(PROJECT_DIRECTORY, 'scripts/lab'), [
    '--no-browser', `--port=${port}`,
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${PROJECT_DIRECTORY}`,
    `--ServerApp.runtime_dir=${mkdtempSync(join(tmpdir(), 'lab-runtime-'))}`, '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    // The server announces its address once it listens: no retrying against a clock.
    lab.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(`127.0.0.1:${port}/lab`)) resolve(lab);
    });
    lab.on('exit', (code) => reject(new Error(`JupyterLab exited (${code}) before it served:\n${log.slice(-2000)}`)));
  });
}

/** The first notebook whose committed outputs hold a plotly figure. */
const notebookWithFigure = notebooks.find((name) => readFileSync(join(PROJECT_DIRECTORY, 'notebooks', name), 'utf8').includes('application/vnd.plotly.v1+json'))!;

test('JupyterLab on localhost, behind a random token and XSRF protection, draws the interactive plotly figure of an executed notebook', async () => {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const lab = await startJupyterLab(port, token);
  try {
    const page = await (await openBrowser()).newPage();
    const refused = await page.request.get(`http://127.0.0.1:${port}/api/contents/notebooks`);
    assert.equal(refused.status(), 403, 'the API answers without the token');
    await page.goto(`http://127.0.0.1:${port}/lab/tree/notebooks/${notebookWithFigure}?token=${token}`);
    // jupyterlab-plotly first shows the output's PNG, and swaps in the live plot drawn from the
    // stored application/vnd.plotly.v1+json spec when the pointer comes over it, as a reader's would.
    const image = await page.waitForSelector('.jp-RenderedPlotly img.plot-img', { timeout: 90_000 });
    await image.scrollIntoViewIfNeeded();
    const box = (await image.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('.jp-RenderedPlotly .plot-container .main-svg', { timeout: 60_000 });
    const traces = await page.$$eval('.jp-RenderedPlotly .plot-container .main-svg .trace', (elements) => elements.length);
    assert.ok(traces > 0, 'the plotly figure has no drawn trace');
    await page.close();
  } finally {
    lab.kill('SIGTERM');
  }
});
