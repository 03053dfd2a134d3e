/**
 * The run cache: every training run is stored under a key made of its declared inputs
 * (lib/study/run-key.ts), so asking for the same run again costs a file read, and a change of anything
 * that decides its numbers retrains it.
 *
 *   runs/<variant>/<key>/run.json          finished run: spec, history, evaluation, where and how trained
 *   runs/<variant>/<key>/model/            its weights (tfjs layers-model format) and input contract
 *   runs/<variant>/<key>/epoch-NN/         checkpoint after epoch NN while the run is unfinished
 *   runs/<variant>/<key>.lock              held by the process training the run
 *
 * Files are written atomically and verified before use (lib/study/run-files.ts); a run killed at any
 * moment resumes from its last good checkpoint and ends with the numbers of an uninterrupted run;
 * two processes asking for the same run at once train it once (lib/study/run-lock.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '../base/tensorflow';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import { RunEnvironment, runEnvironment } from './environment';
import { CLASS_NAMES, IMAGE_SIDE, NUM_CLASSES } from '../data/idx-files';
import { ConfusionMatrix, confusionMatrix, EpochMetrics, perClassMetrics, PerClassMetrics } from '../model/metrics';
import { faultPoint, learningRateScale } from './faults';
import { buildModel } from '../model/tfjs-model';
import { DEFAULT_RUNS_DIRECTORY } from '../base/paths';
import { ProgressReporter, silentReporter } from './progress';
import { runKey, specIdentity } from './run-key';
import { withRunLock } from './run-lock';
import {
  CorruptRunError, digests, MODEL_FILES, readJson, removeStaleTemporaries, saveModel, verifyDigests, writeFileAtomically,
  writeFolderAtomically,
} from './run-files';
import { checkCheckpointContents, historyProblem, setAside } from './run-checks';
import { declareSpecVariant, describeRun, RunData, RunSpec } from './run-spec';
import { writeTensorBoard } from './tensorboard';
import { EpochRecord, evaluate, LabelledImages, RunState, trainRun } from '../model/train';

export { DEFAULT_RUNS_DIRECTORY };

/** The final model's confusion matrix on a set, and the macro per-class view of it. */
export interface SetEvaluation {
  confusion: ConfusionMatrix;
  perClass: PerClassMetrics;
}

export interface TestEvaluation extends SetEvaluation {
  /** Predicted class per test image (for galleries of mistakes and paired tests). */
  predictions: number[];
}

export interface RunRecord {
  key: string;
  spec: RunSpec;
  /** Per epoch; the last epoch's metrics are the final model's (see finalMetrics). */
  history: EpochRecord[];
  /** Fold runs: the final model on its validation part. */
  validation: SetEvaluation | null;
  /** Full runs: the final model on the test set. */
  test: TestEvaluation | null;
  trainingSeconds: number;
  /** When the process that finished the run started (or resumed) training it. */
  startedAt: string;
  finishedAt: string;
  /** Peak resident memory of that process, MiB (a worker of `study --workers N` trains one run). */
  peakRssMiB: number;
  /** The CPU, its vector extensions, the TensorFlow settings and library versions it was trained with. */
  environment: RunEnvironment;
  /** SHA-256 of model/model.json and model/weights.bin, recorded when they were written. */
  files: Record<string, string>;
}

/**
 * An epoch of a run's history as an export shows it, saying which set it was watched on: its
 * `validation` metrics (the record's name for the watched set) under `validation` for a fold run and
 * under `test` for a run on the full training set.
 */
export function labelledEpoch(spec: RunSpec, epoch: EpochRecord): Record<string, unknown> {
  const { epoch: number, learningRate, train, validation, seconds } = epoch;
  return spec.split.kind === 'fold' ? { epoch: number, learningRate, train, validation, seconds } : { epoch: number, learningRate, train, test: validation, seconds };
}

/** The final model's training metrics and its metrics on the validation part (fold runs) or test set (full runs). */
export function finalMetrics(run: RunRecord): { train: EpochMetrics; evaluated: EpochMetrics } {
  const last = run.history[run.history.length - 1];
  return { train: last.train, evaluated: last.validation! };
}

export interface RunCacheOptions {
  runsDirectory?: string;
  reporter?: ProgressReporter;
}

const CHECKPOINT = /^epoch-(\d+)$/;
/** Checkpoints kept: the newest, and one to fall back to if the newest turns out damaged. */
const CHECKPOINTS_KEPT = 2;
const CHECKPOINT_FILES = [...MODEL_FILES, 'optimizer.json', 'optimizer.bin', 'history.json'];

async function runFolder(spec: RunSpec, runsDirectory: string): Promise<{ key: string; folder: string }> {
  const key = await runKey(spec);
  return { key, folder: join(runsDirectory, spec.variant, key) };
}

/** Checks a stored record against the spec it should answer and its model files against their digests. */
function verifyRecord(record: RunRecord, spec: RunSpec, key: string, folder: string): RunRecord {
  const path = join(folder, 'run.json');
  const complete = record && typeof record === 'object' && Array.isArray(record.history) && record.files && record.environment;
  if (!complete) throw new CorruptRunError(path, 'incomplete run record');
  if (record.key !== key || JSON.stringify(specIdentity(record.spec)) !== JSON.stringify(specIdentity(spec))) {
    throw new CorruptRunError(path, `holds the record of another run (key ${record.key})`);
  }
  const problem = historyProblem(record.history, spec, spec.protocol.epochs);
  if (problem) throw new CorruptRunError(path, problem);
  verifyDigests(join(folder, 'model'), record.files);
  return record;
}

/** What to do about a damaged finished run, in every message that reports one. */
export const REPAIR_HINT = 'a damaged finished run: `npm run study -- repair` (with the same options, or with the run\'s spec) sets it aside, and the next call retrains it';

/**
 * The finished record of a run, if the cache has it.
 * @throws CorruptRunError when the stored run is damaged, naming the file, the problem and `study repair`
 */
export async function cachedRun(spec: RunSpec, runsDirectory = DEFAULT_RUNS_DIRECTORY): Promise<RunRecord | null> {
  const { key, folder } = await runFolder(spec, runsDirectory);
  const path = join(folder, 'run.json');
  if (!existsSync(path)) return null;
  try {
    return verifyRecord(readJson<RunRecord>(path), spec, key, folder);
  } catch (error) {
    if (error instanceof CorruptRunError) throw new CorruptRunError(error.path, error.problem, REPAIR_HINT);
    throw error;
  }
}

/** Where `cachedRun` would read the run (whether it is there or not). */
export async function runLocation(spec: RunSpec, runsDirectory = DEFAULT_RUNS_DIRECTORY): Promise<{ key: string; folder: string }> {
  return runFolder(spec, runsDirectory);
}

/**
 * Returns the run's record: from the cache when it is there, else trains it (resuming from the
 * last good checkpoint if an earlier call was interrupted) and stores it. `data()` is called only
 * when training is needed; while another process trains the same run, this one waits for it.
 */
export async function ensureRun(spec: RunSpec, data: () => RunData, options: RunCacheOptions = {}): Promise<RunRecord> {
  const runsDirectory = options.runsDirectory ?? DEFAULT_RUNS_DIRECTORY;
  const reporter = options.reporter ?? silentReporter;
  const label = describeRun(spec);
  declareSpecVariant(spec);
  const cached = await cachedRun(spec, runsDirectory);
  if (cached) {
    reporter.cacheHit?.(`${label}: from the run cache (${cached.key})`);
    return cached;
  }
  const { key, folder } = await runFolder(spec, runsDirectory);
  return withRunLock(folder, { label, reporter }, async (heartbeat) => {
    // Another process may have finished it while this one waited for the lock.
    const finished = await cachedRun(spec, runsDirectory);
    if (finished) {
      reporter.log(`${label}: trained meanwhile by another process (${key})`);
      return finished;
    }
    return trainAndStore(spec, key, folder, data(), { label, reporter, heartbeat });
  });
}

interface TrainingContext {
  label: string;
  reporter: ProgressReporter;
  heartbeat: () => void;
}

async function trainAndStore(spec: RunSpec, key: string, folder: string, sets: RunData, context: TrainingContext): Promise<RunRecord> {
  const { label, reporter } = context;
  // The data loaded: only now does the run get a folder.
  mkdirSync(folder, { recursive: true });
  for (const name of removeStaleTemporaries(folder)) reporter.log(`${label}: removed ${name}, left by a process that died`);
  const startedAt = new Date().toISOString();
  const resume = await loadLatestCheckpoint(spec, folder, reporter, sets.validation);
  if (resume) reporter.log(`${label}: resuming after epoch ${resume.history.length} from ${join(folder, `epoch-${pad(resume.history.length)}`)}`);
  const { model, history } = await trainRun({
    variant: spec.variant, protocol: spec.protocol, seed: spec.seed,
    train: sets.train, validation: sets.validation ?? undefined, resume, learningRateScale: learningRateScale(),
    onProgress: (event) => reporter.update(
      `${label} · epoch ${event.epoch}/${event.epochs} · ${event.samplesDone}/${event.samplesPerEpoch} images · ` +
      `${Math.round(event.samplesDone / event.secondsInEpoch)} images/s`),
    onEpochEnd: async (record, state) => {
      reportEpoch(label, spec, record, reporter);
      assertFiniteLoss(label, record);
      await saveCheckpoint(folder, state);
      faultPoint('checkpoint-written', record.epoch);
      context.heartbeat();
    },
  }).finally(() => {
    // The moments were copied into the training step's own variables.
    if (resume) tf.dispose(resume.optimizerWeights.map(({ tensor }) => tensor));
  });
  try {
    const record = await storeFinishedRun(spec, key, folder, sets, { model, history, startedAt });
    reporter.log(`${label}: done in ${record.trainingSeconds.toFixed(0)} s, stored as ${key}`);
    return record;
  } finally {
    model.dispose();
  }
}

function reportEpoch(label: string, spec: RunSpec, record: EpochRecord, reporter: ProgressReporter): void {
  const metrics = (m: EpochMetrics | null) => (m ? `loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)}` : '–');
  reporter.log(`${label} · epoch ${record.epoch}/${spec.protocol.epochs} · train ${metrics(record.train)} · ` +
    `validation ${metrics(record.validation)} · ${record.seconds.toFixed(1)} s`);
}

/** A run whose loss is not a finite number has diverged or read damaged weights: it is never stored. */
export class DivergedRunError extends Error {
  constructor(label: string, epoch: number, loss: number) {
    super(`${label}: the loss became ${loss} in epoch ${epoch}; nothing of this epoch is stored (its checkpoint or weights are damaged, or training diverged)`);
    this.name = 'DivergedRunError';
  }
}

function assertFiniteLoss(label: string, record: EpochRecord): void {
  for (const loss of [record.train.loss, record.validation?.loss ?? 0]) {
    if (!Number.isFinite(loss)) throw new DivergedRunError(label, record.epoch, loss);
  }
}

const pad = (epoch: number) => String(epoch).padStart(2, '0');
const secondsOf = (history: EpochRecord[]) => history.reduce((sum, record) => sum + record.seconds, 0);

/** What the model expects and is, saved in its model.json (userDefinedMetadata). */
function modelContract(spec: RunSpec, key: string) {
  return {
    input: {
      shape: [null, IMAGE_SIDE, IMAGE_SIDE, 1], layout: 'NHWC: batch, height, width, one grayscale channel', dtype: 'float32',
      values: 'Fashion-MNIST pixels divided by 255: 0 = background, 1 = full intensity',
    },
    output: { shape: [null, NUM_CLASSES], values: 'class probabilities (softmax), in the order of classes', classes: CLASS_NAMES },
    run: { key, variant: spec.variant, ...(spec.design ? { design: spec.design } : {}), protocol: spec.protocol, seed: spec.seed, split: spec.split, limit: spec.limit },
  };
}

function evaluateSet(spec: RunSpec, model: tf.LayersModel, set: LabelledImages): SetEvaluation & { predictions: Int32Array } {
  const { predictions } = evaluate(spec.variant, model, set);
  const confusion = confusionMatrix(set.labels, predictions, NUM_CLASSES);
  return { confusion, perClass: perClassMetrics(confusion), predictions };
}

async function storeFinishedRun(spec: RunSpec, key: string, folder: string, sets: RunData,
  trained: { model: tf.LayersModel; history: EpochRecord[]; startedAt: string }): Promise<RunRecord> {
  const { model, history } = trained;
  const validation = sets.validation && !sets.test ? evaluateSet(spec, model, sets.validation) : null;
  const test = sets.test ? evaluateSet(spec, model, sets.test) : null;
  let files: Record<string, string> = {};
  await writeFolderAtomically(join(folder, 'model'), async (modelFolder) => { files = await saveModel(model, modelFolder, modelContract(spec, key)); });
  const record: RunRecord = {
    key, spec, history,
    validation: validation && { confusion: validation.confusion, perClass: validation.perClass },
    test: test && { confusion: test.confusion, perClass: test.perClass, predictions: Array.from(test.predictions) },
    // Epochs trained before a resume count with their recorded time.
    trainingSeconds: secondsOf(history),
    startedAt: trained.startedAt,
    finishedAt: new Date().toISOString(),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    environment: runEnvironment(),
    files,
  };
  writeFileAtomically(join(folder, 'run.json'), JSON.stringify(record));
  writeTensorBoard(record, folder);
  for (const name of readdirSync(folder)) if (CHECKPOINT.test(name)) rmSync(join(folder, name), { recursive: true, force: true });
  return record;
}

/** Adam's moments as named tensors (tfjs' checkpoint naming), written next to the weights. */
function optimizerFiles(weights: NamedTensor[]): { manifest: string; values: Buffer } {
  const manifest = weights.map(({ name, tensor }) => ({ name, shape: tensor.shape }));
  const values = Buffer.concat(weights.map(({ tensor }) => Buffer.from(new Float32Array(tensor.dataSync()).buffer)));
  return { manifest: JSON.stringify(manifest), values };
}

async function saveCheckpoint(folder: string, state: RunState): Promise<void> {
  const epoch = state.history.length;
  await writeFolderAtomically(join(folder, `epoch-${pad(epoch)}`), async (checkpoint) => {
    await saveModel(state.model, checkpoint);
    faultPoint('checkpoint-half-written', epoch);
    const optimizer = optimizerFiles(state.optimizerWeights);
    writeFileAtomically(join(checkpoint, 'optimizer.json'), optimizer.manifest);
    writeFileAtomically(join(checkpoint, 'optimizer.bin'), optimizer.values);
    writeFileAtomically(join(checkpoint, 'history.json'), JSON.stringify(state.history));
    // Written last: a checkpoint without its manifest is incomplete.
    writeFileAtomically(join(checkpoint, 'manifest.json'), JSON.stringify(digests(checkpoint, CHECKPOINT_FILES)));
  });
  // Older checkpoints are superseded once the new one is in place (one is kept to fall back to).
  for (const old of checkpointsNewestFirst(folder).slice(CHECKPOINTS_KEPT)) rmSync(join(folder, old), { recursive: true, force: true });
}

function checkpointsNewestFirst(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => CHECKPOINT.test(name)).sort((a, b) => Number(CHECKPOINT.exec(b)![1]) - Number(CHECKPOINT.exec(a)![1]));
}

type Resume = NonNullable<Parameters<typeof trainRun>[0]['resume']>;

/** The newest checkpoint that verifies; damaged ones are set aside with a warning. */
async function loadLatestCheckpoint(spec: RunSpec, folder: string, reporter: ProgressReporter, watched: LabelledImages | null): Promise<Resume | undefined> {
  for (const name of checkpointsNewestFirst(folder)) {
    const checkpoint = join(folder, name);
    try {
      return await loadCheckpoint(spec, checkpoint, watched);
    } catch (error) {
      if (!(error instanceof CorruptRunError)) throw error;
      reporter.log(`warning: ${error.message}; checkpoint set aside as ${setAside(checkpoint)}`);
    }
  }
  return undefined;
}

/**
 * The damaged checkpoints of a run folder, each with what is wrong with it: everything
 * `loadCheckpoint` checks without data (files, digests, history, finite weights).
 */
export function damagedCheckpoints(spec: RunSpec, folder: string): { checkpoint: string; error: CorruptRunError }[] {
  return checkpointsNewestFirst(folder).flatMap((name) => {
    const checkpoint = join(folder, name);
    try {
      checkCheckpointFiles(spec, checkpoint);
      return [];
    } catch (error) {
      if (error instanceof CorruptRunError) return [{ checkpoint, error }];
      throw error;
    }
  });
}

/** Digests against the manifest, then the contents (lib/study/run-checks.ts). @throws CorruptRunError */
function checkCheckpointFiles(spec: RunSpec, checkpoint: string): EpochRecord[] {
  verifyDigests(checkpoint, readJson<Record<string, string>>(join(checkpoint, 'manifest.json')));
  return checkCheckpointContents(spec, checkpoint, Number(CHECKPOINT.exec(basename(checkpoint))![1]));
}

async function loadCheckpoint(spec: RunSpec, checkpoint: string, watched: LabelledImages | null): Promise<Resume> {
  const history = checkCheckpointFiles(spec, checkpoint);
  let model: tf.LayersModel;
  try {
    const saved = await tf.loadLayersModel(`file://${join(checkpoint, 'model.json')}`);
    model = buildModel(spec.variant, { seed: spec.seed });
    model.setWeights(saved.getWeights());
    saved.dispose();
  } catch (error) {
    throw new CorruptRunError(join(checkpoint, 'model.json'), `not a model of this variant (${(error as Error).message.split('\n')[0]})`);
  }
  try {
    if (watched) checkRecordedEvaluation(spec, model, watched, history, checkpoint);
    return { model, optimizerWeights: readMoments(checkpoint, model), history };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Adam's moments of a checkpoint (sizes checked with its files), one per weight of `model`. @throws CorruptRunError */
function readMoments(checkpoint: string, model: tf.LayersModel): NamedTensor[] {
  const manifest = readJson<{ name: string; shape: number[] }[]>(join(checkpoint, 'optimizer.json'));
  const expected = model.weights.flatMap((weight) => [`${weight.originalName}/m`, `${weight.originalName}/v`]).sort();
  if (JSON.stringify(manifest.map(({ name }) => name).sort()) !== JSON.stringify(expected)) {
    throw new CorruptRunError(join(checkpoint, 'optimizer.json'), 'its moments are not those of this model\'s weights');
  }
  const bytes = readFileSync(join(checkpoint, 'optimizer.bin'));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  let offset = 0;
  return manifest.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(values.subarray(offset, offset + size), shape);
    offset += size;
    return { name, tensor };
  });
}

/** Relative difference allowed between a checkpoint's recorded metrics and its weights' (the same arithmetic: 0 in practice). */
const EVALUATION_TOLERANCE = 1e-5;

/**
 * A checkpoint's weights, evaluated on the set the run watches, must give the metrics its history
 * records for its last epoch: weights that give another loss (or none: NaN) are not that epoch's,
 * whatever their digest says. @throws CorruptRunError
 */
function checkRecordedEvaluation(spec: RunSpec, model: tf.LayersModel, watched: LabelledImages, history: EpochRecord[], checkpoint: string): void {
  const recorded = history[history.length - 1].validation!;
  const { metrics } = evaluate(spec.variant, model, watched);
  const agrees = (name: 'loss' | 'accuracy') => Math.abs(metrics[name] - recorded[name]) <= EVALUATION_TOLERANCE * Math.max(1, Math.abs(recorded[name]));
  if (!agrees('loss') || !agrees('accuracy')) {
    throw new CorruptRunError(join(checkpoint, 'weights.bin'), `these weights give loss ${metrics.loss} and accuracy ${metrics.accuracy} ` +
      `on the watched set, where the checkpoint's history records ${recorded.loss} and ${recorded.accuracy} for epoch ${history.length}`);
  }
}
