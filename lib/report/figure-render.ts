/**
 * Renders plotly figures to PNG and SVG in headless Chromium (plotly.js needs a browser to lay out
 * text and axes). One browser serves every figure of a process: launching it, opening a page and
 * loading plotly.js into it cost seconds. A batch of notebooks (scripts/execute-notebooks.py) pays
 * that once: its render service (lib/report/figure-service.ts), named in FIGURE_RENDER_SERVICE,
 * renders every kernel's figures in pages it keeps warm, with this module's renderer (browser, page
 * and drawing code), so the bytes are the same.
 *
 * The browser is Debian's `chromium` (make installs it); nothing is ever downloaded at run time.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags for a sandboxed, offline, GPU-less machine: no background network calls, no first-run UI. */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A plotly figure as plain data: what plotly.js's newPlot takes and the Jupyter mimetype holds. */
export interface PlotlyFigure {
  data: object[];
  layout?: Record<string, unknown>;
}

export const PLOTLY_BUNDLE = require.resolve('plotly.js-dist-min/plotly.min.js');

/**
 * The one font every figure is drawn with (plotly's own first choice), installed by the project
 * (`make system`: Debian's fonts-open-sans) and named in every figure. Left to plotly's default
 * stack, text resolves to whatever fonts a machine has, and every PNG and SVG changes with them.
 */
export const FIGURE_FONT = 'Open Sans';

/** The figure with the project's font named in its layout (titles, axes, legends, annotations inherit it). */
export function withFigureFont(figure: PlotlyFigure): PlotlyFigure {
  const font = { ...(figure.layout?.font as object | undefined), family: FIGURE_FONT };
  return { data: figure.data, layout: { ...figure.layout, font } };
}

/** Fails unless fontconfig resolves FIGURE_FONT to itself (not to a substitute). */
export function checkFigureFont(): void {
  let family = '';
  try {
    family = execFileSync('fc-match', ['-f', '%{family}', FIGURE_FONT], { encoding: 'utf8' });
  } catch {
    throw new Error(`cannot ask fontconfig for the figure font (fc-match failed): run \`make setup\` (installs fontconfig and fonts-open-sans)`);
  }
  if (!family.split(',').includes(FIGURE_FONT)) {
    throw new Error(`the figure font "${FIGURE_FONT}" is not installed (fontconfig substitutes "${family}", which would change every figure): run \`make setup\` (installs Debian's fonts-open-sans)`);
  }
}

/** Names the render service (its URL) that this process's figures are drawn by instead of a browser of its own. */
export const FIGURE_RENDER_SERVICE = 'FIGURE_RENDER_SERVICE';
/** Names a file that every figure's render time is appended to (`<pid>\t<ms>\t<epoch ms at the end>`), for the notebook benchmark; unset, nothing is written. */
export const FIGURE_RENDER_LOG = 'FIGURE_RENDER_LOG';

/** Fails, saying what to do, unless the figure font and Chromium are installed. */
function checkFigureRenderer(): void {
  checkFigureFont();
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: run \`make setup\` (installs Debian's chromium) or set CHROMIUM_PATH`);
  }
}

/** A page of the browser holding one empty figure element and plotly.js. */
async function newPlotlyPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body><div id="figure"></div></body></html>');
  await page.addScriptTag({ path: PLOTLY_BUNDLE });
  return page;
}

/** Plotly pages that draw one figure at a time each (still loading at first); a figure waits for the first free one. */
class PagePool {
  private readonly waiting: ((page: Page) => void)[] = [];
  private readonly idle: Page[] = [];
  private readonly ready: Promise<void>;

  constructor(loading: Promise<Page[]>) {
    this.ready = loading.then((pages) => pages.forEach((page) => this.release(page)));
    // A browser that failed to start, or was closed while its pages loaded, fails the figures that
    // wait for it (use), and nothing else.
    this.ready.catch(() => undefined);
  }

  async use<T>(work: (page: Page) => Promise<T>): Promise<T> {
    await this.ready;
    const page = this.idle.pop() ?? await new Promise<Page>((resolve) => this.waiting.push(resolve));
    try {
      return await work(page);
    } finally {
      this.release(page);
    }
  }

  private release(page: Page): void {
    const next = this.waiting.shift();
    if (next) next(page);
    else this.idle.push(page);
  }
}

/**
 * Headless Chromium with plotly pages that draw figures. Its declaration names no playwright type:
 * every notebook's TypeScript check loads this module's declarations, and playwright's are 2 MB.
 */
export interface FigureRenderer {
  /** Draws a figure on the first free page, waiting for one. */
  render(figure: PlotlyFigure, size: RenderSize): Promise<RenderedFigure>;
  close(): Promise<void>;
}

/**
 * Launches the browser with `pages` plotly pages: figures wait for them, the caller does not.
 * @throws Error at once when the figure font or Chromium is missing (with what to do)
 */
export function launchFigureRenderer(pages: number): FigureRenderer {
  checkFigureRenderer();
  const browser = import('playwright-core').then(({ chromium }) => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS }));
  const pool = new PagePool(browser.then((launched) => Promise.all(Array.from({ length: Math.max(1, pages) }, () => newPlotlyPage(launched)))));
  return {
    render: (figure, size) => pool.use((page) => renderOnPage(page, figure, size)),
    close: () => browser.then((launched) => launched.close(), () => undefined),
  };
}

let ownRenderer: FigureRenderer | null = null;

/** Closes this process's own browser (launched by its first figure), so that a script or test can end. */
export async function closeFigureRenderer(): Promise<void> {
  const renderer = ownRenderer;
  ownRenderer = null;
  await renderer?.close();
}

/** This process's own renderer: one page, in a browser launched by the first figure and closed when the process exits. */
function ownFigureRenderer(): FigureRenderer {
  if (!ownRenderer) {
    const renderer = launchFigureRenderer(1);
    // Let a finished notebook or script exit without closing the browser by hand.
    process.once('exit', () => void renderer.close().catch(() => undefined));
    ownRenderer = renderer;
  }
  return ownRenderer;
}

export interface RenderSize {
  width: number;
  height: number;
  /** Pixel density of the PNG (default 1: one PNG pixel per layout pixel keeps every notebook small; the SVG and HTML exports stay sharp at any size). */
  scale?: number;
}

export interface RenderedFigure {
  png: Buffer;
  svg: string;
}

/** Renders a figure to PNG bytes and SVG text with plotly.js's own exporter: in the render service when one is named, else in this process's browser. */
export async function renderFigure(figure: PlotlyFigure, size: RenderSize): Promise<RenderedFigure> {
  const started = performance.now();
  const service = process.env[FIGURE_RENDER_SERVICE];
  const rendered = service ? await requestRender(service, figure, size) : await ownFigureRenderer().render(figure, size);
  const log = process.env[FIGURE_RENDER_LOG];
  if (log) appendFileSync(log, `${process.pid}\t${(performance.now() - started).toFixed(1)}\t${Date.now()}\n`);
  return rendered;
}

/** Draws a figure on a plotly page (newPlotlyPage) and exports it; the page is left as it was found. */
async function renderOnPage(page: Page, figure: PlotlyFigure, size: RenderSize): Promise<RenderedFigure> {
  const [pngDataUrl, svgDataUrl] = await page.evaluate(
    async ({ figure, size }) => {
      // plotly.js is loaded into the page as a global script.
      const plotly = (globalThis as unknown as { Plotly: any }).Plotly;
      const element = document.getElementById('figure')!;
      // Fixed trace ids (plotly draws random ones) keep the SVG identical from run to run.
      const traces = figure.data.map((trace, index) => ({ uid: `trace${index}`, ...trace }));
      await plotly.newPlot(element, traces, { ...figure.layout, width: size.width, height: size.height }, { staticPlot: true });
      const png = await plotly.toImage(element, { format: 'png', width: size.width, height: size.height, scale: size.scale ?? 1 });
      const svg = await plotly.toImage(element, { format: 'svg', width: size.width, height: size.height });
      plotly.purge(element);
      return [png, svg] as [string, string];
    },
    { figure, size },
  );
  const png = Buffer.from(pngDataUrl.slice(pngDataUrl.indexOf(',') + 1), 'base64');
  return { png, svg: stableSvg(decodeURIComponent(svgDataUrl.slice(svgDataUrl.indexOf(',') + 1))) };
}

/**
 * A render request and its answer travel as V8's structured clone (node:v8 serialize), not JSON:
 * the figure reaches the service's page with every value the kernel's own page would have received
 * (NaN, -0, Infinity, undefined, typed arrays, one object referenced twice), which JSON would
 * change, and so with the same bytes.
 */
export interface RenderRequest { figure: PlotlyFigure; size: RenderSize }
export type RenderAnswer = RenderedFigure | { error: string };

/** Asks the render service at `url` for a figure. */
async function requestRender(url: string, figure: PlotlyFigure, size: RenderSize): Promise<RenderedFigure> {
  const request: RenderRequest = { figure, size };
  let answer: RenderAnswer;
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: serialize(request) });
    answer = deserialize(Buffer.from(await response.arrayBuffer())) as RenderAnswer;
  } catch (error) {
    throw new Error(`the figure render service at ${url} (${FIGURE_RENDER_SERVICE}) did not answer: ${(error as Error).message}`);
  }
  if ('error' in answer) throw new Error(`the figure render service could not draw the figure: ${answer.error}`);
  return { png: Buffer.from(answer.png), svg: answer.svg };
}

/**
 * plotly names clip paths after a random id drawn for every plot; replacing it with a fixed one
 * makes the SVG of the same figure byte-identical from run to run (so regenerated figures can be
 * compared with the committed ones). The PNG is deterministic already.
 */
function stableSvg(svg: string): string {
  const randomId = /clip([0-9a-f]{6})/.exec(svg)?.[1];
  const fixedIds = randomId ? svg.split(randomId).join('fixed0') : svg;
  // Chromium serialises an empty style attribute before or after viewBox from run to run; drop it.
  return fixedIds.replace(/ style=""/g, '');
}
