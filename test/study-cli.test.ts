/**
 * The study command line under bad input: every expected problem ends in one line
 * `study: <what happened, what to do>` and a non-zero exit (2 for usage), never a stack trace,
 * and nothing is trained or written before the problem is found.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { workerCount } from '../lib/cli/study-commands';
import { notARegularFile } from '../lib/study/run-files';
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
  [['kfold', '--variant', 'relu', '--k', '1'], /--k needs a decimal integer ≥ 2, got "1"/],
  [['kfold', '--variant', 'relu', '--epochs', '0'], /--epochs needs a decimal integer ≥ 1, got "0"/],
  [['kfold', '--variant', 'relu', '--epochs', 'many'], /--epochs needs a decimal integer ≥ 1, got "many"/],
  [['train'], /unknown command "train"/],
  [['all', '--fast'], /unknown option "--fast"/],
  [['kfold', '--variant', 'relu', '--runs-dir'], /--runs-dir needs a value/],
  [['kfold', '--variant', 'relu', '--data-dir'], /--data-dir needs a value/],
  [['all', '--json'], /--json needs a value/],
  [['all', '--json', '--workers', '2'], /--json needs a value/],
  [['all', '--workers', '0'], /--workers needs a decimal integer ≥ 1, got "0"/],
  // Numbers are decimal: 0x10 is not 16, 1e3 not 1000.
  [['plan', '--seed', '0x10'], /--seed needs a decimal integer ≥ 0, got "0x10"/],
  [['plan', '--limit', '1e3'], /--limit needs a decimal integer ≥ 10, got "1e3"/],
  [['plan', '--seed', '-1'], /--seed needs a decimal integer ≥ 0, got "-1"/],
  // An option a command does not use is refused, never ignored.
  [['plan', '--variant', 'relu'], /--variant does not apply to plan \(it is an option of kfold\)/],
  [['plan', '--workers', '2'], /--workers does not apply to plan/],
  [['tensorboard', '--json', 'out.json'], /--json does not apply to tensorboard/],
  [['run', '{}', '--epochs', '3'], /run takes its run from the spec \(variant, protocol, seed, split and data slice\): --epochs does not apply; change the spec instead/],
  [['run', '{}', '--profile', 'fast'], /run takes its run from the spec .*: --profile does not apply/],
  [['run', '{}', '--limit', '100'], /run takes its run from the spec .*: --limit does not apply/],
  [['repair', '{}', '--seed', '3'], /repair takes its run from the spec .*: --seed does not apply/],
  [['all', 'extra'], /unexpected argument "extra"/],
  [['run'], /run needs a value/],
  [['all', '--slurm', 'plan.sbatch'], /--slurm does not apply to all \(it is an option of plan\)/],
  [['verify', '--kubernetes', 'plan.yaml'], /verify retrains committed runs as recorded: --kubernetes does not apply/],
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
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).command, 'kfold');
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

/** Runs the study command line and says whether tfjs-node was loaded by the time it exited. */
function studyNoting(argv: string[]) {
  const preload = join(scratch(), 'note-tensorflow.js');
  writeFileSync(preload, "process.on('exit', () => process.stderr.write('\\ntfjs-node loaded: ' + Object.keys(require.cache).some((path) => path.includes('tfjs-node')) + '\\n'));\n");
  const result = spawnSync(process.execPath, ['--require', preload, cli, ...argv], { encoding: 'utf8' });
  const lines = result.stderr.trim().split('\n');
  return { ...result, loaded: /tfjs-node loaded: true/.test(result.stderr), message: lines[lines.length - 3] ?? lines[0] };
}

test('arguments, the profile, the settings and a spec are refused before TensorFlow loads', () => {
  const cases: [string[], RegExp][] = [
    [['plan', '--profile', 'bogus'], /--profile must be one of full, fast, got "bogus"/],
    [['run', JSON.stringify({ variant: 'relu' }), '--runs-dir', scratch()], /not a valid run spec/],
    [['plan', '--seed', '0x10'], /--seed needs a decimal integer/],
  ];
  for (const [argv, message] of cases) {
    const result = studyNoting(argv);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, message);
    assert.equal(result.loaded, false, `${argv.join(' ')}: tfjs-node was loaded before the refusal`);
  }
});

test('study run: a spec\'s protocol is checked field by field (decay factor in (0, 1], every-epochs a positive integer, no unknown fields)', () => {
  const spec = (protocol: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({
    variant: 'relu', protocol: { epochs: 2, batchSize: 32, learningRate: 0.001, decay: null, ...protocol }, seed: 1, split: { kind: 'full' }, limit: 200, ...extra,
  });
  const cases: [string, RegExp][] = [
    [spec({ decay: { factor: -1, everyEpochs: 5 } }), /protocol\.decay\.factor must be a number in \(0, 1\], got -1/],
    [spec({ decay: { factor: 1e6, everyEpochs: 5 } }), /protocol\.decay\.factor must be a number in \(0, 1\], got 1000000/],
    [spec({ decay: { factor: 0.5, everyEpochs: 0 } }), /protocol\.decay\.everyEpochs must be an integer ≥ 1, got 0/],
    [spec({ decay: { factor: 0.5, everyEpochs: 2.5 } }), /protocol\.decay\.everyEpochs must be an integer ≥ 1, got 2\.5/],
    [spec({ learningRate: -0.1 }), /protocol\.learningRate must be a finite number > 0/],
    [spec({ learningRate: 'fast' }), /protocol\.learningRate must be a finite number > 0/],
    [spec({ epochs: 2, batchSize: 0 }), /protocol\.batchSize must be an integer ≥ 1/],
    [spec({}, { seeds: 3 }), /unknown field seeds/],
    [spec({ momentum: 0.9 }), /unknown field protocol\.momentum/],
  ];
  const runsDirectory = scratch();
  for (const [text, message] of cases) assertOneLine(study(['run', text, '--runs-dir', runsDirectory]), 1, message);
  assert.deepEqual(readdirSync(runsDirectory), [], 'nothing trained');
});

test('--json onto a symbolic link or a named pipe (or beside one, for a results set) is refused in one line before anything trains', () => {
  const runsDirectory = scratch();
  const folder = scratch();
  const target = join(folder, 'target.json');
  writeFileSync(target, 'kept\n');
  symlinkSync(target, join(folder, 'link.json'));
  assert.equal(spawnSync('mkfifo', [join(folder, 'pipe.json')]).status, 0);
  const results = scratch();
  symlinkSync(target, join(results, 'histories.csv'));
  const cases: [string[], RegExp][] = [
    [['kfold', '--variant', 'relu', ...FAST, '--json', join(folder, 'link.json')], /link\.json: it is a symbolic link, not a regular file/],
    [['kfold', '--variant', 'relu', ...FAST, '--json', join(folder, 'pipe.json')], /pipe\.json: it is a named pipe, not a regular file/],
    [['select', ...FAST, '--json', join(results, 'study.json')], /histories\.csv \(written beside it\): it is a symbolic link, not a regular file/],
  ];
  for (const [argv, message] of cases) {
    const result = study([...argv, '--runs-dir', runsDirectory]);
    assertOneLine(result, 1, message);
    assert.match(result.lastLine, /nothing was trained/);
  }
  assert.deepEqual(readdirSync(runsDirectory), [], 'nothing trained');
  assert.ok(lstatSync(join(folder, 'link.json')).isSymbolicLink() && readFileSync(target, 'utf8') === 'kept\n', 'the link and its target are untouched');
  assert.equal(notARegularFile('/dev/null'), 'it is a device, not a regular file');
});

test('a results set is replaced as a whole: a full disk while writing histories.csv leaves every file of the previous set, and the message names the file', () => {
  const runsDirectory = scratch();
  const folder = scratch();
  const json = join(folder, 'study.json');
  const first = study(['select', ...FAST, '--runs-dir', runsDirectory, '--json', json]);
  assert.equal(first.status, 0, first.stderr);
  const names = ['study.json', 'cv-folds.csv', 'final-runs.csv', 'histories.csv'];
  assert.deepEqual(readdirSync(folder).sort(), [...names].sort());
  for (const name of names) writeFileSync(join(folder, name), `previous ${name}\n`);
  const failed = study(['select', ...FAST, '--runs-dir', runsDirectory, '--json', json], { STUDY_INJECT_FAULT: 'disk-full:histories.csv' });
  assertOneLine(failed, 1, new RegExp(`^study: ${join(folder, 'histories.csv').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no space left on the device`));
  for (const name of names) assert.equal(readFileSync(join(folder, name), 'utf8'), `previous ${name}\n`, `${name} was replaced`);
  assert.deepEqual(readdirSync(folder).sort(), [...names].sort(), 'no temporary file left');
});

test('the other command lines refuse an argument they do not take, in one line (none ignores it)', () => {
  for (const [script, argv, message] of [
    ['arithmetic.js', ['--wirte'], /^arithmetic: unknown argument "--wirte"/],
    ['arithmetic.js', ['--keep-fingerprint'], /^arithmetic: --keep-fingerprint applies only with --write/],
    ['readme.js', ['--chek'], /^readme: unknown argument "--chek"/],
  ] as [string, string[], RegExp][]) {
    const result = spawnSync(process.execPath, [join(PROJECT_DIRECTORY, 'dist/lib/cli', script), ...argv], { encoding: 'utf8' });
    assert.notEqual(result.status, 0);
    const last = result.stderr.trim().split('\n').pop()!;
    assert.match(last, message);
    assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, 'a stack trace');
  }
});
