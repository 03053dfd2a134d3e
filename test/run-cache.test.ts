/**
 * The run cache on small slices of the real data: a hit reads back without training; a run killed
 * at a chosen moment (fault injection, no timers) resumes to the numbers of an uninterrupted run;
 * damaged files are found, set aside and retrained, never used — also when rewritten together with
 * their manifest (non-finite or foreign weights, a rewritten history) —, and `study repair` finds them
 * (finished runs and checkpoints) and keeps one set-aside copy of each; a diverged run is never stored;
 * two processes asking for the same run train it once; TensorFlow's own tensor count stays flat.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '../lib/base/tensorflow';
import { liveTensorFlowTensors } from '../lib/model/native/ops';
import { CorruptRunError, sha256File } from '../lib/study/run-files';
import { runKey } from '../lib/study/run-key';
import type { RunSpec } from '../lib/study/run-spec';
import { cachedRun, DivergedRunError, ensureRun, RunRecord } from '../lib/study/runs';
import { hasTensorBoard } from '../lib/study/tensorboard';
import { studyData } from '../lib/study/study';
import { trainRun } from '../lib/model/train';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

const SPEC: RunSpec = { variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 2 }, seed: 5, split: { kind: 'full' }, limit: 400 };

function smallData() {
  const { train, test } = studyData({ dataDirectory: DATA_DIRECTORY, limit: 400 });
  return { train, validation: test, test };
}

const scratch = () => mkdtempSync(join(tmpdir(), 'runs-'));

test('cache: a second call reads the stored run without loading data or training', async () => {
  const runsDirectory = scratch();
  const first = await ensureRun(SPEC, smallData, { runsDirectory });
  let dataLoaded = false;
  const second = await ensureRun(SPEC, () => { dataLoaded = true; return smallData(); }, { runsDirectory });
  assert.equal(dataLoaded, false);
  assert.deepEqual(second, first);
  const model = JSON.parse(readFileSync(join(runsDirectory, 'relu', first.key, 'model', 'model.json'), 'utf8'));
  assert.deepEqual(model.userDefinedMetadata.input.shape, [null, 28, 28, 1], 'the model carries its input contract');
  assert.equal(first.test!.predictions.length, 400);
  assert.deepEqual(first.environment.settings, { oneDNN: true, intraOpThreads: 1, interOpThreads: 1 });
});

test('cache: any change of variant, protocol, seed, split or data slice changes the key', async () => {
  const variants: RunSpec[] = [
    SPEC, { ...SPEC, variant: 'baseline' }, { ...SPEC, protocol: { ...SPEC.protocol, epochs: 3 } },
    { ...SPEC, protocol: { ...SPEC.protocol, batchSize: 64 } }, { ...SPEC, protocol: { ...SPEC.protocol, learningRate: 0.002 } },
    { ...SPEC, protocol: { ...SPEC.protocol, decay: { factor: 0.5, everyEpochs: 5 } } }, { ...SPEC, seed: 6 },
    { ...SPEC, split: { kind: 'fold', k: 5, index: 0 } }, { ...SPEC, split: { kind: 'fold', k: 5, index: 1 } }, { ...SPEC, limit: 401 },
  ];
  const keys = await Promise.all(variants.map((spec) => runKey(spec)));
  assert.equal(new Set(keys).size, variants.length);
});

/** A small k-fold study through the command line (a real process, killed for real). */
function study(runsDirectory: string, environment: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js'), 'kfold', '--variant', 'dropout', '--k', '2',
    '--epochs', '3', '--limit', '600', '--seed', '9', '--runs-dir', runsDirectory], { encoding: 'utf8', env: { ...process.env, ...environment } });
}
const finals = (stdout: string) => JSON.parse(stdout).kfold[0].folds.map(({ final: { seconds: _seconds, ...metrics } }: { final: { seconds: number } }) => metrics);

const reference = (() => {
  let memo: ReturnType<typeof study> | null = null;
  return () => (memo ??= study(scratch()));
})();

for (const [fault, resumedAfter] of [['checkpoint-written:1', 1], ['checkpoint-half-written:2', 1]] as const) {
  test(`resume: a run killed by SIGKILL at ${fault} resumes after epoch ${resumedAfter} and ends with the same numbers`, () => {
    assert.equal(reference().status, 0, reference().stderr);
    const runsDirectory = scratch();
    const killed = study(runsDirectory, { STUDY_INJECT_FAULT: fault });
    assert.equal(killed.signal, 'SIGKILL');
    const resumed = study(runsDirectory);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming after epoch ${resumedAfter} `));
    if (fault.startsWith('checkpoint-half')) assert.match(resumed.stderr, /removed epoch-02\.tmp-\d+-[0-9a-f]+, left by a process that died/);
    assert.deepEqual(finals(resumed.stdout), finals(reference().stdout));
    const leftovers = readdirSync(join(runsDirectory, 'dropout'), { recursive: true }).map(String).filter((name) => /tmp|lock|epoch-/.test(name));
    assert.deepEqual(leftovers, []);
  });
}

test('memory: tfjs tensors and TensorFlow\'s own live tensors stay flat across epochs, and are all freed after', async () => {
  const { train } = studyData({ dataDirectory: DATA_DIRECTORY, limit: 400 });
  const before = { tfjs: tf.memory().numTensors, tensorflow: liveTensorFlowTensors() };
  const counts: string[] = [];
  const { model } = await trainRun({
    variant: 'dropout', protocol: { ...STUDY_PROTOCOL, epochs: 4 }, seed: 1, train, validation: train,
    onEpochEnd: () => { counts.push(`${tf.memory().numTensors} tfjs, ${liveTensorFlowTensors()} TensorFlow`); },
  });
  model.dispose();
  assert.equal(new Set(counts).size, 1, `per epoch: ${counts.join('; ')}`);
  assert.deepEqual({ tfjs: tf.memory().numTensors, tensorflow: liveTensorFlowTensors() }, before);
});

/** A finished two-epoch run, and a copy of its folder with the last checkpoint kept (killed after epoch 2 of 3). */
async function checkpointedRun(): Promise<{ runsDirectory: string; folder: string }> {
  const runsDirectory = scratch();
  const result = spawnSync(process.execPath, [join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js'), 'run', JSON.stringify({ ...SPEC, protocol: { ...SPEC.protocol, epochs: 3 } }),
    '--runs-dir', runsDirectory], { encoding: 'utf8', env: { ...process.env, STUDY_INJECT_FAULT: 'checkpoint-written:2' } });
  assert.equal(result.signal, 'SIGKILL');
  const key = await runKey({ ...SPEC, protocol: { ...SPEC.protocol, epochs: 3 } });
  return { runsDirectory, folder: join(runsDirectory, 'relu', key) };
}

const damages: [string, (path: string) => void][] = [
  ['weights replaced by random bytes of the same size', (folder) => {
    const path = join(folder, 'epoch-02', 'weights.bin');
    writeFileSync(path, Buffer.from(Array.from({ length: readFileSync(path).length }, (_, index) => (index * 7919) % 256)));
  }],
  ['optimizer state truncated', (folder) => truncateSync(join(folder, 'epoch-02', 'optimizer.bin'), 1000)],
  ['history replaced by garbage', (folder) => writeFileSync(join(folder, 'epoch-02', 'history.json'), '{"not": "a history"')],
  ['manifest missing (half-written)', (folder) => writeFileSync(join(folder, 'epoch-02', 'manifest.json'), '')],
  // Damage the digests cannot see: the files rewritten together with their manifest.
  ['weights NaN, of the right size, with a manifest rewritten to match', (folder) => {
    const path = join(folder, 'epoch-02', 'weights.bin');
    writeFileSync(path, Buffer.from(new Float32Array(readFileSync(path).length / 4).fill(Number.NaN).buffer));
    rewriteManifest(join(folder, 'epoch-02'));
  }],
  ['weights finite but not the epoch\'s (scaled by 1e6), manifest rewritten', (folder) => {
    const path = join(folder, 'epoch-02', 'weights.bin');
    const bytes = readFileSync(path);
    writeFileSync(path, Buffer.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)).map((value) => value * 1e6).buffer));
    rewriteManifest(join(folder, 'epoch-02'));
  }],
  ['history\'s last metrics rewritten (validation accuracy 0.99), manifest rewritten', (folder) => {
    const path = join(folder, 'epoch-02', 'history.json');
    const history = JSON.parse(readFileSync(path, 'utf8'));
    history[1].validation.accuracy = 0.99;
    writeFileSync(path, JSON.stringify(history));
    rewriteManifest(join(folder, 'epoch-02'));
  }],
  ['history one epoch short, manifest rewritten', (folder) => {
    const path = join(folder, 'epoch-02', 'history.json');
    writeFileSync(path, JSON.stringify(JSON.parse(readFileSync(path, 'utf8')).slice(0, 1)));
    rewriteManifest(join(folder, 'epoch-02'));
  }],
  ['history with a NaN loss, manifest rewritten', (folder) => {
    const path = join(folder, 'epoch-02', 'history.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"loss":[0-9.e+-]+/, '"loss":null'));
    rewriteManifest(join(folder, 'epoch-02'));
  }],
];

/** A checkpoint's manifest made to match whatever its files now hold (damage a digest cannot catch). */
function rewriteManifest(checkpoint: string): void {
  const names = ['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin', 'history.json'];
  writeFileSync(join(checkpoint, 'manifest.json'), JSON.stringify(Object.fromEntries(names.map((name) => [name, sha256File(join(checkpoint, name))]))));
}

for (const [damage, apply] of damages) {
  test(`damaged checkpoint (${damage}): set aside with a warning naming it; training resumes from the epoch before`, async () => {
    const { runsDirectory, folder } = await checkpointedRun();
    apply(folder);
    const resumed = spawnSync(process.execPath, [join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js'), 'run', JSON.stringify({ ...SPEC, protocol: { ...SPEC.protocol, epochs: 3 } }),
      '--runs-dir', runsDirectory], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /warning: .*epoch-02.*; checkpoint set aside as .*epoch-02\.damaged-\d+/);
    assert.match(resumed.stderr, /resuming after epoch 1 /);
    const record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8'));
    assert.ok(record.history.every((epoch: { train: { loss: number } }) => Number.isFinite(epoch.train.loss)));
  });
}

const finishedDamages: [string, (folder: string) => void, RegExp][] = [
  ['run.json truncated', (folder) => truncateSync(join(folder, 'run.json'), 100), /run\.json: not valid JSON/],
  ['run.json empty', (folder) => writeFileSync(join(folder, 'run.json'), ''), /run\.json: not valid JSON/],
  ['run.json = {}', (folder) => writeFileSync(join(folder, 'run.json'), '{}'), /run\.json: incomplete run record/],
  ['final weights deleted', (folder) => writeFileSync(join(folder, 'model', 'weights.bin'), ''), /weights\.bin: content differs/],
  ['final model.json replaced', (folder) => writeFileSync(join(folder, 'model', 'model.json'), '{}'), /model\.json: content differs/],
];

for (const [damage, apply, message] of finishedDamages) {
  test(`damaged finished run (${damage}): reported with its path, never used; \`study repair\` sets it aside and it retrains`, async () => {
    const runsDirectory = scratch();
    const first = await ensureRun(SPEC, smallData, { runsDirectory });
    const folder = join(runsDirectory, 'relu', first.key);
    apply(folder);
    await assert.rejects(cachedRun(SPEC, runsDirectory), (error: unknown) => error instanceof CorruptRunError && message.test(error.message) && error.message.includes(folder));
    // What the study command line shows for it: one line, the path, no stack trace.
    const cli = join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js');
    const shown = spawnSync(process.execPath, [cli, 'run', JSON.stringify(SPEC), '--runs-dir', runsDirectory], { encoding: 'utf8' });
    assert.equal(shown.status, 1);
    assert.match(shown.stderr, new RegExp(`^study: ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    assert.doesNotMatch(shown.stderr, /\n\s+at /);
    // On request, `study repair` sets it aside, and the run retrains to the same numbers.
    const repaired = spawnSync(process.execPath, [cli, 'repair', JSON.stringify(SPEC), '--runs-dir', runsDirectory], { encoding: 'utf8' });
    assert.equal(repaired.status, 0, repaired.stderr);
    assert.match(repaired.stderr, /set aside as .*\.damaged-\d+/);
    const again = await ensureRun(SPEC, smallData, { runsDirectory });
    assert.deepEqual(again.history.map(({ seconds: _s, ...epoch }) => epoch), first.history.map(({ seconds: _s, ...epoch }) => epoch));
  });
}

test('a run whose loss is not finite is never stored as finished', async () => {
  const runsDirectory = scratch();
  const { train, test } = studyData({ dataDirectory: DATA_DIRECTORY, limit: 400 });
  // Images holding NaN make every loss NaN: as damaged weights or a diverged run would.
  const poisoned = tf.fill([400, 28, 28, 1], Number.NaN) as tf.Tensor4D;
  const spec: RunSpec = { ...SPEC, seed: 77 };
  await assert.rejects(ensureRun(spec, () => ({ train: { images: poisoned, labels: train.labels }, validation: test, test }), { runsDirectory }),
    (error: unknown) => error instanceof DivergedRunError && /the loss became NaN in epoch 1/.test(error.message));
  assert.equal(await cachedRun(spec, runsDirectory), null);
  assert.ok(!existsSync(join(runsDirectory, 'relu', await runKey(spec), 'run.json')));
  poisoned.dispose();
});

test('no run folder is created before the run\'s data has loaded', async () => {
  const runsDirectory = scratch();
  await assert.rejects(ensureRun({ ...SPEC, seed: 78 }, () => { throw new Error('data could not load'); }, { runsDirectory }), /data could not load/);
  assert.deepEqual(readdirSync(join(runsDirectory, 'relu')), []);
});

test('concurrency: two processes asking for the same run at once train it once; the other reads the result', async () => {
  const runsDirectory = scratch();
  const spec = JSON.stringify({ ...SPEC, protocol: { ...SPEC.protocol, epochs: 3 }, seed: 11 });
  const start = () => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js'), 'run', spec, '--runs-dir', runsDirectory]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
  const [a, b] = await Promise.all([start(), start()]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  assert.equal([a, b].filter((result) => /done in \d+ s, stored as/.test(result.stderr)).length, 1, 'exactly one of them trained');
  assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout));
  // A run on the full training set is watched on the test set, and its output says so.
  assert.deepEqual(Object.keys(JSON.parse(a.stdout).final), ['epoch', 'learningRate', 'train', 'test', 'seconds']);
  const leftovers = readdirSync(join(runsDirectory, 'relu'), { recursive: true }).map(String).filter((name) => /tmp|lock|epoch-/.test(name));
  assert.deepEqual(leftovers, []);
});

test('`study repair SPEC` looks at checkpoints too: a damaged one is set aside without training, and older set-aside copies are removed', async () => {
  const { runsDirectory, folder } = await checkpointedRun();
  const spec = JSON.stringify({ ...SPEC, protocol: { ...SPEC.protocol, epochs: 3 } });
  const weights = join(folder, 'epoch-02', 'weights.bin');
  writeFileSync(weights, Buffer.from(new Float32Array(readFileSync(weights).length / 4).fill(Number.POSITIVE_INFINITY).buffer));
  rewriteManifest(join(folder, 'epoch-02'));
  // Copies set aside by earlier calls: of this checkpoint, and of the run folder itself.
  mkdirSync(join(folder, 'epoch-02.damaged-1000'));
  mkdirSync(`${folder}.damaged-1000`);
  mkdirSync(`${folder}.damaged-2000`);
  const cli = join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js');
  const repaired = spawnSync(process.execPath, [cli, 'repair', spec, '--runs-dir', runsDirectory], { encoding: 'utf8' });
  assert.equal(repaired.status, 0, repaired.stderr);
  assert.match(repaired.stderr, /epoch-02\/weights\.bin: value 0 is Infinity: weights must be finite numbers: checkpoint set aside as .*epoch-02\.damaged-\d+/);
  assert.match(repaired.stderr, /0 damaged run\(s\) and 1 damaged checkpoint\(s\) set aside, 2 older set-aside copies removed/);
  assert.deepEqual(readdirSync(folder).filter((name) => name.startsWith('epoch-')).map((name) => name.replace(/\d{6,}$/, 'T')).sort(), ['epoch-01', 'epoch-02.damaged-T']);
  assert.deepEqual(readdirSync(join(runsDirectory, 'relu')).filter((name) => name.includes('.damaged-')).map((name) => name.replace(/^[0-9a-f]+/, 'key')), ['key.damaged-2000']);
  const resumed = spawnSync(process.execPath, [cli, 'run', spec, '--runs-dir', runsDirectory], { encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming after epoch 1 /);
});

test('a damaged seed-42 fold run: plan, all and tensorboard name `study repair` in one line, and `study repair` with the same options sets it aside', () => {
  const cli = join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js');
  const runsDirectory = scratch();
  const options = ['--limit', '200', '--epochs', '1', '--k', '2', '--runs-dir', runsDirectory];
  const run = (argv: string[]) => spawnSync(process.execPath, [cli, ...argv, ...options], { encoding: 'utf8' });
  const trained = run(['kfold', '--variant', 'baseline']);
  assert.equal(trained.status, 0, trained.stderr);
  const folds = JSON.parse(trained.stdout).kfold[0].folds.map((fold: { key: string }) => join(runsDirectory, 'baseline', fold.key));
  // TensorBoard: a file emptied, a file deleted: each is written again (a folder with an entry is not a whole file).
  const events = (folder: string) => join(folder, 'tensorboard', readdirSync(join(folder, 'tensorboard'))[0]);
  const record = (folder: string) => JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord;
  const file = join(events(folds[0]), readdirSync(events(folds[0]))[0]);
  assert.equal(hasTensorBoard(record(folds[0]), folds[0]), true, 'a whole file counts as written');
  truncateSync(file, readFileSync(file).length - 3);
  assert.equal(hasTensorBoard(record(folds[0]), folds[0]), false, 'a file cut short does not');
  truncateSync(file, 0);
  rmSync(join(events(folds[1]), readdirSync(events(folds[1]))[0]));
  const rewritten = run(['tensorboard']);
  assert.equal(rewritten.status, 0, rewritten.stderr);
  assert.match(rewritten.stderr, /TensorBoard event files written for 2 of \d+ run\(s\) of the plan/);
  truncateSync(join(folds[0], 'run.json'), 100);
  for (const command of ['plan', 'all', 'tensorboard']) {
    const result = run([command]);
    assert.equal(result.status, 1, `${command}: ${result.stderr}`);
    const last = result.stderr.trim().split('\n').pop()!;
    assert.match(last, /^study: .*run\.json: not valid JSON .*; a damaged finished run: `npm run study -- repair` \(with the same options, or with the run's spec\) sets it aside/, command);
  }
  const repaired = run(['repair']);
  assert.equal(repaired.status, 0, repaired.stderr);
  assert.match(repaired.stderr, /run\.json: not valid JSON .*: run set aside as .*\.damaged-\d+/);
  assert.match(repaired.stderr, /1 damaged run\(s\) and 0 damaged checkpoint\(s\) set aside/);
  const plan = run(['plan']);
  assert.equal(plan.status, 0, plan.stderr);
  assert.ok(plan.stdout.split('\n').some((line) => line.includes('"baseline"') && line.includes('"index":0') && line.includes('"seed":42')), 'the set-aside run is planned again');
});
