/**
 * Where a training step spends its time: trains epochs of 100 batches (3,200 real images, LeNet-5
 * ReLU, batch 32) with the study's native step and, for comparison, with tfjs as it comes (the
 * same model compiled with tfjs' Adam and categorical cross-entropy, model.fit). For each, per step:
 * - the wall time of an epoch run without instrumentation,
 * - the TensorFlow ops executed and the tensors uploaded from JavaScript (calls into tfjs-node's
 *   native binding),
 * - the time spent inside those calls (TensorFlow: kernels plus the binding) and outside them
 *   (JavaScript: tfjs, the training loop), from an instrumented epoch.
 * For the native step it also lists the TensorFlow ops that take the most time.
 * Prints one JSON line.
 */
import * as tf from '../lib/base/tensorflow';
import { loadSplit } from '../lib/data/fashion-mnist';
import { NUM_CLASSES } from '../lib/data/idx-files';
import { buildModel } from '../lib/model/tfjs-model';
import { trainRun } from '../lib/model/train';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { DEFAULT_DATA_DIRECTORY } from '../lib/study/study';

const BATCHES = 100;

type Data = ReturnType<typeof loadSplit>;
type Engine = 'native' | 'fit';

async function epoch(data: Data, labels: tf.Tensor, engine: Engine): Promise<void> {
  if (engine === 'native') {
    const { model } = await trainRun({ variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 1 }, seed: 1, train: data });
    model.dispose();
    return;
  }
  const model = buildModel('relu', { seed: 1 });
  model.compile({ optimizer: tf.train.adam(STUDY_PROTOCOL.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(data.images, labels, { batchSize: STUDY_PROTOCOL.batchSize, epochs: 1, shuffle: true, verbose: 0 });
  (model.optimizer as tf.Optimizer).dispose();
  model.dispose();
}

interface OpTime { calls: number; ms: number }

/**
 * Counts and times calls into the native binding while `run` runs. Its functions are read-only, so
 * the backend gets a stand-in that inherits everything from the binding and defines the two measured
 * functions. TensorFlow runs each op to completion inside executeOp (eager mode on the CPU).
 */
async function instrumented(run: () => Promise<void>) {
  const backend = tf.backend() as unknown as { binding: Record<string, (...args: unknown[]) => unknown> };
  const binding = backend.binding;
  const byOp = new Map<string, OpTime>();
  let uploads = 0;
  let uploadMs = 0;
  const standIn = Object.create(binding) as typeof binding;
  Object.defineProperty(standIn, 'executeOp', {
    value: (name: string, ...args: unknown[]) => {
      const started = performance.now();
      const result = binding.executeOp.call(binding, name, ...args);
      const entry = byOp.get(name) ?? { calls: 0, ms: 0 };
      entry.calls += 1;
      entry.ms += performance.now() - started;
      byOp.set(name, entry);
      return result;
    },
  });
  Object.defineProperty(standIn, 'createTensor', {
    value: (...args: unknown[]) => {
      const started = performance.now();
      const result = binding.createTensor.apply(binding, args);
      uploads += 1;
      uploadMs += performance.now() - started;
      return result;
    },
  });
  backend.binding = standIn;
  const started = performance.now();
  try {
    await run();
  } finally {
    backend.binding = binding;
  }
  return { wallMs: performance.now() - started, byOp, uploads, uploadMs };
}

async function main(): Promise<void> {
  const data = loadSplit(DEFAULT_DATA_DIRECTORY, 'train', { limit: BATCHES * STUDY_PROTOCOL.batchSize });
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, 'int32'), NUM_CLASSES).toFloat());
  const perStep = (value: number) => +(value / BATCHES).toFixed(3);
  const engines = [];
  for (const engine of ['fit', 'native'] as const) {
    await epoch(data, labels, engine); // warm-up: kernels compiled, memory pools filled
    const started = performance.now();
    await epoch(data, labels, engine);
    const wallMs = performance.now() - started;
    const calls = await instrumented(() => epoch(data, labels, engine));
    const ops = [...calls.byOp.values()].reduce((sum, entry) => sum + entry.calls, 0);
    const tensorflowMs = [...calls.byOp.values()].reduce((sum, entry) => sum + entry.ms, 0) + calls.uploadMs;
    const top = [...calls.byOp.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)
      .map(([op, entry]) => ({ op, perStep: perStep(entry.calls), msPerStep: perStep(entry.ms) }));
    engines.push({
      engine, wallMsPerStep: perStep(wallMs), tensorflowOpsPerStep: perStep(ops), uploadsPerStep: perStep(calls.uploads),
      instrumentedMsPerStep: perStep(calls.wallMs), insideTensorflowMsPerStep: perStep(tensorflowMs),
      outsideTensorflowMsPerStep: perStep(calls.wallMs - tensorflowMs), top,
    });
  }
  console.log(JSON.stringify({ batches: BATCHES, threads: process.env.TF_NUM_INTRAOP_THREADS ?? 'default', engines }));
  tf.dispose([data.images, labels]);
}

void main();
