/**
 * Training throughput of tfjs-node: LeNet-5 (ReLU variant), batch 32, two epochs on the first
 * 48,000 real training images (the size of one cross-validation training split), no validation.
 * The first epoch includes start-up (first kernel calls, memory pools); the second is the steady
 * rate that the other 14 epochs of a run see.
 *
 * BENCH_ENGINE=native (default): the study's training step (lib/model/train.ts, lib/model/native/lenet.ts).
 * BENCH_ENGINE=fit: tfjs as it comes, for comparison: the same model compiled with tfjs' Adam and
 * categorical cross-entropy, trained by model.fit (shuffled, accuracy reported per batch).
 * Prints one JSON line: {"engine", "samples", "firstEpochSeconds", "steadyEpochSeconds",
 * "samplesPerSecond" (steady), "firstEpochSamplesPerSecond", "peakRssMiB"}.
 */
import * as tf from '../lib/base/tensorflow';
import { loadSplit } from '../lib/data/fashion-mnist';
import { NUM_CLASSES } from '../lib/data/idx-files';
import { buildModel } from '../lib/model/tfjs-model';
import { trainRun } from '../lib/model/train';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { DEFAULT_DATA_DIRECTORY } from '../lib/study/study';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 48000);
const ENGINE = process.env.BENCH_ENGINE ?? 'native';
if (ENGINE !== 'native' && ENGINE !== 'fit') {
  console.error(`train-throughput: BENCH_ENGINE must be "native" or "fit", not "${ENGINE}"`);
  process.exit(2);
}

type Data = ReturnType<typeof loadSplit>;

async function nativeEpochs(data: Data): Promise<number[]> {
  const epochSeconds: number[] = [];
  const { model } = await trainRun({
    variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 2 }, seed: 1, train: data,
    onProgress: (event) => process.stderr.write(`\r  tfjs-node: epoch ${event.epoch}/2, ${event.samplesDone}/${event.samplesPerEpoch} samples`),
    onEpochEnd: (record) => { epochSeconds.push(record.seconds); },
  });
  model.dispose();
  return epochSeconds;
}

async function fitEpochs(data: Data): Promise<number[]> {
  const model = buildModel('relu', { seed: 1 });
  model.compile({ optimizer: tf.train.adam(STUDY_PROTOCOL.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, 'int32'), NUM_CLASSES).toFloat());
  const epochSeconds: number[] = [];
  let started = 0;
  await model.fit(data.images, labels, {
    batchSize: STUDY_PROTOCOL.batchSize, epochs: 2, shuffle: true, verbose: 0,
    callbacks: {
      onEpochBegin: async () => { started = performance.now(); },
      onEpochEnd: async (epoch) => {
        epochSeconds.push((performance.now() - started) / 1000);
        process.stderr.write(`\r  tfjs-node model.fit: epoch ${epoch + 1}/2`);
      },
    },
  });
  labels.dispose();
  model.dispose();
  return epochSeconds;
}

async function main(): Promise<void> {
  const data = loadSplit(DEFAULT_DATA_DIRECTORY, 'train', { limit: SAMPLES });
  const epochSeconds = ENGINE === 'native' ? await nativeEpochs(data) : await fitEpochs(data);
  process.stderr.write('\n');
  tf.dispose(data.images);
  console.log(JSON.stringify({
    engine: `tfjs-node ${ENGINE}`, samples: SAMPLES, firstEpochSeconds: epochSeconds[0], steadyEpochSeconds: epochSeconds[1],
    samplesPerSecond: SAMPLES / epochSeconds[1], firstEpochSamplesPerSecond: SAMPLES / epochSeconds[0],
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }));
}

void main();
