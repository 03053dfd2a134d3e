/**
 * Notebook 12: the baseline and ReLU cross-validated at several batch sizes, to test whether the
 * batch size explains why our training accuracies and gaps exceed the original's.
 */
import { VARIANT_TITLES } from '../model/network';
import { batchSizeEvidence } from '../study/evidence';
import type { BatchSizeResult } from '../study/robustness';
import type { StudyOptions } from '../study/study';
import { showFigure as show } from './display';
import { dotPlotFigure, trainingCurvesFigure } from './figures';
import { batchSizeFindings } from './findings-batch';
import { ORIGINAL_BEST_FOLD, ORIGINAL_VALIDATION } from './original-study';
import { batchSizeRows } from './rows';
import { showMarkdown, showTable as table } from './tables';

export const batchSizes = (options: StudyOptions): Promise<BatchSizeResult[]> => batchSizeEvidence(options);

export function showTable(results: BatchSizeResult[]): void {
  table(batchSizeRows(results), { caption: 'Cross-validation at each batch size (mean ± std over folds), and the distance to the original\'s numbers' });
}

export async function showFigure(results: BatchSizeResult[]): Promise<void> {
  const variants = [...new Set(results.map((entry) => entry.variant))];
  const series = variants.flatMap((variant) => {
    const rows = results.filter((entry) => entry.variant === variant);
    const dot = (category: string, summary: { mean: number; std: number }) => ({ category, value: summary.mean, low: summary.mean - summary.std, high: summary.mean + summary.std });
    const original = ORIGINAL_BEST_FOLD[variant];
    // Like for like with the original's table: its training accuracy is its best fold's, so ours is too (no interval: one fold).
    const best = (category: string, value: number) => ({ category, value, low: value, high: value });
    return [
      { name: `${VARIANT_TITLES[variant]} · training (best fold)`, key: variant, symbol: 'square', dots: rows.map((entry) => best(`batch ${entry.batchSize}`, entry.result.bestFolds.train.accuracy)) },
      { name: `${VARIANT_TITLES[variant]} · validation (mean ± std over folds)`, key: variant, dots: rows.map((entry) => dot(`batch ${entry.batchSize}`, entry.result.finalValidation.accuracy)) },
      { name: `${VARIANT_TITLES[variant]} · the original (best-fold training, mean validation)`, symbol: 'diamond-open', colorOf: `${VARIANT_TITLES[variant]} · training (best fold)`,
        dots: [{ category: 'original', value: original.train, low: original.train, high: original.train },
          { category: 'original', value: ORIGINAL_VALIDATION[variant].accuracy, low: ORIGINAL_VALIDATION[variant].accuracy, high: ORIGINAL_VALIDATION[variant].accuracy }] },
    ];
  });
  await show(dotPlotFigure(series, 'Final training accuracy (best fold, as the original reports it) and validation accuracy (mean ± std over folds) by batch size', 'accuracy'), { name: '12-batch-size', height: 520 });
}

export async function showCurves(results: BatchSizeResult[]): Promise<void> {
  const relu = results.filter((entry) => entry.variant === 'relu');
  await show(trainingCurvesFigure(relu.map((entry) => ({ name: `batch ${entry.batchSize}`, history: entry.result.averagedHistory })),
    'ReLU: learning curves at each batch size, mean over folds'), { name: '12-batch-size-curves', width: 1000, height: 760 });
}

export function showFindings(results: BatchSizeResult[], options: StudyOptions): void {
  showMarkdown(batchSizeFindings(results, options.protocol.batchSize));
}
