/**
 * Data analysis behind notebooks 01 and 02: class balance, per-pixel mean and standard deviation,
 * how much of that variation sits along each border, and how often a 5×5 kernel sees each pixel.
 */
import * as tf from '../base/tensorflow';
import { IMAGE_SIDE, NUM_CLASSES } from './idx-files';

/** Images per class, in label order. */
export function classCounts(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let index = 0; index < labels.length; index += 1) counts[labels[index]] += 1;
  return counts;
}

/** 28×28 maps (row-major number[][]) of the pixel mean and standard deviation over a set of images. */
export function pixelStatistics(images: tf.Tensor4D): { mean: number[][]; std: number[][] } {
  const [mean, variance] = tf.tidy(() => {
    const { mean: m, variance: v } = tf.moments(images.squeeze([3]), 0);
    return [m, v];
  });
  const toGrid = (tensor: tf.Tensor) => tensor.arraySync() as number[][];
  const result = { mean: toGrid(mean), std: toGrid(tf.tidy(() => variance.sqrt())) };
  tf.dispose([mean, variance]);
  return result;
}

export type Border = 'top' | 'bottom' | 'left' | 'right';
export const BORDERS: Border[] = ['top', 'bottom', 'left', 'right'];

/**
 * Mean of a map over the `depth`-th line from a border (0 = the outermost row or column),
 * for depths 0..maxDepth-1.
 */
export function borderProfile(map: number[][], border: Border, maxDepth: number): number[] {
  const side = map.length;
  return Array.from({ length: maxDepth }, (_, depth) => {
    const line = border === 'top' ? map[depth]
      : border === 'bottom' ? map[side - 1 - depth]
        : border === 'left' ? map.map((row) => row[depth])
          : map.map((row) => row[side - 1 - depth]);
    return line.reduce((a, b) => a + b, 0) / line.length;
  });
}

/** Share of the map's total that lies within `width` pixels of any border. */
export function borderShare(map: number[][], width: number): number {
  let inBorder = 0;
  let total = 0;
  const side = map.length;
  map.forEach((row, r) => row.forEach((value, c) => {
    total += value;
    if (r < width || c < width || r >= side - width || c >= side - width) inBorder += value;
  }));
  return inBorder / total;
}

/**
 * How many positions of a k×k kernel (stride 1) cover each input pixel, with `padding` zeros per side.
 * Without padding the corner pixel is seen once and the centre k² times; padding (k−1)/2 keeps the
 * output 28×28 and lets every border pixel reach the kernel's centre.
 */
export function kernelCoverage(kernel: number, padding: number, side = IMAGE_SIDE): number[][] {
  const outputs = side + 2 * padding - kernel + 1;
  const coverage = Array.from({ length: side }, () => new Array<number>(side).fill(0));
  for (let outRow = 0; outRow < outputs; outRow += 1) {
    for (let outColumn = 0; outColumn < outputs; outColumn += 1) {
      for (let i = 0; i < kernel; i += 1) {
        for (let j = 0; j < kernel; j += 1) {
          const row = outRow + i - padding;
          const column = outColumn + j - padding;
          if (row >= 0 && row < side && column >= 0 && column < side) coverage[row][column] += 1;
        }
      }
    }
  }
  return coverage;
}

/** Pixel values ([28][28], 0–1) of the first `perClass` images of every class. */
export function samplesPerClass(images: tf.Tensor4D, labels: ArrayLike<number>, perClass: number): { label: number; index: number; pixels: number[][] }[] {
  const chosen: { label: number; index: number }[] = [];
  const taken = new Array<number>(NUM_CLASSES).fill(0);
  for (let index = 0; index < labels.length && chosen.length < perClass * NUM_CLASSES; index += 1) {
    if (taken[labels[index]] < perClass) {
      taken[labels[index]] += 1;
      chosen.push({ label: labels[index], index });
    }
  }
  chosen.sort((a, b) => a.label - b.label || a.index - b.index);
  return chosen.map((choice) => ({ ...choice, pixels: imagePixels(images, choice.index) }));
}

/** One image as a [28][28] array. */
export function imagePixels(images: tf.Tensor4D, index: number): number[][] {
  return tf.tidy(() => images.slice([index, 0, 0, 0], [1, -1, -1, 1]).reshape([IMAGE_SIDE, IMAGE_SIDE]).arraySync() as number[][]);
}

/** Indices of images whose actual class is `actual` and predicted class `predicted` (first `limit`). */
export function confusionExamples(actualLabels: ArrayLike<number>, predictions: ArrayLike<number>, actual: number, predicted: number, limit: number): number[] {
  const found: number[] = [];
  for (let index = 0; index < actualLabels.length && found.length < limit; index += 1) {
    if (actualLabels[index] === actual && predictions[index] === predicted) found.push(index);
  }
  return found;
}

/** Indices of the first `limit` misclassified images. */
export function misclassified(actualLabels: ArrayLike<number>, predictions: ArrayLike<number>, limit: number): number[] {
  const found: number[] = [];
  for (let index = 0; index < actualLabels.length && found.length < limit; index += 1) {
    if (actualLabels[index] !== predictions[index]) found.push(index);
  }
  return found;
}

/** The largest value of a map and where it is (row, column). */
export function mapMaximum(map: number[][]): { value: number; row: number; column: number } {
  let best = { value: -Infinity, row: -1, column: -1 };
  map.forEach((line, row) => line.forEach((value, column) => { if (value > best.value) best = { value, row, column }; }));
  return best;
}

/** Per image: its mean pixel value, its share of inked (non-zero) pixels, and the mean of its bottom `rows` lines. */
export function imageSummaries(images: tf.Tensor4D, rows = 2): { meanPixel: Float32Array; inkShare: Float32Array; bottomMean: Float32Array } {
  return tf.tidy(() => {
    const flat = images.reshape([images.shape[0], IMAGE_SIDE * IMAGE_SIDE]);
    const bottom = images.slice([0, IMAGE_SIDE - rows, 0, 0], [-1, rows, -1, -1]).reshape([images.shape[0], rows * IMAGE_SIDE]);
    return {
      meanPixel: flat.mean(1).dataSync() as Float32Array,
      inkShare: flat.greater(0).toFloat().mean(1).dataSync() as Float32Array,
      bottomMean: bottom.mean(1).dataSync() as Float32Array,
    };
  });
}
