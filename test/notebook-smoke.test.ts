/**
 * A notebook executed headless through the tslab kernel, from its own folder as Jupyter does,
 * imports the compiled lib/ and shows a plotly figure with its PNG in the same output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

interface NotebookOutput { output_type: string; data?: Record<string, unknown>; text?: string[] }

test('the environment notebook (appendix) executes through tslab and shows its figure as a PNG that names its interactive page', () => {
  const output = mkdtempSync(join(tmpdir(), 'nb-'));
  const result = spawnSync(join(PROJECT_DIRECTORY, '.venv/bin/jupyter'), [
    'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.startup_timeout=180',
    '--output-dir', output, join(PROJECT_DIRECTORY, 'notebooks/14-environment.ipynb'),
  ], { encoding: 'utf8', env: { ...process.env, FIGURES_DIRECTORY: join(output, 'figures') } });
  assert.equal(result.status, 0, result.stderr);
  const notebook = JSON.parse(readFileSync(join(output, '14-environment.ipynb'), 'utf8'));
  const outputs: NotebookOutput[] = notebook.cells.flatMap((cell: { outputs?: NotebookOutput[] }) => cell.outputs ?? []);
  assert.ok(outputs.some((o) => (o.text ?? []).join('').includes("backend: 'tensorflow'")), 'no native backend in the check cell');
  const figure = outputs.find((o) => o.data?.['image/png']);
  assert.ok(figure, 'no figure output');
  assert.match(String(figure.data!['text/plain']), /interactive: figures\/14-[a-z-]+\.html/, 'the figure names its interactive page');
  const png = Buffer.from(String(figure.data!['image/png']), 'base64');
  assert.equal(png.subarray(1, 4).toString(), 'PNG', 'the figure has no PNG rendering in the same output');
  assert.ok(png.length > 5000, `PNG of ${png.length} bytes is too small to hold a drawn figure`);
  assert.equal(outputs.filter((o) => o.output_type === 'error').length, 0);
});
