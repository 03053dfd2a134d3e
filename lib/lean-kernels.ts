/**
 * Leaner native kernels for three ops that tfjs-node runs more expensively than they need to be.
 * Each TensorFlow kernel call costs tens of microseconds however small its tensors, and at batch 32
 * those calls, not arithmetic, fill most of a training step.
 *
 * - `Step`, which the gradient of every fused ReLU layer (conv2d and dense with activation 'relu')
 *   computes as dy · step(y): tfjs-node builds it from five kernels (IsNan, Greater, Fill, Select,
 *   Select) on full-size tensors; for alpha = 0 it is x > 0 cast to float, two kernels. The only
 *   difference is at NaN inputs, where tfjs returns NaN and this returns 0 — a run with NaN
 *   activations has a NaN loss either way. Other alphas keep tfjs-node's kernel.
 * - `Reshape` to the shape a tensor already has and `Cast` to the dtype it already has: tfjs calls
 *   both this way about 25 times per LeNet-5 step (bias gradients, pooling, losses), and tfjs-node
 *   sends each to TensorFlow. Here they return the same data, as tfjs-node's Identity does.
 */
import * as tf from '@tensorflow/tfjs-node';

const BACKEND = 'tensorflow';
const tfjsKernels = new Map([tf.Step, tf.Reshape, tf.Cast].map((name) => [name, tf.getKernel(name, BACKEND)]));
const tfjsStep = tfjsKernels.get(tf.Step)!;

const leanStep: tf.KernelConfig = {
  kernelName: tf.Step,
  backendName: BACKEND,
  kernelFunc: (args) => {
    const { alpha } = args.attrs as unknown as tf.StepAttrs;
    if (alpha !== 0) return tfjsStep.kernelFunc(args);
    const x = args.inputs.x as tf.Tensor;
    return tf.tidy(() => tf.greater(x, tf.scalar(0, x.dtype)).cast(x.dtype));
  },
};

type KernelArguments = Parameters<tf.KernelFunc>[0];

/** The input itself, as tfjs-node's Identity kernel returns it (one more reference, no copy). */
function sameData(args: KernelArguments): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}

const leanReshape: tf.KernelConfig = {
  kernelName: tf.Reshape,
  backendName: BACKEND,
  kernelFunc: (args) => {
    const { shape } = args.attrs as unknown as tf.ReshapeAttrs;
    return sameShape((args.inputs.x as tf.TensorInfo).shape, shape) ? sameData(args) : tfjsKernels.get(tf.Reshape)!.kernelFunc(args);
  },
};

const leanCast: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: BACKEND,
  kernelFunc: (args) => {
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    return (args.inputs.x as tf.TensorInfo).dtype === dtype ? sameData(args) : tfjsKernels.get(tf.Cast)!.kernelFunc(args);
  },
};

const LEAN_KERNELS = [leanStep, leanReshape, leanCast];
let leanEnabled = false;

/** Switches between the lean kernels (true) and tfjs-node's own (false). */
export function useLeanKernels(enabled: boolean): void {
  if (enabled === leanEnabled) return;
  for (const lean of LEAN_KERNELS) {
    tf.unregisterKernel(lean.kernelName, BACKEND);
    tf.registerKernel(enabled ? lean : tfjsKernels.get(lean.kernelName)!);
  }
  leanEnabled = enabled;
}
