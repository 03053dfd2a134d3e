/**
 * Every figure of the report as a plotly specification (plain data: traces + layout). Notebooks
 * call these and hand the result to showFigure; no notebook builds a figure by hand.
 *
 * Accuracies are drawn as dots with their intervals, never as bars on a cut axis; curve panels
 * name their y axis; maps of one quantity share one colour scale.
 */
import * as tf from '../base/tensorflow';
import type { Border } from '../data/analysis';
import { MetricName } from '../model/metrics';
import type { EpochRecord } from '../model/train';
import type { AveragedEpoch } from '../study/study';
import { SERIES_COLORS, seriesColors } from './colors';
import type { PlotlyFigure } from './figure-render';

const CURVE_METRICS: MetricName[] = ['loss', 'accuracy', 'precision', 'recall'];
const METRIC_TITLES: Record<MetricName, string> = {
  loss: 'loss (cross-entropy)', accuracy: 'accuracy', precision: 'precision (Keras-style)', recall: 'recall (Keras-style)',
};

/** Plotly's d3 format for hover labels: 4 decimals (as the tables print), trailing zeros dropped. */
export const HOVER_FORMAT = '.4~f';

/**
 * The figure with hover labels at the tables' precision: every axis (and every heatmap's z) gets
 * HOVER_FORMAT unless it sets its own, so hovering shows 0.9080, not 0.9080000042915344. Static
 * renderings are unchanged.
 */
export function withHoverDigits(figure: PlotlyFigure): PlotlyFigure {
  const layout: Record<string, unknown> = { ...(figure.layout ?? {}) };
  const axes = new Set(['xaxis', 'yaxis', ...Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key))]);
  for (const axis of axes) {
    const settings = (layout[axis] ?? {}) as Record<string, unknown>;
    if (settings.hoverformat === undefined) layout[axis] = { ...settings, hoverformat: HOVER_FORMAT };
  }
  const data = figure.data.map((trace) => {
    const entry = trace as Record<string, unknown>;
    return entry.type === 'heatmap' && entry.zhoverformat === undefined && entry.hovertemplate === undefined ? { ...entry, zhoverformat: HOVER_FORMAT } : trace;
  });
  return { data, layout };
}

/** Axis names and domains of cell `index` in a rows×columns grid of subplots. */
function gridCell(index: number, rows: number, columns: number, gap = 0.08) {
  const row = Math.floor(index / columns);
  const column = index % columns;
  const width = (1 - gap * (columns - 1)) / columns;
  const height = (1 - gap * (rows - 1)) / rows;
  const suffix = index === 0 ? '' : String(index + 1);
  const x0 = column * (width + gap);
  const y1 = 1 - row * (height + gap);
  return {
    xaxis: `x${suffix}`, yaxis: `y${suffix}`, xaxisKey: `xaxis${suffix}`, yaxisKey: `yaxis${suffix}`,
    xDomain: [x0, x0 + width], yDomain: [y1 - height, y1], center: [x0 + width / 2, y1],
  };
}

function title(text: string) {
  return { text, x: 0.5, xanchor: 'center' };
}

export function classBalanceFigure(classNames: readonly string[], trainCounts: number[], testCounts: number[]): PlotlyFigure {
  return {
    data: [
      { type: 'bar', name: 'training set', x: [...classNames], y: trainCounts, marker: { color: SERIES_COLORS['training set'] }, text: trainCounts.map(String), textposition: 'auto' },
      { type: 'bar', name: 'test set', x: [...classNames], y: testCounts, marker: { color: SERIES_COLORS['test set'] }, text: testCounts.map(String), textposition: 'auto' },
    ],
    layout: { title: title('Images per class'), barmode: 'group', yaxis: { title: { text: 'images' } }, legend: { orientation: 'h', y: -0.2 } },
  };
}

const GALLERY_GAP = 4;
const GALLERY_CAPTION = 14;

/**
 * Small grayscale images (pixel rows top to bottom, values in [0, 1]) in a grid with captions,
 * drawn as ONE embedded PNG: the notebook keeps a few kilobytes of image instead of every pixel
 * as a number, and looks the same.
 */
export async function galleryFigure(images: { pixels: number[][]; caption: string }[], columns: number, heading: string): Promise<PlotlyFigure> {
  const side = images[0].pixels.length;
  const rows = Math.ceil(images.length / columns);
  const cellWidth = side + GALLERY_GAP;
  const cellHeight = side + GALLERY_GAP + GALLERY_CAPTION;
  const width = columns * cellWidth;
  const height = rows * cellHeight;
  const canvas = new Uint8Array(width * height).fill(255);
  images.forEach((image, index) => {
    const left = (index % columns) * cellWidth;
    const top = Math.floor(index / columns) * cellHeight + GALLERY_CAPTION;
    image.pixels.forEach((line, y) => line.forEach((value, x) => { canvas[(top + y) * width + left + x] = Math.round(255 * (1 - value)); }));
  });
  const png = await tf.node.encodePng(tf.tensor3d(canvas, [height, width, 1], 'int32'));
  const annotations = images.map((image, index) => ({
    text: image.caption, x: (index % columns) * cellWidth + side / 2, y: Math.floor(index / columns) * cellHeight + GALLERY_CAPTION - 2,
    xref: 'x', yref: 'y', showarrow: false, font: { size: 9 }, xanchor: 'center', yanchor: 'bottom',
  }));
  return {
    data: [{ type: 'image', source: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, hoverinfo: 'skip' }],
    layout: {
      title: title(heading), margin: { t: 60, l: 10, r: 10, b: 10 }, annotations,
      xaxis: { visible: false, range: [0, width] }, yaxis: { visible: false, range: [height, 0], scaleanchor: 'x' },
    },
  };
}

/** Side-by-side heatmaps of maps, each colour bar titled with its map's unit; with `sharedScale` (the unit), one colour scale (and bar) for all of them. */
export function pixelMapsFigure(maps: { map: number[][]; caption: string; unit?: string }[], heading: string, options: { sharedScale?: string } = {}): PlotlyFigure {
  const layout: Record<string, unknown> = { title: title(heading), annotations: [] };
  const values = maps.flatMap((entry) => entry.map.flat());
  const range = options.sharedScale ? { zmin: Math.min(...values), zmax: Math.max(...values) } : {};
  const data = maps.map((entry, index) => {
    const cell = gridCell(index, 1, maps.length, 0.2);
    layout[cell.xaxisKey] = { domain: cell.xDomain, anchor: cell.yaxis, title: { text: 'column' }, constrain: 'domain' };
    layout[cell.yaxisKey] = { domain: [0, 0.9], autorange: 'reversed', scaleanchor: cell.xaxis, anchor: cell.xaxis, title: { text: 'row' } };
    (layout.annotations as object[]).push({ text: entry.caption, x: cell.center[0], y: 0.97, xref: 'paper', yref: 'paper', showarrow: false, xanchor: 'center' });
    const shared = options.sharedScale !== undefined;
    return {
      type: 'heatmap', z: entry.map, xaxis: cell.xaxis, yaxis: cell.yaxis, colorscale: 'Viridis', ...range,
      showscale: !shared || index === maps.length - 1,
      colorbar: { x: shared ? 1.02 : cell.xDomain[1] + 0.01, len: 0.9, y: 0.45, thickness: 12, title: { text: shared ? options.sharedScale : entry.unit ?? entry.caption, side: 'right' } },
    };
  });
  return { data, layout };
}

export function borderProfileFigure(profiles: Record<Border, number[]>, heading: string, yTitle: string): PlotlyFigure {
  const colors = seriesColors((Object.keys(profiles) as Border[]).map((border) => ({ name: border })));
  return {
    data: (Object.keys(profiles) as Border[]).map((border, index) => ({
      type: 'scatter', mode: 'lines+markers', name: border, x: profiles[border].map((_, depth) => depth), y: profiles[border],
      line: { color: colors[index] },
    })),
    layout: {
      title: title(heading), xaxis: { title: { text: 'pixels from the border (0 = outermost line)' }, dtick: 1 },
      yaxis: { title: { text: yTitle } }, legend: { orientation: 'h', y: -0.25 },
    },
  };
}

/** One series of fold-averaged curves: a name and its per-epoch summaries. */
export interface CurveSeries {
  name: string;
  history: AveragedEpoch[];
  /** Its key in SERIES_COLORS (a variant or a condition); by default the variant its name is the title of. */
  key?: string;
}

/** Legend names of the two kinds of curve: Keras' training figures are running means over the epoch's batches, validation is measured at its end. */
export const TRAINING_CURVE = 'training (running mean over the epoch)';
export const VALIDATION_CURVE = 'validation (at the epoch\'s end)';

/** The layout of a grid of metric panels, each with its heading and y-axis title. */
function metricPanels(metrics: MetricName[], columns: number, heading: string, legendY: number) {
  const rows = Math.ceil(metrics.length / columns);
  const layout: Record<string, unknown> = { title: title(heading), annotations: [], legend: { orientation: 'h', y: legendY }, margin: { t: 80, b: 100 } };
  const cells = metrics.map((metric, index) => {
    const cell = gridCell(index, rows, columns, 0.14);
    // Only the bottom row names its x axis, so the upper titles do not collide with the lower panels' headings.
    layout[cell.xaxisKey] = { domain: cell.xDomain, anchor: cell.yaxis, title: { text: index >= metrics.length - columns ? 'epoch' : '' }, dtick: 2 };
    layout[cell.yaxisKey] = { domain: [cell.yDomain[0], cell.yDomain[1] - 0.04], anchor: cell.xaxis, title: { text: METRIC_TITLES[metric], standoff: 4 } };
    (layout.annotations as object[]).push({ text: METRIC_TITLES[metric], x: cell.center[0], y: cell.yDomain[1], xref: 'paper', yref: 'paper', showarrow: false, xanchor: 'center', yanchor: 'bottom' });
    return { metric, cell };
  });
  return { layout, cells };
}

/**
 * Loss, accuracy, precision and recall per epoch in a 2×2 grid: validation solid, training dotted,
 * a band of ±1 standard deviation over folds around each validation curve.
 */
export function trainingCurvesFigure(series: CurveSeries[], heading: string): PlotlyFigure {
  const data: object[] = [];
  const { layout, cells } = metricPanels(CURVE_METRICS, 2, heading, -0.12);
  const colors = seriesColors(series);
  cells.forEach(({ metric, cell }, metricIndex) => series.forEach((entry, seriesIndex) => {
    const color = colors[seriesIndex];
    const epochs = entry.history.map((epoch) => epoch.epoch);
    const validation = entry.history.map((epoch) => epoch.validation[metric]);
    const upper = validation.map((summary) => summary.mean + summary.std);
    const lower = validation.map((summary) => summary.mean - summary.std);
    const axes = { xaxis: cell.xaxis, yaxis: cell.yaxis, legendgroup: entry.name };
    data.push({ type: 'scatter', mode: 'lines', x: [...epochs, ...[...epochs].reverse()], y: [...upper, ...lower.reverse()],
      fill: 'toself', fillcolor: `${color}33`, line: { width: 0 }, hoverinfo: 'skip', showlegend: false, ...axes });
    data.push({ type: 'scatter', mode: 'lines+markers', name: `${entry.name} · ${VALIDATION_CURVE}`, x: epochs, y: validation.map((s) => s.mean),
      line: { color }, marker: { size: 4 }, showlegend: metricIndex === 0, ...axes });
    data.push({ type: 'scatter', mode: 'lines', name: `${entry.name} · ${TRAINING_CURVE}`, x: epochs, y: entry.history.map((epoch) => epoch.train[metric].mean),
      line: { color, dash: 'dot' }, showlegend: metricIndex === 0, ...axes });
  }));
  return { data, layout };
}

/**
 * Per-run curves of full retrainings (loss and accuracy per epoch on the test set, and training),
 * one thin line per seed and a thick line for their mean, a colour per group.
 */
export function seedCurvesFigure(groups: { name: string; histories: EpochRecord[][]; key?: string }[], heading: string, watched: string): PlotlyFigure {
  const data: object[] = [];
  const { layout, cells } = metricPanels(['loss', 'accuracy'], 2, heading, -0.3);
  const colors = seriesColors(groups);
  cells.forEach(({ metric, cell }, metricIndex) => groups.forEach((group, groupIndex) => {
    const color = colors[groupIndex];
    const epochs = group.histories[0].map((epoch) => epoch.epoch);
    const axes = { xaxis: cell.xaxis, yaxis: cell.yaxis, legendgroup: group.name };
    group.histories.forEach((history) => data.push({ type: 'scatter', mode: 'lines', x: epochs, y: history.map((epoch) => epoch.validation![metric]),
      line: { color, width: 1 }, opacity: 0.35, hoverinfo: 'skip', showlegend: false, ...axes }));
    const mean = (values: (epoch: EpochRecord) => number) => epochs.map((_, index) => group.histories.reduce((sum, history) => sum + values(history[index]), 0) / group.histories.length);
    data.push({ type: 'scatter', mode: 'lines+markers', name: `${group.name} · ${watched}, at the epoch's end (mean of ${group.histories.length} seeds)`,
      x: epochs, y: mean((epoch) => epoch.validation![metric]), line: { color, width: 3 }, marker: { size: 4 }, showlegend: metricIndex === 0, ...axes });
    data.push({ type: 'scatter', mode: 'lines', name: `${group.name} · ${TRAINING_CURVE}, mean of seeds`, x: epochs, y: mean((epoch) => epoch.train[metric]),
      line: { color, dash: 'dot' }, showlegend: metricIndex === 0, ...axes });
  }));
  return { data, layout };
}

/** One dot with its interval (e.g. mean ± std, or a 95 % interval), under a category. */
export interface Dot {
  category: string;
  value: number;
  low: number;
  high: number;
}

/**
 * Dots with intervals, a colour per series, categories on the y axis: accuracies compared without
 * bars on a cut axis. A series may be the original's values (dots without intervals).
 */
export function dotPlotFigure(series: { name: string; dots: Dot[]; symbol?: string; colorOf?: string; key?: string }[], heading: string, axisTitle: string): PlotlyFigure {
  const categories = [...new Set(series.flatMap((entry) => entry.dots.map((dot) => dot.category)))];
  // A series drawn for another (the original's values beside ours) takes that series' colour.
  const own = series.filter((entry) => !entry.colorOf);
  const ownColors = seriesColors(own);
  const color = (entry: { name: string; colorOf?: string }) => ownColors[Math.max(0, own.findIndex((other) => other.name === (entry.colorOf ?? entry.name)))];
  // The axis spans the intervals (a horizontal scatter would otherwise start at 0, like a bar chart).
  const low = Math.min(...series.flatMap((entry) => entry.dots.map((dot) => dot.low)));
  const high = Math.max(...series.flatMap((entry) => entry.dots.map((dot) => dot.high)));
  const margin = (high - low || Math.abs(high) || 1) * 0.08;
  return {
    data: series.map((entry) => ({
      type: 'scatter', mode: 'markers', orientation: 'h', name: entry.name, y: entry.dots.map((dot) => dot.category), x: entry.dots.map((dot) => dot.value),
      marker: { color: color(entry), size: 10, symbol: entry.symbol ?? 'circle' },
      error_x: { type: 'data', symmetric: false, array: entry.dots.map((dot) => dot.high - dot.value), arrayminus: entry.dots.map((dot) => dot.value - dot.low), thickness: 1.5 },
      // Series side by side within each category.
      offsetgroup: entry.colorOf ?? entry.name, alignmentgroup: 'dots',
    })),
    layout: {
      title: title(heading), xaxis: { title: { text: axisTitle }, range: [low - margin, high + margin] },
      yaxis: { categoryorder: 'array', categoryarray: [...categories].reverse(), automargin: true },
      legend: { orientation: 'h', y: -0.25 }, scattermode: 'group', scattergap: 0.4,
    },
  };
}

export function learningRateFigure(series: { name: string; rates: number[]; key?: string }[]): PlotlyFigure {
  const colors = seriesColors(series);
  return {
    data: series.map((entry, index) => ({
      type: 'scatter', mode: 'lines+markers', line: { shape: 'hv', color: colors[index] }, name: entry.name,
      x: entry.rates.map((_, epoch) => epoch + 1), y: entry.rates,
    })),
    layout: { title: title('Learning rate per epoch'), xaxis: { title: { text: 'epoch' }, dtick: 1 }, yaxis: { title: { text: 'learning rate' }, exponentformat: 'e' }, legend: { orientation: 'h', y: -0.25 } },
  };
}

/** The colour bar's title of a confusion matrix: its unit, and that it scales the off-diagonal cells only. */
const confusionUnit = (normalise: boolean) => `${normalise ? 'share of the actual class\'s images' : 'images'}<br>(off-diagonal cells)`;

/**
 * Confusion matrix heatmaps: rows actual, columns predicted; counts or row-normalised shares. The
 * diagonal would saturate any scale, so it is drawn apart, in a neutral grey with its numbers, and
 * the colour scale spans the off-diagonal cells only: the confusions are what it shows.
 */
export function confusionFigure(matrix: number[][], classNames: readonly string[], heading: string, normalise: boolean): PlotlyFigure {
  const z = normalise ? matrix.map((row) => { const total = row.reduce((a, b) => a + b, 0); return row.map((v) => v / total); }) : matrix;
  const format = (value: number) => (normalise ? value.toFixed(2) : String(value));
  const part = (diagonal: boolean) => z.map((row, i) => row.map((value, j) => ((i === j) === diagonal ? value : null)));
  const text = (diagonal: boolean) => z.map((row, i) => row.map((value, j) => ((i === j) === diagonal ? format(value) : '')));
  const axes = { x: [...classNames], y: [...classNames], texttemplate: '%{text}', hoverongaps: false, xgap: 1, ygap: 1 };
  return {
    data: [
      { type: 'heatmap', name: 'correct (diagonal)', z: part(true), text: text(true), ...axes, colorscale: [[0, '#d9d9d9'], [1, '#d9d9d9']], showscale: false,
        hovertemplate: 'actual %{y}, predicted %{x}: %{text} (correct)<extra></extra>' },
      { type: 'heatmap', name: 'confusions', z: part(false), text: text(false), ...axes, colorscale: [[0, '#f7fbff'], [0.5, '#6baed6'], [1, '#08306b']], showscale: true,
        zmin: 0, colorbar: { title: { text: confusionUnit(normalise), side: 'right' } }, hovertemplate: 'actual %{y}, predicted %{x}: %{text}<extra></extra>' },
    ],
    layout: {
      title: title(heading), xaxis: { title: { text: 'predicted' }, side: 'bottom', tickangle: -35 },
      yaxis: { title: { text: 'actual' }, autorange: 'reversed' }, margin: { l: 110, b: 110 }, plot_bgcolor: '#ffffff',
    },
  };
}
