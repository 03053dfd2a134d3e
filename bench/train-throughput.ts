/**
 * Training throughput of tfjs-node: LeNet-5 (ReLU variant), batch 32, two epochs on the first
 * 48,000 real training images (the size of one cross-validation training split), no validation.
 * The first epoch includes start-up (first kernel calls, memory pools); the second is the steady
 * rate that the other 14 epochs of a run see. BENCH_PATH=reference trains the straightforward tfjs
 * path instead of the lean one (lib/train.ts).
 * Prints one JSON line: {"engine", "path", "samples", "firstEpochSeconds", "steadyEpochSeconds",
 * "samplesPerSecond" (steady), "firstEpochSamplesPerSecond", "peakRssMiB"}.
 */
import * as tf from '@tensorflow/tfjs-node';
import { loadSplit } from '../lib/fashion-mnist';
import { STUDY_PROTOCOL, TrainingPath, disposeModel, trainRun } from '../lib/train';
import { DEFAULT_DATA_DIRECTORY } from '../lib/study';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 48000);
const PATH = (process.env.BENCH_PATH ?? 'lean') as TrainingPath;
if (PATH !== 'lean' && PATH !== 'reference') {
  console.error(`train-throughput: BENCH_PATH must be "lean" or "reference", not "${PATH}"`);
  process.exit(2);
}

async function main(): Promise<void> {
  const data = loadSplit(DEFAULT_DATA_DIRECTORY, 'train', { limit: SAMPLES });
  const epochSeconds: number[] = [];
  const { model } = await trainRun({
    variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 2 }, seed: 1, train: data, path: PATH,
    onProgress: (event) => process.stderr.write(`\r  tfjs-node: epoch ${event.epoch}/2, ${event.samplesDone}/${event.samplesPerEpoch} samples`),
    onEpochEnd: (record) => { epochSeconds.push(record.seconds); },
  });
  process.stderr.write('\n');
  disposeModel(model);
  tf.dispose(data.images);
  console.log(JSON.stringify({
    engine: 'tfjs-node', path: PATH, samples: SAMPLES, firstEpochSeconds: epochSeconds[0], steadyEpochSeconds: epochSeconds[1],
    samplesPerSecond: SAMPLES / epochSeconds[1], firstEpochSamplesPerSecond: SAMPLES / epochSeconds[0],
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }));
}

void main();
