/**
 * Training throughput of tfjs-node: LeNet-5 (ReLU variant), batch 32, one epoch on the first
 * 48,000 real training images (the size of one cross-validation training split), no validation.
 * Prints one JSON line: {"engine":"tfjs-node", "samples", "seconds", "samplesPerSecond", "peakRssMiB"}.
 */
import * as tf from '@tensorflow/tfjs-node';
import { resolve } from 'node:path';
import { loadSplit } from '../lib/fashion-mnist';
import { STUDY_PROTOCOL, disposeModel, trainRun } from '../lib/train';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 48000);

async function main(): Promise<void> {
  const data = loadSplit(resolve(__dirname, '..', '..', 'data'), 'train', { limit: SAMPLES });
  const started = performance.now();
  const { model } = await trainRun({
    variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 1 }, seed: 1, train: data,
    onProgress: (event) => process.stderr.write(`\r  tfjs-node: ${event.samplesDone}/${event.samplesPerEpoch} samples`),
  });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write('\n');
  disposeModel(model);
  tf.dispose(data.images);
  console.log(JSON.stringify({
    engine: 'tfjs-node', samples: SAMPLES, seconds, samplesPerSecond: SAMPLES / seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }));
}

void main();
