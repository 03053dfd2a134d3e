/**
 * Everything a notebook or the results files state, gathered from the run cache in one place (and
 * trained first where the cache lacks it): the reproduction, its repetition over seeds with the
 * comparisons tested as the resampling allows, the selection, the final retrainings over seeds
 * compared on the test set, and the batch-size study. Memoised per process and options.
 */
import type { VariantName } from '../model/network';
import { VARIANTS } from '../model/network';
import {
  BatchSizeResult, compareOnTestSet, compareVariants, FinalRuns, FoldComparison, PairedTestRuns, runBatchSizeStudy, runFinalSeeds,
  runRepeatedKFolds, selectionsBySeed, testLabels,
} from './robustness';
import { KFoldResult, prefetchRuns, reporterFor, selectBestTwo, Selection, StudyOptions, studyPlan } from './study';

export interface CrossValidationEvidence {
  /** Per variant, the k-fold of the study's own seed and batch size (the reproduction). */
  reproduction: Record<VariantName, KFoldResult>;
  /** Per variant, one k-fold per cross-validation seed (the study's seed first). */
  bySeed: Record<VariantName, KFoldResult[]>;
  /** The reproduction's comparisons (one seed), Holm-adjusted together. */
  reproductionComparisons: FoldComparison[];
  /** The same comparisons over every seed's folds, Holm-adjusted together. */
  repeatedComparisons: FoldComparison[];
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
}

const memo = new Map<string, Promise<unknown>>();
/** Computes once per process and options; every step of it reports to one progress output. */
function once<T>(name: string, options: StudyOptions, compute: (options: StudyOptions) => Promise<T>): Promise<T> {
  const id = JSON.stringify([name, options.protocol, options.k, options.seed, options.cvSeeds, options.finalSeeds, options.batchSizes, options.limit, options.runsDirectory]);
  if (!memo.has(id)) {
    const reporter = reporterFor(options);
    memo.set(id, compute({ ...options, progress: () => reporter }));
  }
  return memo.get(id) as Promise<T>;
}

/** With workers, every missing run of the plan is trained first, in parallel. */
async function prefetchPlan(options: StudyOptions): Promise<void> {
  if ((options.workers ?? 1) <= 1) return;
  await prefetchRuns((await studyPlan(options)).specs, options, reporterFor(options));
}

export function crossValidationEvidence(options: StudyOptions): Promise<CrossValidationEvidence> {
  return once('cross-validation', options, async (options) => {
    await prefetchPlan(options);
    const bySeed = await runRepeatedKFolds(options);
    const studySeed = options.cvSeeds.indexOf(options.seed);
    const reproduction = Object.fromEntries(VARIANTS.map((variant) => [variant, bySeed[variant][studySeed]])) as Record<VariantName, KFoldResult>;
    const onlyStudySeed = Object.fromEntries(VARIANTS.map((variant) => [variant, [reproduction[variant]]])) as Record<VariantName, KFoldResult[]>;
    return {
      reproduction, bySeed,
      reproductionComparisons: compareVariants(onlyStudySeed),
      repeatedComparisons: compareVariants(bySeed),
      selection: selectBestTwo(VARIANTS.map((variant) => reproduction[variant])),
      selectionsBySeed: selectionsBySeed(bySeed),
    };
  });
}

export function testSetEvidence(options: StudyOptions): Promise<TestSetEvidence> {
  return once('test set', options, async (options) => {
    const { selection } = await crossValidationEvidence(options);
    const finals = await runFinalSeeds(options, selection.chosen);
    const labels = testLabels(options);
    const [first, second] = selection.chosen;
    return {
      finals, labels,
      finalists: compareOnTestSet(finals.constant[first], finals.constant[second], labels),
      decayAgainstConstant: compareOnTestSet(finals.decay, finals.constant[first], labels),
    };
  });
}

export function batchSizeEvidence(options: StudyOptions): Promise<BatchSizeResult[]> {
  return once('batch size', options, async (options) => {
    await prefetchPlan(options);
    return runBatchSizeStudy(options);
  });
}
