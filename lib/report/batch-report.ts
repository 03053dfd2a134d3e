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
    return [
      { name: `${VARIANT_TITLES[variant]} · training`, key: variant, symbol: 'square', dots: rows.map((entry) => dot(`batch ${entry.batchSize}`, entry.result.finalTrain.accuracy)) },
      { name: `${VARIANT_TITLES[variant]} · validation`, key: variant, dots: rows.map((entry) => dot(`batch ${entry.batchSize}`, entry.result.finalValidation.accuracy)) },
      { name: `${VARIANT_TITLES[variant]} · the original (best-fold training, mean validation)`, symbol: 'diamond-open', colorOf: `${VARIANT_TITLES[variant]} · training`,
        dots: [{ category: 'original', value: original.train, low: original.train, high: original.train },
          { category: 'original', value: ORIGINAL_VALIDATION[variant].accuracy, low: ORIGINAL_VALIDATION[variant].accuracy, high: ORIGINAL_VALIDATION[variant].accuracy }] },
    ];
  });
  await show(dotPlotFigure(series, 'Final training and validation accuracy by batch size (mean ± std over folds)', 'accuracy'), { name: '12-batch-size', height: 520 });
}

export async function showCurves(results: BatchSizeResult[]): Promise<void> {
  const relu = results.filter((entry) => entry.variant === 'relu');
  await show(trainingCurvesFigure(relu.map((entry) => ({ name: `batch ${entry.batchSize}`, history: entry.result.averagedHistory })),
    'ReLU: learning curves at each batch size, mean over folds'), { name: '12-batch-size-curves', width: 1000, height: 760 });
}

export function showFindings(results: BatchSizeResult[], options: StudyOptions): void {
  showMarkdown(batchSizeFindings(results, options.protocol.batchSize));
}
