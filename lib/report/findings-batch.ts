/**
 * Notebook 12's findings: does the batch size explain the difference between our training
 * accuracies and gaps and the original's? Each quantity is compared like for like
 * (rows.distanceToOriginal) and its closest batch size named separately.
 */
import type { BatchSizeResult } from '../study/robustness';
import { bullets, f4, list, size, title } from './wording';
import { distanceToOriginal, points } from './rows';

type Quantity = 'train' | 'validation' | 'gap';
const QUANTITIES: { key: Quantity; name: string }[] = [
  { key: 'train', name: 'best-fold training accuracy' }, { key: 'validation', name: 'mean validation accuracy' }, { key: 'gap', name: 'best-fold gap' },
];

/** Per variant and quantity, the batch size whose cross-validation lies closest to the original's. */
export function closestBatchSizes(results: BatchSizeResult[]): { variant: BatchSizeResult['variant']; closest: Record<Quantity, BatchSizeResult> }[] {
  const variants = [...new Set(results.map((entry) => entry.variant))];
  return variants.map((variant) => {
    const rows = results.filter((entry) => entry.variant === variant);
    const closest = Object.fromEntries(QUANTITIES.map(({ key }) => [key, rows.reduce((best, entry) =>
      (Math.abs(distanceToOriginal(entry.result)[key]) < Math.abs(distanceToOriginal(best.result)[key]) ? entry : best))])) as Record<Quantity, BatchSizeResult>;
    return { variant, closest };
  });
}

function variantLine(variant: BatchSizeResult['variant'], rows: BatchSizeResult[], closest: Record<Quantity, BatchSizeResult>): string {
  const trains = rows.map((entry) => entry.result.finalTrain.accuracy.mean);
  const validations = rows.map((entry) => entry.result.finalValidation.accuracy.mean);
  const falling = trains.every((value, index) => index === 0 || value < trains[index - 1]);
  const range = (values: number[]) => Math.max(...values) - Math.min(...values);
  const trainNoise = Math.max(...rows.map((entry) => entry.result.finalTrain.accuracy.std));
  const validationNoise = Math.max(...rows.map((entry) => entry.result.finalValidation.accuracy.std));
  return `${title(variant)}: mean training accuracy over folds ${falling ? 'falls with every larger batch' : 'does not fall steadily with the batch size'} (${rows.map((entry) => `${entry.batchSize}: ${f4(entry.result.finalTrain.accuracy.mean)}`).join(', ')}), ` +
    `a spread of ${size(range(trains))} against ${size(range(validations))} for validation accuracy (fold standard deviations up to ${size(trainNoise)} for training, ${size(validationNoise)} for validation accuracy). Closest to the original: ` +
    `${list(QUANTITIES.map(({ key, name }) => `${name} at batch ${closest[key].batchSize} (${points(distanceToOriginal(closest[key].result)[key])}, ours − original)`))}.`;
}

export function batchSizeFindings(results: BatchSizeResult[], studyBatch: number): string {
  const sorted = [...results].sort((a, b) => a.batchSize - b.batchSize);
  const closest = closestBatchSizes(sorted);
  const trainingSizes = [...new Set(closest.flatMap((entry) => [entry.closest.train.batchSize, entry.closest.gap.batchSize]))];
  const ours = closest.map((entry) => distanceToOriginal(sorted.find((row) => row.variant === entry.variant && row.batchSize === studyBatch)!.result));
  const oursAbove = ours.every((distance) => distance.train > 0);
  const verdict = trainingSizes.every((batchSize) => batchSize === studyBatch)
    ? `**No:** batch ${studyBatch}, ours, already brings training accuracy and gap closest to the original's of the batch sizes tried, so the batch size does not explain the difference.`
    : `**${trainingSizes.every((batchSize) => batchSize > studyBatch) ? `Consistent with a larger batch than ours (${list(trainingSizes.map((batchSize) => `${batchSize}`))})` : 'In part'}:** the original's training accuracies and gaps lie closest to ours at ${list(trainingSizes.map((batchSize) => `batch ${batchSize}`))}, not at our batch ${studyBatch}` +
      `${trainingSizes.every((batchSize) => batchSize > studyBatch) && oursAbove ? '. That a larger batch (its text names none) explains its smaller gaps is a possibility these numbers are consistent with, not a finding: one cross-validation seed, two variants, distances read off without a test. Other unstated differences of protocol are not tested' : ''}.`;
  const variants = closest.map((entry) => title(entry.variant));
  return bullets([
    `${verdict} (One cross-validation seed, ${list(variants)} only: how other variants, such as MaxPooling and Dropout, would move with the batch size is not tested.)`,
    ...closest.map(({ variant, closest: nearest }) => variantLine(variant, sorted.filter((entry) => entry.variant === variant), nearest)),
    'These are single-seed cross-validations: differences between batch sizes smaller than the fold standard deviations above (training accuracy against the training figure, validation against the validation figure) are not a trend.',
  ]);
}
