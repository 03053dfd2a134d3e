/**
 * Where a training step spends its time: trains one epoch of 100 batches (3,200 real images,
 * LeNet-5 ReLU, batch 32) under tf.profile and reports, per step, the kernels (TensorFlow ops)
 * issued and their timed share (tf.profile times each kernel call, binding included), and the wall
 * time of the same epoch run without profiling. Prints one JSON line.
 */
import * as tf from '@tensorflow/tfjs-node';
import { resolve } from 'node:path';
import { loadSplit } from '../lib/fashion-mnist';
import { STUDY_PROTOCOL, disposeModel, trainRun } from '../lib/train';

const BATCHES = 100;

async function epoch(data: { images: tf.Tensor4D; labels: Uint8Array }) {
  const { model } = await trainRun({ variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 1 }, seed: 1, train: data });
  disposeModel(model);
}

async function main(): Promise<void> {
  const data = loadSplit(resolve(__dirname, '..', '..', 'data'), 'train', { limit: BATCHES * STUDY_PROTOCOL.batchSize });
  await epoch(data); // warm-up: kernels compiled, memory pools filled
  const started = performance.now();
  await epoch(data);
  const wallMsPerStep = (performance.now() - started) / BATCHES;
  const profile = await tf.profile(() => epoch(data));
  const perStep = (value: number) => value / BATCHES;
  const byKernel = new Map<string, { count: number; ms: number }>();
  let kernelMs = 0;
  for (const kernel of profile.kernels) {
    const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    kernelMs += ms;
    const entry = byKernel.get(kernel.name) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += ms;
    byKernel.set(kernel.name, entry);
  }
  const top = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)
    .map(([name, entry]) => ({ kernel: name, perStep: perStep(entry.count), msPerStep: +perStep(entry.ms).toFixed(3) }));
  console.log(JSON.stringify({
    batches: BATCHES, kernelsPerStep: perStep(profile.kernels.length), kernelMsPerStep: +perStep(kernelMs).toFixed(3),
    wallMsPerStep: +wallMsPerStep.toFixed(3),
    threads: process.env.TF_NUM_INTRAOP_THREADS ?? 'default', top,
  }));
  tf.dispose(data.images);
}

void main();
