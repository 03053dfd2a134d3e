/**
 * How far the study's conclusions hold: the reproduction's comparisons tested as the resampling
 * allows (corrected resampled t-test, Holm over the family), repeated with other seeds (repeated
 * stratified k-fold, final retrainings over seeds), compared on the test set image by image
 * (McNemar's exact test, Wilson intervals), and the batch size tested as the cause of the
 * systematic difference from the original. Everything is computed from the run cache.
 */
import { DEFAULT_DATA_DIRECTORY } from '../base/paths';
import { loadLabels } from '../data/fashion-mnist';
import { VARIANTS, VariantName } from '../model/network';
import { finalMetrics, RunRecord } from './runs';
import {
  correctedResampledTTest, CorrectedTest, holm, mcnemarFromPredictions, McNemarTest, predictionTest, ProportionInterval, seedSpread, SeedSpread,
  wilsonInterval,
} from './statistics';
import { BATCH_SIZE_VARIANTS, KFoldResult, runFinalTest, runKFold, selectBestTwo, Selection, StudyOptions, testedVariants } from './study';

// ---------------------------------------------------------------------------------------------
// Cross-validation: comparisons between variants on the same folds.

/** A variant against another on the same folds (of one or several seeds), by final validation accuracy. */
export interface FoldComparison<V extends string = VariantName> {
  variant: V;
  reference: V;
  /** variant − reference, fold by fold, seed after seed. */
  differences: number[];
  seeds: number[];
  /** Nadeau & Bengio's corrected resampled t-test, with the naive paired t-test beside it. */
  test: CorrectedTest;
  /** Holm-adjusted p-value over the family of comparisons it was made in. */
  holmPValue: number;
}

/** What a fold comparison compares: one number per fold of a k-fold result. */
export type FoldMeasure = (result: KFoldResult<string>) => number[];

/** Each fold's final validation accuracy (what every ranking uses). */
export const finalValidationAccuracies: FoldMeasure = (result) => result.runs.map((run) => finalMetrics(run).evaluated.accuracy);

/** Each fold's final training − validation accuracy (Keras' running-mean training accuracy): the overfitting gauge. */
export const finalGaps: FoldMeasure = (result) => result.runs.map((run) => finalMetrics(run).train.accuracy - finalMetrics(run).evaluated.accuracy);

/** Each fold's validation accuracy averaged over the last `epochs` epochs: a ranking read over the end of training, not at one epoch. */
export const lastEpochsAccuracies = (epochs: number): FoldMeasure => (result) =>
  result.runs.map((run) => run.history.slice(-epochs).reduce((sum, epoch) => sum + epoch.validation!.accuracy, 0) / Math.min(epochs, run.history.length));

/** Each k-fold's test share over its training share: 1/(k − 1) (1/4 for 5 folds). */
export const testTrainRatio = (k: number) => 1 / (k - 1);

/**
 * The comparisons a reviewer asks for, on the same folds: each variant against the baseline, ReLU
 * against LeakyReLU (the two finalists) and ReLU against MaxPooling (our first against the
 * original's first), Holm-adjusted together. Given only some variants (a notebook's own, for a
 * reader's parameters), the comparisons among them, Holm-adjusted over those.
 * @param bySeed per variant, its k-fold results in the same seed order
 */
export function compareVariants(bySeed: Partial<Record<VariantName, KFoldResult[]>>, measure: FoldMeasure = finalValidationAccuracies): FoldComparison[] {
  const pairs = ([
    ...VARIANTS.filter((variant) => variant !== 'baseline').map((variant): [VariantName, VariantName] => [variant, 'baseline']),
    ['relu', 'leakyrelu'],
    ['relu', 'maxpooling'],
  ] as [VariantName, VariantName][]).filter(([variant, reference]) => bySeed[variant] && bySeed[reference]);
  return comparePairs(bySeed as Record<VariantName, KFoldResult[]>, pairs, measure) as FoldComparison[];
}

/**
 * Each pair (variant, reference) on the same folds, seed by seed: the corrected resampled t-test of
 * the fold-by-fold differences of a measure (by default the final validation accuracy),
 * Holm-adjusted over the pairs given. Works for any variants, a reader's too.
 * @param bySeed per variant, its k-fold results in the same seed order (the same folds per seed)
 * @param measure one number per fold (finalValidationAccuracies, finalGaps, lastEpochsAccuracies(3))
 */
export function comparePairs<V extends string>(bySeed: Record<V, KFoldResult<V>[]>, pairs: [V, V][], measure: FoldMeasure = finalValidationAccuracies): FoldComparison<V>[] {
  if (pairs.length === 0) return [];
  const comparisons = pairs.map(([variant, reference]) => {
    const differences = bySeed[variant].flatMap((result, seedIndex) => {
      const own = measure(result);
      const theirs = measure(bySeed[reference][seedIndex]);
      return own.map((accuracy, fold) => accuracy - theirs[fold]);
    });
    const k = bySeed[variant][0].k;
    return { variant, reference, differences, seeds: bySeed[variant].map((result) => result.seed), test: correctedResampledTTest(differences, testTrainRatio(k)) };
  });
  const adjusted = holm(comparisons.map((comparison) => comparison.test.pValue));
  return comparisons.map((comparison, index) => ({ ...comparison, holmPValue: adjusted[index] }));
}

/**
 * A variant's cross-validation under other parameters (a reader's) against the committed study's.
 * Where a seed's folds are the same images (same seed, k and image limit), fold by fold with the
 * corrected resampled t-test over the shared seeds' folds; otherwise the reader's mean of its seeds'
 * k-fold means against the committed seeds' k-fold means by the prediction-interval t-test
 * (conservative for a mean of several seeds; NaN with fewer than 2 committed seeds).
 */
export type AgainstCommitted =
  | { kind: 'same folds'; seeds: number[]; differences: number[]; test: CorrectedTest }
  | { kind: 'seed means'; means: number[]; committedMeans: number[]; difference: number; pValue: number };

const sameFolds = (a: KFoldResult<string>, b: KFoldResult<string>) => a.seed === b.seed && a.k === b.k && a.runs[0].spec.limit === b.runs[0].spec.limit;

export function againstCommitted(reader: KFoldResult<string>[], committed: KFoldResult<string>[]): AgainstCommitted {
  const shared = reader.flatMap((own) => committed.filter((theirs) => sameFolds(own, theirs)).map((theirs) => [own, theirs] as const));
  if (shared.length > 0) {
    const differences = shared.flatMap(([own, theirs]) => finalValidationAccuracies(own).map((accuracy, fold) => accuracy - finalValidationAccuracies(theirs)[fold]));
    return { kind: 'same folds', seeds: shared.map(([own]) => own.seed), differences, test: correctedResampledTTest(differences, testTrainRatio(shared[0][0].k)) };
  }
  const means = reader.map((result) => result.finalValidation.accuracy.mean);
  const committedMeans = committed.map((result) => result.finalValidation.accuracy.mean);
  const mean = means.reduce((sum, value) => sum + value, 0) / means.length;
  return { kind: 'seed means', means, committedMeans, difference: mean - seedSpread(committedMeans).mean, pValue: committedMeans.length >= 2 ? predictionTest(mean, committedMeans).pValue : Number.NaN };
}

/** Every variant's (or the given variants') k-fold results, one per cross-validation seed (options.cvSeeds, in order). */
export async function runRepeatedKFolds<V extends string = VariantName>(options: StudyOptions, variants: readonly V[] = VARIANTS as readonly string[] as readonly V[]): Promise<Record<V, KFoldResult<V>[]>> {
  const entries: [V, KFoldResult<V>[]][] = [];
  for (const variant of variants) {
    const bySeed: KFoldResult<V>[] = [];
    for (const seed of options.cvSeeds) bySeed.push(await runKFold(variant, options, { seed }));
    entries.push([variant, bySeed]);
  }
  return Object.fromEntries(entries) as Record<V, KFoldResult<V>[]>;
}

/** Per cross-validation seed: the ranking by mean validation accuracy and the selection rule's choice. */
export function selectionsBySeed(bySeed: Record<VariantName, KFoldResult[]>): { seed: number; selection: Selection }[] {
  const seeds = bySeed.baseline.map((result) => result.seed);
  return seeds.map((seed, index) => ({ seed, selection: selectBestTwo(VARIANTS.map((variant) => bySeed[variant][index])) }));
}

/** How many seeds put `variant` at each rank, and how often the rule chose it. */
export function rankCounts(selections: { selection: Selection }[]): { variant: VariantName; ranks: number[]; chosen: number }[] {
  return VARIANTS.map((variant) => ({
    variant,
    ranks: VARIANTS.map((_, rank) => selections.filter(({ selection }) => selection.ranking[rank].variant === variant).length),
    chosen: selections.filter(({ selection }) => selection.chosen.includes(variant)).length,
  }));
}

// ---------------------------------------------------------------------------------------------
// The test set: final retrainings over seeds, compared image by image.

/** One final retraining on the test set, with its 95 % Wilson interval. */
export interface TestedRun {
  run: RunRecord;
  accuracy: number;
  interval: ProportionInterval;
}

export function testedRun(run: RunRecord): TestedRun {
  const accuracy = finalMetrics(run).evaluated.accuracy;
  const total = run.test!.predictions.length;
  return { run, accuracy, interval: wilsonInterval(Math.round(accuracy * total), total) };
}

/**
 * The final retrainings over seeds: the chosen two and the tested references (study.TESTED_REFERENCES)
 * at a constant learning rate, and the best one with decay.
 */
export interface FinalRuns {
  chosen: VariantName[];
  /** The chosen two, then the references retrained beside them (study.testedVariants). */
  tested: VariantName[];
  seeds: number[];
  /** Per tested variant, one run per seed (options.finalSeeds, in order). */
  constant: Record<string, TestedRun[]>;
  decay: TestedRun[];
}

export async function runFinalSeeds(options: StudyOptions, chosen: VariantName[]): Promise<FinalRuns> {
  const constant: Record<string, TestedRun[]> = {};
  const tested = testedVariants(chosen) as VariantName[];
  for (const variant of tested) {
    constant[variant] = [];
    for (const seed of options.finalSeeds) constant[variant].push(testedRun(await runFinalTest(variant, options, false, seed)));
  }
  const decay: TestedRun[] = [];
  for (const seed of options.finalSeeds) decay.push(testedRun(await runFinalTest(chosen[0], options, true, seed)));
  return { chosen, tested, seeds: options.finalSeeds, constant, decay };
}

/** Two sets of runs on the test set, seed by seed: accuracy differences and McNemar's exact test per seed. */
export interface PairedTestRuns {
  seeds: number[];
  differences: number[];
  mcnemar: McNemarTest[];
  /** In how many seeds the first is ahead, level, behind. */
  ahead: number;
  level: number;
  behind: number;
  difference: SeedSpread;
}

export function compareOnTestSet(first: TestedRun[], second: TestedRun[], testLabels: ArrayLike<number>): PairedTestRuns {
  const differences = first.map((run, index) => run.accuracy - second[index].accuracy);
  return {
    seeds: first.map(({ run }) => run.spec.seed),
    differences,
    mcnemar: first.map((run, index) => mcnemarFromPredictions(testLabels, run.run.test!.predictions, second[index].run.test!.predictions)),
    ahead: differences.filter((difference) => difference > 0).length,
    level: differences.filter((difference) => difference === 0).length,
    behind: differences.filter((difference) => difference < 0).length,
    difference: seedSpread(differences),
  };
}

/** The test set's labels (the first `limit` of them), without loading its images. */
export function testLabels(options: Pick<StudyOptions, 'dataDirectory' | 'limit'> = { dataDirectory: DEFAULT_DATA_DIRECTORY, limit: null }): Uint8Array {
  return loadLabels(options.dataDirectory, 'test', options.limit);
}

// ---------------------------------------------------------------------------------------------
// The batch size as the cause of the systematic difference from the original.

export interface BatchSizeResult {
  variant: VariantName;
  batchSize: number;
  result: KFoldResult;
}

/** Cross-validation of the batch-size study's variants at every batch size of the options. */
export async function runBatchSizeStudy(options: StudyOptions): Promise<BatchSizeResult[]> {
  const results: BatchSizeResult[] = [];
  for (const variant of BATCH_SIZE_VARIANTS) {
    for (const batchSize of options.batchSizes) results.push({ variant, batchSize, result: await runKFold(variant, options, { batchSize }) });
  }
  return results;
}
