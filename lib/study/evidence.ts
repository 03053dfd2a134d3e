/**
 * Everything a notebook or the results files state, gathered from the run cache in one place (and
 * trained first where the cache lacks it): the reproduction, its repetition over seeds with the
 * comparisons tested as the resampling allows, the selection, the final retrainings over seeds
 * compared on the test set, and the batch-size study. Memoised per process and options.
 */
import type { VariantName } from '../model/network';
import { VARIANTS } from '../model/network';
import {
  BatchSizeResult, compareOnTestSet, comparePairs, compareVariants, FinalRuns, FoldComparison, PairedTestRuns, runBatchSizeStudy, runFinalSeeds,
  runRepeatedKFolds, selectionsBySeed, testLabels,
} from './robustness';
import { BATCH_SIZE_VARIANTS, finalSpecs, foldSpecs, KFoldResult, prefetchRuns, reporterFor, selectBestTwo, Selection, StudyOptions } from './study';
import type { RunSpec } from './run-spec';

/** The cross-validation of some variants (a notebook's own), with the comparisons among them. */
export interface VariantsEvidence {
  /** Per variant, the k-fold of the study's own seed and batch size (the reproduction). */
  reproduction: Record<VariantName, KFoldResult>;
  /** Per variant, one k-fold per cross-validation seed (the study's seed first). */
  bySeed: Record<VariantName, KFoldResult[]>;
  /** The reproduction's comparisons (one seed), Holm-adjusted together. */
  reproductionComparisons: FoldComparison[];
  /** The same comparisons over every seed's folds, Holm-adjusted together. */
  repeatedComparisons: FoldComparison[];
}

export interface CrossValidationEvidence extends VariantsEvidence {
  /** The selection rule on the reproduction, and on each seed's cross-validation. */
  selection: Selection;
  selectionsBySeed: { seed: number; selection: Selection }[];
}

export interface TestSetEvidence {
  finals: FinalRuns;
  labels: Uint8Array;
  /** The two chosen variants, seed by seed. */
  finalists: PairedTestRuns;
  /** The best variant with the learning rate halved every 5 epochs against a constant rate, seed by seed. */
  decayAgainstConstant: PairedTestRuns;
  /** Each tested reference the selection did not choose (MaxPooling, the baseline) against each chosen variant, seed by seed. */
  referencesAgainstChosen: { variant: VariantName; chosen: VariantName; paired: PairedTestRuns }[];
}

const memo = new Map<string, Promise<unknown>>();
/** Computes once per process and options (until it fails); every step of it reports to one progress output. */
function once<T>(name: string, options: StudyOptions, compute: (options: StudyOptions) => Promise<T>): Promise<T> {
  const id = JSON.stringify([name, options.protocol, options.decay, options.k, options.seed, options.cvSeeds, options.finalSeeds, options.batchSizes, options.limit, options.runsDirectory]);
  if (!memo.has(id)) {
    const reporter = reporterFor(options);
    const computed = compute({ ...options, progress: () => reporter });
    // A failed or interrupted computation is not kept: asking again trains what is still missing.
    computed.catch(() => memo.delete(id));
    memo.set(id, computed);
  }
  return memo.get(id) as Promise<T>;
}

/** With workers, the given runs the cache lacks are trained first, in parallel (only these: a notebook trains what it shows). */
async function prefetch(specs: RunSpec[], options: StudyOptions): Promise<void> {
  await prefetchRuns(specs, options, reporterFor(options));
}

/** Every cross-validation run of the given variants over the options' seeds. */
const cvSpecs = (options: StudyOptions, variants: readonly string[]) =>
  options.cvSeeds.flatMap((seed) => variants.flatMap((variant) => foldSpecs(variant, options, { seed })));

/**
 * The cross-validation of only the given variants over every seed of the options, and the
 * comparisons among them (Holm over those): what a notebook shows for a reader's parameters. Only
 * their runs are trained (in the worker pool when options.workers > 1), none of the other variants'.
 * The `reproduction` and `bySeed` records hold just these variants.
 */
export function variantsEvidence(options: StudyOptions, variants: readonly VariantName[]): Promise<VariantsEvidence> {
  return once(`variants ${variants.join(',')}`, options, (options) => gatherVariants(options, variants));
}

/** The cross-validation of `variants` over every seed (missing runs trained first), the reproduction's seed picked out, and their comparisons. */
async function gatherVariants(options: StudyOptions, variants: readonly VariantName[]): Promise<VariantsEvidence> {
  await prefetch(cvSpecs(options, variants), options);
  const bySeed = (await runRepeatedKFolds(options, variants)) as Record<VariantName, KFoldResult[]>;
  const studySeed = options.cvSeeds.indexOf(options.seed);
  const reproduction = Object.fromEntries(variants.map((variant) => [variant, bySeed[variant][studySeed]])) as Record<VariantName, KFoldResult>;
  const onlyStudySeed = Object.fromEntries(variants.map((variant) => [variant, [reproduction[variant]]]));
  return { reproduction, bySeed, reproductionComparisons: compareVariants(onlyStudySeed), repeatedComparisons: compareVariants(bySeed) };
}

/** Any variants' cross-validation over every seed of the options (a reader's designs too), each tested against one reference on the same folds. */
export interface DesignsEvidence<V extends string = string> {
  bySeed: Record<V, KFoldResult<V>[]>;
  reference: V;
  /** Each variant − the reference, corrected resampled t-test over every seed's folds, Holm over the variants. */
  comparisons: FoldComparison<V>[];
}

/**
 * The cross-validation of `variants` (declared with defineVariant or named) and of `reference` over
 * options.cvSeeds, missing runs trained first in the worker pool, and each variant against the
 * reference on the same folds.
 */
export function designsEvidence(options: StudyOptions, variants: readonly string[], reference: string): Promise<DesignsEvidence> {
  return once(`designs ${reference}:${variants.join(',')}`, options, async (options) => {
    const all = [reference, ...variants.filter((variant) => variant !== reference)];
    await prefetch(cvSpecs(options, all), options);
    const bySeed = await runRepeatedKFolds(options, all);
    return { bySeed, reference, comparisons: comparePairs(bySeed, all.slice(1).map((variant): [string, string] => [variant, reference])) };
  });
}

export function crossValidationEvidence(options: StudyOptions): Promise<CrossValidationEvidence> {
  return once('cross-validation', options, async (options) => {
    const evidence = await gatherVariants(options, VARIANTS);
    return {
      ...evidence,
      selection: selectBestTwo(VARIANTS.map((variant) => evidence.reproduction[variant])),
      selectionsBySeed: selectionsBySeed(evidence.bySeed),
    };
  });
}

export function testSetEvidence(options: StudyOptions): Promise<TestSetEvidence> {
  return once('test set', options, async (options) => {
    const { selection } = await crossValidationEvidence(options);
    await prefetch(finalSpecs(selection.chosen, options), options);
    const finals = await runFinalSeeds(options, selection.chosen);
    const labels = testLabels(options);
    const [first, second] = selection.chosen;
    return {
      finals, labels,
      finalists: compareOnTestSet(finals.constant[first], finals.constant[second], labels),
      decayAgainstConstant: compareOnTestSet(finals.decay, finals.constant[first], labels),
      referencesAgainstChosen: finals.tested.filter((variant) => !selection.chosen.includes(variant)).flatMap((variant) =>
        selection.chosen.map((chosen) => ({ variant, chosen, paired: compareOnTestSet(finals.constant[variant], finals.constant[chosen], labels) }))),
    };
  });
}

export function batchSizeEvidence(options: StudyOptions): Promise<BatchSizeResult[]> {
  return once('batch size', options, async (options) => {
    await prefetch(options.batchSizes.flatMap((batchSize) => BATCH_SIZE_VARIANTS.flatMap((variant) => foldSpecs(variant, options, { batchSize }))), options);
    return runBatchSizeStudy(options);
  });
}
