/**
 * The study, step by step, on top of the run cache: a variant's stratified k-fold, the selection
 * of the best two, their retraining on the full training set and test, the LR-decay run, and the
 * paired comparison with the baseline. Notebooks and the command line both call these.
 */
import * as tf from '@tensorflow/tfjs-node';
import { resolve } from 'node:path';
import { DataSplit, loadSplit } from './fashion-mnist';
import { Fold, stratifiedKFold } from './folds';
import { EpochMetrics } from './metrics';
import { VARIANTS, VariantName } from './models';
import { createProgressReporter, ProgressReporter } from './progress';
import { cachedRun, ensureRun, RunData, RunRecord, RunSpec } from './runs';
import { MeanAndSpread, meanAndSpread, PairedTest, pairedTTest } from './statistics';
import { STEP_DECAY, STUDY_PROTOCOL, TrainingProtocol } from './train';

export interface StudyOptions {
  protocol: TrainingProtocol;
  k: number;
  seed: number;
  /** Use only the first `limit` training and test images (fast profile); null = all. */
  limit: number | null;
  dataDirectory: string;
  runsDirectory?: string;
  reporter?: ProgressReporter;
  /** Train missing runs in this many worker processes at once (1 = in this process). */
  workers?: number;
}

export const DEFAULT_DATA_DIRECTORY = resolve(__dirname, '..', '..', 'data');

/** The seed's study: 5 folds, seed 42, the full data. */
export function studyOptions(overrides: Partial<StudyOptions> = {}): StudyOptions {
  return { protocol: STUDY_PROTOCOL, k: 5, seed: 42, limit: null, dataDirectory: DEFAULT_DATA_DIRECTORY, ...overrides };
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

/** A fold's part: the loaded images by reference plus its rows (no copy of the pixels). */
function subset(split: DataSplit, indices: Int32Array) {
  return { images: split.images, rows: indices, labels: Uint8Array.from(indices, (index) => split.labels[index]) };
}

function foldSpec(variant: VariantName, options: StudyOptions, index: number): RunSpec {
  return { variant, protocol: options.protocol, seed: options.seed, split: { kind: 'fold', k: options.k, index }, limit: options.limit };
}

export interface MetricSummary {
  loss: MeanAndSpread;
  accuracy: MeanAndSpread;
  precision: MeanAndSpread;
  recall: MeanAndSpread;
}

const METRIC_NAMES = ['loss', 'accuracy', 'precision', 'recall'] as const;

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

export interface KFoldResult {
  variant: VariantName;
  k: number;
  runs: RunRecord[];
  averagedHistory: AveragedEpoch[];
  /** Final-epoch metrics over folds. */
  finalTrain: MetricSummary;
  finalValidation: MetricSummary;
  /** Macro per-class precision/recall of each fold's final model on its validation part. */
  macroPrecision: MeanAndSpread;
  macroRecall: MeanAndSpread;
  /** The fold with the highest final validation accuracy (how the seed's table reports). */
  bestFold: { index: number; trainAccuracy: number; validationAccuracy: number };
  /** Final train accuracy − validation accuracy, averaged over folds (the overfitting gauge). */
  generalizationGap: number;
  trainingSeconds: number;
}

const foldsMemo = new Map<string, Fold[]>();

/** The images a run trains and is evaluated on, rebuilt from its spec (so a worker process can too). */
export function runDataFor(spec: RunSpec, dataDirectory: string): RunData {
  const { train, test } = studyData({ dataDirectory, limit: spec.limit });
  if (spec.split.kind === 'full') return { train, validation: test, test };
  const id = `${dataDirectory}:${spec.limit}:${spec.split.k}:${spec.seed}`;
  if (!foldsMemo.has(id)) foldsMemo.set(id, stratifiedKFold(train.labels, spec.split.k, spec.seed));
  const fold = foldsMemo.get(id)![spec.split.index];
  return { train: subset(train, fold.train), validation: subset(train, fold.validation), test: null };
}

export function foldSpecs(variant: VariantName, options: StudyOptions): RunSpec[] {
  return Array.from({ length: options.k }, (_, index) => foldSpec(variant, options, index));
}

/** Trains (or reads from the cache) a variant's k folds and aggregates them. */
export async function runKFold(variant: VariantName, options: StudyOptions): Promise<KFoldResult> {
  const reporter = options.reporter ?? createProgressReporter();
  const specs = foldSpecs(variant, options);
  await prefetchRuns(specs, options, reporter);
  const runs: RunRecord[] = [];
  for (const spec of specs) {
    runs.push(await ensureRun(spec, () => runDataFor(spec, options.dataDirectory), { runsDirectory: options.runsDirectory, reporter }));
  }
  return aggregateFolds(variant, runs);
}

/** With options.workers > 1, trains the runs the cache lacks in parallel worker processes first. */
export async function prefetchRuns(specs: RunSpec[], options: StudyOptions, reporter: ProgressReporter): Promise<void> {
  if ((options.workers ?? 1) <= 1) return;
  const missing = specs.filter((spec) => !cachedRun(spec, options.runsDirectory));
  if (missing.length === 0) return;
  // Loaded lazily: the worker pool is only needed when something must be trained in parallel.
  const { runInWorkers } = await import('./workers');
  await runInWorkers(missing, { workers: options.workers!, dataDirectory: options.dataDirectory, runsDirectory: options.runsDirectory, reporter });
}

export function aggregateFolds(variant: VariantName, runs: RunRecord[]): KFoldResult {
  const epochs = runs[0].history.length;
  const averagedHistory = Array.from({ length: epochs }, (_, epoch) => ({
    epoch: epoch + 1,
    train: summarize(runs.map((run) => run.history[epoch].train)),
    validation: summarize(runs.map((run) => run.history[epoch].validation!)),
  }));
  const last = (run: RunRecord) => run.history[run.history.length - 1];
  const validationAccuracies = runs.map((run) => last(run).validation!.accuracy);
  const bestIndex = validationAccuracies.indexOf(Math.max(...validationAccuracies));
  const finalTrain = summarize(runs.map((run) => last(run).train));
  const finalValidation = summarize(runs.map((run) => last(run).validation!));
  return {
    variant, k: runs.length, runs, averagedHistory, finalTrain, finalValidation,
    macroPrecision: meanAndSpread(runs.map((run) => run.validation!.perClass.macroPrecision)),
    macroRecall: meanAndSpread(runs.map((run) => run.validation!.perClass.macroRecall)),
    bestFold: { index: bestIndex, trainAccuracy: last(runs[bestIndex]).train.accuracy, validationAccuracy: validationAccuracies[bestIndex] },
    generalizationGap: finalTrain.accuracy.mean - finalValidation.accuracy.mean,
    trainingSeconds: runs.reduce((sum, run) => sum + run.trainingSeconds, 0),
  };
}

/**
 * The seed's overfitting rule, made explicit. The seed passed over MaxPooling because "it was
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
export function finalTestSpec(variant: VariantName, options: StudyOptions, decay = false): RunSpec {
  const protocol = decay ? { ...options.protocol, decay: STEP_DECAY } : options.protocol;
  return { variant, protocol, seed: options.seed, split: { kind: 'full' }, limit: options.limit };
}

export async function runFinalTest(variant: VariantName, options: StudyOptions, decay = false): Promise<RunRecord> {
  const spec = finalTestSpec(variant, options, decay);
  const reporter = options.reporter ?? createProgressReporter();
  await prefetchRuns([spec], options, reporter);
  return ensureRun(spec, () => runDataFor(spec, options.dataDirectory), { runsDirectory: options.runsDirectory, reporter });
}

/** Paired t-test of a variant's fold validation accuracies against the baseline's (same folds). */
export function compareWithBaseline(variant: KFoldResult, baseline: KFoldResult): PairedTest {
  const accuracies = (result: KFoldResult) => result.runs.map((run) => run.history[run.history.length - 1].validation!.accuracy);
  return pairedTTest(accuracies(variant), accuracies(baseline));
}

export function parseVariant(name: string): VariantName {
  if (!(VARIANTS as readonly string[]).includes(name)) {
    throw new Error(`unknown variant "${name}"; expected one of ${VARIANTS.join(', ')}`);
  }
  return name as VariantName;
}

/** The k-fold results of all five variants, in the study's order (all missing folds in parallel when workers > 1). */
export async function runAllKFolds(options: StudyOptions): Promise<KFoldResult[]> {
  await prefetchRuns(VARIANTS.flatMap((variant) => foldSpecs(variant, options)), options, options.reporter ?? createProgressReporter());
  const results: KFoldResult[] = [];
  for (const variant of VARIANTS) results.push(await runKFold(variant, options));
  return results;
}
