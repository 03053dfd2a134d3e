/**
 * Training one run: one model, one training set, optionally one validation set, a fixed protocol.
 * This is the only place in the project where weights are updated.
 *
 * Per epoch: a seeded shuffle, batches of 32 through one native training step each (forward,
 * hand-written backward and Adam as TensorFlow ops: lib/model/native/lenet.ts), metric sums accumulated on
 * the backend 50 batches at a time and read once at the end of the epoch (the only synchronisation
 * with JavaScript), then validation in large batches. State at every epoch boundary (weights, Adam's
 * moments, history) can be saved and handed back to resume with identical results.
 */
import * as tf from '../base/tensorflow';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import { batchSums, EpochMetrics, metricsFromSums, SUM_NAMES } from './metrics';
import { buildModel } from './tfjs-model';
import { BatchOutputs, NativeLeNet } from './native/lenet';
import { mixSeeds, seededPermutation } from '../base/random';
import { NUM_CLASSES } from '../data/idx-files';

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

/** Batches whose metric sums are taken at once (one set of metric kernels per chunk). */
const METRIC_CHUNK_BATCHES = 50;

export interface EpochRecord {
  /** 1-based, as Keras prints it. */
  epoch: number;
  learningRate: number;
  train: EpochMetrics;
  validation: EpochMetrics | null;
  seconds: number;
}

/**
 * Everything needed to continue a run exactly where it stopped. `optimizerWeights` are Adam's
 * moments, named `<weight name>/m` and `<weight name>/v` (tfjs' naming).
 */
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
  /** One of the five, or a reader's variant declared with defineVariant. */
  variant: string;
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
  /**
   * Fault injection only (lib/study/faults.ts, for the tests of `study verify`): every step uses the
   * learning rate times this factor, while the history records the protocol's. Default 1.
   */
  learningRateScale?: number;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochRecord[];
}

const EVALUATION_BATCH = 1000;

/** Loss, accuracy and Keras-style precision/recall of the network on a set, plus its predicted classes. */
function evaluateNetwork(network: NativeLeNet, set: LabelledImages): { metrics: EpochMetrics; predictions: Int32Array } {
  const count = set.labels.length;
  const predictions = new Int32Array(count);
  let sums = tf.zeros([SUM_NAMES.length]);
  const predictedBatches: tf.Tensor[] = [];
  for (let start = 0; start < count; start += EVALUATION_BATCH) {
    const size = Math.min(EVALUATION_BATCH, count - start);
    const [images, oneHotLabels] = tf.tidy(() => [
      set.rows
        ? tf.gather(set.images, tf.tensor1d(set.rows.subarray(start, start + size), 'int32')) as tf.Tensor4D
        : set.images.slice([start, 0, 0, 0], [size, -1, -1, -1]),
      tf.oneHot(tf.tensor1d(set.labels.subarray(start, start + size), 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D,
    ]);
    const outputs = network.evaluate(images, oneHotLabels);
    const nextSums = tf.tidy(() => sums.add(batchSums(oneHotLabels, outputs.probabilities, outputs.losses.sum())));
    predictedBatches.push(tf.tidy(() => outputs.probabilities.argMax(-1)));
    tf.dispose([sums, images, oneHotLabels, outputs.probabilities, outputs.losses]);
    sums = nextSums;
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

/** Loss, accuracy and Keras-style precision/recall of a trained `variant` model on a set, plus its predicted classes. */
export function evaluate(variant: string, model: tf.LayersModel, set: LabelledImages): { metrics: EpochMetrics; predictions: Int32Array } {
  const network = new NativeLeNet(variant, model.getWeights());
  try {
    return evaluateNetwork(network, set);
  } finally {
    network.dispose();
  }
}

/** One batch's labels and outputs, kept until their metric sums are taken. */
interface PendingBatch extends BatchOutputs {
  labels: tf.Tensor2D;
}

/** Adds the metric sums of `pending` batches (concatenated: one set of kernels) to `sums`. */
function addChunkSums(sums: tf.Tensor, pending: PendingBatch[]): tf.Tensor {
  const next = tf.tidy(() => {
    const labels = tf.concat(pending.map((batch) => batch.labels)) as tf.Tensor2D;
    const probabilities = tf.concat(pending.map((batch) => batch.probabilities)) as tf.Tensor2D;
    // AddN adds its inputs one after the other: the same order, and sum, with any number of threads
    // (one Sum over all losses may split the work between threads and round differently).
    const lossSum = tf.addN(pending.map((batch) => batch.losses.sum())) as tf.Scalar;
    return sums.add(batchSums(labels, probabilities, lossSum));
  });
  sums.dispose();
  for (const batch of pending) tf.dispose([batch.labels, batch.probabilities, batch.losses]);
  pending.length = 0;
  return next;
}

/** Adam's moments in tfjs' checkpoint naming, and back. */
function namedMoments(model: tf.LayersModel, moments: { first: tf.Tensor[]; second: tf.Tensor[] }): NamedTensor[] {
  const names = model.weights.map((weight) => weight.originalName);
  return [
    ...moments.first.map((tensor, index) => ({ name: `${names[index]}/m`, tensor })),
    ...moments.second.map((tensor, index) => ({ name: `${names[index]}/v`, tensor })),
  ];
}

function momentsFromNamed(model: tf.LayersModel, named: NamedTensor[]): { first: tf.Tensor[]; second: tf.Tensor[] } {
  const byName = new Map(named.map(({ name, tensor }) => [name, tensor]));
  const find = (name: string) => {
    const tensor = byName.get(name);
    if (!tensor) throw new Error(`checkpoint has no optimizer weight "${name}"`);
    return tensor;
  };
  const names = model.weights.map((weight) => weight.originalName);
  return { first: names.map((name) => find(`${name}/m`)), second: names.map((name) => find(`${name}/v`)) };
}

/** What one epoch of a run works with. */
interface EpochContext {
  options: TrainOptions;
  network: NativeLeNet;
  /** The training set's labels, one-hot, uploaded once. */
  allOneHot: tf.Tensor;
  /** Adam's step count before this epoch. */
  step: number;
}

/**
 * One epoch: a seeded shuffle, the batches in order through the native step, the metric sums taken
 * 50 batches at a time and read once at the end. Returns the epoch's training metrics.
 */
async function trainEpoch(context: EpochContext, epoch: number, started: number): Promise<EpochMetrics> {
  const { options, network, allOneHot } = context;
  const { protocol, train } = options;
  const trainCount = train.labels.length;
  const batchesPerEpoch = Math.ceil(trainCount / protocol.batchSize);
  const learningRate = learningRateAt(protocol, epoch);
  const epochSeed = mixSeeds(options.seed, epoch);
  // Each batch gathers its rows from the set's images: no shuffled copy of the epoch is made.
  const order = seededPermutation(trainCount, epochSeed);
  const imageRows = train.rows ? order.map((position) => train.rows![position]) : order;
  let sums: tf.Tensor = tf.zeros([SUM_NAMES.length]);
  const pending: PendingBatch[] = [];
  for (let batch = 0; batch < batchesPerEpoch; batch += 1) {
    const start = batch * protocol.batchSize;
    const end = Math.min(start + protocol.batchSize, trainCount);
    const [images, labels] = tf.tidy(() => [
      tf.gather(train.images, tf.tensor1d(imageRows.subarray(start, end), 'int32')) as tf.Tensor4D,
      tf.gather(allOneHot, tf.tensor1d(order.subarray(start, end), 'int32')) as tf.Tensor2D,
    ]);
    context.step += 1;
    const stepRate = learningRate * (options.learningRateScale ?? 1);
    const outputs = network.trainStep(images, labels, { learningRate: stepRate, step: context.step, dropoutSeed: mixSeeds(epochSeed, batch) });
    images.dispose();
    // Keras reports training metrics as the running mean over the epoch, with the weights
    // of the moment each batch was seen; the batch's outputs are kept until their sums are taken.
    pending.push({ labels, ...outputs });
    if (pending.length === METRIC_CHUNK_BATCHES || batch === batchesPerEpoch - 1) sums = addChunkSums(sums, pending);
    if (options.onProgress && (batch + 1) % (options.progressEveryBatches ?? 200) === 0) {
      options.onProgress({ epoch: epoch + 1, epochs: protocol.epochs, samplesDone: end, samplesPerEpoch: trainCount, secondsInEpoch: (performance.now() - started) / 1000 });
    }
  }
  const metrics = metricsFromSums(await sums.data());
  sums.dispose();
  return metrics;
}

/** Trains one run. The returned model belongs to the caller (dispose it when done). */
export async function trainRun(options: TrainOptions): Promise<TrainResult> {
  const { protocol, train, variant } = options;
  const model = options.resume?.model ?? buildModel(variant, { seed: options.seed });
  // (getWeights() hands out the model's own variables: read here, never disposed.)
  const network = new NativeLeNet(variant, model.getWeights(), options.resume && momentsFromNamed(model, options.resume.optimizerWeights));
  const history = [...(options.resume?.history ?? [])];
  const allOneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, 'int32'), NUM_CLASSES).toFloat());
  // Adam's step count: the bias correction continues where a resumed run stopped.
  const context: EpochContext = { options, network, allOneHot, step: history.length * Math.ceil(train.labels.length / protocol.batchSize) };
  try {
    for (let epoch = history.length; epoch < protocol.epochs; epoch += 1) {
      const started = performance.now();
      const trainMetrics = await trainEpoch(context, epoch, started);
      const validation = options.validation ? evaluateNetwork(network, options.validation).metrics : null;
      const record: EpochRecord = {
        epoch: epoch + 1, learningRate: learningRateAt(protocol, epoch), train: trainMetrics, validation, seconds: (performance.now() - started) / 1000,
      };
      history.push(record);
      const weights = network.weightValues();
      model.setWeights(weights);
      tf.dispose(weights);
      if (options.onEpochEnd) {
        const moments = network.momentValues();
        await options.onEpochEnd(record, { model, optimizerWeights: namedMoments(model, moments), history: [...history] });
        tf.dispose([...moments.first, ...moments.second]);
      }
    }
  } finally {
    network.dispose();
    allOneHot.dispose();
  }
  return { model, history };
}
