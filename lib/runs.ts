/**
 * The run cache: every training run is stored under a key derived from everything that changes
 * its result, so asking for the same run again costs a file read, and any change retrains.
 *
 *   runs/<variant>/<key>/run.json          finished run: spec, history, final metrics, test result
 *   runs/<variant>/<key>/model/            its weights, tfjs layers-model format
 *   runs/<variant>/<key>/epoch-NN/         checkpoint after epoch NN while the run is unfinished
 *
 * Every write goes to a temporary name and is renamed into place, so a run killed at any moment
 * leaves either the previous checkpoint or the next one, never half of one; the next call resumes
 * from the last completed epoch and ends with the same numbers as an uninterrupted run.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-node';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import { dataFingerprint, NUM_CLASSES } from './fashion-mnist';
import { ConfusionMatrix, confusionMatrix, EpochMetrics, perClassMetrics, PerClassMetrics } from './metrics';
import { buildModel, VariantName } from './models';
import { ProgressReporter, silentReporter } from './progress';
import { disposeModel, EpochRecord, evaluate, LabelledImages, trainRun, TrainingProtocol } from './train';

/** Everything that defines one run (with the data and the code, it makes the cache key). */
export interface RunSpec {
  variant: VariantName;
  protocol: TrainingProtocol;
  seed: number;
  /** Which part of the training set trains: fold `index` of `k`, or all of it. */
  split: { kind: 'fold'; k: number; index: number } | { kind: 'full' };
  /** Only the first `limit` training (and test) images are used, for quick profiles and tests. */
  limit: number | null;
}

/** Metrics of one set plus its confusion matrix and the macro per-class view. */
export interface SetEvaluation {
  metrics: EpochMetrics;
  confusion: ConfusionMatrix;
  perClass: PerClassMetrics;
}

export interface TestEvaluation extends SetEvaluation {
  /** Predicted class per test image (for galleries of mistakes). */
  predictions: number[];
}

export interface RunRecord {
  key: string;
  spec: RunSpec;
  history: EpochRecord[];
  /** The final model on its validation part (fold runs) with confusion matrix. */
  validation: SetEvaluation | null;
  /** The final model on the test set (full runs). */
  test: TestEvaluation | null;
  trainingSeconds: number;
  /** When this process started (or resumed) training the run; absent in records from before it was kept. */
  startedAt?: string;
  finishedAt: string;
  /**
   * Peak resident memory of the process that finished the run, in MiB. A worker of
   * `study --workers N` trains one run, so this is that worker's peak.
   */
  peakRssMiB?: number;
  /** TF_NUM_INTRAOP_THREADS of the process that trained it ('default' if unset). */
  intraOpThreads?: string;
}

export const DEFAULT_RUNS_DIRECTORY = process.env.RUNS_DIRECTORY ?? resolve(__dirname, '..', '..', 'runs');

/** Compiled files whose change changes what a run computes. */
const CODE_FILES = ['models.js', 'native-ops.js', 'native-lenet.js', 'train.js', 'metrics.js', 'random.js', 'folds.js', 'fashion-mnist.js', 'idx-files.js'];

let codeFingerprintMemo: string | null = null;
export function codeFingerprint(): string {
  codeFingerprintMemo ??= createHash('sha256')
    .update(CODE_FILES.map((file) => readFileSync(join(__dirname, file), 'utf8')).join('\0'))
    .digest('hex');
  return codeFingerprintMemo;
}

export function runKey(spec: RunSpec): string {
  const identity = JSON.stringify({ spec, data: dataFingerprint(), code: codeFingerprint() });
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

export function describeRun(spec: RunSpec): string {
  const split = spec.split.kind === 'fold' ? `fold ${spec.split.index + 1}/${spec.split.k}` : 'full training set';
  const decay = spec.protocol.decay ? ', LR decay' : '';
  return `${spec.variant} · ${split}${decay}`;
}

/** Writes `content` to `path` atomically (temporary name, then rename). */
function writeFileAtomically(path: string, content: string | Buffer): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

async function saveModel(model: tf.LayersModel, directory: string): Promise<void> {
  await model.save(`file://${directory}`);
}

/** Loads saved weights into a freshly built model of the variant. */
async function loadModel(spec: RunSpec, directory: string): Promise<tf.LayersModel> {
  const saved = await tf.loadLayersModel(`file://${join(directory, 'model.json')}`);
  const model = buildModel(spec.variant, { seed: spec.seed });
  model.setWeights(saved.getWeights());
  saved.dispose();
  return model;
}

async function saveOptimizerWeights(weights: NamedTensor[], directory: string): Promise<void> {
  const manifest = weights.map(({ name, tensor }) => ({ name, shape: tensor.shape, dtype: tensor.dtype }));
  const buffers = await Promise.all(weights.map(({ tensor }) => tensor.data()));
  writeFileSync(join(directory, 'optimizer.json'), JSON.stringify(manifest));
  writeFileSync(join(directory, 'optimizer.bin'), Buffer.concat(buffers.map((values) => Buffer.from(new Float32Array(values).buffer))));
}

function loadOptimizerWeights(directory: string): NamedTensor[] {
  const manifest = JSON.parse(readFileSync(join(directory, 'optimizer.json'), 'utf8')) as { name: string; shape: number[] }[];
  const bytes = readFileSync(join(directory, 'optimizer.bin'));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  let offset = 0;
  return manifest.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(values.slice(offset, offset + size), shape);
    offset += size;
    return { name, tensor };
  });
}

const CHECKPOINT_PATTERN = /^epoch-(\d+)$/;

function latestCheckpoint(runDirectory: string): string | null {
  if (!existsSync(runDirectory)) return null;
  const epochs = readdirSync(runDirectory)
    .map((name) => CHECKPOINT_PATTERN.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return epochs.length > 0 ? join(runDirectory, epochs[0][0]) : null;
}

export interface RunData {
  train: LabelledImages;
  validation: LabelledImages | null;
  test: LabelledImages | null;
}

function evaluateSet(variant: VariantName, model: tf.LayersModel, set: LabelledImages): SetEvaluation & { predictions: Int32Array } {
  const { metrics, predictions } = evaluate(variant, model, set);
  const confusion = confusionMatrix(set.labels, predictions, NUM_CLASSES);
  return { metrics, confusion, perClass: perClassMetrics(confusion), predictions };
}

export interface RunCacheOptions {
  runsDirectory?: string;
  reporter?: ProgressReporter;
}

/** The finished record of a run, if the cache has it. */
export function cachedRun(spec: RunSpec, runsDirectory = DEFAULT_RUNS_DIRECTORY): RunRecord | null {
  const path = join(runsDirectory, spec.variant, runKey(spec), 'run.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunRecord) : null;
}

/**
 * Returns the run's record: from the cache when it is there, else trains it (resuming from the
 * last checkpoint if an earlier call was interrupted) and stores it.
 * `data()` is called only when training is needed.
 */
export async function ensureRun(spec: RunSpec, data: () => RunData, options: RunCacheOptions = {}): Promise<RunRecord> {
  const runsDirectory = options.runsDirectory ?? DEFAULT_RUNS_DIRECTORY;
  const reporter = options.reporter ?? silentReporter;
  const cached = cachedRun(spec, runsDirectory);
  const label = describeRun(spec);
  if (cached) {
    reporter.log(`${label}: from the run cache (${cached.key})`);
    return cached;
  }
  const key = runKey(spec);
  const runDirectory = join(runsDirectory, spec.variant, key);
  mkdirSync(runDirectory, { recursive: true });
  const startedAt = new Date().toISOString();
  const sets = data();

  const checkpoint = latestCheckpoint(runDirectory);
  let resume: Parameters<typeof trainRun>[0]['resume'];
  let previousSeconds = 0;
  if (checkpoint) {
    const history = JSON.parse(readFileSync(join(checkpoint, 'history.json'), 'utf8')) as EpochRecord[];
    resume = { model: await loadModel(spec, checkpoint), optimizerWeights: loadOptimizerWeights(checkpoint), history };
    previousSeconds = history.reduce((sum, record) => sum + record.seconds, 0);
    reporter.log(`${label}: resuming after epoch ${history.length} from ${checkpoint}`);
  }

  const { model, history } = await trainRun({
    variant: spec.variant, protocol: spec.protocol, seed: spec.seed,
    train: sets.train, validation: sets.validation ?? undefined, resume,
    onProgress: (event) => reporter.update(
      `${label} · epoch ${event.epoch}/${event.epochs} · ${event.samplesDone}/${event.samplesPerEpoch} images · ` +
      `${Math.round(event.samplesDone / event.secondsInEpoch)} images/s`),
    onEpochEnd: async (record, state) => {
      const metrics = (m: EpochMetrics | null) => (m ? `loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)}` : '–');
      reporter.log(`${label} · epoch ${record.epoch}/${spec.protocol.epochs} · train ${metrics(record.train)} · ` +
        `validation ${metrics(record.validation)} · ${record.seconds.toFixed(1)} s`);
      const target = join(runDirectory, `epoch-${String(record.epoch).padStart(2, '0')}`);
      const temporary = `${target}.tmp-${process.pid}`;
      rmSync(temporary, { recursive: true, force: true });
      mkdirSync(temporary, { recursive: true });
      await saveModel(state.model, temporary);
      await saveOptimizerWeights(state.optimizerWeights, temporary);
      writeFileSync(join(temporary, 'history.json'), JSON.stringify(state.history));
      renameSync(temporary, target);
      // Older checkpoints are superseded once the new one is in place.
      for (const name of readdirSync(runDirectory)) {
        if (CHECKPOINT_PATTERN.test(name) && join(runDirectory, name) !== target) rmSync(join(runDirectory, name), { recursive: true });
      }
    },
  }).catch((error) => {
    if (resume) disposeModel(resume.model);
    throw error;
  }).finally(() => {
    // The moments were copied into the training step's own variables.
    if (resume) tf.dispose(resume.optimizerWeights.map(({ tensor }) => tensor));
  });

  const validation = sets.validation ? evaluateSet(spec.variant, model, sets.validation) : null;
  const test = sets.test ? evaluateSet(spec.variant, model, sets.test) : null;
  const record: RunRecord = {
    key, spec, history,
    validation: validation && { metrics: validation.metrics, confusion: validation.confusion, perClass: validation.perClass },
    test: test && { metrics: test.metrics, confusion: test.confusion, perClass: test.perClass, predictions: Array.from(test.predictions) },
    trainingSeconds: previousSeconds + history.slice(resume?.history.length ?? 0).reduce((sum, r) => sum + r.seconds, 0),
    startedAt,
    finishedAt: new Date().toISOString(),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    intraOpThreads: process.env.TF_NUM_INTRAOP_THREADS ?? 'default',
  };
  const modelDirectory = join(runDirectory, 'model');
  rmSync(modelDirectory, { recursive: true, force: true });
  await saveModel(model, `${modelDirectory}.tmp-${process.pid}`);
  renameSync(`${modelDirectory}.tmp-${process.pid}`, modelDirectory);
  writeFileAtomically(join(runDirectory, 'run.json'), JSON.stringify(record));
  for (const name of readdirSync(runDirectory)) {
    if (CHECKPOINT_PATTERN.test(name)) rmSync(join(runDirectory, name), { recursive: true });
  }
  disposeModel(model);
  reporter.log(`${label}: done in ${record.trainingSeconds.toFixed(0)} s, stored as ${key}`);
  return record;
}
