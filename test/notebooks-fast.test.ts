/**
 * Every notebook executes headless through the tslab kernel in the fast profile (2,000 real images,
 * 2 epochs), from its own folder, and produces its figures: a PNG in the notebook output (what
 * GitHub and JupyterLab show; no plotly spec, which JupyterLab would rewrite) and the exported files
 * in figures/, the interactive page among them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

interface Output { output_type: string; data?: Record<string, unknown>; ename?: string; evalue?: string }

const notebooksDirectory = join(PROJECT_DIRECTORY, 'notebooks');
const notebooks = readdirSync(notebooksDirectory).filter((name) => /^\d\d-.*\.ipynb$/.test(name)).sort();
const scratch = mkdtempSync(join(tmpdir(), 'notebooks-fast-'));
const environment = {
  ...process.env, STUDY_PROFILE: 'fast', RUNS_DIRECTORY: join(scratch, 'runs'), FIGURES_DIRECTORY: join(scratch, 'figures'),
};

test('the notebooks are numbered from 00 without gaps', () => {
  assert.deepEqual(notebooks.map((name) => name.slice(0, 2)), notebooks.map((_, i) => String(i).padStart(2, '0')));
});

for (const notebook of notebooks) {
  test(`${notebook} executes in the fast profile and shows its figures`, () => {
    const execute = () => spawnSync(join(PROJECT_DIRECTORY, '.venv/bin/jupyter'), [
      'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.startup_timeout=180',
      '--output-dir', join(scratch, 'executed'), join(notebooksDirectory, notebook),
    ], { encoding: 'utf8', env: environment });
    let result = execute();
    // A kernel that never answered its first request is a start-up hiccup, not a notebook failure: one retry.
    if (result.status !== 0 && /Kernel didn't respond/.test(result.stderr)) result = execute();
    assert.equal(result.status, 0, result.stderr.split('\n').slice(-30).join('\n'));
    const executed = JSON.parse(readFileSync(join(scratch, 'executed', notebook), 'utf8'));
    const outputs: Output[] = executed.cells.flatMap((cell: { outputs?: Output[] }) => cell.outputs ?? []);
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
