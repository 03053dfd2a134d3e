/**
 * Notebook output that reads everywhere: each figure goes out as ONE Jupyter output holding
 *   - image/png: what GitHub, nbviewer, the HTML report and JupyterLab show,
 *   - text/plain: a one-line description for terminals,
 * and, when named, is exported to figures/NAME.{png,svg,html} — the .html page is the interactive
 * figure (zoom, hover) — for the committed study's values only. A figure that is not exported (a
 * notebook run with a reader's parameters: setFigureExports) also carries
 *   - application/vnd.plotly.v1+json: interactive in JupyterLab (jupyterlab-plotly renderer).
 * The committed notebooks carry no plotly spec on purpose: jupyterlab-plotly swaps the PNG for the
 * live plot on hover and then writes its own screenshot back into the output, which marks the
 * notebook modified and lets autosave rewrite a tracked file a reader only looked at.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES_DIRECTORY } from '../base/paths';
import { displayBundle } from './display-channel';
import { PLOTLY_BUNDLE, PlotlyFigure, RenderSize, renderFigure, withFigureFont } from './figure-render';
import { withHoverDigits } from './figures';

export { FIGURES_DIRECTORY };

export const PLOTLY_MIMETYPE = 'application/vnd.plotly.v1+json';

export interface ShowFigureOptions extends Partial<RenderSize> {
  /** File name stem in figures/, e.g. `03-baseline-curves`; unnamed figures are not exported. */
  name?: string;
}

/** A standalone page that draws the figure with the plotly.js copy beside it in figures/. */
function standaloneHtml(figure: PlotlyFigure, title: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title><script src="plotly.min.js"></script></head>
<body><div id="figure"></div>
<script>Plotly.newPlot("figure", ${JSON.stringify(figure.data)}, ${JSON.stringify(figure.layout ?? {})}, {responsive: true});</script>
</body></html>
`;
}

/** Writes figures/NAME.png, .svg and .html (plus figures/plotly.min.js once). */
export function exportFigure(figure: PlotlyFigure, name: string, rendered: { png: Buffer; svg: string }): string[] {
  mkdirSync(FIGURES_DIRECTORY, { recursive: true });
  const localPlotly = join(FIGURES_DIRECTORY, 'plotly.min.js');
  if (!existsSync(localPlotly)) copyFileSync(PLOTLY_BUNDLE, localPlotly);
  const paths = [`${name}.png`, `${name}.svg`, `${name}.html`].map((file) => join(FIGURES_DIRECTORY, file));
  writeFileSync(paths[0], rendered.png);
  writeFileSync(paths[1], rendered.svg);
  writeFileSync(paths[2], standaloneHtml(figure, name));
  return paths;
}

let exportsOn = true;
/** Turns exporting named figures to figures/ on or off for this process (off: a reader's parameters). */
export function setFigureExports(on: boolean): void {
  exportsOn = on;
}

/** Shows a figure (static, plus the interactive spec when not exported) and exports it when named (and exports are on). */
export async function showFigure(unstyled: PlotlyFigure, options: ShowFigureOptions = {}): Promise<void> {
  const figure = withHoverDigits(withFigureFont(unstyled));
  const size = { width: options.width ?? 800, height: options.height ?? 450, scale: options.scale };
  const rendered = await renderFigure(figure, size);
  const title = (figure.layout?.title as { text?: string } | string | undefined);
  const titleText = typeof title === 'string' ? title : title?.text ?? 'figure';
  const exported = Boolean(options.name) && exportsOn;
  if (exported) exportFigure(figure, options.name!, rendered);
  displayBundle({
    ...(exported ? {} : { [PLOTLY_MIMETYPE]: { data: figure.data, layout: { ...figure.layout, width: size.width, height: size.height } } }),
    'image/png': rendered.png.toString('base64'),
    'text/plain': `<plotly figure: ${titleText}${exported ? ` → figures/${options.name}.png; interactive: figures/${options.name}.html` : ''}>`,
  });
}
