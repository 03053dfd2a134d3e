/**
 * Training one run: one model, one training set, optionally one validation set, a fixed protocol.
 * This is the only place in the project where weights are updated.
 *
 * Per epoch: a seeded shuffle, batches of 32 through Adam, metric sums accumulated on the backend
 * and read once at the end of the epoch (the only synchronisation with JavaScript), then
 * validation in large batches. State at every epoch boundary (weights, optimizer moments,
 * history) can be saved and handed back to resume with identical results.
 *
 * Two paths compute the same run. 'lean' (the default) spends fewer TensorFlow kernels per step:
 * Adam over one flat vector (FlatAdam), a two-kernel ReLU Step and no-op Reshape/Cast kept out of
 * TensorFlow (lean-kernels), and metric sums taken over 50 batches at a time instead of every
 * batch. 'reference' is the straightforward tfjs path (tfjs' Adam and kernels, sums every batch);
 * test/lean-step.test.ts holds the two to the same numbers.
 */
import * as tf from '@tensorflow/tfjs-node';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import { batchSums, categoricalCrossentropy, EpochMetrics, metricsFromSums, SUM_NAMES } from './metrics';
import { buildModel, DEFAULT_LEARNING_RATE, restartDropoutStreams, VariantName } from './models';
import { useLeanKernels } from './lean-kernels';
import { mixSeeds, seededPermutation } from './random';
import { NUM_CLASSES } from './idx-files';

export interface LearningRateDecay {
  /** Multiply the learning rate by `factor` ... */
  factor: number;
  /** ... every `everyEpochs` epochs. */
  everyEpochs: number;
}

export interface TrainingProtocol {
  epochs: number;
  batchSize: number;
  learningRate: number;
  decay: LearningRateDecay | null;
}

/** The seed's protocol: Adam at 0.001, 15 epochs, batch 32 (Keras' default; the seed names none). */
export const STUDY_PROTOCOL: TrainingProtocol = { epochs: 15, batchSize: 32, learningRate: DEFAULT_LEARNING_RATE, decay: null };

/** The seed's choice 2: halve the learning rate every 5 epochs. */
export const STEP_DECAY: LearningRateDecay = { factor: 0.5, everyEpochs: 5 };

/** Learning rate in epoch `epoch` (0-based): lr × factor^floor(epoch / everyEpochs). */
export function learningRateAt(protocol: TrainingProtocol, epoch: number): number {
  if (!protocol.decay) return protocol.learningRate;
  return protocol.learningRate * protocol.decay.factor ** Math.floor(epoch / protocol.decay.everyEpochs);
}

/** Images and class indices of one set (a fold's training part, its validation part, the test set). */
export interface LabelledImages {
  images: tf.Tensor4D;
  /**
   * If given, the set is images[rows] (a fold shares the loaded training images instead of copying
   * them); labels[i] belongs to images[rows[i]]. Otherwise the set is all of `images`.
   */
  rows?: Int32Array;
  labels: Uint8Array;
}

/** See the module comment. */
export type TrainingPath = 'lean' | 'reference';

/** Batches whose metric sums the lean path takes at once (one set of metric kernels per chunk). */
const METRIC_CHUNK_BATCHES = 50;

export interface EpochRecord {
  /** 1-based, as Keras prints it. */
  epoch: number;
  learningRate: number;
  train: EpochMetrics;
  validation: EpochMetrics | null;
  seconds: number;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface RunState {
  model: tf.LayersModel;
  optimizerWeights: NamedTensor[];
  history: EpochRecord[];
}

export interface ProgressEvent {
  epoch: number;
  epochs: number;
  samplesDone: number;
  samplesPerEpoch: number;
  secondsInEpoch: number;
}

export interface TrainOptions {
  variant: VariantName;
  protocol: TrainingProtocol;
  seed: number;
  train: LabelledImages;
  validation?: LabelledImages;
  /** Resume from a saved epoch boundary instead of fresh weights. */
  resume?: { model: tf.LayersModel; optimizerWeights: NamedTensor[]; history: EpochRecord[] };
  /** Called after each epoch (await-ed: a checkpoint is saved before the next epoch starts). */
  onEpochEnd?: (record: EpochRecord, state: RunState) => Promise<void> | void;
  /** Called every `progressEveryBatches` batches; reads no tensor, so costs nothing. */
  onProgress?: (event: ProgressEvent) => void;
  progressEveryBatches?: number;
  /** 'lean' unless told otherwise. */
  path?: TrainingPath;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochRecord[];
}

const EVALUATION_BATCH = 1000;

/** Loss, accuracy and Keras-style precision/recall of `model` on a set, plus its predicted classes. */
export function evaluate(model: tf.LayersModel, set: LabelledImages): { metrics: EpochMetrics; predictions: Int32Array } {
  const count = set.labels.length;
  const predictions = new Int32Array(count);
  let sums = tf.zeros([SUM_NAMES.length]);
  const predictedBatches: tf.Tensor[] = [];
  for (let start = 0; start < count; start += EVALUATION_BATCH) {
    const size = Math.min(EVALUATION_BATCH, count - start);
    const [nextSums, predicted] = tf.tidy(() => {
      const images = set.rows
        ? tf.gather(set.images, tf.tensor1d(set.rows.subarray(start, start + size), 'int32'))
        : set.images.slice([start, 0, 0, 0], [size, -1, -1, -1]);
      const oneHotLabels = tf.oneHot(tf.tensor1d(set.labels.subarray(start, start + size), 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D;
      const probabilities = model.apply(images, { training: false }) as tf.Tensor2D;
      const loss = categoricalCrossentropy(oneHotLabels, probabilities);
      return [sums.add(batchSums(oneHotLabels, probabilities, loss.mul(size))), probabilities.argMax(-1)];
    });
    sums.dispose();
    sums = nextSums;
    predictedBatches.push(predicted);
  }
  const metrics = metricsFromSums(sums.dataSync());
  let offset = 0;
  for (const batch of predictedBatches) {
    const values = batch.dataSync();
    predictions.set(values, offset);
    offset += values.length;
    batch.dispose();
  }
  sums.dispose();
  return { metrics, predictions };
}

/** Frees a model and its optimizer's moments (model.dispose() leaves the optimizer alone). */
export function disposeModel(model: tf.LayersModel): void {
  model.optimizer?.dispose();
  model.dispose();
}

/** One batch's outputs, kept until its metric sums are taken. */
interface PendingBatch {
  labels: tf.Tensor2D;
  probabilities: tf.Tensor2D;
  loss: tf.Scalar;
}

/** Adds the metric sums of `pending` batches (concatenated: one set of kernels) to `sums`. */
function addChunkSums(sums: tf.Tensor, pending: PendingBatch[]): tf.Tensor {
  const next = tf.tidy(() => {
    const labels = tf.concat(pending.map((batch) => batch.labels)) as tf.Tensor2D;
    const probabilities = tf.concat(pending.map((batch) => batch.probabilities)) as tf.Tensor2D;
    // AddN adds its inputs one after the other: the same order, and sum, with any number of threads
    // (a Sum over a stacked vector may split the work between threads and round differently).
    const lossTimesCount = tf.addN(pending.map((batch) => batch.loss.mul(batch.labels.shape[0]))) as tf.Scalar;
    return sums.add(batchSums(labels, probabilities, lossTimesCount));
  });
  sums.dispose();
  for (const batch of pending) tf.dispose([batch.labels, batch.probabilities, batch.loss]);
  pending.length = 0;
  return next;
}

/** Trains one run. The returned model belongs to the caller (dispose it when done). */
export async function trainRun(options: TrainOptions): Promise<TrainResult> {
  const { protocol, train } = options;
  const path = options.path ?? 'lean';
  useLeanKernels(path === 'lean');
  const metricChunk = path === 'lean' ? METRIC_CHUNK_BATCHES : 1;
  const model = options.resume?.model
    ?? buildModel(options.variant, { seed: options.seed, learningRate: protocol.learningRate, adam: path === 'lean' ? 'flat' : 'tfjs' });
  const optimizer = model.optimizer as tf.AdamOptimizer;
  if (options.resume) await optimizer.setWeights(options.resume.optimizerWeights);
  const history = [...(options.resume?.history ?? [])];
  const trainCount = train.labels.length;
  const batchesPerEpoch = Math.ceil(trainCount / protocol.batchSize);
  const progressEvery = options.progressEveryBatches ?? 200;
  const allOneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, 'int32'), NUM_CLASSES).toFloat());

  for (let epoch = history.length; epoch < protocol.epochs; epoch += 1) {
    const started = performance.now();
    const learningRate = learningRateAt(protocol, epoch);
    // tfjs has no scheduler; Adam reads this field at every step.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
    restartDropoutStreams(model, options.seed, epoch);
    // Each batch gathers its rows from the set's images: no shuffled copy of the epoch is made.
    const order = seededPermutation(trainCount, mixSeeds(options.seed, epoch));
    const imageRows = train.rows ? order.map((position) => train.rows![position]) : order;
    let sums: tf.Tensor = tf.zeros([SUM_NAMES.length]);
    const pending: PendingBatch[] = [];

    for (let batch = 0; batch < batchesPerEpoch; batch += 1) {
      const start = batch * protocol.batchSize;
      const end = Math.min(start + protocol.batchSize, trainCount);
      pending.push(tf.tidy(() => {
        const images = tf.gather(train.images, tf.tensor1d(imageRows.subarray(start, end), 'int32'));
        const labels = tf.gather(allOneHot, tf.tensor1d(order.subarray(start, end), 'int32')) as tf.Tensor2D;
        let probabilities: tf.Tensor2D | null = null;
        const loss = optimizer.minimize(() => {
          // Kept: minimize() disposes what its function makes, except the loss it returns.
          probabilities = tf.keep(model.apply(images, { training: true }) as tf.Tensor2D);
          return categoricalCrossentropy(labels, probabilities);
        }, true)!;
        // Keras reports training metrics as the running mean over the epoch, with the weights
        // of the moment each batch was seen; the batch's outputs are kept until their sums are taken.
        return { labels, probabilities: probabilities!, loss };
      }));
      if (pending.length === metricChunk || batch === batchesPerEpoch - 1) sums = addChunkSums(sums, pending);
      if (options.onProgress && (batch + 1) % progressEvery === 0) {
        options.onProgress({
          epoch: epoch + 1, epochs: protocol.epochs, samplesDone: end,
          samplesPerEpoch: trainCount, secondsInEpoch: (performance.now() - started) / 1000,
        });
      }
    }
    const trainMetrics = metricsFromSums(await sums.data());
    sums.dispose();
    const validation = options.validation ? evaluate(model, options.validation).metrics : null;
    const record: EpochRecord = {
      epoch: epoch + 1, learningRate, train: trainMetrics, validation, seconds: (performance.now() - started) / 1000,
    };
    history.push(record);
    if (options.onEpochEnd) {
      const optimizerWeights = await optimizer.getWeights();
      await options.onEpochEnd(record, { model, optimizerWeights, history: [...history] });
      // getWeights() hands out the live moment variables plus a fresh iteration-count scalar.
      optimizerWeights.find((weight) => weight.name === 'iter')?.tensor.dispose();
    }
  }
  allOneHot.dispose();
  return { model, history };
}
