/**
 * What a reader sees, in a real browser: the HTML report renders every figure; JupyterLab shows a
 * committed notebook's figures without modifying the notebook, and draws the interactive plotly
 * figure of a notebook run with a reader's parameters.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    `--ServerApp.runtime_dir=${mkdtempSync(join(tmpdir(), 'lab-runtime-'))}`, '--ContentsManager.allow_hidden=True', '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
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

/** The first notebook whose committed outputs hold a figure. */
const notebookWithFigure = notebooks.find((name) => readFileSync(join(PROJECT_DIRECTORY, 'notebooks', name), 'utf8').includes('"image/png"'))!;

/**
 * A notebook as a run with a reader's parameters leaves it (lib/report/display.ts): one output with
 * the plotly spec and its PNG. Written under .cache/ (ignored by git); returns its path from the project.
 */
function readerNotebook(): string {
  const folder = join(PROJECT_DIRECTORY, '.cache', 'browser-test');
  mkdirSync(folder, { recursive: true });
  const committed = JSON.parse(readFileSync(join(PROJECT_DIRECTORY, 'notebooks', notebookWithFigure), 'utf8'));
  const png = committed.cells.flatMap((cell: { outputs?: { data?: Record<string, unknown> }[] }) => cell.outputs ?? []).find((output: { data?: Record<string, unknown> }) => output.data?.['image/png']).data['image/png'];
  const figure = { data: [{ type: 'scatter', mode: 'markers', x: [1, 2, 3], y: [0.89, 0.9, 0.91], name: 'ours' }], layout: { width: 600, height: 300 } };
  const notebook = {
    nbformat: 4, nbformat_minor: 5, metadata: committed.metadata,
    cells: [{ cell_type: 'code', id: 'reader-figure', metadata: {}, execution_count: 1, source: ['// a figure of a run with a reader\'s parameters'],
      outputs: [{ output_type: 'display_data', metadata: {}, data: { 'application/vnd.plotly.v1+json': figure, 'image/png': png, 'text/plain': '<plotly figure>' } }] }],
  };
  writeFileSync(join(folder, 'reader.ipynb'), JSON.stringify(notebook));
  return '.cache/browser-test/reader.ipynb';
}

test('JupyterLab on localhost, behind a random token and XSRF protection: a committed notebook\'s figures stay as they are when hovered, a reader\'s run draws the live plot', async () => {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const reader = readerNotebook();
  const lab = await startJupyterLab(port, token);
  try {
    const page = await (await openBrowser()).newPage();
    const refused = await page.request.get(`http://127.0.0.1:${port}/api/contents/notebooks`);
    assert.equal(refused.status(), 403, 'the API answers without the token');
    // A committed notebook: its figure is a PNG, and no renderer is there to replace it on hover
    // (jupyterlab-plotly would, and would then write its own screenshot into the notebook).
    await page.goto(`http://127.0.0.1:${port}/lab/tree/notebooks/${notebookWithFigure}?token=${token}`);
    const image = await page.waitForSelector('.jp-RenderedImage img', { timeout: 90_000 });
    await image.scrollIntoViewIfNeeded();
    const box = (await image.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    assert.equal(await page.$$eval('.jp-RenderedPlotly', (elements) => elements.length), 0, 'a committed figure has a plotly renderer');
    assert.equal(await page.$$eval('.jp-mod-dirty', (elements) => elements.length), 0, 'reading marked the notebook modified');
    // A reader's run: jupyterlab-plotly first shows the PNG and swaps in the live plot on hover.
    await page.goto(`http://127.0.0.1:${port}/lab/tree/${reader}?token=${token}`);
    const preview = await page.waitForSelector('.jp-RenderedPlotly img.plot-img', { timeout: 90_000 });
    await preview.scrollIntoViewIfNeeded();
    const area = (await preview.boundingBox())!;
    await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
    await page.waitForSelector('.jp-RenderedPlotly .plot-container .main-svg', { timeout: 60_000 });
    const traces = await page.$$eval('.jp-RenderedPlotly .plot-container .main-svg .trace', (elements) => elements.length);
    assert.ok(traces > 0, 'the plotly figure has no drawn trace');
    await page.close();
  } finally {
    lab.kill('SIGTERM');
  }
});
