/**
 * The study's metrics, in two flavours that must never be confused:
 *
 * - Keras-style (`precision`, `recall`): Keras' Precision()/Recall() on softmax outputs. Every one
 *   of the 10 outputs is thresholded at 0.5 against the one-hot label and the counts are pooled over
 *   all classes. This is what the original reports; it is why its precision sits above accuracy (a
 *   confident-enough prediction is rarely wrong) and its recall below (an unsure one counts as a miss).
 * - Macro per-class (`macroPrecision`, `macroRecall`): from the confusion matrix, each class's
 *   precision and recall averaged over classes. The honest view of a 10-class classifier.
 *
 * Sums are accumulated on the backend and read once per epoch: no per-batch synchronisation.
 */
import * as tf from '../base/tensorflow';

const KERAS_THRESHOLD = 0.5;

/** Per-batch sums, in this order, that make an epoch's metrics. */
export const SUM_NAMES = ['lossSum', 'count', 'correct', 'truePositives', 'falsePositives', 'falseNegatives'] as const;

/** [6] vector of sums over a batch or several (see SUM_NAMES); `lossSum` is the loss summed over their examples. */
export function batchSums(oneHotLabels: tf.Tensor2D, probabilities: tf.Tensor2D, lossSum: tf.Scalar): tf.Tensor1D {
  return tf.tidy(() => {
    const count = oneHotLabels.shape[0];
    const correct = probabilities.argMax(-1).equal(oneHotLabels.argMax(-1)).sum();
    const predictedPositive = probabilities.greater(KERAS_THRESHOLD).toFloat();
    const truePositives = predictedPositive.mul(oneHotLabels).sum();
    const falsePositives = predictedPositive.sum().sub(truePositives);
    const falseNegatives = oneHotLabels.sum().sub(truePositives);
    return tf.stack([
      lossSum, tf.scalar(count), correct.toFloat(), truePositives, falsePositives, falseNegatives,
    ]) as tf.Tensor1D;
  });
}

/** The four metrics of every epoch and evaluation, in the order the original's tables give them. */
export const METRIC_NAMES = ['accuracy', 'precision', 'recall', 'loss'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface EpochMetrics {
  loss: number;
  accuracy: number;
  /** Keras-style thresholded precision (see module comment). */
  precision: number;
  /** Keras-style thresholded recall (see module comment). */
  recall: number;
}

/** Turns accumulated sums into metrics. */
export function metricsFromSums(sums: ArrayLike<number>): EpochMetrics {
  const [lossSum, count, correct, truePositives, falsePositives, falseNegatives] = Array.from(sums);
  const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : 0);
  return {
    loss: ratio(lossSum, count),
    accuracy: ratio(correct, count),
    precision: ratio(truePositives, truePositives + falsePositives),
    recall: ratio(truePositives, truePositives + falseNegatives),
  };
}

/** confusion[actual][predicted] counts. */
export type ConfusionMatrix = number[][];

export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, classCount: number): ConfusionMatrix {
  if (actual.length !== predicted.length) {
    throw new Error(`confusionMatrix: ${actual.length} labels but ${predicted.length} predictions`);
  }
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let index = 0; index < actual.length; index += 1) matrix[actual[index]][predicted[index]] += 1;
  return matrix;
}

export interface PerClassMetrics {
  precision: number[];
  recall: number[];
  macroPrecision: number;
  macroRecall: number;
}

/** Per-class precision (column-wise) and recall (row-wise), and their unweighted means. */
export function perClassMetrics(confusion: ConfusionMatrix): PerClassMetrics {
  const classes = confusion.length;
  const precision: number[] = [];
  const recall: number[] = [];
  for (let k = 0; k < classes; k += 1) {
    const truePositives = confusion[k][k];
    const predictedK = confusion.reduce((sum, row) => sum + row[k], 0);
    const actualK = confusion[k].reduce((sum, value) => sum + value, 0);
    precision.push(predictedK > 0 ? truePositives / predictedK : 0);
    recall.push(actualK > 0 ? truePositives / actualK : 0);
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return { precision, recall, macroPrecision: mean(precision), macroRecall: mean(recall) };
}

export interface Confusion {
  actual: string;
  predicted: string;
  actualIndex: number;
  predictedIndex: number;
  count: number;
}

/** Off-diagonal cells, most frequent first. */
export function topConfusions(confusion: ConfusionMatrix, classNames: readonly string[], limit = 5): Confusion[] {
  const cells: Confusion[] = [];
  confusion.forEach((row, actualIndex) => row.forEach((count, predictedIndex) => {
    if (actualIndex !== predictedIndex && count > 0) {
      cells.push({ actual: classNames[actualIndex], predicted: classNames[predictedIndex], actualIndex, predictedIndex, count });
    }
  }));
  return cells.sort((a, b) => b.count - a.count).slice(0, limit);
}
