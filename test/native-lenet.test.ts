/**
 * The native training step (hand-written backward pass, TensorFlow's Adam kernel) against an
 * independent reference: the same network description (lib/model/network.ts) run with tfjs ops,
 * differentiated by tfjs' automatic differentiation, and Adam's formula written out with tfjs ops.
 *
 * Compared one step at a time from shared weights, so that floating-point differences cannot
 * compound: at each of several steps along the native run, both paths take the gradients of the
 * same batch at the same weights (with the same dropout masks), and both apply Adam to the same
 * state. Training is chaotic, so 25 compounded steps would drift apart on some CPUs without any
 * error; one step at a time stays within rounding, and a wrong gradient (a transposition, a missed
 * scale, a gradient read from the wrong tensor) still shows as an O(1) difference.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../lib/base/tensorflow';
import { loadSplit } from '../lib/data/fashion-mnist';
import { NUM_CLASSES } from '../lib/data/idx-files';
import { buildModel } from '../lib/model/tfjs-model';
import { Layer, LEAKY_RELU_ALPHA, placedLayers, VARIANTS, VariantName } from '../lib/model/network';
import { ADAM, NativeLeNet } from '../lib/model/native/lenet';
import { NativeOps } from '../lib/model/native/ops';
import { DATA_DIRECTORY } from './paths';

const STEPS = 10;
const BATCH = 32;
const LEARNING_RATE = 0.001;
/** Gradients: largest |native − reference| relative to the largest |reference| of the tensor. */
const GRADIENT_TOLERANCE = 1e-3;
/** Adam: largest |native − reference| of the new weights relative to the largest update of the tensor. */
const UPDATE_TOLERANCE = 1e-3;

/** One layer of the description in tfjs ops (the reference; differentiable by tfjs). */
function referenceLayer(layer: Layer, x: tf.Tensor, weights: tf.Tensor[], mask: () => tf.Tensor): tf.Tensor {
  switch (layer.kind) {
    case 'conv2d': return tf.conv2d(x as tf.Tensor4D, weights[0] as tf.Tensor4D, 1, layer.padding).add(weights[1]);
    case 'dense': return tf.matMul(x as tf.Tensor2D, weights[0] as tf.Tensor2D).add(weights[1]);
    case 'activation':
      return layer.activation === 'relu' ? tf.relu(x) : layer.activation === 'tanh' ? tf.tanh(x) : tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case 'pool': return layer.pooling === 'average'
      ? tf.avgPool(x as tf.Tensor4D, layer.size, layer.size, 'valid') : tf.maxPool(x as tf.Tensor4D, layer.size, layer.size, 'valid');
    case 'dropout': return x.mul(mask());
    case 'flatten': return x.reshape([x.shape[0], -1]);
    case 'softmax': return x; // the loss takes the logits
  }
}

function referenceLogits(variant: VariantName, weights: tf.Tensor[], images: tf.Tensor4D, masks: tf.Tensor[]): tf.Tensor2D {
  let x: tf.Tensor = images;
  let dropoutIndex = 0;
  for (const placed of placedLayers(variant)) {
    const layerWeights = weights.slice(placed.firstWeight, placed.firstWeight + placed.weightShapes.length);
    x = referenceLayer(placed.layer, x, layerWeights, () => masks[dropoutIndex++]);
  }
  return x as tf.Tensor2D;
}

/** The dropout masks the native step draws for a batch: same generator, same seeds. */
function dropoutMasks(variant: VariantName, dropoutSeed: number): tf.Tensor[] {
  const ops = new NativeOps();
  return placedLayers(variant).flatMap(({ layer, inputShape }) => {
    if (layer.kind !== 'dropout') return [];
    const shape = [BATCH, ...inputShape];
    const shapeHandle = ops.ints(shape);
    const mask = ops.toTensor(ops.dropoutMask(shapeHandle, 1 - layer.rate, [dropoutSeed, layer.index]), shape);
    ops.free(shapeHandle);
    return [mask];
  });
}

/** Adam as Keras writes it, in tfjs ops, 1 − β formed in float32 as TensorFlow's kernel forms it. */
function referenceAdam(weight: tf.Tensor, m: tf.Tensor, v: tf.Tensor, gradient: tf.Tensor, step: number): tf.Tensor {
  return tf.tidy(() => {
    const newM = m.add(gradient.sub(m).mul(tf.scalar(1).sub(tf.scalar(ADAM.beta1))));
    const newV = v.add(gradient.square().sub(v).mul(tf.scalar(1).sub(tf.scalar(ADAM.beta2))));
    const alpha = tf.scalar(LEARNING_RATE).mul(tf.scalar(1).sub(tf.scalar(ADAM.beta2 ** step)).sqrt()).div(tf.scalar(1).sub(tf.scalar(ADAM.beta1 ** step)));
    return weight.sub(newM.mul(alpha).div(newV.sqrt().add(ADAM.epsilon)));
  });
}

/** Largest |a − b| over a tensor, relative to `scale` (by default the largest |b|). */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>, scale?: number): number {
  let difference = 0;
  let largest = 0;
  for (let index = 0; index < a.length; index += 1) {
    difference = Math.max(difference, Math.abs(a[index] - b[index]));
    largest = Math.max(largest, Math.abs(b[index]));
  }
  return difference / (scale ?? largest);
}

const data = loadSplit(DATA_DIRECTORY, 'train', { limit: STEPS * BATCH });

function batch(step: number): [tf.Tensor4D, tf.Tensor2D] {
  return tf.tidy(() => [
    data.images.slice([(step - 1) * BATCH, 0, 0, 0], [BATCH, -1, -1, -1]) as tf.Tensor4D,
    tf.oneHot(tf.tensor1d(data.labels.subarray((step - 1) * BATCH, step * BATCH), 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D,
  ]);
}

for (const variant of VARIANTS) {
  test(`${variant}: at each of ${STEPS} steps, native gradients and Adam equal tfjs' automatic differentiation from the same weights`, () => {
    const model = buildModel(variant, { seed: 5 });
    const network = new NativeLeNet(variant, model.getWeights());
    let largestGradientDifference = 0;
    for (let step = 1; step <= STEPS; step += 1) {
      const [images, labels] = batch(step);
      const dropoutSeed = 1000 + step;
      const masks = dropoutMasks(variant, dropoutSeed);
      const before = { weights: network.weightValues(), moments: network.momentValues() };
      const weights = before.weights.map((weight) => tf.variable(weight.clone()));

      // Gradients of the same batch at the same weights.
      const native = network.gradients(images, labels, dropoutSeed);
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, referenceLogits(variant, weights, images, masks)) as tf.Scalar, weights);
      const reference = weights.map((weight) => grads[weight.name]);
      native.gradients.forEach((gradient, index) => {
        const difference = relativeDifference(gradient.dataSync(), reference[index].dataSync());
        largestGradientDifference = Math.max(largestGradientDifference, difference);
        assert.ok(difference < GRADIENT_TOLERANCE, `${variant}, step ${step}: gradient of weight ${index} differs by ${difference} (relative)`);
      });
      assert.ok(Math.abs(native.losses.mean().dataSync()[0] - value.dataSync()[0]) < 1e-5 * value.dataSync()[0], `${variant}, step ${step}: losses differ`);

      // Adam on the same state with the same gradients: native ApplyAdam against the formula.
      network.trainStep(images, labels, { learningRate: LEARNING_RATE, step, dropoutSeed });
      const after = network.weightValues();
      after.forEach((weight, index) => {
        const expected = referenceAdam(before.weights[index], before.moments.first[index], before.moments.second[index], native.gradients[index], step);
        const largestUpdate = relativeDifference(expected.dataSync(), before.weights[index].dataSync(), 1);
        const difference = relativeDifference(weight.dataSync(), expected.dataSync(), largestUpdate);
        assert.ok(difference < UPDATE_TOLERANCE, `${variant}, step ${step}: Adam's update of weight ${index} differs by ${difference} of the largest update`);
        expected.dispose();
      });
      tf.dispose([images, labels, value, native.losses, native.probabilities, ...native.gradients, ...Object.values(grads), ...masks, ...weights,
        ...before.weights, ...before.moments.first, ...before.moments.second, ...after]);
    }
    // The comparison is not vacuous: training moved the weights, and gradients were compared at nonzero values.
    const moved = relativeDifference(network.weightValues()[0].dataSync(), model.getWeights()[0].dataSync());
    assert.ok(moved > 1e-2, `${variant}: first kernel moved only ${moved}`);
    network.dispose();
    model.dispose();
  });
}

test('evaluation draws no dropout masks and matches the tfjs model\'s prediction', () => {
  const model = buildModel('dropout', { seed: 5 });
  const network = new NativeLeNet('dropout', model.getWeights());
  const [images, labels] = batch(1);
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
