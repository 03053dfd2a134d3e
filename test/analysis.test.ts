/**
 * The data analysis of notebooks 01 and 02 is summed in JavaScript's double precision so that the
 * committed notebooks are the same bytes on every CPU. Its numbers agree with TensorFlow's own
 * reductions (float32, vectorised per instruction set) on real images, and with a count by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../lib/base/tensorflow';
import { imageSummaries, pixelStatistics } from '../lib/data/analysis';
import { loadSplit } from '../lib/data/fashion-mnist';
import { IMAGE_SIDE } from '../lib/data/idx-files';
import { DATA_DIRECTORY } from './paths';

const largestDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  return Math.max(...Array.from(a, (value, index) => Math.abs(value - b[index])));
};

test('pixel mean and std of 2,000 real images agree with tf.moments within float32 rounding', () => {
  const { images } = loadSplit(DATA_DIRECTORY, 'train', { limit: 2000 });
  const ours = pixelStatistics(images);
  const { mean, variance } = tf.moments(images.squeeze([3]), 0);
  assert.ok(largestDifference(ours.mean.flat(), mean.dataSync()) < 1e-6);
  assert.ok(largestDifference(ours.std.flat(), variance.sqrt().dataSync()) < 1e-5);
  assert.ok(Math.max(...ours.std.flat()) > 0.3, 'the std map is not flat');
  tf.dispose([images, mean, variance]);
});

test('per-image summaries: a hand-made image and real images against TensorFlow', () => {
  const pixels = new Float32Array(2 * IMAGE_SIDE * IMAGE_SIDE);
  pixels.fill(1, 0, IMAGE_SIDE);  // image 0: its top row white
  pixels.fill(0.5, 2 * IMAGE_SIDE * IMAGE_SIDE - 2 * IMAGE_SIDE);  // image 1: its bottom two rows grey
  const handMade = imageSummaries(tf.tensor4d(pixels, [2, IMAGE_SIDE, IMAGE_SIDE, 1]));
  assert.deepEqual(Array.from(handMade.meanPixel), [1 / IMAGE_SIDE, 0.5 * 2 / IMAGE_SIDE]);
  assert.deepEqual(Array.from(handMade.inkShare), [1 / IMAGE_SIDE, 2 / IMAGE_SIDE]);
  assert.deepEqual(Array.from(handMade.bottomMean), [0, 0.5]);

  const { images } = loadSplit(DATA_DIRECTORY, 'test', { limit: 500 });
  const real = imageSummaries(images);
  const flat = images.reshape([500, IMAGE_SIDE * IMAGE_SIDE]);
  assert.ok(largestDifference(real.meanPixel, flat.mean(1).dataSync()) < 1e-6);
  assert.ok(largestDifference(real.inkShare, flat.greater(0).toFloat().mean(1).dataSync()) < 1e-6);
  tf.dispose([images, flat]);
});
