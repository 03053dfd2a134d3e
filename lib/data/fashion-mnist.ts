/**
 * Fashion-MNIST as tensors: a verified split, pixels scaled to [0, 1], labels as class indices.
 */
import { join } from 'node:path';
import * as tf from '../base/tensorflow';
import { DataFileSpec, FASHION_MNIST_FILES, IMAGE_SIDE, Split, sha256, verifyDataFile } from './idx-files';

export type { Split } from './idx-files';

/** One split of the data set, pixels scaled to [0, 1]. */
export interface DataSplit {
  /** [count, 28, 28, 1] float32 in [0, 1]. */
  images: tf.Tensor4D;
  /** Class index per image (0–9). */
  labels: Uint8Array;
}

export interface LoadOptions {
  /** Keep only the first `limit` images (tests and quick profiles use small slices of the real data). */
  limit?: number;
  /** Data file specs (tests substitute small generated files). */
  files?: readonly DataFileSpec[];
}

/** Loads one verified split from `dataDirectory` (prepared by `make data`). */
export function loadSplit(dataDirectory: string, split: Split, options: LoadOptions = {}): DataSplit {
  const files = options.files ?? FASHION_MNIST_FILES;
  const specFor = (kind: DataFileSpec['kind']) => {
    const spec = files.find((file) => file.split === split && file.kind === kind);
    if (!spec) throw new Error(`no ${split} ${kind} file in the data manifest`);
    return spec;
  };
  const pixels = verifyDataFile(join(dataDirectory, specFor('images').fileName), specFor('images'));
  const labels = verifyDataFile(join(dataDirectory, specFor('labels').fileName), specFor('labels'));
  const count = Math.min(options.limit ?? labels.length, labels.length);
  const pixelCount = count * IMAGE_SIDE * IMAGE_SIDE;
  return {
    images: tf.tensor4d(toUnitRange(pixels.subarray(0, pixelCount)), [count, IMAGE_SIDE, IMAGE_SIDE, 1]),
    labels: labels.slice(0, count),
  };
}

/** One split's labels (the first `limit`), verified, without loading its images. */
export function loadLabels(dataDirectory: string, split: Split, limit: number | null = null): Uint8Array {
  const spec = FASHION_MNIST_FILES.find((file) => file.split === split && file.kind === 'labels')!;
  const labels = verifyDataFile(join(dataDirectory, spec.fileName), spec);
  return labels.slice(0, limit ?? labels.length);
}

/** Pixels scaled to [0, 1] for stable training, as the study does (pixel / 255). */
export function toUnitRange(pixels: Uint8Array): Float32Array {
  // A loop into a preallocated array: Float32Array.from with a map function first collects every
  // value into a JavaScript list (about 1 GiB more at peak for the 47 million training pixels).
  const scaled = new Float32Array(pixels.length);
  for (let index = 0; index < pixels.length; index += 1) scaled[index] = pixels[index] / 255;
  return scaled;
}

/** The SHA-256 digests of the data files, part of every training run's cache key. */
export function dataFingerprint(files: readonly DataFileSpec[] = FASHION_MNIST_FILES): string {
  return sha256(Buffer.from(files.map((file) => file.decompressedSha256).join(',')));
}
