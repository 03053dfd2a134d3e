/**
 * Where a training step spends its time, for the straightforward ('reference') and the lean
 * training path (lib/train.ts): trains epochs of 100 batches (3,200 real images, LeNet-5 ReLU,
 * batch 32) and reports per step
 * - the wall time of an epoch run without instrumentation,
 * - the tfjs kernels dispatched (tf.profile: every op the engine runs, including no-op reshapes,
 *   casts and identities that never reach TensorFlow),
 * - the TensorFlow ops actually executed (calls into tfjs-node's binding) and the tensors uploaded
 *   from JavaScript (scalars, index and shape vectors),
 * - for the lean path, the kernels that take the most time (tf.profile times each call, binding
 *   included).
 * Prints one JSON line.
 */
import * as tf from '@tensorflow/tfjs-node';
import { loadSplit } from '../lib/fashion-mnist';
import { STUDY_PROTOCOL, TrainingPath, disposeModel, trainRun } from '../lib/train';
import { DEFAULT_DATA_DIRECTORY } from '../lib/study';

const BATCHES = 100;

type Data = { images: tf.Tensor4D; labels: Uint8Array };

async function epoch(data: Data, path: TrainingPath) {
  const { model } = await trainRun({ variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 1 }, seed: 1, train: data, path });
  disposeModel(model);
}

/**
 * Counts calls into the native binding while `run` runs. Its functions are read-only, so the backend
 * gets a stand-in that inherits everything from the binding and defines the two counted functions.
 */
async function countBindingCalls(run: () => Promise<void>): Promise<{ ops: number; uploads: number }> {
  const backend = tf.backend() as unknown as { binding: Record<string, (...args: unknown[]) => unknown> };
  const binding = backend.binding;
  const counts = { ops: 0, uploads: 0 };
  const standIn = Object.create(binding) as typeof binding;
  const counted = (name: string, counter: keyof typeof counts) => Object.defineProperty(standIn, name, {
    value: (...args: unknown[]) => { counts[counter] += 1; return binding[name].apply(binding, args); },
  });
  counted('executeOp', 'ops');
  counted('createTensor', 'uploads');
  backend.binding = standIn;
  try {
    await run();
  } finally {
    backend.binding = binding;
  }
  return counts;
}

async function measure(data: Data, path: TrainingPath) {
  await epoch(data, path); // warm-up: kernels compiled, memory pools filled
  const started = performance.now();
  await epoch(data, path);
  const wallMsPerStep = (performance.now() - started) / BATCHES;
  const calls = await countBindingCalls(() => epoch(data, path));
  const profile = await tf.profile(() => epoch(data, path));
  return { path, wallMsPerStep, calls, profile };
}

async function main(): Promise<void> {
  const data = loadSplit(DEFAULT_DATA_DIRECTORY, 'train', { limit: BATCHES * STUDY_PROTOCOL.batchSize });
  const perStep = (value: number) => +(value / BATCHES).toFixed(3);
  const paths = [];
  for (const path of ['reference', 'lean'] as const) {
    const { wallMsPerStep, calls, profile } = await measure(data, path);
    const byKernel = new Map<string, { count: number; ms: number }>();
    for (const kernel of profile.kernels) {
      const entry = byKernel.get(kernel.name) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
      byKernel.set(kernel.name, entry);
    }
    const top = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)
      .map(([name, entry]) => ({ kernel: name, perStep: perStep(entry.count), msPerStep: perStep(entry.ms) }));
    paths.push({
      path, wallMsPerStep: +wallMsPerStep.toFixed(3), kernelsPerStep: perStep(profile.kernels.length),
      tensorflowOpsPerStep: perStep(calls.ops), uploadsPerStep: perStep(calls.uploads), top,
    });
  }
  console.log(JSON.stringify({ batches: BATCHES, threads: process.env.TF_NUM_INTRAOP_THREADS ?? 'default', paths }));
  tf.dispose(data.images);
}

void main();
