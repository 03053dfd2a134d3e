/**
 * The lean training path (FlatAdam, two-kernel ReLU Step, metric sums per 50 batches, batches
 * gathered from shared images by row) computes the same run as the straightforward tfjs path
 * (tfjs' Adam and Step, sums every batch, the fold's images copied out) — on real images, same seed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-node';
import { FlatAdam } from '../lib/flat-adam';
import { loadSplit } from '../lib/fashion-mnist';
import { EpochRecord, STUDY_PROTOCOL, TrainingPath, disposeModel, trainRun } from '../lib/train';
import { VariantName } from '../lib/models';
import { DATA_DIRECTORY } from './paths';

// 1,650 training images: 51 full batches + one of 18, so the last metric chunk is a partial one.
const TRAIN_ROWS = Int32Array.from({ length: 1650 }, (_, index) => 2 * index);
const VALIDATION_ROWS = Int32Array.from({ length: 500 }, (_, index) => 2 * index + 1);

async function trainBothPaths(variant: VariantName) {
  const loaded = loadSplit(DATA_DIRECTORY, 'train', { limit: 3300 });
  const labelsOf = (rows: Int32Array) => Uint8Array.from(rows, (row) => loaded.labels[row]);
  const copied = (rows: Int32Array) => ({ images: tf.gather(loaded.images, tf.tensor1d(rows, 'int32')) as tf.Tensor4D, labels: labelsOf(rows) });
  const shared = (rows: Int32Array) => ({ images: loaded.images, rows, labels: labelsOf(rows) });
  const results: Record<TrainingPath, { history: EpochRecord[]; weights: Float32Array[] }> = {} as never;
  for (const path of ['reference', 'lean'] as const) {
    const train = path === 'reference' ? copied(TRAIN_ROWS) : shared(TRAIN_ROWS);
    const validation = path === 'reference' ? copied(VALIDATION_ROWS) : shared(VALIDATION_ROWS);
    const { model, history } = await trainRun({ variant, protocol: { ...STUDY_PROTOCOL, epochs: 2 }, seed: 11, train, validation, path });
    // (tfjs defines instanceof for optimizers by duck typing, so compare constructors.)
    assert.equal(model.optimizer.constructor === FlatAdam, path === 'lean');
    results[path] = { history, weights: model.getWeights().map((weight) => weight.dataSync() as Float32Array) };
    disposeModel(model);
    if (path === 'reference') tf.dispose([train.images, validation.images]);
  }
  tf.dispose(loaded.images);
  return results;
}

function assertSameRun(variant: VariantName, results: Awaited<ReturnType<typeof trainBothPaths>>) {
  const { reference, lean } = results;
  // Training is bit-identical: same batches, same arithmetic, only fewer kernels.
  reference.weights.forEach((values, index) => {
    assert.deepEqual(lean.weights[index], values, `${variant}: weight tensor ${index} differs`);
  });
  // Metrics: counts are exact; the summed loss is added up in another order (float32 rounding).
  reference.history.forEach((epoch, index) => {
    for (const part of ['train', 'validation'] as const) {
      const expected = epoch[part]!;
      const actual = lean.history[index][part]!;
      assert.equal(actual.accuracy, expected.accuracy, `${variant} epoch ${epoch.epoch} ${part} accuracy`);
      assert.equal(actual.precision, expected.precision, `${variant} epoch ${epoch.epoch} ${part} precision`);
      assert.equal(actual.recall, expected.recall, `${variant} epoch ${epoch.epoch} ${part} recall`);
      assert.ok(Math.abs(actual.loss - expected.loss) <= 1e-5 * expected.loss,
        `${variant} epoch ${epoch.epoch} ${part} loss ${actual.loss} vs ${expected.loss}`);
    }
  });
}

for (const variant of ['relu', 'leakyrelu', 'dropout'] as const) {
  test(`${variant}: the lean path trains exactly what the straightforward tfjs path trains`, async () => {
    assertSameRun(variant, await trainBothPaths(variant));
  });
}

/** A small two-weight problem for optimizer tests. */
function smallProblem(prefix: string) {
  const weight = tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]), true, `${prefix}/kernel`);
  const bias = tf.variable(tf.tensor1d([0.25, -0.75]), true, `${prefix}/bias`);
  const loss = () => tf.tidy(() => weight.square().sum().add(bias.mul(weight.sum(0)).sum()) as tf.Scalar);
  const values = () => [Array.from(weight.dataSync()), Array.from(bias.dataSync())];
  return { weight, bias, loss, values, dispose: () => tf.dispose([weight, bias]) };
}

test('FlatAdam steps exactly as tfjs Adam and hands out its moments in the same format', async () => {
  const results = [];
  for (const optimizer of [tf.train.adam(0.01), new FlatAdam(0.01)]) {
    const problem = smallProblem(`format_${results.length}`);
    for (let step = 0; step < 3; step += 1) optimizer.minimize(problem.loss);
    const moments = await optimizer.getWeights();
    results.push({
      names: moments.map((moment) => moment.name.replace(/^format_\d+\//, '')),
      moments: moments.map((moment) => Array.from(moment.tensor.dataSync())),
      weights: problem.values(),
    });
    optimizer.dispose();
    problem.dispose();
  }
  assert.deepEqual(results[1], results[0]);
});

test('a FlatAdam resumed from its saved moments continues exactly as one that never stopped', async () => {
  const STEPS = 40;
  const STOP_AFTER = 25;
  const straight = smallProblem('straight');
  const once = new FlatAdam(0.01);
  for (let step = 0; step < STEPS; step += 1) once.minimize(straight.loss);

  const resumed = smallProblem('resumed');
  const first = new FlatAdam(0.01);
  for (let step = 0; step < STOP_AFTER; step += 1) first.minimize(resumed.loss);
  const saved = (await first.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
  first.dispose();
  const second = new FlatAdam(0.01);
  await second.setWeights(saved);
  for (let step = STOP_AFTER; step < STEPS; step += 1) second.minimize(resumed.loss);

  assert.deepEqual(resumed.values(), straight.values());
  second.dispose();
  once.dispose();
  tf.dispose(saved.map((weight) => weight.tensor));
  straight.dispose();
  resumed.dispose();
});
