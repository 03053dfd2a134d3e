/**
 * Every export says what it holds: the CSV files of a results set, read back as a spreadsheet or
 * pandas would read them, hold in each column, row by row, the value its name says, taken from the
 * run the row names by its key — a fold run's validation part under `validation_*`, a full run's
 * test set under `test_*`, nothing under the other. Checked on a small set trained here (fold runs
 * and full runs mixed, as `study all` writes them, and a CPU name holding a comma), and on the
 * committed results/ against the committed runs/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { METRIC_NAMES } from '../lib/model/metrics';
import { FINAL_COLUMNS, FOLD_COLUMNS, frameOf, HISTORY_COLUMNS } from '../lib/study/frames';
import { resultFiles, writeResults } from '../lib/study/results';
import type { RunSpec } from '../lib/study/run-spec';
import { ensureRun, finalMetrics, RunRecord } from '../lib/study/runs';
import { STUDY_PROTOCOL, STEP_DECAY } from '../lib/study/protocol';
import { loadRunData } from '../lib/study/study';
import { wilsonInterval } from '../lib/study/statistics';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

/** A CSV text as rows of named fields (RFC 4180: quoted fields may hold commas, quotes and line breaks). */
function readCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') { field += '"'; index += 1; } else if (char === '"') quoted = false; else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { record.push(field); field = ''; } else if (char === '\n') { record.push(field); records.push(record); record = []; field = ''; } else field += char;
  }
  const [header, ...rows] = records;
  for (const row of rows) assert.equal(row.length, header.length, `a line has ${row.length} fields under ${header.length} headers: ${row.join(',')}`);
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index]])));
}

/** A cell as it must read for `value`: empty for no value, the number or text as written. */
function assertCell(row: Record<string, string>, column: string, value: number | string | boolean | null, where: string): void {
  assert.ok(column in row, `${where}: no column ${column}`);
  if (value === null) assert.equal(row[column], '', `${where}: ${column} must be empty, holds ${row[column]}`);
  else if (typeof value === 'number') assert.equal(Number(row[column]), value, `${where}: ${column}`);
  else assert.equal(row[column], String(value), `${where}: ${column}`);
}

/** The columns every export starts with: which run the row is. */
function assertRunColumns(row: Record<string, string>, run: RunRecord, where: string): void {
  const { spec } = run;
  assertCell(row, 'variant', spec.variant, where);
  assertCell(row, 'seed', spec.seed, where);
  assertCell(row, 'batch_size', spec.protocol.batchSize, where);
  assertCell(row, 'learning_rate_decay', spec.protocol.decay !== null, where);
  assertCell(row, 'split', spec.split.kind === 'fold' ? `fold ${spec.split.index + 1} of ${spec.split.k}` : 'full training set', where);
  assertCell(row, 'fold', spec.split.kind === 'fold' ? spec.split.index + 1 : null, where);
  assertCell(row, 'images', spec.limit ?? 'all', where);
}

const metrics = (row: Record<string, string>, prefix: string, values: Record<string, number> | null, where: string) => {
  for (const metric of METRIC_NAMES) assertCell(row, `${prefix}_${metric}`, values ? values[metric] : null, where);
};

/** Reads the three CSV files of a results set back and checks every row against the run of its key. */
function checkResultSet(json: string, runOf: (variant: string, key: string) => RunRecord): void {
  const [, folds, finals, histories] = resultFiles(json);
  for (const [path, columns] of [[folds, FOLD_COLUMNS], [finals, FINAL_COLUMNS], [histories, HISTORY_COLUMNS]] as const) {
    assert.deepEqual(Object.keys(readCsv(readFileSync(path, 'utf8'))[0]), columns, `${path}: its header`);
  }
  for (const [index, row] of readCsv(readFileSync(histories, 'utf8')).entries()) {
    const run = runOf(row.variant, row.key);
    const where = `histories.csv line ${index + 2} (${row.key}, epoch ${row.epoch})`;
    assertRunColumns(row, run, where);
    const epoch = run.history[Number(row.epoch) - 1];
    assertCell(row, 'learning_rate', epoch.learningRate, where);
    metrics(row, 'train', { ...epoch.train }, where);
    const isFold = run.spec.split.kind === 'fold';
    metrics(row, 'validation', isFold ? { ...epoch.validation! } : null, where);
    metrics(row, 'test', isFold ? null : { ...epoch.validation! }, where);
  }
  for (const [index, row] of readCsv(readFileSync(folds, 'utf8')).entries()) {
    const run = runOf(row.variant, row.key);
    const where = `cv-folds.csv line ${index + 2} (${row.key})`;
    assert.equal(run.spec.split.kind, 'fold', `${where}: not a fold run`);
    assertRunColumns(row, run, where);
    metrics(row, 'train', { ...finalMetrics(run).train }, where);
    metrics(row, 'validation', { ...finalMetrics(run).evaluated }, where);
    assertCell(row, 'validation_macro_precision', run.validation!.perClass.macroPrecision, where);
    assertCell(row, 'cpu', run.environment.cpu, where);
  }
  for (const [index, row] of readCsv(readFileSync(finals, 'utf8')).entries()) {
    const run = runOf(row.variant, row.key);
    const where = `final-runs.csv line ${index + 2} (${row.key})`;
    assert.equal(run.spec.split.kind, 'full', `${where}: not a run on the full training set`);
    assertRunColumns(row, run, where);
    metrics(row, 'test', { ...finalMetrics(run).evaluated }, where);
    const total = run.test!.predictions.length;
    assertCell(row, 'test_images', total, where);
    assertCell(row, 'test_accuracy_low', wilsonInterval(Math.round(finalMetrics(run).evaluated.accuracy * total), total).lower, where);
    assertCell(row, 'test_macro_recall', run.test!.perClass.macroRecall, where);
    assertCell(row, 'cpu', run.environment.cpu, where);
  }
}

test('a results set of fold and full runs, read back: every column holds, row by row, the set its name says', async () => {
  const runsDirectory = mkdtempSync(join(tmpdir(), 'runs-'));
  const protocol = { ...STUDY_PROTOCOL, epochs: 2 };
  const specs: RunSpec[] = [
    { variant: 'relu', protocol, seed: 4, split: { kind: 'fold', k: 2, index: 0 }, limit: 200 },
    { variant: 'relu', protocol, seed: 4, split: { kind: 'full' }, limit: 200 },
    { variant: 'baseline', protocol, seed: 4, split: { kind: 'fold', k: 2, index: 1 }, limit: 200 },
    { variant: 'relu', protocol: { ...protocol, decay: { ...STEP_DECAY, everyEpochs: 1 } }, seed: 4, split: { kind: 'full' }, limit: 200 },
  ];
  const runs: RunRecord[] = [];
  for (const spec of specs) runs.push(await ensureRun(spec, () => loadRunData(spec, DATA_DIRECTORY), { runsDirectory }));
  // A CPU's name may hold a comma: it stays one field.
  const named = runs.map((run, index) => (index === 1 ? { ...run, environment: { ...run.environment, cpu: 'Example CPU, 2 cores "v2"' } } : run));
  const json = join(mkdtempSync(join(tmpdir(), 'results-')), 'study.json');
  writeResults(json, { command: 'test' }, named);
  checkResultSet(json, (_variant, key) => named.find((run) => run.key === key)!);
});

test('a frame refuses rows whose keys are not its columns (danfojs would place them by position under another row\'s headers)', () => {
  assert.throws(() => frameOf('example', ['a', 'b'], [{ a: 1, b: 2 }, { a: 1, c: 3 }]), /example: a row has columns not declared \(c\) and lacks columns \(b\)/);
});

test('the committed results/ CSV files hold, row by row, what the committed runs/ they name hold', () => {
  const results = join(PROJECT_DIRECTORY, 'results');
  const runOf = (variant: string, key: string): RunRecord => {
    const path = join(PROJECT_DIRECTORY, 'runs', variant, key, 'run.json');
    assert.ok(existsSync(path), `${path}: named by results/ but not in runs/`);
    return JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  };
  const memo = new Map<string, RunRecord>();
  checkResultSet(join(results, 'study.json'), (variant, key) => memo.get(key) ?? memo.set(key, runOf(variant, key)).get(key)!);
});
