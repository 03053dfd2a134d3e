/**
 * Every notebook executes headless through the tslab kernel in the fast profile (2,000 real images,
 * 2 epochs), from its own folder, as `make figures` executes them (scripts/execute-notebooks.py:
 * one batch, as many notebooks at once as cores, one shared browser for the figures), and produces
 * its figures: a PNG in the notebook output (what GitHub and JupyterLab show; no plotly spec, which
 * JupyterLab would rewrite) and the exported files in figures/, the interactive page among them.
 * Its code cells are numbered 1..N.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

interface Output { output_type: string; data?: Record<string, unknown>; ename?: string; evalue?: string }
interface Cell { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: Output[] }
interface Report { notebooks: { notebook: string }[]; failures: { notebook: string; error: string }[] }

const notebooksDirectory = join(PROJECT_DIRECTORY, 'notebooks');
const notebooks = readdirSync(notebooksDirectory).filter((name) => /^\d\d-.*\.ipynb$/.test(name)).sort();
const scratch = mkdtempSync(join(tmpdir(), 'notebooks-fast-'));
const environment = {
  ...process.env, STUDY_PROFILE: 'fast', RUNS_DIRECTORY: join(scratch, 'runs'), FIGURES_DIRECTORY: join(scratch, 'figures'),
};
let batch: Report;
let batchLog = '';

test('the notebooks are numbered from 00 without gaps', () => {
  assert.deepEqual(notebooks.map((name) => name.slice(0, 2)), notebooks.map((_, i) => String(i).padStart(2, '0')));
});

// One batch for all notebooks, as make figures runs them; --keep-going so that each notebook's test
// reports its own failure.
before(() => {
  const result = spawnSync(join(PROJECT_DIRECTORY, '.venv/bin/python'), [
    join(PROJECT_DIRECTORY, 'scripts/execute-notebooks.py'), '--keep-going', '--output-dir', join(scratch, 'executed'),
    '--report', join(scratch, 'report.json'), ...notebooks.map((name) => join(notebooksDirectory, name)),
  ], { encoding: 'utf8', env: environment });
  batchLog = `${result.error ?? ''}\n${result.stderr.split('\n').slice(-30).join('\n')}`;
  batch = existsSync(join(scratch, 'report.json'))
    ? JSON.parse(readFileSync(join(scratch, 'report.json'), 'utf8')) as Report
    : { notebooks: [], failures: [] };
});

for (const notebook of notebooks) {
  test(`${notebook} executes in the fast profile and shows its figures`, () => {
    const failure = batch.failures.find((entry) => entry.notebook.endsWith(`/${notebook}`));
    assert.equal(failure, undefined, failure?.error);
    assert.ok(existsSync(join(scratch, 'executed', notebook)), `not executed: ${batchLog}`);
    const executed = JSON.parse(readFileSync(join(scratch, 'executed', notebook), 'utf8'));
    const codeCells = (executed.cells as Cell[]).filter((cell) => cell.cell_type === 'code' && [cell.source].flat().join('').trim() !== '');
    assert.deepEqual(codeCells.map((cell) => cell.execution_count), codeCells.map((_, index) => index + 1), 'code cells numbered 1..N');
    const outputs: Output[] = codeCells.flatMap((cell) => cell.outputs ?? []);
    const errors = outputs.filter((output) => output.output_type === 'error');
    assert.deepEqual(errors.map((e) => `${e.ename}: ${e.evalue}`), []);
    const figures = outputs.filter((output) => output.data?.['image/png']);
    assert.ok(figures.length > 0, 'no figure');
    for (const figure of figures) {
      assert.ok(String(figure.data!['image/png']).length > 1000, 'a figure without its PNG');
      // Exported figures carry no plotly spec: jupyterlab-plotly would rewrite the PNG of a notebook a reader only looks at.
      assert.equal(figure.data!['application/vnd.plotly.v1+json'], undefined, 'an exported figure with a plotly spec');
    }
    const prefix = notebook.slice(0, 2);
    const exported = readdirSync(join(scratch, 'figures')).filter((name) => name.startsWith(`${prefix}-`));
    for (const extension of ['png', 'svg', 'html']) {
      assert.ok(exported.some((name) => name.endsWith(`.${extension}`)), `no ${extension} exported for ${notebook}`);
    }
    assert.ok(existsSync(join(scratch, 'figures', 'plotly.min.js')), 'exported HTML needs the local plotly copy');
  });
}
