/**
 * Tables in notebooks: one output carrying an HTML table (what JupyterLab, GitHub and the HTML
 * report show) and the same table as aligned plain text (terminals), every cell in full.
 */
import { displayBundle } from './display-channel';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatCell(value: Cell, digits: number): string {
  if (value === null) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(digits);
  return String(value);
}

function columnsOf(rows: Row[]): string[] {
  return [...new Set(rows.flatMap((row) => Object.keys(row)))];
}

/**
 * An HTML table; numbers right-aligned with `digits` decimals, text left-aligned (JupyterLab's and
 * nbconvert's styles right-align every cell, which makes prose hard to read).
 */
export function tableHtml(rows: Row[], options: { caption?: string; digits?: number } = {}): string {
  const digits = options.digits ?? 4;
  const columns = columnsOf(rows);
  const header = columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const body = rows.map((row) => `<tr>${columns.map((column) => {
    const value = row[column] ?? null;
    const align = typeof value === 'number' ? ' style="text-align:right"' : ' style="text-align:left"';
    return `<td${align}>${escapeHtml(formatCell(value, digits))}</td>`;
  }).join('')}</tr>`).join('\n');
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<table>${caption}<thead><tr>${header}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The same table as plain text: columns padded to their widest cell, nothing cut. */
export function tableText(rows: Row[], options: { caption?: string; digits?: number } = {}): string {
  const digits = options.digits ?? 4;
  const columns = columnsOf(rows);
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column] ?? null, digits)));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index].length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index])).join('  ').trimEnd();
  return [
    ...(options.caption ? [options.caption] : []),
    line(columns), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line),
  ].join('\n');
}

/** Shows rows as a table (HTML + text). Returns nothing, so a cell ending in it prints nothing more. */
export function showTable(rows: Row[], options: { caption?: string; digits?: number } = {}): void {
  displayBundle({ 'text/html': tableHtml(rows, options), 'text/plain': tableText(rows, options) });
}

/** Shows Markdown (findings computed from results, so their numbers trace to this output). */
export function showMarkdown(markdown: string): void {
  displayBundle({ 'text/markdown': markdown, 'text/plain': markdown });
}

/** "0.8955 ± 0.0031" */
export function meanPlusMinus(mean: number, std: number, digits = 4): string {
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}
