/**
 * `study verify`: the tolerance derived from the seeds' spread, the seeded stratified sample and its
 * time budget, the verdicts; and on a small slice of the real data, a run trained here verifies as
 * "identical" (exit 0), while the same run retrained with its arithmetic deliberately changed (the
 * learning rate scaled by 1.1 inside training, same spec, same key) is "not reproduced" (exit 1).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunEnvironment } from '../lib/study/environment';
import type { RunRecord } from '../lib/study/runs';
import type { RunSpec } from '../lib/study/run-spec';
import { STEP_DECAY, STUDY_PROTOCOL } from '../lib/study/protocol';
import { twoSidedTQuantile } from '../lib/study/statistics';
import { compareRun, Deviation, machineDifferences, verdictOf } from '../lib/study/verify-compare';
import {
  CommittedRun, DEFAULT_GROUPS, DEFAULT_SAMPLE_SEED, defaultSample, estimatedSeconds, estimatedWallSeconds, readCommittedRuns, runKind, sampleWithin, stratifiedOrder,
} from '../lib/study/verify-sample';
import { deriveTolerances, metricOf } from '../lib/study/verify-tolerance';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

const cli = join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js');
const scratch = () => mkdtempSync(join(tmpdir(), 'verify-test-'));

const ENVIRONMENT: RunEnvironment = {
  cpu: 'AMD EPYC', vectorExtensions: ['avx2', 'avx512f', 'fma'], settings: { oneDNN: true, intraOpThreads: 1, interOpThreads: 1 },
  tfjsNode: '4.22.0', tensorflow: '2.21.0', node: 'v20.20.2',
};

let keys = 0;
/** A record with the fields verification reads; every metric of epoch e is value(e). */
function record(spec: Partial<RunSpec> & Pick<RunSpec, 'seed' | 'split'>, value: (epoch: number) => number, seconds = 100): RunRecord {
  const full: RunSpec = { variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 2 }, limit: null, ...spec };
  const metrics = (epoch: number) => ({ loss: value(epoch), accuracy: value(epoch), precision: value(epoch), recall: value(epoch) });
  const history = Array.from({ length: full.protocol.epochs }, (_, epoch) => ({ epoch: epoch + 1, learningRate: 0.001, train: metrics(epoch), validation: metrics(epoch), seconds: 1 }));
  keys += 1;
  return { key: keys.toString(16).padStart(16, '0'), spec: full, history, environment: ENVIRONMENT, trainingSeconds: seconds } as unknown as RunRecord;
}
const fold = (index: number) => ({ kind: 'fold' as const, k: 5, index });
const committed = (records: RunRecord[]): CommittedRun[] => records.map((entry) => ({ record: entry, folder: entry.key }));
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);

test('Student\'s t quantile: 3.29 for many degrees of freedom, 4.59 for 10, 8.61 for 4 (two-sided 0.001)', () => {
  assert.ok(Math.abs(twoSidedTQuantile(0.001, 1e9) - 3.2905) < 1e-4);
  assert.ok(Math.abs(twoSidedTQuantile(0.001, 10) - 4.5869) < 1e-4);
  assert.ok(Math.abs(twoSidedTQuantile(0.001, 4) - 8.6103) < 1e-4);
  assert.ok(Math.abs(twoSidedTQuantile(0.05, 2) - 4.3027) < 1e-4);
  assert.throws(() => twoSidedTQuantile(0, 4), /0 < p < 1/);
});

test('tolerance: σ̂ pooled across seeds at the same fold, q·√2·σ̂ with q from its degrees of freedom', () => {
  // Fold 0: seeds give 0.80, 0.82, 0.84 at epoch 1; fold 1: 0.70, 0.71, 0.72. Epoch 2 twice as spread.
  const values = [[0.8, 0.82, 0.84], [0.7, 0.71, 0.72]];
  const records = values.flatMap((seeds, index) => seeds.map((base, seed) => record({ seed: 42 + seed, split: fold(index) },
    (epoch) => values[index][0] + (base - values[index][0]) * (epoch + 1))));
  const tolerance = deriveTolerances(records).get(runKind(records[0].spec))!;
  assert.equal(tolerance.basis, 'seeds');
  assert.equal(tolerance.degreesOfFreedom, 4);
  // Pooled variance at epoch 1: (0.02² + 0.02² + 0.01² + 0.01²) / (2 + 2).
  const sigma = Math.sqrt((0.0004 * 2 + 0.0001 * 2) / 4);
  close(tolerance.spread[0].evaluated.accuracy, sigma, 'σ̂ epoch 1');
  close(tolerance.spread[1].train.loss, 2 * sigma, 'σ̂ epoch 2');
  close(tolerance.quantile, twoSidedTQuantile(0.001, 4), 'q');
  close(tolerance.allowed[0].evaluated.recall, tolerance.quantile * Math.SQRT2 * sigma, 'allowed');
  assert.equal(metricOf(records[1], 0, 'evaluated', 'accuracy'), 0.82);
});

test('tolerance: one seed takes the spread across its folds; a lone run borrows from its split kind, or has none', () => {
  const batch64 = { ...STUDY_PROTOCOL, epochs: 2, batchSize: 64 };
  const oneSeed = [0.5, 0.6, 0.7].map((value, index) => record({ protocol: batch64, seed: 42, split: fold(index) }, () => value));
  const finals = [0.9, 0.91, 0.93].map((value, seed) => record({ seed, split: { kind: 'full' } }, () => value));
  const loneFinal = record({ variant: 'baseline', seed: 1, split: { kind: 'full' } }, () => 0.5);
  const loneFold = record({ variant: 'dropout', seed: 1, split: fold(0), protocol: { ...STUDY_PROTOCOL, epochs: 3 } }, () => 0.5);
  const tolerances = deriveTolerances([...oneSeed, ...finals, loneFinal, loneFold]);
  const folds = tolerances.get(runKind(oneSeed[0].spec))!;
  assert.deepEqual([folds.basis, folds.degreesOfFreedom], ['folds', 2]);
  close(folds.spread[0].train.accuracy, 0.1, 'σ̂ across folds');
  const borrowed = tolerances.get(runKind(loneFinal.spec))!;
  assert.deepEqual([borrowed.basis, borrowed.degreesOfFreedom, borrowed.runs], ['borrowed', 2, 3]);
  close(borrowed.spread[1].evaluated.loss, tolerances.get(runKind(finals[0].spec))!.spread[1].evaluated.loss, 'borrowed σ̂');
  assert.equal(tolerances.get(runKind(loneFold.spec)), undefined, 'no fold group of 3 epochs to borrow from');
});

const deviation = (recorded: number, retrained: number, allowed: number | null): Deviation => ({
  epoch: 1, set: 'validation', metric: 'accuracy', recorded, retrained, deviation: Math.abs(retrained - recorded), allowed, share: null,
});

test('verdicts: bit for bit on the same kind of machine; within the tolerance on another', () => {
  assert.equal(verdictOf([deviation(0.9, 0.9, 0)], true), 'identical');
  assert.equal(verdictOf([deviation(0.9, 0.9 + 1e-16, 0.1)], true), 'not reproduced');
  assert.equal(verdictOf([deviation(0.9, 0.91, 0.02)], false), 'within noise');
  assert.equal(verdictOf([deviation(0.9, 0.91, 0.02), deviation(0.5, 0.6, 0.05)], false), 'not reproduced');
  assert.equal(verdictOf([deviation(0.9, 0.91, null)], false), 'not reproduced', 'no tolerance: only bit identity passes');
  assert.deepEqual(machineDifferences(ENVIRONMENT, { ...ENVIRONMENT, node: 'v22.1.0' }), []);
  assert.deepEqual(machineDifferences(ENVIRONMENT, { ...ENVIRONMENT, cpu: 'Intel(R) Xeon(R) Processor', vectorExtensions: ['avx2', 'fma'] }),
    ['CPU model', 'vector extensions']);
  assert.deepEqual(machineDifferences(ENVIRONMENT, { ...ENVIRONMENT, settings: { ...ENVIRONMENT.settings, intraOpThreads: 2 }, tensorflow: '2.9.1' }),
    ['intra-op threads', 'libtensorflow']);
});

test('a run compared with its record: on another CPU within the tolerance, the largest deviation by its share of the allowance', () => {
  const records = [0.8, 0.82, 0.84].map((value, seed) => record({ seed, split: fold(0) }, () => value));
  const tolerance = deriveTolerances(records).get(runKind(records[0].spec))!;
  const elsewhere = { ...ENVIRONMENT, cpu: 'Intel(R) Xeon(R) Processor' };
  const retrained = { ...record({ seed: 0, split: fold(0) }, (epoch) => (epoch === 1 ? 0.81 : 0.8)), key: records[0].key, environment: elsewhere };
  const verification = compareRun(records[0], retrained, tolerance);
  assert.equal(verification.verdict, 'within noise');
  assert.deepEqual(verification.machineDifferences, ['CPU model']);
  assert.deepEqual([verification.largest!.epoch, verification.largest!.set], [2, 'train']);
  close(verification.largest!.share!, 0.01 / tolerance.allowed[1].train.accuracy, 'share');
  // 3 seeds: df = 2, q = 31.6, allowed = q·√2·0.02 = 0.89.
  const far = { ...retrained, history: record({ seed: 0, split: fold(0) }, () => 1.8).history };
  assert.equal(compareRun(records[0], far, tolerance).verdict, 'not reproduced');
  assert.equal(compareRun(records[0], { ...retrained, environment: ENVIRONMENT }, tolerance).verdict, 'not reproduced', 'the same kind: bit for bit');
});

/** 4 kinds of run, of 6, 3, 2 and 1 runs, of different lengths. */
function population(): CommittedRun[] {
  return committed([
    ...Array.from({ length: 6 }, (_, index) => record({ seed: 42 + (index % 3), split: fold(index % 5) }, () => 0.5, 100 + index)),
    ...Array.from({ length: 3 }, (_, index) => record({ variant: 'baseline', seed: 42 + index, split: fold(0) }, () => 0.5, 200)),
    ...Array.from({ length: 2 }, (_, index) => record({ seed: 42 + index, split: { kind: 'full' } }, () => 0.5, 300)),
    record({ seed: 42, split: { kind: 'full' }, protocol: { ...STUDY_PROTOCOL, epochs: 2, decay: STEP_DECAY } }, () => 0.5, 50),
  ]);
}

test('sample: stratified (every kind once before any twice), seeded, and the same for the same seed', () => {
  const runs = population();
  const order = stratifiedOrder(runs, 1);
  assert.equal(order.length, runs.length);
  assert.equal(new Set(order.map((run) => run.record.key)).size, runs.length);
  const kinds = order.map((run) => runKind(run.record.spec));
  assert.equal(new Set(kinds.slice(0, 4)).size, 4, 'the first four runs are of four kinds');
  assert.equal(new Set(kinds.slice(4, 7)).size, 3, 'then one of each kind that has a second');
  assert.deepEqual(stratifiedOrder(runs, 1).map((run) => run.record.key), order.map((run) => run.record.key));
  const others = [2, 3, 4, 5].map((seed) => stratifiedOrder(runs, seed).map((run) => run.record.key).join());
  assert.ok(others.some((keysOfSeed) => keysOfSeed !== order.map((run) => run.record.key).join()), 'another seed, another order');
});

test('sample: --minutes takes runs while the estimated wall time fits, and no run left out would still fit', () => {
  const runs = population();
  for (const [minutes, workers] of [[5, 2], [8, 1], [3, 2], [60, 2]]) {
    const chosen = sampleWithin(runs, minutes * 60, workers, 7);
    assert.ok(estimatedWallSeconds(chosen, workers) <= minutes * 60, `${minutes} min, ${workers} worker(s)`);
    const left = runs.filter((run) => !chosen.includes(run));
    for (const run of left) assert.ok(estimatedWallSeconds([...chosen, run], workers) > minutes * 60, `${run.record.key} would have fit`);
  }
  assert.equal(estimatedWallSeconds(runs.slice(0, 2), 2), Math.max(...runs.slice(0, 2).map(estimatedSeconds)));
  assert.equal(estimatedWallSeconds(runs.slice(0, 2), 1), estimatedSeconds(runs[0]) + estimatedSeconds(runs[1]));
});

test('the default sample of the committed runs: one run of each group, within 15 minutes on 2 workers', () => {
  const runs = readCommittedRuns(join(PROJECT_DIRECTORY, 'runs'));
  const sample = defaultSample(runs, 1);
  assert.equal(sample.length, DEFAULT_GROUPS.length);
  DEFAULT_GROUPS.forEach((group, index) => assert.ok(group.matches(sample[index].record.spec), group.label));
  assert.ok(estimatedWallSeconds(sample, 2) <= 15 * 60, `estimated ${estimatedWallSeconds(sample, 2)} s`);
  assert.deepEqual(defaultSample(runs, 1), sample, 'seeded');
  assert.notDeepEqual(defaultSample(runs, 2).map((run) => run.record.key), sample.map((run) => run.record.key));
});

function study(argv: string[], environment: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8', env: { ...process.env, ...environment } });
  const lines = result.stderr.trim().split('\n');
  return { ...result, lastLine: lines[lines.length - 1] };
}

const USAGE: [string[], RegExp][] = [
  [['verify', '--runs', '0'], /--runs needs a decimal integer ≥ 1, got "0"/],
  [['verify', '--minutes', 'soon'], /--minutes needs a decimal integer ≥ 1, got "soon"/],
  [['verify', '--runs', '3', '--all'], /--runs and --all exclude each other/],
  [['verify', '--sample-seed', '-1'], /--sample-seed needs a decimal integer ≥ 0/],
  [['verify', '--k', '3'], /verify retrains committed runs as recorded: --k does not apply/],
  [['kfold', '--variant', 'relu', '--all'], /--all is an option of verify, not of kfold/],
  [['all', '--runs', '2'], /--runs is an option of verify, not of all/],
  [['verify', '--key', 'abc'], /--key needs a run key of 16 hex digits/],
  [['verify', '--key', '0123456789abcdef', '--minutes', '5'], /--key and --minutes exclude each other/],
];

for (const [argv, message] of USAGE) {
  test(`study ${argv.join(' ')}: a usage error in one line, exit 2`, () => {
    const result = study(argv);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^study: /);
    assert.match(result.stderr, message);
  });
}

test('study --help describes verify and its options', () => {
  const { stdout } = study(['--help']);
  for (const text of ['verify  ', '--runs N', '--minutes M', '--all', '--sample-seed S', `(integer ≥ 0, default ${DEFAULT_SAMPLE_SEED})`, '--list']) {
    assert.ok(stdout.includes(text), text);
  }
});

const SPEC: RunSpec = { variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 2 }, seed: 5, split: fold(1), limit: 300 };

/** A committed cache of one small run, trained here. */
const trainedCache = (() => {
  let folder: string | null = null;
  return () => {
    if (folder) return folder;
    folder = scratch();
    const trained = study(['run', JSON.stringify(SPEC), '--runs-dir', folder, '--data-dir', DATA_DIRECTORY]);
    assert.equal(trained.status, 0, trained.stderr);
    return folder;
  };
})();

const listing = (folder: string) => readdirSync(folder, { recursive: true }).map(String).sort();

test('a run trained here, then verified here, is identical bit for bit (exit 0); the committed cache is only read', () => {
  const runsDirectory = trainedCache();
  const before = listing(runsDirectory);
  const output = scratch();
  const temporary = scratch();
  const result = study(['verify', '--all', '--workers', '1', '--runs-dir', runsDirectory, '--data-dir', DATA_DIRECTORY, '--json', join(output, 'verify.json')],
    { TMPDIR: temporary });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /retraining 1 of 1 committed run\(s\) \(every committed run, sample seed 1\), estimated/);
  assert.match(result.stdout, /identical +relu · fold 2\/5, batch 32, first 300 images · seed 5 · [0-9a-f]{16}/);
  assert.match(result.stdout, /largest deviation: none: bit for bit/);
  assert.match(result.stdout, /Overall: identical \(1 identical, 0 within noise, 0 not reproduced\)/);
  const report = JSON.parse(readFileSync(join(output, 'verify.json'), 'utf8'));
  assert.equal(report.verdict, 'identical');
  assert.deepEqual(report.runs[0].machineDifferences, []);
  assert.equal(report.runs[0].retrainedKey, report.runs[0].key);
  assert.deepEqual(readdirSync(output), ['verify.json'], 'written atomically: no temporary file left');
  assert.deepEqual(listing(runsDirectory), before, 'the committed cache is untouched');
  assert.deepEqual(readdirSync(temporary), [], 'the temporary run folder is removed');
});

test('the same run retrained with its learning rate scaled by 1.1 (same spec, same key) is not reproduced: exit 1', () => {
  const runsDirectory = trainedCache();
  const output = join(scratch(), 'verify.json');
  const result = study(['verify', '--runs', '1', '--workers', '1', '--runs-dir', runsDirectory, '--data-dir', DATA_DIRECTORY, '--json', output],
    { STUDY_INJECT_FAULT: 'learning-rate-scale:1.1' });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, /not reproduced +relu · fold 2\/5/);
  assert.match(result.stdout, /machine of the record's kind: bit for bit required/);
  assert.match(result.stdout, /Overall: not reproduced \(0 identical, 0 within noise, 1 not reproduced\)/);
  assert.match(result.lastLine, /^study: 1 of 1 run\(s\) not reproduced: relu fold 2\/5, batch 32, first 300 images, seed 5 \([0-9a-f]{16}\)$/);
  const report = JSON.parse(readFileSync(output, 'utf8'));
  assert.equal(report.verdict, 'not reproduced');
  assert.equal(report.runs[0].retrainedKey, report.runs[0].key, 'the fault leaves the key as it was');
  assert.ok(report.runs[0].largest.deviation > 0);
});

test('verify --list names the sample and its estimate and trains nothing; an empty folder is one clear line', () => {
  const runsDirectory = trainedCache();
  const listed = study(['verify', '--list', '--runs-dir', runsDirectory]);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /retraining 1 of 1 committed run\(s\) \(the default sample, sample seed 1\), estimated \d+ s with 1 worker\(s\):\n {2}relu · fold 2\/5/);
  const key = readdirSync(join(runsDirectory, 'relu'))[0];
  const byKey = study(['verify', '--list', '--key', key, '--runs-dir', runsDirectory]);
  assert.match(byKey.stdout, new RegExp(`\\(the run\\(s\\) of the key given, sample seed 1\\).*\\n.* · ${key} · `));
  assert.match(study(['verify', '--list', '--key', '0123456789abcdef', '--runs-dir', runsDirectory]).lastLine,
    /^study: no committed run has the key 0123456789abcdef in .*: `verify --list --all` lists them$/);
  const empty = study(['verify', '--runs-dir', scratch()]);
  assert.equal(empty.status, 1);
  assert.match(empty.lastLine, /^study: no finished run in .*check --runs-dir$/);
});
