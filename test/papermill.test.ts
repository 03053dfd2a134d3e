/**
 * papermill runs the TypeScript notebooks with parameters, from any directory: its TypeScript
 * translator (jupyter/papermill-typescript, installed into .venv by `make kernel`) turns `-p`/`-y`
 * values into `const` declarations, and the tslab kernel starts in notebooks/ (scripts/tslab-kernel)
 * whatever papermill's working directory, so the notebooks' `import ... from '../dist/lib/...'` resolve.
 */
import assert from 'node:assert/strict';
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runInThisContext } from 'node:vm';
import * as ts from 'typescript';
import { PROJECT_DIRECTORY } from './paths';

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string }
interface Cell { cell_type: string; source: string | string[]; metadata: { tags?: string[] }; outputs?: Output[] }
interface Notebook { cells: Cell[] }

const PYTHON = join(PROJECT_DIRECTORY, '.venv/bin/python');
const PAPERMILL = join(PROJECT_DIRECTORY, '.venv/bin/papermill');
const NOTEBOOKS = join(PROJECT_DIRECTORY, 'notebooks');
const scratch = mkdtempSync(join(tmpdir(), 'papermill-'));
const environment = {
  ...process.env, STUDY_PROFILE: 'fast', RUNS_DIRECTORY: join(scratch, 'runs'), FIGURES_DIRECTORY: join(scratch, 'figures'),
};

const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join('') : value ?? '');
const outputsOf = (notebook: Notebook) => notebook.cells.flatMap((cell) => cell.outputs ?? []);
const outputText = (output: Output) => text(output.text) + Object.values(output.data ?? {}).map((value) => (typeof value === 'string' || Array.isArray(value) ? text(value as string[]) : '')).join('');
const errorsOf = (notebook: Notebook) => outputsOf(notebook).filter((o) => o.output_type === 'error').map((e) => `${e.ename}: ${e.evalue}`);
const tagged = (notebook: Notebook, tag: string) => notebook.cells.findIndex((cell) => (cell.metadata.tags ?? []).includes(tag));

function python(script: string, ...args: string[]): unknown {
  const result = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** `.venv/bin/papermill` run from `cwd` (never notebooks/); one retry when the kernel never answered its first request. */
function papermill(cwd: string, args: string[], timeout: number): SpawnSyncReturns<string> {
  const run = () => spawnSync(PAPERMILL, ['--start-timeout', '180', '--no-progress-bar', ...args], { cwd, encoding: 'utf8', env: environment, timeout });
  let result = run();
  if (result.status !== 0 && /Kernel didn't respond/.test(result.stderr)) result = run();
  assert.equal(result.status, 0, `${result.error ?? ''}\n${result.stderr.split('\n').slice(-30).join('\n')}`);
  return result;
}

function writeNotebook(path: string, parameters: string, code: string): void {
  const cell = (source: string, tags: string[] = []) => ({ cell_type: 'code', execution_count: null, metadata: { tags }, outputs: [], source });
  writeFileSync(path, JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' }, language_info: { name: 'typescript' } },
    cells: [cell(parameters, ['parameters']), cell(code)],
  }));
}

// Python literals of every type papermill hands a translator (-p, -y, -f, or its Python API), and
// the TypeScript each must become. A string holding a whole JSON array or object is that value:
// `-p seeds '[7]'` reaches the translator as the string "[7]" (papermill's -p resolves numbers,
// True, False and None only).
const VALUES = `{
  'anInteger': 20, 'aNegative': -3, 'aFloat': 0.001, 'aSmallFloat': 1e-05, 'aLargeFloat': 1e20,
  'notANumber': float('nan'), 'infinity': float('inf'), 'minusInfinity': float('-inf'),
  'aString': 'say "hi"\\n\\tC:\\\\temp // not a comment, é', 'yes': True, 'no': False, 'nothing': None,
  'aList': [7, 'x', None, [1.5, False]], 'anEmptyList': [], 'aDict': {'k': 1, 'nested key': {'a': [True, None]}},
  'anEmptyDict': {}, 'aListText': '[7]', 'anObjectText': '{"a": [1, 2]}', 'notJson': '[7',
}`;
const EXPECTED_CODE = [
  '// Parameters',
  'const anInteger = 20;', 'const aNegative = -3;', 'const aFloat = 0.001;', 'const aSmallFloat = 1e-05;', 'const aLargeFloat = 1e+20;',
  'const notANumber = NaN;', 'const infinity = Infinity;', 'const minusInfinity = -Infinity;',
  'const aString = "say \\"hi\\"\\n\\tC:\\\\temp // not a comment, é";', 'const yes = true;', 'const no = false;', 'const nothing = null;',
  'const aList = [7, "x", null, [1.5, false]];', 'const anEmptyList = [];', 'const aDict = {"k": 1, "nested key": {"a": [true, null]}};',
  'const anEmptyDict = {};', 'const aListText = [7];', 'const anObjectText = {"a": [1, 2]};', 'const notJson = "[7";',
].join('\n') + '\n';
const EXPECTED_VALUES = {
  anInteger: 20, aNegative: -3, aFloat: 0.001, aSmallFloat: 1e-5, aLargeFloat: 1e20, notANumber: NaN, infinity: Infinity, minusInfinity: -Infinity,
  aString: 'say "hi"\n\tC:\\temp // not a comment, é', yes: true, no: false, nothing: null,
  aList: [7, 'x', null, [1.5, false]], anEmptyList: [], aDict: { k: 1, 'nested key': { a: [true, null] } },
  anEmptyDict: {}, aListText: [7], anObjectText: { a: [1, 2] }, notJson: '[7',
};

test('papermill translates every value type into TypeScript const declarations (kernel tslab, language typescript)', () => {
  const translated = python(`import json
from papermill.translators import translate_parameters
values = ${VALUES}
print(json.dumps({
  'byLanguage': translate_parameters('another-kernel', 'typescript', values, 'Parameters'),
  'byKernel': translate_parameters('tslab', 'another-language', {'epochs': 1}, 'Parameters'),
}))`) as { byLanguage: string; byKernel: string };
  assert.equal(translated.byLanguage, EXPECTED_CODE);
  assert.equal(translated.byKernel, '// Parameters\nconst epochs = 1;\n');
  // The declarations are TypeScript that declares exactly the values.
  const { outputText: javascript, diagnostics } = ts.transpileModule(translated.byLanguage, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  assert.deepEqual(diagnostics ?? [], []);
  const names = Object.keys(EXPECTED_VALUES);
  const values = runInThisContext(`(() => {\n${javascript}\nreturn { ${names.map((name) => `${name}: ${name}`).join(', ')} };\n})()`);
  assert.deepEqual(values, EXPECTED_VALUES);
});

test('papermill reads the parameters of a TypeScript parameters cell (inspect_notebook, --help-notebook)', () => {
  const path = join(scratch, 'inspect.ipynb');
  writeNotebook(path, [
    "const variant = 'relu'; // the variant (one of five)", 'const epochs = 15; // epochs per run', 'const learningRate = 0.001;',
    'const seeds = [', '  42, 43, 44,', ']; // cross-validation seeds', 'const imageLimit: number | null = null; // null: all images',
  ].join('\n'), '');
  const parameters = python('import json, sys, papermill; print(json.dumps(papermill.inspect_notebook(sys.argv[1])))', path);
  const parameter = (name: string, type: string, value: string, help: string) => [name, { name, inferred_type_name: type, default: value, help }];
  assert.deepEqual(parameters, Object.fromEntries([
    parameter('variant', 'string', "'relu'", 'the variant (one of five)'), parameter('epochs', 'number', '15', 'epochs per run'),
    parameter('learningRate', 'number', '0.001', ''), parameter('seeds', 'number[]', '[ 42, 43, 44, ]', 'cross-validation seeds'),
    parameter('imageLimit', 'number | null', 'null', 'null: all images'),
  ]));
  const help = spawnSync(PAPERMILL, ['--help-notebook', path], { cwd: scratch, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /epochs: number \(default 15\) +epochs per run/);
});

test('papermill runs a notebook from another directory: the kernel starts in notebooks/ and the parameters take effect', () => {
  const input = join(scratch, 'parameters.ipynb');
  const output = join(scratch, 'parameters-executed.ipynb');
  writeNotebook(input, [
    'const epochs = 15; // epochs per run', 'const seeds = [42, 43, 44];', 'const imageLimit: number | null = 2000;',
    "const variant = 'relu';", 'const extra = { fast: false };',
  ].join('\n'),
  // tslab does not resolve a shorthand property ({ epochs }) naming an earlier cell's const: spelt out.
  "import { PROJECT_DIRECTORY } from '../dist/lib/base/paths';\n"
  + 'console.log(JSON.stringify({ cwd: process.cwd(), project: PROJECT_DIRECTORY, epochs: epochs, seeds: seeds, imageLimit: imageLimit, variant: variant, extra: extra }));');
  papermill(scratch, [input, output, '-p', 'epochs', '20', '-p', 'seeds', '[7]', '-p', 'imageLimit', 'None', '-p', 'variant', 'leakyrelu',
    '-y', 'extra: {fast: true, nested: [1, null]}'], 120_000);
  const executed: Notebook = JSON.parse(readFileSync(output, 'utf8'));
  assert.deepEqual(errorsOf(executed), []);
  const injected = tagged(executed, 'injected-parameters');
  assert.equal(injected, tagged(executed, 'parameters') + 1, 'the injected cell follows the parameters cell');
  // papermill puts the -y values before the -p ones.
  assert.equal(text(executed.cells[injected].source), '// Parameters\nconst extra = {"fast": true, "nested": [1, null]};\n'
    + 'const epochs = 20;\nconst seeds = [7];\nconst imageLimit = null;\nconst variant = "leakyrelu";\n');
  const printed = outputsOf(executed).filter((o) => o.name === 'stdout').map((o) => text(o.text)).join('');
  assert.deepEqual(JSON.parse(printed), {
    cwd: realpathSync(NOTEBOOKS), project: PROJECT_DIRECTORY, epochs: 20, seeds: [7], imageLimit: null, variant: 'leakyrelu', extra: { fast: true, nested: [1, null] },
  });
});

const RELU = join(NOTEBOOKS, '04-relu.ipynb');

test('papermill runs notebooks/04-relu.ipynb from another directory, fast profile, -p epochs 1 -p seeds [42]: only its variants train, nothing is exported', () => {
  const elsewhere = join(scratch, 'elsewhere');
  mkdirSync(elsewhere, { recursive: true });
  papermill(elsewhere, [RELU, 'relu.ipynb', '-p', 'epochs', '1', '-p', 'seeds', '[42]'], 15 * 60_000);
  const executed: Notebook = JSON.parse(readFileSync(join(elsewhere, 'relu.ipynb'), 'utf8'));
  assert.deepEqual(errorsOf(executed), []);
  assert.equal(tagged(executed, 'injected-parameters'), tagged(executed, 'parameters') + 1, 'the injected cell follows the parameters cell');
  // The setup cell prints the settings in force: "profile **fast** · the first 2000 images · 1 epochs · 5 folds · cross-validation seed 42 · ...".
  const settings = outputsOf(executed).map(outputText).find((printed) => /\bprofile \*\*/.test(printed)) ?? '(no settings line)';
  assert.ok(/\b1 epochs\b/.test(settings), `the setup cell does not report 1 epoch: ${settings}`);
  assert.ok(/cross-validation seeds? 42(?![\d,])/.test(settings), `the setup cell does not report the one seed 42: ${settings}`);
  const printed = outputsOf(executed).map(outputText).join('\n');
  assert.match(printed, /your parameters against the committed study/, 'the reader\'s runs are set beside the committed study\'s');
  assert.deepEqual(readdirSync(join(scratch, 'runs')).sort(), ['baseline', 'relu'], 'only the notebook\'s variants were trained');
  const figures = join(scratch, 'figures');
  assert.deepEqual(existsSync(figures) ? readdirSync(figures).filter((name) => name.startsWith('04-')) : [], [], 'a reader\'s values export no figure');
});
