/**
 * Table rows the report shows, built from study results: ours beside the original's, with differences.
 * Notebooks pass these to showTable; keeping them here keeps the notebooks to narrative and calls.
 */
import { EpochMetrics } from '../model/metrics';
import { VARIANT_TITLES, VariantName } from '../model/tfjs-model';
import { finalMetrics, RunRecord } from '../study/runs';
import { ORIGINAL_BEST_FOLD, ORIGINAL_VALIDATION, OriginalMetrics } from './original-study';
import { KFoldResult, Selection } from '../study/study';
import { PairedTest } from '../study/statistics';
import { meanPlusMinus, Row } from './tables';

const METRIC_ORDER = ['accuracy', 'precision', 'recall', 'loss'] as const;

/** Final-epoch metrics over folds: training and validation, mean ± std, and the macro per-class view. */
export function kfoldMetricRows(result: KFoldResult): Row[] {
  const rows: Row[] = METRIC_ORDER.map((metric) => ({
    metric: metric === 'precision' || metric === 'recall' ? `${metric} (Keras-style, thresholded)` : metric,
    training: meanPlusMinus(result.finalTrain[metric].mean, result.finalTrain[metric].std),
    validation: meanPlusMinus(result.finalValidation[metric].mean, result.finalValidation[metric].std),
  }));
  rows.push({ metric: 'precision (macro per-class)', training: null, validation: meanPlusMinus(result.macroPrecision.mean, result.macroPrecision.std) });
  rows.push({ metric: 'recall (macro per-class)', training: null, validation: meanPlusMinus(result.macroRecall.mean, result.macroRecall.std) });
  return rows;
}

/**
 * The original's numbers for a variant beside ours: its best-fold table (training and validation top-1
 * accuracy) and its validation table (accuracy, precision, recall, loss).
 */
export function seedComparisonRows(result: KFoldResult): Row[] {
  const seedBest = ORIGINAL_BEST_FOLD[result.variant];
  const seedValidation = ORIGINAL_VALIDATION[result.variant];
  const best = result.bestFolds;
  // Both tables take each column's best fold separately; folds are numbered from 1 here, from 0 in the original.
  const rows: Row[] = [
    { quantity: 'training top-1 accuracy, best fold', original: `${seedBest.train.toFixed(4)} @ fold ${seedBest.trainFold + 1}`,
      ours: `${best.train.accuracy.toFixed(4)} @ fold ${best.train.index + 1}`, difference: best.train.accuracy - seedBest.train },
    { quantity: 'validation top-1 accuracy, best fold', original: `${seedBest.validation.toFixed(4)} @ fold ${seedBest.validationFold + 1}`,
      ours: `${best.validation.accuracy.toFixed(4)} @ fold ${best.validation.index + 1}`, difference: best.validation.accuracy - seedBest.validation },
  ];
  for (const metric of METRIC_ORDER) {
    const ours = result.finalValidation[metric];
    rows.push({
      quantity: `validation ${metric}, mean over folds`, seed: seedValidation[metric].toFixed(4),
      ours: meanPlusMinus(ours.mean, ours.std), difference: ours.mean - seedValidation[metric],
    });
  }
  return rows;
}

/** The original's "Baseline vs X" table, its values and ours side by side. */
export function baselineComparisonRows(variant: KFoldResult, baseline: KFoldResult): Row[] {
  return [baseline, variant].map((result) => {
    const row: Row = { model: VARIANT_TITLES[result.variant] };
    for (const metric of METRIC_ORDER) {
      row[`${metric} (seed)`] = ORIGINAL_VALIDATION[result.variant][metric];
      row[`${metric} (ours)`] = result.finalValidation[metric].mean;
    }
    return row;
  });
}

export function pairedTestRows(variant: VariantName, test: PairedTest, k: number): Row[] {
  return [{
    comparison: `${VARIANT_TITLES[variant]} − Baseline, validation accuracy over ${k} shared folds`,
    'mean difference': test.meanDifference, t: test.t, 'degrees of freedom': test.degreesOfFreedom, 'p (two-sided)': test.pValue,
  }];
}

export function selectionRows(selection: Selection): Row[] {
  return selection.ranking.map((entry, rank) => ({
    rank: rank + 1, variant: VARIANT_TITLES[entry.variant], 'validation accuracy (mean)': entry.validationAccuracy,
    'train − validation gap': entry.gap, 'gap − median gap': entry.gap - selection.medianGap,
    [`more than ${selection.maxGapAboveMedian} above the median?`]: entry.excluded ? 'yes: passed over' : 'no',
    chosen: selection.chosen.includes(entry.variant) ? 'yes' : '',
  }));
}

/** A test run's metrics beside the original's (null where the original reports none). */
export function testComparisonRows(runs: { label: string; run: RunRecord; seed: OriginalMetrics | null }[]): Row[] {
  return runs.map(({ label, run, seed }) => {
    const metrics = finalMetrics(run).evaluated;
    const row: Row = { model: label };
    for (const metric of METRIC_ORDER) {
      row[`${metric} (seed)`] = seed ? seed[metric] : null;
      row[`${metric} (ours)`] = metrics[metric as keyof EpochMetrics];
      row[`${metric} Δ`] = seed ? metrics[metric as keyof EpochMetrics] - seed[metric] : null;
    }
    row['macro precision (ours)'] = run.test!.perClass.macroPrecision;
    row['macro recall (ours)'] = run.test!.perClass.macroRecall;
    return row;
  });
}

/** A difference of two accuracies in percentage points. */
const points = (value: number) => `${(100 * value).toFixed(2)} percentage points`;

/** The findings of a variant notebook, written from its results (every number traced to them). */
export function variantFindings(result: KFoldResult, baseline: KFoldResult | null, test: PairedTest | null): string {
  const title = VARIANT_TITLES[result.variant];
  const validation = result.finalValidation;
  const seed = ORIGINAL_VALIDATION[result.variant];
  const lines = [
    `- After ${result.runs[0].history.length} epochs, ${title} reaches a validation accuracy of **${meanPlusMinus(validation.accuracy.mean, validation.accuracy.std)}** over ${result.k} folds (seed: ${seed.accuracy.toFixed(4)}), with validation loss ${meanPlusMinus(validation.loss.mean, validation.loss.std)} (seed: ${seed.loss.toFixed(4)}).`,
    `- Final training accuracy minus validation accuracy is ${points(result.generalizationGap)} on average (the gap the selection rule uses; with dropout active in training it can be negative).`,
    `- Keras-style precision ${validation.precision.mean.toFixed(4)} sits ${validation.precision.mean > validation.accuracy.mean ? 'above' : 'below'} accuracy and recall ${validation.recall.mean.toFixed(4)} ${validation.recall.mean < validation.accuracy.mean ? 'below' : 'above'} it, as in the original; the macro per-class view gives precision ${result.macroPrecision.mean.toFixed(4)} and recall ${result.macroRecall.mean.toFixed(4)}.`,
  ];
  if (baseline && test) {
    const better = test.meanDifference > 0;
    lines.push(`- Against the baseline on the same folds, ${title} is ${better ? 'ahead' : 'behind'} by ${points(Math.abs(test.meanDifference))} of validation accuracy (paired t-test, p = ${test.pValue.toPrecision(2)}): ${test.pValue < 0.05 ? 'a difference the folds support at the 5 % level' : 'not a difference the folds support at the 5 % level'}.`);
  }
  lines.push(`- Training the ${result.k} folds took ${(result.trainingSeconds / 60).toFixed(1)} minutes of training time on this machine (the run cache stores it).`);
  return lines.join('\n');
}
