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

/**
 * 28×28 maps (row-major number[][]) of the pixel mean and (population) standard deviation over a
 * set of images. Summed in JavaScript's double precision, one image after the other: the same
 * numbers on every CPU (TensorFlow's reductions are vectorised per instruction set, so their last
 * bits, and the committed notebooks' bytes, would depend on the machine).
 */
export function pixelStatistics(images: tf.Tensor4D): { mean: number[][]; std: number[][] } {
  const pixels = images.dataSync();
  const count = images.shape[0];
  const area = IMAGE_SIDE * IMAGE_SIDE;
  const sum = new Float64Array(area);
  for (let image = 0; image < count; image += 1) {
    for (let pixel = 0; pixel < area; pixel += 1) sum[pixel] += pixels[image * area + pixel];
  }
  const mean = sum.map((total) => total / count);
  const squares = new Float64Array(area);
  for (let image = 0; image < count; image += 1) {
    for (let pixel = 0; pixel < area; pixel += 1) squares[pixel] += (pixels[image * area + pixel] - mean[pixel]) ** 2;
  }
  const toGrid = (values: Float64Array) => Array.from({ length: IMAGE_SIDE }, (_, row) => Array.from(values.subarray(row * IMAGE_SIDE, (row + 1) * IMAGE_SIDE)));
  return { mean: toGrid(mean), std: toGrid(squares.map((total) => Math.sqrt(total / count))) };
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

/**
 * Per image: its mean pixel value, its share of inked (non-zero) pixels, and the mean of its bottom
 * `rows` lines; in double precision, in JavaScript, for the same reason as pixelStatistics.
 */
export function imageSummaries(images: tf.Tensor4D, rows = 2): { meanPixel: Float64Array; inkShare: Float64Array; bottomMean: Float64Array } {
  const pixels = images.dataSync();
  const count = images.shape[0];
  const area = IMAGE_SIDE * IMAGE_SIDE;
  const bottomStart = (IMAGE_SIDE - rows) * IMAGE_SIDE;
  const summaries = { meanPixel: new Float64Array(count), inkShare: new Float64Array(count), bottomMean: new Float64Array(count) };
  for (let image = 0; image < count; image += 1) {
    let total = 0;
    let inked = 0;
    let bottom = 0;
    for (let pixel = 0; pixel < area; pixel += 1) {
      const value = pixels[image * area + pixel];
      total += value;
      if (value > 0) inked += 1;
      if (pixel >= bottomStart) bottom += value;
    }
    summaries.meanPixel[image] = total / area;
    summaries.inkShare[image] = inked / area;
    summaries.bottomMean[image] = bottom / (area - bottomStart);
  }
  return summaries;
}
