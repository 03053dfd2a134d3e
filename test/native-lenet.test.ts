/**
 * The native training step (hand-written backward pass, TensorFlow's Adam kernel) against the
 * straightforward one: the same forward pass written with tfjs ops, differentiated by tfjs'
 * automatic differentiation, and Adam's formula written out with tfjs ops. Both start from the same
 * weights and see the same real batches (and, for the dropout variant, the same masks).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../lib/tensorflow';
import { loadSplit } from '../lib/fashion-mnist';
import { buildModel, LEAKY_RELU_ALPHA, VariantName, variantDesign, VARIANTS } from '../lib/models';
import { ADAM, NativeLeNet } from '../lib/native-lenet';
import { NativeOps } from '../lib/native-ops';
import { NUM_CLASSES } from '../lib/idx-files';
import { DATA_DIRECTORY } from './paths';

const STEPS = 25;
const BATCH = 32;
const LEARNING_RATE = 0.001;

/** The variant's forward pass in tfjs ops; `masks[i]` is dropout layer i's mask (0 or 1/keep). */
function referenceLogits(variant: VariantName, weights: tf.Tensor[], images: tf.Tensor4D, masks: tf.Tensor[]): tf.Tensor2D {
  const design = variantDesign(variant);
  let dropoutIndex = 0;
  const activation = (x: tf.Tensor) => {
    const activated = design.activation === 'relu' ? tf.relu(x) : design.activation === 'tanh' ? tf.tanh(x) : tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    return design.dropoutRates ? activated.mul(masks[dropoutIndex++]) : activated;
  };
  const pool = (x: tf.Tensor) => (design.pooling === 'average' ? tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid') : tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'));
  const convolution = (x: tf.Tensor, layer: number, padding: 'same' | 'valid') =>
    tf.conv2d(x as tf.Tensor4D, weights[2 * layer] as tf.Tensor4D, 1, padding).add(weights[2 * layer + 1]);
  let x: tf.Tensor = pool(activation(convolution(images, 0, 'same')));
  x = pool(activation(convolution(x, 1, 'valid')));
  x = activation(convolution(x, 2, 'valid')).reshape([images.shape[0], 120]);
  if (design.dropoutRates) x = x.mul(masks[dropoutIndex++]);
  x = activation(tf.matMul(x as tf.Tensor2D, weights[6] as tf.Tensor2D).add(weights[7]));
  return tf.matMul(x as tf.Tensor2D, weights[8] as tf.Tensor2D).add(weights[9]) as tf.Tensor2D;
}

/**
 * Adam as Keras writes it, in tfjs ops, with 1 - β formed in float32 as TensorFlow's kernel forms it
 * (Keras forms it in float64 before the cast: for β2 = 0.999 the two differ by 1.3e-5 relative).
 */
function referenceAdam(weights: tf.Variable[], moments: { m: tf.Variable[]; v: tf.Variable[] }, gradients: tf.Tensor[], step: number): void {
  tf.tidy(() => {
    const oneMinusBeta1 = tf.scalar(1).sub(tf.scalar(ADAM.beta1));
    const oneMinusBeta2 = tf.scalar(1).sub(tf.scalar(ADAM.beta2));
    const alpha = tf.scalar(LEARNING_RATE).mul(tf.scalar(1).sub(tf.scalar(ADAM.beta2 ** step)).sqrt()).div(tf.scalar(1).sub(tf.scalar(ADAM.beta1 ** step)));
    weights.forEach((weight, index) => {
      const gradient = gradients[index];
      moments.m[index].assign(moments.m[index].add(gradient.sub(moments.m[index]).mul(oneMinusBeta1)));
      moments.v[index].assign(moments.v[index].add(gradient.square().sub(moments.v[index]).mul(oneMinusBeta2)));
      weight.assign(weight.sub(moments.m[index].mul(alpha).div(moments.v[index].sqrt().add(ADAM.epsilon))));
    });
  });
}

/** Largest |a - b| over a tensor, relative to the largest |b| in it. */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let scale = 0;
  for (let index = 0; index < a.length; index += 1) {
    difference = Math.max(difference, Math.abs(a[index] - b[index]));
    scale = Math.max(scale, Math.abs(b[index]));
  }
  return difference / scale;
}

const data = loadSplit(DATA_DIRECTORY, 'train', { limit: STEPS * BATCH });

for (const variant of VARIANTS) {
  test(`${variant}: ${STEPS} native training steps match tfjs' automatic differentiation of the same layers`, () => {
    const model = buildModel(variant, { seed: 5 });
    const network = new NativeLeNet(variant, model.getWeights());
    const weights = model.getWeights().map((weight) => tf.variable(weight.clone()));
    const moments = { m: weights.map((w) => tf.variable(tf.zerosLike(w))), v: weights.map((w) => tf.variable(tf.zerosLike(w))) };
    const design = variantDesign(variant);
    const ops = new NativeOps();
    const maskShapes = [[BATCH, 28, 28, 6], [BATCH, 10, 10, 16], [BATCH, 1, 1, 120], [BATCH, 120], [BATCH, 84]];
    const lossDifferences: number[] = [];

    for (let step = 1; step <= STEPS; step += 1) {
      const [images, labels] = tf.tidy(() => [
        data.images.slice([(step - 1) * BATCH, 0, 0, 0], [BATCH, -1, -1, -1]) as tf.Tensor4D,
        tf.oneHot(tf.tensor1d(data.labels.subarray((step - 1) * BATCH, step * BATCH), 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D,
      ]);
      const dropoutSeed = 1000 + step;
      // The same masks the native step draws: same generator, same seeds.
      const masks = (design.dropoutRates ?? []).map((rate, layer) => {
        const shape = ops.ints(maskShapes[layer]);
        const mask = ops.toTensor(ops.dropoutMask(shape, 1 - rate, [dropoutSeed, layer]), maskShapes[layer]);
        ops.free(shape);
        return mask;
      });
      const native = network.trainStep(images, labels, { learningRate: LEARNING_RATE, step, dropoutSeed });
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, referenceLogits(variant, weights, images, masks)) as tf.Scalar, weights);
      referenceAdam(weights, moments, weights.map((weight) => grads[weight.name]), step);
      if (step === 1) {
        // After one step the first moment is (1 - β1)·gradient and the second (1 - β2)·gradient²:
        // the gradients themselves, scale included (Adam's update alone would hide a wrong scale).
        const nativeMoments = network.momentValues();
        for (const [part, values, expected] of [['first', nativeMoments.first, moments.m], ['second', nativeMoments.second, moments.v]] as const) {
          values.forEach((value, index) => {
            const difference = relativeDifference(value.dataSync(), expected[index].dataSync());
            assert.ok(difference < 1e-5, `${variant}: ${part} moment of weight ${index} differs by ${difference} (relative) after one step`);
          });
        }
        tf.dispose([...nativeMoments.first, ...nativeMoments.second]);
      }
      lossDifferences.push(Math.abs(native.losses.mean().dataSync()[0] - value.dataSync()[0]) / value.dataSync()[0]);
      tf.dispose([images, labels, native.probabilities, native.losses, value, ...Object.values(grads), ...masks]);
    }

    const nativeWeights = network.weightValues();
    nativeWeights.forEach((weight, index) => {
      const difference = relativeDifference(weight.dataSync(), weights[index].dataSync());
      // Float32 rounding differences grow step by step (Adam divides by small second moments).
      assert.ok(difference < 2e-3, `${variant}: weight ${index} differs by ${difference} (relative) after ${STEPS} steps`);
    });
    assert.ok(Math.max(...lossDifferences) < 1e-4, `${variant}: batch losses differ by up to ${Math.max(...lossDifferences)} (relative)`);
    // Training moved the weights far more than the two paths differ.
    const moved = relativeDifference(nativeWeights[0].dataSync(), model.getWeights()[0].dataSync());
    assert.ok(moved > 1e-2, `${variant}: first kernel moved only ${moved}`);
    tf.dispose([...nativeWeights, ...weights, ...moments.m, ...moments.v]);
    network.dispose();
    model.dispose();
  });
}

test('evaluation draws no dropout masks and matches the tfjs model\'s prediction', () => {
  const model = buildModel('dropout', { seed: 5 });
  const network = new NativeLeNet('dropout', model.getWeights());
  const [images, labels] = tf.tidy(() => [
    data.images.slice([0, 0, 0, 0], [64, -1, -1, -1]) as tf.Tensor4D,
    tf.oneHot(tf.tensor1d(data.labels.subarray(0, 64), 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D,
  ]);
  const first = network.evaluate(images, labels);
  const second = network.evaluate(images, labels);
  assert.deepEqual(second.probabilities.dataSync(), first.probabilities.dataSync());
  const expected = tf.tidy(() => model.predict(images) as tf.Tensor);
  assert.ok(relativeDifference(first.probabilities.dataSync(), expected.dataSync()) < 1e-5);
  tf.dispose([images, labels, first.probabilities, first.losses, second.probabilities, second.losses, expected]);
  network.dispose();
  model.dispose();
});

test('a disposed network frees its weights and moments (TensorFlow keeps variables until destroyed)', () => {
  const model = buildModel('relu', { seed: 5 });
  const cycle = (count: number) => {
    for (let index = 0; index < count; index += 1) {
      const network = new NativeLeNet('relu', model.getWeights());
      const moments = network.momentValues(); // creates the moment variables too
      tf.dispose([...moments.first, ...moments.second]);
      network.dispose();
    }
  };
  const residentMiB = () => process.memoryUsage().rss / 2 ** 20;
  cycle(200); // TensorFlow's allocator keeps freed buffers for reuse: let it fill first
  const before = residentMiB();
  cycle(400);
  // 400 networks hold 400 × 3 × 61,706 floats ≈ 282 MiB: had they leaked, RSS would grow by that.
  const growth = residentMiB() - before;
  assert.ok(growth < 120, `resident memory grew by ${growth.toFixed(0)} MiB over 400 networks`);
  model.dispose();
});
