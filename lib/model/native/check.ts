/**
 * Native backend check: proves that @tensorflow/tfjs-node runs on libtensorflow and computes
 * what the reference (pure-JavaScript CPU) backend computes.
 */
import * as tf from '../../base/tensorflow';

/** Largest absolute difference allowed between the native and the reference backend. */
export const BACKEND_TOLERANCE = 1e-4;

export interface BackendCheck {
  backend: string;
  tfjsVersion: string;
  /** Largest |native - reference| over the conv2d output and both gradients. */
  maxAbsoluteDifference: number;
  /** The largest difference that passes. */
  tolerance: number;
  passed: boolean;
}

/** A fixed, deterministic input: values from a sine so no random generator is involved. */
function fixedTensor(shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: size }, (_, index) => Math.sin(index * 0.37) * 0.5);
  return tf.tensor(values, shape);
}

/** conv2d forward pass (5×5 kernel, padding 2 as in LeNet-5's first layer) and its gradients. */
function convolutionWithGradients(): Float32Array[] {
  return tf.tidy(() => {
    const input = fixedTensor([2, 8, 8, 1]);
    const kernel = fixedTensor([5, 5, 1, 3]);
    const forward = (x: tf.Tensor, w: tf.Tensor) =>
      tf.tanh(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')).sum();
    const output = tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'same');
    const [inputGradient, kernelGradient] = tf.grads(forward)([input, kernel]);
    return [output, inputGradient, kernelGradient].map((t) => t.dataSync() as Float32Array);
  });
}

/** Runs the same computation on the native backend and on the reference CPU backend; passes within `tolerance` (absolute). */
export async function checkNativeBackend(tolerance = BACKEND_TOLERANCE): Promise<BackendCheck> {
  await tf.setBackend('tensorflow');
  const backend = tf.getBackend();
  const native = convolutionWithGradients();
  // The reference backend greets Node users with advice to install tfjs-node; we have it.
  const warn = console.warn;
  console.warn = () => undefined;
  let reference: Float32Array[];
  try {
    await tf.setBackend('cpu');
    reference = convolutionWithGradients();
  } finally {
    console.warn = warn;
    await tf.setBackend('tensorflow');
  }
  let maxAbsoluteDifference = 0;
  native.forEach((values, tensorIndex) => {
    values.forEach((value, index) => {
      maxAbsoluteDifference = Math.max(maxAbsoluteDifference, Math.abs(value - reference[tensorIndex][index]));
    });
  });
  return {
    backend,
    tfjsVersion: tf.version.tfjs,
    maxAbsoluteDifference,
    tolerance,
    passed: backend === 'tensorflow' && maxAbsoluteDifference <= tolerance,
  };
}
