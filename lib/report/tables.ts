/**
 * Tables in notebooks: a danfojs DataFrame holds the rows; the output carries an HTML table (what
 * JupyterLab, GitHub and the HTML report show) and danfojs' text rendering (terminals).
 */
import * as dfd from 'danfojs-node';
import { displayBundle } from './display-channel';

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatCell(value: Cell, digits: number): string {
  if (value === null) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(digits);
  return value;
}

/** The rows as a danfojs DataFrame (for further slicing in a notebook). */
export function toDataFrame(rows: Row[]): dfd.DataFrame {
  return new dfd.DataFrame(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? '–']))));
}

/** An HTML table of the frame's columns and values; numbers right-aligned with `digits` decimals. */
export function tableHtml(frame: dfd.DataFrame, options: { caption?: string; digits?: number } = {}): string {
  const digits = options.digits ?? 4;
  const columns = frame.columns as string[];
  const rows = frame.values as Cell[][];
  const header = columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((value) => {
    const align = typeof value === 'number' ? ' style="text-align:right"' : '';
    return `<td${align}>${escapeHtml(formatCell(value, digits))}</td>`;
  }).join('')}</tr>`).join('\n');
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<table>${caption}<thead><tr>${header}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Shows rows as a table (HTML + text). Returns nothing, so a notebook cell ending in it prints nothing more. */
export function showTable(rows: Row[], options: { caption?: string; digits?: number } = {}): void {
  const frame = toDataFrame(rows);
  const digits = options.digits ?? 4;
  const formatted = toDataFrame(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, formatCell(v, digits)]))));
  const text = (options.caption ? `${options.caption}\n` : '') + formatted.toString();
  displayBundle({ 'text/html': tableHtml(frame, options), 'text/plain': text });
}

/** Shows Markdown (findings computed from results, so their numbers trace to this output). */
export function showMarkdown(markdown: string): void {
  displayBundle({ 'text/markdown': markdown, 'text/plain': markdown });
}

/** "0.8955 ± 0.0031" */
export function meanPlusMinus(mean: number, std: number, digits = 4): string {
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}
