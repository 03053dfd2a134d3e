/**
 * scripts/execute-notebooks.py, what `make figures` executes the notebooks with: several at once,
 * written in order with their code cells numbered 1..N, and a failing notebook stops the batch as
 * the loop of nbconvert calls did: the notebooks before it are written, it and every later one are
 * left as they were, and the output names the notebook and the cell's error (exit code 1).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

interface Cell { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: { text?: string | string[] }[] }
interface Notebook { cells: Cell[] }

const scratch = mkdtempSync(join(tmpdir(), 'execute-notebooks-'));
const environment = { ...process.env, FIGURES_DIRECTORY: join(scratch, 'figures') };

/** A notebook of markdown and code cells (tslab kernel) written to the scratch folder. */
function writeNotebook(name: string, cells: Cell[]): string {
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' }, language_info: { name: 'typescript' } },
    cells: cells.map((cell, index) => ({ id: `cell-${index}`, metadata: {}, ...cell })),
  }, null, 1));
  return path;
}

const code = (source: string): Cell => ({ cell_type: 'code', source, execution_count: null, outputs: [] });
const markdown = (source: string): Cell => ({ cell_type: 'markdown', source });

/** A copy of the appendix notebook whose "Versions" cell throws; its path and the cell's place ("cell 5 of 11"). */
function brokenCopy(name: string): { path: string; cell: string } {
  const appendix = JSON.parse(readFileSync(join(PROJECT_DIRECTORY, 'notebooks', '14-environment.ipynb'), 'utf8')) as Notebook;
  const versions = appendix.cells.findIndex((cell) => [cell.source].flat().join('').includes('showEnvironment();'));
  assert.ok(versions > 0, 'the appendix has no showEnvironment() cell to break');
  appendix.cells[versions] = { ...appendix.cells[versions], source: "throw new Error('broken on purpose');" };
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(appendix, null, 1));
  return { path, cell: `cell ${versions + 1} of ${appendix.cells.length}` };
}

function execute(...args: string[]) {
  return spawnSync(join(PROJECT_DIRECTORY, '.venv/bin/python'), [join(PROJECT_DIRECTORY, 'scripts/execute-notebooks.py'), ...args], {
    encoding: 'utf8', env: environment, timeout: 600_000,
  });
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Notebook;
const text = (value: string | string[] | undefined) => [value ?? ''].flat().join('');

test('a failing notebook stops the batch: earlier ones written and numbered, it and later ones untouched, its name and the error reported', () => {
  const first = writeNotebook('a-first.ipynb', [markdown('# First'), code('const answer = 6 * 7;'), code('console.log(`answer ${answer}`);')]);
  const { path: broken, cell } = brokenCopy('b-broken.ipynb');
  const later = writeNotebook('c-later.ipynb', [code('await new Promise((resolve) => setTimeout(resolve, 2000));'), code('console.log("later ran");')]);
  const before = { broken: readFileSync(broken, 'utf8'), later: readFileSync(later, 'utf8') };

  const result = execute('--jobs', '2', first, broken, later);

  assert.equal(result.status, 1, result.stderr);
  assert.ok(result.stderr.includes(`execute-notebooks: ${broken} failed in ${cell}: CellExecutionError`), result.stderr);
  assert.match(result.stderr, /throw new Error\('broken on purpose'\);/, 'the failing cell is shown');
  assert.match(result.stderr, /Error: broken on purpose/, "the cell's error is shown");
  const executing = result.stdout.split('\n').filter((line) => line.startsWith('executing '));
  assert.deepEqual(executing.slice(0, 2), [`executing ${first}`, `executing ${broken}`]);
  const written = read(first);
  assert.deepEqual(written.cells.map((cell) => cell.execution_count ?? null), [null, 1, 2]);
  assert.equal(text(written.cells[2].outputs?.[0]?.text), 'answer 42\n');
  assert.equal(readFileSync(broken, 'utf8'), before.broken, 'the failing notebook is not written');
  assert.equal(readFileSync(later, 'utf8'), before.later, 'a notebook after the failing one is not written');
});

test('--keep-going executes every notebook, writes the ones that pass and reports every failure', () => {
  const { path: broken } = brokenCopy('d-broken.ipynb');
  const passing = writeNotebook('e-passing.ipynb', [code('console.log("passed");')]);
  const report = join(scratch, 'report.json');

  const result = execute('--keep-going', '--report', report, broken, passing);

  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /broken on purpose/);
  assert.equal(text(read(passing).cells[0].outputs?.[0]?.text), 'passed\n');
  const summary = JSON.parse(readFileSync(report, 'utf8')) as { notebooks: { notebook: string; cell_seconds: number[] }[]; failures: { notebook: string; error: string }[] };
  assert.deepEqual(summary.failures.map((failure) => failure.notebook), [broken]);
  assert.deepEqual(summary.notebooks.map((entry) => [entry.notebook, entry.cell_seconds.length]), [[passing, 1]]);
});
