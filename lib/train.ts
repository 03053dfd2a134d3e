/**
 * Training one run: one model, one training set, optionally one validation set, a fixed protocol.
 * This is the only place in the project where weights are updated.
 *
 * Per epoch: a seeded shuffle, batches of 32 through Adam, metric sums accumulated on the backend
 * and read once at the end of the epoch (the only synchronisation with JavaScript), then
 * validation in large batches. State at every epoch boundary (weights, optimizer moments,
 * history) can be saved and handed back to resume with identical results.
 */
import * as tf from '@tensorflow/tfjs-node';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import { batchSums, categoricalCrossentropy, EpochMetrics, metricsFromSums, SUM_NAMES } from './metrics';
import { buildModel, DEFAULT_LEARNING_RATE, restartDropoutStreams, VariantName } from './models';
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
  labels: Uint8Array;
}

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
      const images = set.images.slice([start, 0, 0, 0], [size, -1, -1, -1]);
      const oneHotLabels = tf.oneHot(tf.tensor1d(set.labels.subarray(start, start + size), 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D;
      const probabilities = model.apply(images, { training: false }) as tf.Tensor2D;
      const loss = categoricalCrossentropy(oneHotLabels, probabilities);
      return [sums.add(batchSums(oneHotLabels, probabilities, loss)), probabilities.argMax(-1)];
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

/** Trains one run. The returned model belongs to the caller (dispose it when done). */
export async function trainRun(options: TrainOptions): Promise<TrainResult> {
  const { protocol, train } = options;
  const model = options.resume?.model ?? buildModel(options.variant, { seed: options.seed, learningRate: protocol.learningRate });
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
    const order = tf.tensor1d(seededPermutation(trainCount, mixSeeds(options.seed, epoch)), 'int32');
    const epochImages = tf.gather(train.images, order);
    const epochLabels = tf.gather(allOneHot, order);
    order.dispose();
    let sums: tf.Tensor = tf.zeros([SUM_NAMES.length]);

    for (let batch = 0; batch < batchesPerEpoch; batch += 1) {
      const start = batch * protocol.batchSize;
      const size = Math.min(protocol.batchSize, trainCount - start);
      const nextSums = tf.tidy(() => {
        const images = epochImages.slice([start, 0, 0, 0], [size, -1, -1, -1]);
        const labels = epochLabels.slice([start, 0], [size, -1]) as tf.Tensor2D;
        let probabilities: tf.Tensor2D | null = null;
        const loss = optimizer.minimize(() => {
          probabilities = tf.keep(model.apply(images, { training: true }) as tf.Tensor2D);
          return categoricalCrossentropy(labels, probabilities);
        }, true)!;
        // Keras reports training metrics as the running mean over the epoch, with the weights
        // of the moment each batch was seen; these sums give exactly that.
        const updated = sums.add(batchSums(labels, probabilities!, loss));
        // Kept so it could leave minimize(); not needed past this batch.
        (probabilities as tf.Tensor | null)?.dispose();
        return updated;
      });
      sums.dispose();
      sums = nextSums;
      if (options.onProgress && (batch + 1) % progressEvery === 0) {
        options.onProgress({
          epoch: epoch + 1, epochs: protocol.epochs, samplesDone: Math.min(trainCount, (batch + 1) * protocol.batchSize),
          samplesPerEpoch: trainCount, secondsInEpoch: (performance.now() - started) / 1000,
        });
      }
    }
    epochImages.dispose();
    epochLabels.dispose();
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
