/**
 * The rows of the report's tables, built from study results: ours beside the original's, with
 * differences, intervals and tests. Notebooks hand them to showTable.
 */
import { METRIC_NAMES } from '../model/metrics';
import { VARIANT_TITLES, variantTitle, VARIANTS, VariantName } from '../model/network';
import { countParameters, summarizeModel } from '../model/tfjs-model';
import type * as tf from '../base/tensorflow';
import { againstCommitted } from '../study/robustness';
import type { BatchSizeResult, FoldComparison, PairedTestRuns, TestedRun } from '../study/robustness';
import type { CrossValidationEvidence, TestSetEvidence } from '../study/evidence';
import { protocolTime } from '../study/results';
import { finalMetrics, RunRecord } from '../study/runs';
import { seedSpread } from '../study/statistics';
import type { KFoldResult, Selection } from '../study/study';
import { ORIGINAL_BEST_FOLD, ORIGINAL_DECAY, ORIGINAL_TEST, ORIGINAL_VALIDATION, OriginalMetrics } from './original-study';
import { meanPlusMinus, Row } from './tables';

/** A difference of accuracies in percentage points, signed: "+1.52 points". */
export const points = (difference: number) => `${difference < 0 ? '−' : '+'}${Math.abs(100 * difference).toFixed(2)} points`;
/** A p-value to two significant digits. */
export const pValue = (p: number) => (p < 1e-4 ? '< 0.0001' : p.toPrecision(2));
/** "p = 0.012" / "p < 0.0001", for prose. */
export const pEquals = (p: number) => (p < 1e-4 ? 'p < 0.0001' : `p = ${p.toPrecision(2)}`);
/** An interval of accuracies: "[0.9055, 0.9167]". */
export const interval = (low: number, high: number) => `[${low.toFixed(4)}, ${high.toFixed(4)}]`;
/** A signed number with a typographic minus: "−4.10". */
export const signed = (value: number, digits = 2) => `${value < 0 ? '−' : ''}${Math.abs(value).toFixed(digits)}`;
/** A fold, numbered from 1 as everywhere in this report (the original numbers them from 0). */
const fold = (index: number) => `fold ${index + 1}`;

/** The model's layers as the original's tables, with the total row. */
export function modelRows(model: tf.LayersModel): Row[] {
  return [
    ...summarizeModel(model).map((row) => ({ layer: row.layer, type: row.type, 'output shape': row.outputShape, parameters: row.params })),
    { layer: 'Total', type: '', 'output shape': '', parameters: countParameters(model) },
  ];
}

/** Final-epoch metrics over folds: training and validation, mean ± std, and the macro per-class view. */
export function kfoldMetricRows(result: KFoldResult): Row[] {
  const rows: Row[] = METRIC_NAMES.map((metric) => ({
    metric: metric === 'precision' || metric === 'recall' ? `${metric} (Keras-style, thresholded)` : metric,
    training: meanPlusMinus(result.finalTrain[metric].mean, result.finalTrain[metric].std),
    validation: meanPlusMinus(result.finalValidation[metric].mean, result.finalValidation[metric].std),
  }));
  rows.push({ metric: 'precision (macro per-class)', training: null, validation: meanPlusMinus(result.macroPrecision.mean, result.macroPrecision.std) });
  rows.push({ metric: 'recall (macro per-class)', training: null, validation: meanPlusMinus(result.macroRecall.mean, result.macroRecall.std) });
  return rows;
}

/**
 * The original's numbers beside ours, like for like: its best-fold table takes each column's best
 * fold separately, and so do we; its validation table averages over folds, and so do we.
 */
export function originalComparisonRows(result: KFoldResult): Row[] {
  const original = ORIGINAL_BEST_FOLD[result.variant];
  const best = result.bestFolds;
  const rows: Row[] = [
    { quantity: 'training accuracy, best fold', original: `${original.train.toFixed(4)} (${fold(original.trainFold)})`,
      ours: `${best.train.accuracy.toFixed(4)} (${fold(best.train.index)})`, difference: points(best.train.accuracy - original.train) },
    { quantity: 'validation accuracy, best fold', original: `${original.validation.toFixed(4)} (${fold(original.validationFold)})`,
      ours: `${best.validation.accuracy.toFixed(4)} (${fold(best.validation.index)})`, difference: points(best.validation.accuracy - original.validation) },
  ];
  for (const metric of METRIC_NAMES) {
    const ours = result.finalValidation[metric];
    const difference = ours.mean - ORIGINAL_VALIDATION[result.variant][metric];
    rows.push({ quantity: `validation ${metric}, mean over folds`, original: ORIGINAL_VALIDATION[result.variant][metric].toFixed(4),
      ours: meanPlusMinus(ours.mean, ours.std), difference: metric === 'loss' ? `${difference < 0 ? '−' : '+'}${Math.abs(difference).toFixed(4)}` : points(difference) });
  }
  return rows;
}

/** The original's "Baseline vs X" table (validation, mean over folds), its values and ours side by side. */
export function baselineComparisonRows(variant: KFoldResult, baseline: KFoldResult): Row[] {
  return [baseline, variant].map((result) => {
    const row: Row = { model: VARIANT_TITLES[result.variant] };
    for (const metric of METRIC_NAMES) {
      row[`${metric} (original)`] = ORIGINAL_VALIDATION[result.variant][metric];
      row[`${metric} (ours)`] = result.finalValidation[metric].mean;
    }
    return row;
  });
}

/** Fold comparisons with the corrected resampled t-test, its Holm adjustment, and the naive test for reference. */
export function foldComparisonRows(comparisons: FoldComparison[]): Row[] {
  return comparisons.map((comparison) => ({
    comparison: `${VARIANT_TITLES[comparison.variant]} − ${VARIANT_TITLES[comparison.reference]}`,
    'seeds × folds': `${comparison.seeds.length} × ${comparison.differences.length / comparison.seeds.length}`,
    'mean difference (validation accuracy)': points(comparison.test.meanDifference),
    'corrected t': signed(comparison.test.t), df: comparison.test.degreesOfFreedom,
    'p (corrected)': pValue(comparison.test.pValue), [`p (corrected, Holm over ${comparisons.length})`]: pValue(comparison.holmPValue),
    'p (naive paired t: too eager)': pValue(comparison.test.naive.pValue),
  }));
}

/** Per cross-validation seed: every variant's mean final validation accuracy, and the pair the rule chooses. */
export function seedRows(bySeed: Record<VariantName, KFoldResult[]>, selections: { seed: number; selection: Selection }[]): Row[] {
  return selections.map(({ seed, selection }, index) => ({
    seed,
    ...Object.fromEntries(Object.entries(bySeed).map(([variant, results]) => [VARIANT_TITLES[variant as VariantName],
      meanPlusMinus(results[index].finalValidation.accuracy.mean, results[index].finalValidation.accuracy.std)])),
    'ranking': selection.ranking.map((entry) => VARIANT_TITLES[entry.variant]).join(' > '),
    'chosen by the rule': selection.chosen.map((variant) => VARIANT_TITLES[variant]).join(', '),
  }));
}

export function selectionRows(selection: Selection): Row[] {
  return selection.ranking.map((entry, rank) => ({
    rank: rank + 1, variant: VARIANT_TITLES[entry.variant], 'validation accuracy (mean)': entry.validationAccuracy,
    'train − validation gap': points(entry.gap), 'gap − median gap': points(entry.gap - selection.medianGap),
    [`more than ${(100 * selection.maxGapAboveMedian).toFixed(1)} points above the median?`]: entry.excluded ? 'yes: passed over' : 'no',
    chosen: selection.chosen.includes(entry.variant) ? 'yes' : '',
  }));
}

/** The rule's choice at each threshold, on our numbers and on the original's. */
export function sweepRows(sweep: { threshold: number; ours: Selection; original: Selection }[]): Row[] {
  const pair = (selection: Selection) => selection.chosen.map((variant) => VARIANT_TITLES[variant]).join(', ');
  return sweep.map(({ threshold, ours, original }) => ({
    'gap limit above the median': `${(100 * threshold).toFixed(1)} points`, 'ours: chosen': pair(ours), 'original\'s numbers: chosen': pair(original),
  }));
}

/** Final retrainings on the test set, seed by seed, with 95 % Wilson intervals; the original's value beside. */
export function testedRunRows(label: string, runs: TestedRun[], original: OriginalMetrics | null): Row[] {
  return runs.map((tested) => {
    const metrics = finalMetrics(tested.run).evaluated;
    return {
      model: label, seed: tested.run.spec.seed, 'test accuracy': tested.accuracy, '95 % interval (Wilson)': interval(tested.interval.lower, tested.interval.upper),
      'test loss': metrics.loss, 'macro precision': tested.run.test!.perClass.macroPrecision, 'macro recall': tested.run.test!.perClass.macroRecall,
      'original (accuracy)': original ? original.accuracy : null,
    };
  });
}

/**
 * Two sets of final runs compared image by image, seed by seed (McNemar's exact test); with `losses`,
 * each one's test loss (categorical cross-entropy) and their difference beside the accuracies.
 */
export function pairedTestRows(labels: [string, string], first: TestedRun[], second: TestedRun[], paired: PairedTestRuns, losses = false): Row[] {
  const loss = (run: TestedRun) => finalMetrics(run.run).evaluated.loss;
  return paired.seeds.map((seed, index) => ({
    seed, [`${labels[0]}`]: first[index].accuracy, [`${labels[1]}`]: second[index].accuracy, [`${labels[0]} − ${labels[1]}`]: points(paired.differences[index]),
    [`images only ${labels[0]} gets right`]: paired.mcnemar[index].b, [`images only ${labels[1]} gets right`]: paired.mcnemar[index].c,
    'p (McNemar, exact)': pValue(paired.mcnemar[index].pValue),
    ...(losses ? {
      [`test loss, ${labels[0]}`]: loss(first[index]), [`test loss, ${labels[1]}`]: loss(second[index]),
      'test loss difference': (loss(first[index]) - loss(second[index])).toFixed(4),
    } : {}),
  }));
}

/**
 * How far a cross-validation lies from the original's numbers, like for like: training accuracy of
 * the best fold, validation accuracy averaged over folds, and the best-fold gap between them (the
 * only gap the original's table allows).
 */
export function distanceToOriginal(result: KFoldResult): { train: number; validation: number; gap: number } {
  const original = ORIGINAL_BEST_FOLD[result.variant];
  const best = result.bestFolds;
  return {
    train: best.train.accuracy - original.train,
    validation: result.finalValidation.accuracy.mean - ORIGINAL_VALIDATION[result.variant].accuracy,
    gap: (best.train.accuracy - best.validation.accuracy) - (original.train - original.validation),
  };
}

/** The batch-size study: our accuracies at each batch size, and how far each lies from the original's. */
export function batchSizeRows(results: BatchSizeResult[]): Row[] {
  return results.map(({ variant, batchSize, result }) => {
    const distance = distanceToOriginal(result);
    return {
      variant: VARIANT_TITLES[variant], 'batch size': batchSize,
      'training accuracy (mean)': meanPlusMinus(result.finalTrain.accuracy.mean, result.finalTrain.accuracy.std),
      'validation accuracy (mean)': meanPlusMinus(result.finalValidation.accuracy.mean, result.finalValidation.accuracy.std),
      'train − validation gap (mean)': points(result.generalizationGap),
      'ours − original: training accuracy, best fold': points(distance.train),
      'ours − original: validation accuracy, mean': points(distance.validation),
      'ours − original: best-fold gap': points(distance.gap),
    };
  });
}

/** The study at a glance: every variant's validation accuracy (reproduction and over seeds) and test accuracy over seeds, beside the original's. */
export function headlineRows(cv: CrossValidationEvidence, test: TestSetEvidence): Row[] {
  // Over seeds: mean ± sample standard deviation and the range (REVIEW.md's seed spread).
  const spread = (values: number[]) => { const s = seedSpread(values); return `${meanPlusMinus(s.mean, s.std)} (${s.min.toFixed(4)}–${s.max.toFixed(4)})`; };
  const rows: Row[] = VARIANTS.map((variant) => {
    const reproduction = cv.reproduction[variant].finalValidation.accuracy;
    const tested = test.finals.constant[variant];
    return {
      variant: `${VARIANT_TITLES[variant]}${cv.selection.chosen.includes(variant) ? ' (chosen)' : ''}`,
      [`validation, seed ${cv.reproduction[variant].seed} (${cv.reproduction[variant].k} folds)`]: meanPlusMinus(reproduction.mean, reproduction.std),
      [`validation, ${cv.bySeed[variant].length} seeds' ${cv.reproduction[variant].k}-fold means`]: spread(cv.bySeed[variant].map((result) => result.finalValidation.accuracy.mean)),
      'validation, original': ORIGINAL_VALIDATION[variant].accuracy,
      [`test, ${test.finals.seeds.length} seeds`]: tested ? spread(tested.map((run) => run.accuracy)) : null,
      'one run\'s 95 % interval': tested ? `± ${halfWidthPoints(tested)} points` : null,
      'test, original': ORIGINAL_TEST[variant]?.accuracy ?? null,
    };
  });
  const best = test.finals.chosen[0];
  rows.push({
    variant: `${VARIANT_TITLES[best]}, LR × ${test.finals.decay[0].run.spec.protocol.decay!.factor} every ${test.finals.decay[0].run.spec.protocol.decay!.everyEpochs} epochs`, [`test, ${test.finals.seeds.length} seeds`]: spread(test.finals.decay.map((run) => run.accuracy)),
    'one run\'s 95 % interval': `± ${halfWidthPoints(test.finals.decay)} points`,
    'test, original': ORIGINAL_DECAY.variant === best ? ORIGINAL_DECAY.metrics.accuracy : null,
  });
  return rows;
}

/** The mean half-width of runs' 95 % Wilson intervals, in points. */
const halfWidthPoints = (runs: TestedRun[]) => ((100 * runs.reduce((sum, run) => sum + (run.interval.upper - run.interval.lower) / 2, 0)) / runs.length).toFixed(2);

/** What each part of the study cost: runs, summed training minutes, wall minutes, how many trained at once, on which CPU. */
export function computeRows(parts: { part: string; runs: RunRecord[] }[]): Row[] {
  return parts.filter(({ runs }) => runs.length > 0).map(({ part, runs }) => {
    const time = protocolTime(runs);
    return {
      part, runs: time.runs, 'training minutes (summed)': time.summedTrainingMinutes, 'wall minutes (while any of them trained)': time.wallMinutes,
      'runs at once (at most)': time.mostAtOnce, 'largest peak memory of a process, MiB': time.largestPeakRssMiB, CPU: time.cpus.join(', '),
    };
  });
}

/** Per seed: a reader's cross-validation of a variant beside the committed study's, then the test that fits (robustness.againstCommitted). */
export function againstCommittedRows(variant: string, reader: KFoldResult<string>[], committed: KFoldResult<string>[]): Row[] {
  const describe = (result: KFoldResult<string>) => {
    const { protocol, limit } = result.runs[0].spec;
    return `${protocol.epochs} epochs, batch ${protocol.batchSize}, LR ${protocol.learningRate}, ${result.k} folds, ${limit === null ? 'all' : limit} images`;
  };
  const row = (who: string, result: KFoldResult<string>): Row => ({
    runs: who, seed: result.seed, setting: describe(result), 'validation accuracy': meanPlusMinus(result.finalValidation.accuracy.mean, result.finalValidation.accuracy.std),
  });
  const comparison = againstCommitted(reader, committed);
  const test = comparison.kind === 'same folds'
    ? `same folds (seeds ${comparison.seeds.join(', ')}): ${points(comparison.test.meanDifference)}, corrected resampled t-test p = ${pValue(comparison.test.pValue)}`
    : `other folds: mean of your seed means ${points(comparison.difference)} from the committed seeds' mean, prediction-interval t-test p = ${Number.isNaN(comparison.pValue) ? 'n/a (one committed seed)' : pValue(comparison.pValue)}`;
  return [
    ...reader.map((result) => row(`yours (${variantTitle(variant)})`, result)),
    ...committed.map((result) => row('committed study', result)),
    { runs: 'yours − committed', seed: null, setting: null, 'validation accuracy': test },
  ];
}
