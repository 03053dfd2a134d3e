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

test('FlatAdam hands out and takes back moments in tfjs Adam\'s format', async () => {
  const weight = tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]), true, 'flat_adam_test/kernel');
  const bias = tf.variable(tf.tensor1d([0.25, -0.75]), true, 'flat_adam_test/bias');
  const loss = () => tf.tidy(() => weight.square().sum().add(bias.mul(weight.sum(0)).sum()) as tf.Scalar);
  const flat = new FlatAdam(0.01);
  const reference = tf.train.adam(0.01);
  const startWeight = weight.clone();
  const startBias = bias.clone();
  const run = async (optimizer: tf.AdamOptimizer) => {
    weight.assign(startWeight);
    bias.assign(startBias);
    for (let step = 0; step < 3; step += 1) optimizer.minimize(loss);
    const moments = await optimizer.getWeights();
    // Resume a fresh optimizer from the saved moments: the next step must match too.
    const resumed = optimizer.constructor === FlatAdam ? new FlatAdam(0.01) : tf.train.adam(0.01);
    await resumed.setWeights(moments);
    resumed.minimize(loss);
    const result = {
      names: moments.map((moment) => moment.name),
      moments: moments.map((moment) => Array.from(moment.tensor.dataSync())),
      weights: [Array.from(weight.dataSync()), Array.from(bias.dataSync())],
    };
    resumed.dispose();
    return result;
  };
  const fromReference = await run(reference);
  const fromFlat = await run(flat);
  assert.deepEqual(fromFlat, fromReference);
  flat.dispose();
  reference.dispose();
  tf.dispose([weight, bias, startWeight, startBias]);
});
