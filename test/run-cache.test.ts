/**
 * The run cache on a small slice of the real data: a hit reads back without training, any change
 * of the key retrains, and a run killed mid-fold resumes to the same numbers as an uninterrupted one.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '../lib/tensorflow';
import { ensureRun } from '../lib/runs';
import { runKey } from '../lib/run-key';
import type { RunSpec } from '../lib/run-spec';
import { studyData } from '../lib/study';
import { STUDY_PROTOCOL, trainRun, disposeModel } from '../lib/train';
import { liveTensorFlowTensors } from '../lib/native-ops';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

const SPEC: RunSpec = {
  variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 2 }, seed: 5, split: { kind: 'full' }, limit: 400,
};

function smallData() {
  const { train, test } = studyData({ dataDirectory: DATA_DIRECTORY, limit: 400 });
  return { train, validation: test, test };
}

test('cache: a second call reads the stored run without loading data or training', async () => {
  const runsDirectory = mkdtempSync(join(tmpdir(), 'runs-'));
  const first = await ensureRun(SPEC, smallData, { runsDirectory });
  let dataLoaded = false;
  const second = await ensureRun(SPEC, () => { dataLoaded = true; return smallData(); }, { runsDirectory });
  assert.equal(dataLoaded, false);
  assert.deepEqual(second, first);
  assert.ok(existsSync(join(runsDirectory, 'relu', first.key, 'model', 'model.json')), 'weights stored');
  assert.equal(first.test!.predictions.length, 400);
});

test('cache: any change of variant, protocol, seed, split or data slice changes the key', async () => {
  const keys = new Set(await Promise.all([
    runKey(SPEC),
    runKey({ ...SPEC, variant: 'baseline' }),
    runKey({ ...SPEC, protocol: { ...SPEC.protocol, epochs: 3 } }),
    runKey({ ...SPEC, protocol: { ...SPEC.protocol, decay: { factor: 0.5, everyEpochs: 5 } } }),
    runKey({ ...SPEC, seed: 6 }),
    runKey({ ...SPEC, split: { kind: 'fold', k: 5, index: 0 } }),
    runKey({ ...SPEC, split: { kind: 'fold', k: 5, index: 1 } }),
    runKey({ ...SPEC, limit: 401 }),
  ]));
  assert.equal(keys.size, 8);
  assert.equal(await runKey({ ...SPEC }), await runKey(SPEC), 'the same spec gives the same key');
});

function study(runsDirectory: string, extra: string[] = []) {
  return [join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js'), 'kfold', '--variant', 'dropout', '--k', '2', '--epochs', '3',
    '--limit', '600', '--seed', '9', '--runs-dir', runsDirectory, ...extra];
}

test('resume: a study killed (SIGKILL) mid-fold resumes and ends with the same numbers', async () => {
  const uninterrupted = mkdtempSync(join(tmpdir(), 'runs-'));
  const interrupted = mkdtempSync(join(tmpdir(), 'runs-'));
  const reference = spawnSync(process.execPath, study(uninterrupted), { encoding: 'utf8' });
  assert.equal(reference.status, 0, reference.stderr);

  // Kill the second run as soon as its first fold has an epoch checkpoint.
  const child = spawn(process.execPath, study(interrupted), { stdio: 'ignore' });
  const checkpointed = () => {
    const variantDirectory = join(interrupted, 'dropout');
    if (!existsSync(variantDirectory)) return false;
    return readdirSync(variantDirectory).some((key) => readdirSync(join(variantDirectory, key)).some((name) => /^epoch-0[12]$/.test(name)));
  };
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (checkpointed()) { clearInterval(poll); child.kill('SIGKILL'); resolve(); }
    }, 20);
    child.on('exit', () => { clearInterval(poll); reject(new Error('the run finished before it could be killed')); });
  });
  await new Promise((resolve) => child.on('exit', resolve));

  const resumed = spawnSync(process.execPath, study(interrupted), { encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming after epoch/);
  const folds = (output: string) => JSON.parse(output).kfold[0].folds.map((fold: { final: unknown }) => fold.final);
  const strip = (finals: { seconds?: number }[]) => finals.map(({ seconds: _seconds, ...rest }) => rest);
  assert.deepEqual(strip(folds(resumed.stdout)), strip(folds(reference.stdout)));
});

test('memory: tfjs tensors and native TensorFlow handles stay flat across epochs, and are all freed after', async () => {
  const { train } = studyData({ dataDirectory: DATA_DIRECTORY, limit: 400 });
  const before = { tensors: tf.memory().numTensors, handles: liveTensorFlowTensors() };
  const counts: string[] = [];
  const { model } = await trainRun({
    variant: 'dropout', protocol: { ...STUDY_PROTOCOL, epochs: 4 }, seed: 1, train, validation: train,
    onEpochEnd: () => { counts.push(`${tf.memory().numTensors} tensors, ${liveTensorFlowTensors()} handles`); },
  });
  disposeModel(model);
  assert.equal(new Set(counts).size, 1, `per epoch: ${counts.join('; ')}`);
  assert.deepEqual({ tensors: tf.memory().numTensors, handles: liveTensorFlowTensors() }, before);
});
