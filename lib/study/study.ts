/**
 * The study, step by step, on top of the run cache: a variant's stratified k-fold, the selection
 * of the best two, their retraining on the full training set and test, the LR-decay run, and the
 * plan of every run the report needs. Notebooks and the command line both call these; the tests
 * and comparisons built on them are in lib/study/robustness.ts.
 */
import * as tf from '../base/tensorflow';
import { DEFAULT_DATA_DIRECTORY } from '../base/paths';
import { DataSplit, loadSplit } from '../data/fashion-mnist';
import { EpochMetrics, METRIC_NAMES } from '../model/metrics';
import { VARIANTS, VariantName } from '../model/tfjs-model';
import { ProgressReporter, silentReporter, terminalReporter } from './progress';
import { cachedRun, ensureRun, RunRecord } from './runs';
import { runDataFor, RunSpec, variantFields } from './run-spec';
import { specIdentity } from './run-key';
import { MeanAndSpread, meanAndSpread, median } from './statistics';
import { LearningRateDecay, TrainingProtocol } from '../model/train';
import { STEP_DECAY, STUDY_PROTOCOL } from './protocol';
import { DROPOUT_READINGS } from './dropout-question';

export interface StudyOptions {
  protocol: TrainingProtocol;
  k: number;
  /** The study's seed: weights, folds, shuffles and dropout of the reproduction. */
  seed: number;
  /** Seeds of the repeated cross-validation, the study's seed first. */
  cvSeeds: number[];
  /** Seeds of the final retrainings (the two chosen variants and the LR-decay run), the study's seed first. */
  finalSeeds: number[];
  /** The learning-rate step decay of the decay retrainings (the original's: halved every 5 epochs). */
  decay: LearningRateDecay;
  /** Batch sizes of the batch-size study (cross-validation of BATCH_SIZE_VARIANTS at each). */
  batchSizes: number[];
  /** Use only the first `limit` training and test images (fast profile); null = all. */
  limit: number | null;
  dataDirectory: string;
  runsDirectory?: string;
  /** Makes the progress reporter of each long step (default: a terminal line); notebooks pass one that draws in the notebook. */
  progress?: () => ProgressReporter;
  /** Train missing runs in this many worker processes at once (1 = in this process). */
  workers?: number;
}

/** The variants of the batch-size study: the best one and the baseline. */
export const BATCH_SIZE_VARIANTS: VariantName[] = ['baseline', 'relu'];

export { DEFAULT_DATA_DIRECTORY };

/**
 * The original's study (5 folds, seed 42, batch 32, all images), repeated with 3 seeds of
 * cross-validation and 5 seeds of final retraining, and cross-validated at 4 batch sizes.
 */
export function studyOptions(overrides: Partial<StudyOptions> = {}): StudyOptions {
  return {
    protocol: STUDY_PROTOCOL, decay: STEP_DECAY, k: 5, seed: 42, cvSeeds: [42, 43, 44], finalSeeds: [42, 43, 44, 45, 46], batchSizes: [32, 64, 128, 256],
    limit: null, dataDirectory: DEFAULT_DATA_DIRECTORY, ...overrides,
  };
}

/**
 * Loads a split and hands its pixels to TensorFlow at once. A new tensor keeps its JavaScript
 * staging array (188 MB for the training set) until first used; uploading now and collecting the
 * garbage before the next split keeps the two copies of one split, not of both, in memory at
 * once. (gc is exposed in worker processes only, which run with --expose-gc; elsewhere V8 frees
 * the arrays in its own time.)
 */
function loadAndUpload(dataDirectory: string, split: 'train' | 'test', limit: number | undefined): DataSplit {
  const data = loadSplit(dataDirectory, split, { limit });
  tf.tidy(() => data.images.slice([0, 0, 0, 0], [1, 1, 1, 1]));
  (globalThis as { gc?: () => void }).gc?.();
  return data;
}

/** Training and test sets, loaded once per process and data slice. */
const loaded = new Map<string, { train: DataSplit; test: DataSplit }>();
export function studyData(options: Pick<StudyOptions, 'dataDirectory' | 'limit'>): { train: DataSplit; test: DataSplit } {
  const id = `${options.dataDirectory}:${options.limit}`;
  if (!loaded.has(id)) {
    const limit = options.limit ?? undefined;
    const train = loadAndUpload(options.dataDirectory, 'train', limit);
    loaded.set(id, { train, test: loadAndUpload(options.dataDirectory, 'test', limit) });
  }
  return loaded.get(id)!;
}

/** A progress reporter for one long step of the study. */
export function reporterFor(options: Pick<StudyOptions, 'progress'>): ProgressReporter {
  return (options.progress ?? terminalReporter)();
}

/** Which cross-validation of a variant: its seed and batch size (the study's by default). */
export interface KFoldSetting {
  seed?: number;
  batchSize?: number;
}

/** The k fold runs of a variant's cross-validation. */
export function foldSpecs(variant: string, options: StudyOptions, setting: KFoldSetting = {}): RunSpec[] {
  const protocol = { ...options.protocol, batchSize: setting.batchSize ?? options.protocol.batchSize };
  return Array.from({ length: options.k }, (_, index): RunSpec => ({
    ...variantFields(variant), protocol, seed: setting.seed ?? options.seed, split: { kind: 'fold', k: options.k, index }, limit: options.limit,
  }));
}

export interface MetricSummary {
  loss: MeanAndSpread;
  accuracy: MeanAndSpread;
  precision: MeanAndSpread;
  recall: MeanAndSpread;
}


function summarize(metrics: EpochMetrics[]): MetricSummary {
  const entries = METRIC_NAMES.map((name) => [name, meanAndSpread(metrics.map((m) => m[name]))]);
  return Object.fromEntries(entries) as MetricSummary;
}

/** Per epoch: each metric's mean and spread over folds (the curves the notebooks draw). */
export interface AveragedEpoch {
  epoch: number;
  train: MetricSummary;
  validation: MetricSummary;
}

export interface KFoldResult<V extends string = VariantName> {
  /** One of the five, or a reader's variant. */
  variant: V;
  k: number;
  seed: number;
  batchSize: number;
  runs: RunRecord[];
  averagedHistory: AveragedEpoch[];
  /** Final-epoch metrics over folds. */
  finalTrain: MetricSummary;
  finalValidation: MetricSummary;
  /** Macro per-class precision/recall of each fold's final model on its validation part. */
  macroPrecision: MeanAndSpread;
  macroRecall: MeanAndSpread;
  /**
   * The highest final training accuracy and the highest final validation accuracy over folds, each
   * with its fold (0-based), taken separately: what the original's best-fold table reports.
   */
  bestFolds: { train: { index: number; accuracy: number }; validation: { index: number; accuracy: number } };
  /** Final train accuracy − validation accuracy, averaged over folds (the overfitting gauge). */
  generalizationGap: number;
  trainingSeconds: number;
}

/** runDataFor on the study's data files (loaded once per process). */
export function loadRunData(spec: RunSpec, dataDirectory: string): ReturnType<typeof runDataFor> {
  return runDataFor(spec, studyData({ dataDirectory, limit: spec.limit }));
}

/** Trains (or reads from the cache) a variant's k folds and aggregates them. */
export async function runKFold<V extends string>(variant: V, options: StudyOptions, setting: KFoldSetting = {}): Promise<KFoldResult<V>> {
  const reporter = reporterFor(options);
  const specs = foldSpecs(variant, options, setting);
  await prefetchRuns(specs, options, reporter);
  const runs: RunRecord[] = [];
  for (const spec of specs) {
    runs.push(await ensureRun(spec, () => loadRunData(spec, options.dataDirectory), { runsDirectory: options.runsDirectory, reporter }));
  }
  return aggregateFolds(variant, runs);
}

/** With options.workers > 1, trains the runs the cache lacks in parallel worker processes first. */
export async function prefetchRuns(specs: RunSpec[], options: StudyOptions, reporter: ProgressReporter): Promise<void> {
  if ((options.workers ?? 1) <= 1) return;
  const missing = await missingRuns(specs, options.runsDirectory);
  if (missing.length === 0) return;
  // Loaded lazily: the worker pool is only needed when something must be trained in parallel.
  const { runInWorkers } = await import('./workers');
  await runInWorkers(missing, { workers: options.workers!, dataDirectory: options.dataDirectory, runsDirectory: options.runsDirectory, reporter });
}

export function aggregateFolds<V extends string>(variant: V, runs: RunRecord[]): KFoldResult<V> {
  const epochs = runs[0].history.length;
  const averagedHistory = Array.from({ length: epochs }, (_, epoch) => ({
    epoch: epoch + 1,
    train: summarize(runs.map((run) => run.history[epoch].train)),
    validation: summarize(runs.map((run) => run.history[epoch].validation!)),
  }));
  const last = (run: RunRecord) => run.history[run.history.length - 1];
  const best = (values: number[]) => ({ index: values.indexOf(Math.max(...values)), accuracy: Math.max(...values) });
  const finalTrain = summarize(runs.map((run) => last(run).train));
  const finalValidation = summarize(runs.map((run) => last(run).validation!));
  return {
    variant, k: runs.length, seed: runs[0].spec.seed, batchSize: runs[0].spec.protocol.batchSize, runs, averagedHistory, finalTrain, finalValidation,
    macroPrecision: meanAndSpread(runs.map((run) => run.validation!.perClass.macroPrecision)),
    macroRecall: meanAndSpread(runs.map((run) => run.validation!.perClass.macroRecall)),
    bestFolds: { train: best(runs.map((run) => last(run).train.accuracy)), validation: best(runs.map((run) => last(run).validation!.accuracy)) },
    generalizationGap: finalTrain.accuracy.mean - finalValidation.accuracy.mean,
    trainingSeconds: runs.reduce((sum, run) => sum + run.trainingSeconds, 0),
  };
}

/**
 * The original's overfitting rule, made explicit. The original passed over MaxPooling because "it was
 * overfitting much more than the other models": a variant is passed over when its mean final
 * training − validation accuracy gap exceeds the median gap of all variants by more than this.
 * (A relative rule: how large gaps are depends on the protocol; which variant stands out does not.)
 */
export const MAX_GAP_ABOVE_MEDIAN = 0.01;

export interface Selection {
  ranking: { variant: VariantName; validationAccuracy: number; gap: number; excluded: boolean }[];
  chosen: VariantName[];
  medianGap: number;
  maxGapAboveMedian: number;
}

/** Ranks by validation accuracy and picks the best two that do not overfit much more than the rest. */
export function selectByRule(entries: { variant: VariantName; validationAccuracy: number; gap: number }[], maxGapAboveMedian = MAX_GAP_ABOVE_MEDIAN): Selection {
  const medianGap = median(entries.map((entry) => entry.gap));
  const ranking = entries
    .map((entry) => ({ ...entry, excluded: entry.gap - medianGap > maxGapAboveMedian }))
    .sort((a, b) => b.validationAccuracy - a.validationAccuracy);
  const chosen = ranking.filter((entry) => !entry.excluded).slice(0, 2).map((entry) => entry.variant);
  return { ranking, chosen, medianGap, maxGapAboveMedian };
}

/** The selection rule on our k-fold results (mean final validation accuracy and mean gap). */
export function selectBestTwo(results: KFoldResult[], maxGapAboveMedian = MAX_GAP_ABOVE_MEDIAN): Selection {
  return selectByRule(results.map((result) => ({
    variant: result.variant, validationAccuracy: result.finalValidation.accuracy.mean, gap: result.generalizationGap,
  })), maxGapAboveMedian);
}

/** Retrains a variant on the whole training set and evaluates it on the test set. */
export function finalTestSpec(variant: string, options: StudyOptions, decay = false, seed = options.seed): RunSpec {
  const protocol = decay ? { ...options.protocol, decay: options.decay } : options.protocol;
  return { ...variantFields(variant), protocol, seed, split: { kind: 'full' }, limit: options.limit };
}

export async function runFinalTest(variant: string, options: StudyOptions, decay = false, seed = options.seed): Promise<RunRecord> {
  const spec = finalTestSpec(variant, options, decay, seed);
  const reporter = reporterFor(options);
  await prefetchRuns([spec], options, reporter);
  return ensureRun(spec, () => loadRunData(spec, options.dataDirectory), { runsDirectory: options.runsDirectory, reporter });
}




/** The specs of `specs` (in order, without repeats) whose run the cache lacks. */
export async function missingRuns(specs: RunSpec[], runsDirectory?: string): Promise<RunSpec[]> {
  const missing: RunSpec[] = [];
  for (const spec of uniqueSpecs(specs)) if (!(await cachedRun(spec, runsDirectory))) missing.push(spec);
  return missing;
}

/** Specs without repeats (the same run asked for by two parts of the study). */
export function uniqueSpecs(specs: RunSpec[]): RunSpec[] {
  const seen = new Set<string>();
  return specs.filter((spec) => {
    const identity = JSON.stringify(specIdentity(spec));
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}

/**
 * Every cross-validation run of the study: the reproduction, its repetition with other seeds, the
 * readings of the original's dropout layers (lib/study/dropout-question.ts), the batch-size study.
 */
export function crossValidationSpecs(options: StudyOptions): RunSpec[] {
  return uniqueSpecs([
    ...options.cvSeeds.flatMap((seed) => VARIANTS.flatMap((variant) => foldSpecs(variant, options, { seed }))),
    ...options.cvSeeds.flatMap((seed) => DROPOUT_READINGS.flatMap((variant) => foldSpecs(variant, options, { seed }))),
    ...options.batchSizes.flatMap((batchSize) => BATCH_SIZE_VARIANTS.flatMap((variant) => foldSpecs(variant, options, { batchSize }))),
  ]);
}

/**
 * The variants retrained and tested beside the chosen two, whatever the selection: MaxPooling, which
 * the original passed over because it "would have been surely an issue in the testing phase" (a claim
 * only the test set can check), and the baseline, every comparison's reference.
 */
export const TESTED_REFERENCES: VariantName[] = ['maxpooling', 'baseline'];

/** The variants retrained on the full training set: the chosen two, then TESTED_REFERENCES not among them. */
export function testedVariants(chosen: string[]): string[] {
  return [...chosen, ...TESTED_REFERENCES.filter((variant) => !chosen.includes(variant))];
}

/**
 * The final retrainings, each with every final seed: the chosen two and TESTED_REFERENCES at a
 * constant learning rate, and the best one with LR decay.
 */
export function finalSpecs(chosen: string[], options: StudyOptions): RunSpec[] {
  return options.finalSeeds.flatMap((seed) => [
    ...testedVariants(chosen).map((variant) => finalTestSpec(variant, options, false, seed)),
    finalTestSpec(chosen[0], options, true, seed),
  ]);
}

/**
 * Every run the report needs. The final retrainings depend on which variants the reproduction's
 * cross-validation chooses, so they are listed only once that is in the cache (`complete` says so).
 */
export async function studyPlan(options: StudyOptions): Promise<{ specs: RunSpec[]; complete: boolean }> {
  const crossValidation = crossValidationSpecs(options);
  const reproduction = VARIANTS.flatMap((variant) => foldSpecs(variant, options));
  if ((await missingRuns(reproduction, options.runsDirectory)).length > 0) return { specs: crossValidation, complete: false };
  const results: KFoldResult[] = [];
  for (const variant of VARIANTS) results.push(await runKFold(variant, { ...options, progress: () => silentReporter }));
  return { specs: uniqueSpecs([...crossValidation, ...finalSpecs(selectBestTwo(results).chosen, options)]), complete: true };
}

/** Trains every run of the plan the cache lacks (with options.workers processes at once). */
export async function trainPlan(options: StudyOptions): Promise<void> {
  const reporter = reporterFor(options);
  for (;;) {
    const plan = await studyPlan(options);
    const missing = await missingRuns(plan.specs, options.runsDirectory);
    if (missing.length === 0 && plan.complete) return;
    await trainRuns(missing, options, reporter);
  }
}

/** Trains the given runs: in worker processes when options.workers > 1, else here, one after another. */
async function trainRuns(specs: RunSpec[], options: StudyOptions, reporter: ProgressReporter): Promise<void> {
  if ((options.workers ?? 1) > 1) {
    await prefetchRuns(specs, options, reporter);
    return;
  }
  for (const spec of specs) await ensureRun(spec, () => loadRunData(spec, options.dataDirectory), { runsDirectory: options.runsDirectory, reporter });
}
