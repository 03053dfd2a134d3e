/**
 * Every figure of the report as a plotly specification (plain data: traces + layout). Notebooks
 * call these and hand the result to showFigure; no notebook builds a figure by hand.
 */
import type { PlotlyFigure } from './figure-render';
import type { Border } from '../data/analysis';
import type { AveragedEpoch, MetricSummary } from '../study/study';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const METRICS = ['loss', 'accuracy', 'precision', 'recall'] as const;
type Metric = (typeof METRICS)[number];
const METRIC_TITLES: Record<Metric, string> = {
  loss: 'Loss (cross-entropy)', accuracy: 'Accuracy', precision: 'Precision (Keras-style)', recall: 'Recall (Keras-style)',
};

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
      { type: 'bar', name: 'training set', x: [...classNames], y: trainCounts, marker: { color: COLORS[0] }, text: trainCounts.map(String), textposition: 'auto' },
      { type: 'bar', name: 'test set', x: [...classNames], y: testCounts, marker: { color: COLORS[4] }, text: testCounts.map(String), textposition: 'auto' },
    ],
    layout: { title: title('Images per class'), barmode: 'group', yaxis: { title: { text: 'images' } }, legend: { orientation: 'h', y: -0.2 } },
  };
}

/** Small grayscale images in a grid, each with a caption. Pixel rows top to bottom. */
export function imageGridFigure(images: { pixels: number[][]; caption: string }[], columns: number, heading: string): PlotlyFigure {
  const rows = Math.ceil(images.length / columns);
  const layout: Record<string, unknown> = { title: title(heading), showlegend: false, margin: { t: 60, l: 10, r: 10, b: 10 }, annotations: [] };
  const data = images.map((image, index) => {
    const cell = gridCell(index, rows, columns, 0.02);
    layout[cell.xaxisKey] = { domain: cell.xDomain, visible: false, anchor: cell.yaxis, constrain: 'domain' };
    layout[cell.yaxisKey] = { domain: [cell.yDomain[0], cell.yDomain[1] - 0.25 / rows], visible: false, autorange: 'reversed', scaleanchor: cell.xaxis, anchor: cell.xaxis, constrain: 'domain' };
    (layout.annotations as object[]).push({
      text: image.caption, x: cell.center[0], y: cell.yDomain[1], xref: 'paper', yref: 'paper', showarrow: false, font: { size: 10 }, xanchor: 'center', yanchor: 'top',
    });
    return { type: 'heatmap', z: image.pixels, xaxis: cell.xaxis, yaxis: cell.yaxis, colorscale: 'Greys', reversescale: false, zmin: 0, zmax: 1, showscale: false };
  });
  return { data, layout };
}

/** Side-by-side heatmaps of 28×28 maps, each with its own colour bar. */
export function pixelMapsFigure(maps: { map: number[][]; caption: string }[], heading: string): PlotlyFigure {
  const layout: Record<string, unknown> = { title: title(heading), annotations: [] };
  const data = maps.map((entry, index) => {
    const cell = gridCell(index, 1, maps.length, 0.2);
    layout[cell.xaxisKey] = { domain: cell.xDomain, anchor: cell.yaxis, title: { text: 'column' }, constrain: 'domain' };
    layout[cell.yaxisKey] = { domain: [0, 0.9], autorange: 'reversed', scaleanchor: cell.xaxis, anchor: cell.xaxis, title: { text: 'row' } };
    (layout.annotations as object[]).push({ text: entry.caption, x: cell.center[0], y: 0.97, xref: 'paper', yref: 'paper', showarrow: false, xanchor: 'center' });
    return {
      type: 'heatmap', z: entry.map, xaxis: cell.xaxis, yaxis: cell.yaxis, colorscale: 'Viridis',
      colorbar: { x: cell.xDomain[1] + 0.01, len: 0.9, y: 0.45, thickness: 12 },
    };
  });
  return { data, layout };
}

export function borderProfileFigure(profiles: Record<Border, number[]>, heading: string, yTitle: string): PlotlyFigure {
  return {
    data: (Object.keys(profiles) as Border[]).map((border, index) => ({
      type: 'scatter', mode: 'lines+markers', name: border, x: profiles[border].map((_, depth) => depth), y: profiles[border],
      line: { color: COLORS[index] },
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
}

/**
 * Loss, accuracy, precision and recall per epoch in a 2×2 grid: validation solid, training dotted,
 * a band of ±1 standard deviation over folds around each validation curve.
 */
export function trainingCurvesFigure(series: CurveSeries[], heading: string): PlotlyFigure {
  const data: object[] = [];
  const layout: Record<string, unknown> = { title: title(heading), annotations: [], legend: { orientation: 'h', y: -0.12 }, margin: { t: 80 } };
  METRICS.forEach((metric, metricIndex) => {
    const cell = gridCell(metricIndex, 2, 2, 0.14);
    // Only the bottom row names its x axis, so the upper titles do not collide with the lower panels' headings.
    layout[cell.xaxisKey] = { domain: cell.xDomain, anchor: cell.yaxis, title: { text: metricIndex >= 2 ? 'epoch' : '' }, dtick: 2 };
    layout[cell.yaxisKey] = { domain: [cell.yDomain[0], cell.yDomain[1] - 0.04], anchor: cell.xaxis };
    (layout.annotations as object[]).push({ text: METRIC_TITLES[metric], x: cell.center[0], y: cell.yDomain[1], xref: 'paper', yref: 'paper', showarrow: false, xanchor: 'center', yanchor: 'bottom' });
    series.forEach((entry, seriesIndex) => {
      const color = COLORS[seriesIndex % COLORS.length];
      const epochs = entry.history.map((epoch) => epoch.epoch);
      const validation = entry.history.map((epoch) => epoch.validation[metric]);
      const upper = validation.map((summary) => summary.mean + summary.std);
      const lower = validation.map((summary) => summary.mean - summary.std);
      const legend = metricIndex === 0;
      data.push({
        type: 'scatter', mode: 'lines', x: [...epochs, ...[...epochs].reverse()], y: [...upper, ...lower.reverse()],
        fill: 'toself', fillcolor: `${color}33`, line: { width: 0 }, hoverinfo: 'skip', showlegend: false,
        xaxis: cell.xaxis, yaxis: cell.yaxis, legendgroup: entry.name,
      });
      data.push({
        type: 'scatter', mode: 'lines+markers', name: `${entry.name} · validation`, x: epochs, y: validation.map((s) => s.mean),
        line: { color }, marker: { size: 4 }, xaxis: cell.xaxis, yaxis: cell.yaxis, showlegend: legend, legendgroup: entry.name,
      });
      data.push({
        type: 'scatter', mode: 'lines', name: `${entry.name} · training`, x: epochs, y: entry.history.map((epoch) => epoch.train[metric].mean),
        line: { color, dash: 'dot' }, xaxis: cell.xaxis, yaxis: cell.yaxis, showlegend: legend, legendgroup: entry.name,
      });
    });
  });
  return { data, layout };
}

/** Per-run (not fold-averaged) curves: loss and accuracy per epoch of full-training runs. */
export function runCurvesFigure(runs: { name: string; history: { epoch: number; train: Record<Metric, number>; validation: Record<Metric, number> | null }[] }[], heading: string, validationLabel: string): PlotlyFigure {
  const data: object[] = [];
  const layout: Record<string, unknown> = { title: title(heading), annotations: [], legend: { orientation: 'h', y: -0.32 }, margin: { b: 120 } };
  (['loss', 'accuracy'] as const).forEach((metric, metricIndex) => {
    const cell = gridCell(metricIndex, 1, 2, 0.1);
    layout[cell.xaxisKey] = { domain: cell.xDomain, anchor: cell.yaxis, title: { text: 'epoch' }, dtick: 2 };
    layout[cell.yaxisKey] = { domain: [0, 0.9], anchor: cell.xaxis };
    (layout.annotations as object[]).push({ text: METRIC_TITLES[metric], x: cell.center[0], y: 0.95, xref: 'paper', yref: 'paper', showarrow: false, xanchor: 'center' });
    runs.forEach((run, runIndex) => {
      const color = COLORS[runIndex % COLORS.length];
      const epochs = run.history.map((record) => record.epoch);
      data.push({ type: 'scatter', mode: 'lines+markers', name: `${run.name} · ${validationLabel}`, x: epochs, y: run.history.map((r) => r.validation?.[metric] ?? null),
        line: { color }, xaxis: cell.xaxis, yaxis: cell.yaxis, showlegend: metricIndex === 0, legendgroup: run.name });
      data.push({ type: 'scatter', mode: 'lines', name: `${run.name} · training`, x: epochs, y: run.history.map((r) => r.train[metric]),
        line: { color, dash: 'dot' }, xaxis: cell.xaxis, yaxis: cell.yaxis, showlegend: metricIndex === 0, legendgroup: run.name });
    });
  });
  return { data, layout };
}

/** Final validation accuracy per variant (mean ± std over folds), with the original's values beside. */
export function variantComparisonFigure(entries: { name: string; ours: MetricSummary; seedAccuracy: number }[], heading: string): PlotlyFigure {
  return {
    data: [
      { type: 'bar', name: 'ours (mean ± std over folds)', x: entries.map((e) => e.name), y: entries.map((e) => e.ours.accuracy.mean),
        error_y: { type: 'data', array: entries.map((e) => e.ours.accuracy.std) }, marker: { color: COLORS[0] } },
      { type: 'bar', name: 'seed', x: entries.map((e) => e.name), y: entries.map((e) => e.seedAccuracy), marker: { color: COLORS[4] } },
    ],
    layout: { title: title(heading), barmode: 'group', yaxis: { title: { text: 'validation accuracy' }, range: [0.8, 0.95] }, legend: { orientation: 'h', y: -0.2 } },
  };
}

export function learningRateFigure(series: { name: string; rates: number[] }[]): PlotlyFigure {
  return {
    data: series.map((entry, index) => ({
      type: 'scatter', mode: 'lines+markers', line: { shape: 'hv', color: COLORS[index] }, name: entry.name,
      x: entry.rates.map((_, epoch) => epoch + 1), y: entry.rates,
    })),
    layout: { title: title('Learning rate per epoch'), xaxis: { title: { text: 'epoch' }, dtick: 1 }, yaxis: { title: { text: 'learning rate' }, exponentformat: 'e' }, legend: { orientation: 'h', y: -0.25 } },
  };
}

/** Confusion matrix heatmap: rows actual, columns predicted; counts or row-normalised shares. */
export function confusionFigure(matrix: number[][], classNames: readonly string[], heading: string, normalise: boolean): PlotlyFigure {
  const z = normalise ? matrix.map((row) => { const total = row.reduce((a, b) => a + b, 0); return row.map((v) => v / total); }) : matrix;
  const text = z.map((row) => row.map((value) => (normalise ? value.toFixed(2) : String(value))));
  return {
    data: [{ type: 'heatmap', z, x: [...classNames], y: [...classNames], text, texttemplate: '%{text}', colorscale: [[0, '#f7fbff'], [0.5, '#6baed6'], [1, '#08306b']], showscale: true, hoverongaps: false }],
    layout: {
      title: title(heading), xaxis: { title: { text: 'predicted' }, side: 'bottom', tickangle: -35 },
      yaxis: { title: { text: 'actual' }, autorange: 'reversed' }, margin: { l: 110, b: 110 },
    },
  };
}

export function perClassFigure(classNames: readonly string[], precision: number[], recall: number[], heading: string): PlotlyFigure {
  return {
    data: [
      { type: 'bar', name: 'precision', x: [...classNames], y: precision, marker: { color: COLORS[0] } },
      { type: 'bar', name: 'recall', x: [...classNames], y: recall, marker: { color: COLORS[4] } },
    ],
    layout: { title: title(heading), barmode: 'group', yaxis: { range: [0.5, 1], title: { text: 'per-class value (from the confusion matrix)' } }, legend: { orientation: 'h', y: -0.3 } },
  };
}
