/**
 * The study command line under bad input: every expected problem ends in one line
 * `study: <what happened, what to do>` and a non-zero exit (2 for usage), never a stack trace,
 * and nothing is trained or written before the problem is found.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeVersionProblem } from '../lib/cli/guard';
import { workerCount } from '../lib/cli/study-commands';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

const cli = join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js');
const scratch = () => mkdtempSync(join(tmpdir(), 'cli-'));

function study(argv: string[], environment: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8', env: { ...process.env, ...environment } });
  const lines = result.stderr.trim().split('\n');
  return { ...result, lastLine: lines[lines.length - 1] };
}

/** The problem is reported in the last line, as `study: …`, with no stack trace. */
function assertOneLine(result: ReturnType<typeof study>, status: number, message: RegExp): void {
  assert.equal(result.status, status, result.stderr);
  assert.match(result.lastLine, /^study: /);
  assert.match(result.lastLine, message);
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, 'a stack trace');
}

const USAGE: [string[], RegExp][] = [
  [['kfold', '--variant', 'lenet'], /unknown variant "lenet"; expected one of baseline, relu, maxpooling, dropout, leakyrelu/],
  [['kfold'], /kfold needs --variant NAME/],
  [['kfold', '--variant', 'relu', '--k', '1'], /--k needs an integer ≥ 2, got "1"/],
  [['kfold', '--variant', 'relu', '--epochs', '0'], /--epochs needs an integer ≥ 1, got "0"/],
  [['kfold', '--variant', 'relu', '--epochs', 'many'], /--epochs needs an integer ≥ 1, got "many"/],
  [['train'], /unknown command "train"/],
  [['all', '--fast'], /unknown option "--fast"/],
  [['kfold', '--variant', 'relu', '--runs-dir'], /--runs-dir needs a value/],
  [['kfold', '--variant', 'relu', '--data-dir'], /--data-dir needs a value/],
  [['all', '--json'], /--json needs a value/],
  [['all', '--json', '--workers', '2'], /--json needs a value/],
  [['all', '--workers', '0'], /--workers needs an integer ≥ 1, got "0"/],
  [['run'], /run needs a value/],
  [['all', '--slurm', 'plan.sbatch'], /--slurm is an option of plan, not of all/],
  [['verify', '--kubernetes', 'plan.yaml'], /--kubernetes is an option of plan, not of verify/],
  [['plan', '--slurm'], /--slurm needs a value/],
  [['plan', '--kubernetes', '--slurm', 'plan.sbatch'], /--kubernetes needs a value/],
  [['plan', '--image', 'lenet5'], /--image names the image of the Kubernetes manifest: give --kubernetes FILE too/],
  [['plan', '--kubernetes', 'plan.yaml', '--image', 'my image'], /--image needs an image reference such as REGISTRY\/lenet5-fashion-mnist:TAG, got "my image"/],
  [['plan', '--slurm', 'plan.out', '--kubernetes', 'plan.out'], /--slurm and --kubernetes name the same file .*plan\.out: give each its own/],
];

for (const [argv, message] of USAGE) {
  test(`study ${argv.join(' ')}: a usage error, exit 2`, () => {
    const result = study(argv);
    assert.equal(result.stdout, '');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^study: /);
    assert.match(result.stderr, message);
  });
}

test('study --help prints usage and exits 0', () => {
  const result = study(['--help']);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: npm run study/);
});

const FAST = ['--limit', '200', '--epochs', '1', '--k', '2'];

test('STUDY_PROFILE is honoured as the notebooks honour it, and an unknown value is refused', () => {
  const runsDirectory = scratch();
  const fromEnvironment = study(['plan', '--runs-dir', runsDirectory], { STUDY_PROFILE: 'fast' });
  const fromFlag = study(['plan', '--profile', 'fast', '--runs-dir', runsDirectory]);
  assert.equal(fromEnvironment.status, 0, fromEnvironment.stderr);
  assert.equal(fromEnvironment.stdout, fromFlag.stdout);
  const specs = fromEnvironment.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(specs.length > 0 && specs.every((spec) => spec.limit === 2000 && spec.protocol.epochs === 2), 'fast profile specs');
  assertOneLine(study(['plan', '--runs-dir', runsDirectory], { STUDY_PROFILE: 'bogus' }), 1, /STUDY_PROFILE must be one of full, fast, got "bogus"/);
  assertOneLine(study(['plan', '--profile', 'bogus', '--runs-dir', runsDirectory]), 1, /--profile must be one of full, fast, got "bogus"/);
  const empty = study(['plan', '--runs-dir', runsDirectory], { STUDY_PROFILE: '' });
  assert.equal(empty.status, 0, 'an empty STUDY_PROFILE counts as unset');
});

test('TensorFlow settings must be well-formed; an empty one counts as unset', () => {
  const runsDirectory = scratch();
  assertOneLine(study(['plan', '--runs-dir', runsDirectory], { TF_NUM_INTRAOP_THREADS: 'abc' }), 1, /TF_NUM_INTRAOP_THREADS must be a positive integer, got "abc"/);
  assertOneLine(study(['plan', '--runs-dir', runsDirectory], { TF_NUM_INTEROP_THREADS: '0' }), 1, /TF_NUM_INTEROP_THREADS must be a positive integer, got "0"/);
  assertOneLine(study(['plan', '--runs-dir', runsDirectory], { TF_ENABLE_ONEDNN_OPTS: 'yes' }), 1, /TF_ENABLE_ONEDNN_OPTS must be 0 or 1, got "yes"/);
  assert.equal(study(['plan', '--profile', 'fast', '--runs-dir', runsDirectory], { TF_NUM_INTRAOP_THREADS: '' }).status, 0);
});

test('an empty RUNS_DIRECTORY counts as unset (nothing is written into the current folder)', () => {
  const folder = scratch();
  const result = spawnSync(process.execPath, [cli, 'plan', '--profile', 'fast'], { encoding: 'utf8', cwd: folder, env: { ...process.env, RUNS_DIRECTORY: '' } });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(readdirSync(folder), []);
});

test('--json is checked before anything trains: a missing folder, a read-only folder, a folder as the file', () => {
  const runsDirectory = scratch();
  const readOnly = scratch();
  chmodSync(readOnly, 0o555);
  const cases: [string, RegExp][] = [
    [join(scratch(), 'missing', 'out.json'), /its folder .*missing does not exist/],
    [scratch(), /it is a folder/],
  ];
  // Root ignores file permissions: the read-only case holds only for other users.
  if (process.getuid?.() !== 0) cases.push([join(readOnly, 'out.json'), /permission denied/]);
  for (const [path, message] of cases) {
    const result = study(['kfold', '--variant', 'relu', ...FAST, '--runs-dir', runsDirectory, '--json', path]);
    assertOneLine(result, 1, message);
    assert.match(result.lastLine, /nothing was trained/);
  }
  assert.deepEqual(readdirSync(runsDirectory), [], 'nothing trained');
});

test('--slurm and --kubernetes are checked writable before the plan is made', () => {
  const missing = join(scratch(), 'missing');
  for (const flag of ['--slurm', '--kubernetes']) {
    assertOneLine(study(['plan', '--profile', 'fast', '--runs-dir', scratch(), flag, join(missing, 'plan')]), 1,
      new RegExp(`cannot write ${flag} .*plan: its folder .*missing does not exist`));
  }
});

test('--json is written atomically, and only once the summary is complete', () => {
  const folder = scratch();
  const path = join(folder, 'study.json');
  writeFileSync(path, '{"previous": true}\n');
  const result = study(['kfold', '--variant', 'relu', ...FAST, '--runs-dir', scratch(), '--json', path]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(require('node:fs').readFileSync(path, 'utf8')).command, 'kfold');
  assert.deepEqual(readdirSync(folder), ['study.json'], 'no temporary file left');
});

test('bad data: one line naming the file and the problem, no run folder created', () => {
  const runsDirectory = scratch();
  const emptyData = scratch();
  const missing = study(['kfold', '--variant', 'relu', ...FAST, '--data-dir', emptyData, '--runs-dir', runsDirectory]);
  assertOneLine(missing, 1, /train-images-idx3-ubyte\.gz: file not found at .*run `make data`/);
  assert.doesNotMatch(missing.stderr, /resumes the failed ones/);
  const folderData = scratch();
  mkdirSync(join(folderData, 'train-images-idx3-ubyte.gz'));
  assertOneLine(study(['kfold', '--variant', 'relu', ...FAST, '--data-dir', folderData, '--runs-dir', runsDirectory]), 1,
    /train-images-idx3-ubyte\.gz: .* is a folder, not a file/);
  assert.ok(!existsSync(join(runsDirectory, 'relu')) || readdirSync(join(runsDirectory, 'relu')).every((name) => name.endsWith('.lock') === false), 'no run folder');
  const withWorkers = study(['kfold', '--variant', 'relu', ...FAST, '--data-dir', emptyData, '--runs-dir', runsDirectory, '--workers', '2']);
  assertOneLine(withWorkers, 1, /file not found/);
  assert.doesNotMatch(withWorkers.stderr, /resumes the failed ones/);
});

test('k-fold with more folds than images: one line, what to do', () => {
  assertOneLine(study(['kfold', '--variant', 'relu', '--limit', '10', '--k', '11', '--epochs', '1', '--runs-dir', scratch()]), 1,
    /k-fold with k=11 needs at least 11 samples, got 10 \(use a larger --limit or a smaller --k\)/);
});

test('study run: a spec that is not valid is named field by field', () => {
  assertOneLine(study(['run', '{"variant": "relu"', '--runs-dir', scratch()]), 1, /not a valid run spec: not JSON/);
  assertOneLine(study(['run', JSON.stringify({ variant: 'lenet', protocol: { epochs: 0, batchSize: 32, learningRate: 0.001, decay: null }, seed: 1, split: { kind: 'full' }, limit: null }),
    '--runs-dir', scratch()]), 1, /variant must be one of .*; protocol\.epochs must be an integer ≥ 1/);
});

test('--workers is capped at the CPU cores (and at the runs) unless --oversubscribe', () => {
  assert.equal(workerCount(1000, false, 2), 2);
  assert.equal(workerCount(1000, true, 2), 1000);
  assert.equal(workerCount(1, false, 8), 1);
  const result = study(['kfold', '--variant', 'relu', ...FAST, '--runs-dir', scratch(), '--data-dir', DATA_DIRECTORY, '--workers', '1000']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /training 2 run\(s\) in 2 worker processes/);
});

test('Node.js outside 20–22 is refused with what to do', () => {
  assert.equal(nodeVersionProblem('20.20.2'), null);
  assert.equal(nodeVersionProblem('22.1.0'), null);
  assert.match(nodeVersionProblem('23.1.0')!, /Node\.js 23\.1\.0 is not supported: tfjs-node 4\.22 needs Node\.js 20 to 22/);
  assert.match(nodeVersionProblem('18.19.0')!, /not supported/);
});
