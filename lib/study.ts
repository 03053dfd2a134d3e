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
import { ensureRun, RunData, RunRecord, RunSpec } from './runs';
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
}

export const DEFAULT_DATA_DIRECTORY = resolve(__dirname, '..', '..', 'data');

/** The seed's study: 5 folds, seed 42, the full data. */
export function studyOptions(overrides: Partial<StudyOptions> = {}): StudyOptions {
  return { protocol: STUDY_PROTOCOL, k: 5, seed: 42, limit: null, dataDirectory: DEFAULT_DATA_DIRECTORY, ...overrides };
}

/** Training and test sets, loaded once per process and data slice. */
const loaded = new Map<string, { train: DataSplit; test: DataSplit }>();
export function studyData(options: Pick<StudyOptions, 'dataDirectory' | 'limit'>): { train: DataSplit; test: DataSplit } {
  const id = `${options.dataDirectory}:${options.limit}`;
  if (!loaded.has(id)) {
    const limit = options.limit ?? undefined;
    loaded.set(id, { train: loadSplit(options.dataDirectory, 'train', { limit }), test: loadSplit(options.dataDirectory, 'test', { limit }) });
  }
  return loaded.get(id)!;
}

function subset(split: DataSplit, indices: Int32Array) {
  return {
    images: tf.tidy(() => tf.gather(split.images, tf.tensor1d(indices, 'int32'))) as tf.Tensor4D,
    labels: Uint8Array.from(indices, (index) => split.labels[index]),
  };
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

/** Trains (or reads from the cache) a variant's k folds and aggregates them. */
export async function runKFold(variant: VariantName, options: StudyOptions): Promise<KFoldResult> {
  const reporter = options.reporter ?? createProgressReporter();
  let folds: Fold[] | null = null;
  const runs: RunRecord[] = [];
  for (let index = 0; index < options.k; index += 1) {
    const foldData = (): RunData => {
      const { train } = studyData(options);
      folds ??= stratifiedKFold(train.labels, options.k, options.seed);
      return { train: subset(train, folds[index].train), validation: subset(train, folds[index].validation), test: null };
    };
    let made: RunData | null = null;
    const record = await ensureRun(foldSpec(variant, options, index), () => (made = foldData()), {
      runsDirectory: options.runsDirectory, reporter,
    });
    if (made) tf.dispose([(made as RunData).train.images, (made as RunData).validation!.images]);
    runs.push(record);
  }
  return aggregateFolds(variant, runs);
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

/** The seed's overfitting rule, made explicit: a variant whose mean train−validation accuracy gap exceeds this is passed over. */
export const MAX_GENERALIZATION_GAP = 0.02;

export interface Selection {
  ranking: { variant: VariantName; validationAccuracy: number; gap: number; excluded: boolean }[];
  chosen: VariantName[];
  maxGap: number;
}

/** Ranks variants by mean validation accuracy and picks the best two whose gap is acceptable. */
export function selectBestTwo(results: KFoldResult[], maxGap = MAX_GENERALIZATION_GAP): Selection {
  const ranking = results
    .map((result) => ({
      variant: result.variant, validationAccuracy: result.finalValidation.accuracy.mean,
      gap: result.generalizationGap, excluded: result.generalizationGap > maxGap,
    }))
    .sort((a, b) => b.validationAccuracy - a.validationAccuracy);
  const chosen = ranking.filter((entry) => !entry.excluded).slice(0, 2).map((entry) => entry.variant);
  return { ranking, chosen, maxGap };
}

/** Retrains a variant on the whole training set and evaluates it on the test set. */
export async function runFinalTest(variant: VariantName, options: StudyOptions, decay = false): Promise<RunRecord> {
  const protocol = decay ? { ...options.protocol, decay: STEP_DECAY } : options.protocol;
  const spec: RunSpec = { variant, protocol, seed: options.seed, split: { kind: 'full' }, limit: options.limit };
  return ensureRun(spec, () => {
    const { train, test } = studyData(options);
    return { train, validation: test, test };
  }, { runsDirectory: options.runsDirectory, reporter: options.reporter ?? createProgressReporter() });
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
