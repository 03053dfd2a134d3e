/**
 * The render service a batch of notebooks shares (lib/report/figure-service.ts) draws a figure with
 * the bytes a kernel's own browser gives it, whichever figures its pages drew before and however
 * many at once: every committed figure (figures/), in a shuffled order, two at a time, against
 * this process's own browser (figure-render.ts without FIGURE_RENDER_SERVICE). Values JSON would
 * change (NaN, -0, undefined, a typed array, one object referenced twice) reach its page unchanged.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { closeFigureRenderer, FIGURE_RENDER_SERVICE, PlotlyFigure, RenderedFigure, renderFigure, RenderSize } from '../lib/report/figure-render';
import { FigureService, startFigureService } from '../lib/report/figure-service';
import { PROJECT_DIRECTORY } from './paths';

interface Figure { figure: PlotlyFigure; size: RenderSize }

/**
 * Every committed figure, as the figure and size it was drawn from: the spec from its standalone
 * page (figures/NAME.html, `Plotly.newPlot("figure", data, layout, …)`), the size from its PNG's
 * header (drawn at scale 1).
 */
function committedFigures(): Figure[] {
  const directory = join(PROJECT_DIRECTORY, 'figures');
  return readdirSync(directory).filter((name) => /^\d\d-.*\.html$/.test(name)).sort().map((name) => {
    const page = readFileSync(join(directory, name), 'utf8');
    const call = /Plotly\.newPlot\("figure", (.*), \{responsive: true\}\);/.exec(page);
    assert.ok(call, `${name}: no Plotly.newPlot call`);
    // data and layout are two JSON values side by side: parse them as one array.
    const [data, layout] = JSON.parse(`[${call[1]}]`) as [PlotlyFigure['data'], PlotlyFigure['layout']];
    const png = readFileSync(join(directory, name.replace(/\.html$/, '.png')));
    return { figure: { data, layout }, size: { width: png.readUInt32BE(16), height: png.readUInt32BE(20) } };
  });
}

/** Renders figures in this process's own browser (FIGURE_RENDER_SERVICE unset) or through the service. */
async function renderAll(figures: Figure[], service: string | undefined, atOnce: number): Promise<RenderedFigure[]> {
  if (service) process.env[FIGURE_RENDER_SERVICE] = service;
  else delete process.env[FIGURE_RENDER_SERVICE];
  const rendered: RenderedFigure[] = new Array(figures.length);
  let next = 0;
  const worker = async () => {
    while (next < figures.length) {
      const index = next++;
      rendered[index] = await renderFigure(figures[index].figure, figures[index].size);
    }
  };
  await Promise.all(Array.from({ length: atOnce }, worker));
  return rendered;
}

let service: FigureService;
before(async () => {
  service = await startFigureService(2);
});
after(async () => {
  delete process.env[FIGURE_RENDER_SERVICE];
  await service.close();
  await closeFigureRenderer();
});

test('the render service draws every committed figure as a kernel\'s own browser does, in any order, two at a time', async () => {
  const figures = committedFigures();
  assert.ok(figures.length >= 30, `only ${figures.length} committed figures`);
  const own = await renderAll(figures, undefined, 1);
  // A fixed shuffle (a seeded linear congruential sequence), so a failure reproduces.
  const order = figures.map((_, index) => index);
  let state = 42;
  for (let i = order.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const shuffled = await renderAll(order.map((index) => figures[index]), service.url, 2);
  order.forEach((index, position) => {
    assert.ok(shuffled[position].png.equals(own[index].png), `figure ${index}: the PNG differs`);
    assert.equal(shuffled[position].svg, own[index].svg, `figure ${index}: the SVG differs`);
  });
});

test('values JSON would change reach the service\'s page unchanged', async () => {
  const shared = { color: 'rgb(31, 119, 180)' };
  const figure: PlotlyFigure = {
    data: [
      { type: 'scatter', x: [0, 1, 2, 3], y: [1, Number.NaN, -0, 2], marker: shared, name: undefined },
      { type: 'bar', x: new Float32Array([0.5, 1.5]), y: [Number.POSITIVE_INFINITY, 1], marker: shared },
    ],
    layout: { title: { text: 'NaN, -0, undefined, Infinity, a typed array, a shared object' } },
  };
  const size = { width: 400, height: 300 };
  const [own] = await renderAll([{ figure, size }], undefined, 1);
  const [served] = await renderAll([{ figure, size }], service.url, 1);
  assert.ok(served.png.equals(own.png), 'the PNG differs');
  assert.equal(served.svg, own.svg);
});
