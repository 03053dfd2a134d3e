/**
 * A LeNet-5 variant trained natively: the forward pass, the backward pass written out by hand and
 * Adam, each a TensorFlow op issued straight to tfjs-node's binding (lib/model/native/ops.ts).
 *
 * This is the reference the rest of the project trusts, kept small enough to read in one go
 * (after llm.c's train_gpt2.c): one block below holds every layer type's forward pass and its
 * backward pass side by side; the network's forward is the variant's description
 * (lib/model/network.ts) read in order, its backward the recorded steps replayed in reverse.
 * test/native-lenet.test.ts holds it to tfjs' automatic differentiation of the same description.
 *
 * Why by hand: tfjs' automatic differentiation builds each gradient from general-purpose ops and
 * runs every op through its engine; at batch 32 that bookkeeping, not arithmetic, filled most of a
 * step. TensorFlow has a dedicated kernel for each gradient here (ReluGrad, TanhGrad, BiasAddGrad,
 * AvgPoolGrad, Conv2DBackpropFilter …) and for Adam's whole update: about 60 ops a step.
 *
 * The arithmetic is the original's (Keras'): the loss is softmax cross-entropy from the last
 * layer's logits in one op (what Keras does for a softmax output trained with categorical
 * cross-entropy), and Adam is TensorFlow's ApplyAdam kernel, the formula of Keras' Adam, with its
 * defaults (β1 0.9, β2 0.999, ε 1e-7).
 *
 * Shapes in comments: B = batch, H×W = height × width, C = channels, F = features.
 */
import * as tf from '../../base/tensorflow';
import { NUM_CLASSES } from '../../data/idx-files';
import { LEAKY_RELU_ALPHA, Layer, networkWeightShapes, PlacedLayer, placedLayers, sizeOf } from '../network';
import { Handle, NativeOps } from './ops';

/** Keras' Adam defaults. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** Per-example outputs of a batch, as tfjs tensors that belong to the caller. */
export interface BatchOutputs {
  probabilities: tf.Tensor2D;
  /** Cross-entropy of each example. */
  losses: tf.Tensor1D;
}

export interface StepSettings {
  learningRate: number;
  /** Adam's step number, 1-based over the whole run (it sets the bias correction). */
  step: number;
  /** Seeds this batch's dropout masks (one mask per dropout layer). */
  dropoutSeed: number;
}

/** Takes the gradient of a layer's output (and frees it); returns the gradient of its input, or null when none is needed. */
type Backward = (gradient: Handle) => Handle | null;

/** What one layer's forward pass works with: the batch's ops, weights, and the tape of a training pass. */
interface Pass {
  ops: NativeOps;
  batch: number;
  /** The layer's weights (kernel, bias) read for this batch. */
  weights: Handle[];
  /** Training passes record each layer's backward step and its weights' gradients; evaluation passes do not. */
  training: { dropoutSeed: number; record: (backward: Backward) => void; setGradient: (index: number, gradient: Handle) => void } | null;
  /** Keeps a forward value until the batch is done. */
  keep: (handle: Handle) => Handle;
  /** An int32 shape vector, uploaded once. */
  shape: (shape: number[]) => Handle;
  /** The same for [B, ...shape]. */
  batchShape: (shape: number[]) => Handle;
}

type LayerPass<K extends Layer['kind']> = (pass: Pass, input: Handle, placed: PlacedLayer & { layer: Extract<Layer, { kind: K }> }) => Handle;

// ---------------------------------------------------------------------------------------------
// All the layers' forward and backward passes.

/** [B, H, W, C] → [B, H', W', filters]; gradients of kernel and bias, and of the input unless it is the image. */
const conv2d: LayerPass<'conv2d'> = ({ ops, weights: [kernel, bias], training, keep, shape, batchShape }, input, placed) => {
  const padding = placed.layer.padding === 'same' ? 'SAME' : 'VALID';
  const convolved = ops.conv2d(input, kernel, padding);
  const output = keep(ops.biasAdd(convolved, bias));
  ops.free(convolved);
  training?.record((gradient) => {
    training.setGradient(placed.firstWeight, ops.conv2dFilterGradient(input, shape(placed.weightShapes[0]), gradient, padding));
    training.setGradient(placed.firstWeight + 1, ops.biasGradient(gradient));
    // The images need no gradient.
    return placed.firstWeight === 0 ? null : ops.conv2dInputGradient(batchShape(placed.inputShape), kernel, gradient, padding);
  });
  return output;
};

/** [B, F] → [B, units]. */
const dense: LayerPass<'dense'> = ({ ops, weights: [kernel, bias], training, keep }, input, placed) => {
  const multiplied = ops.matMul(input, kernel);
  const output = keep(ops.biasAdd(multiplied, bias));
  ops.free(multiplied);
  training?.record((gradient) => {
    training.setGradient(placed.firstWeight, ops.matMul(input, gradient, true, false));
    training.setGradient(placed.firstWeight + 1, ops.biasGradient(gradient));
    return ops.matMul(gradient, kernel, false, true);
  });
  return output;
};

/** Element-wise; ReLU's and tanh's gradients read the output, LeakyReLU's the input. */
const activation: LayerPass<'activation'> = ({ ops, training, keep }, input, placed) => {
  switch (placed.layer.activation) {
    case 'relu': {
      const output = keep(ops.relu(input));
      training?.record((gradient) => ops.reluGradient(gradient, output));
      return output;
    }
    case 'tanh': {
      const output = keep(ops.tanh(input));
      training?.record((gradient) => ops.tanhGradient(output, gradient));
      return output;
    }
    case 'leakyrelu': {
      const output = keep(ops.leakyRelu(input, LEAKY_RELU_ALPHA));
      training?.record((gradient) => ops.leakyReluGradient(gradient, input, LEAKY_RELU_ALPHA));
      return output;
    }
  }
};

/** Training: each value kept with probability 1 − rate and scaled by 1/(1 − rate); evaluation: passed through. */
const dropout: LayerPass<'dropout'> = ({ ops, training, keep, batchShape }, input, placed) => {
  if (!training) return input;
  // One seed per batch and dropout layer: a run resumed at an epoch boundary draws the same masks.
  const mask = keep(ops.dropoutMask(batchShape(placed.inputShape), 1 - placed.layer.rate, [training.dropoutSeed | 0, placed.layer.index]));
  const output = keep(ops.multiply(input, mask));
  training.record((gradient) => ops.multiply(gradient, mask));
  return output;
};

/** [B, H, W, C] → [B, H/size, W/size, C]. */
const pool: LayerPass<'pool'> = ({ ops, training, keep, batchShape }, input, placed) => {
  const { pooling, size } = placed.layer;
  if (pooling === 'average') {
    const output = keep(ops.averagePool(input, size));
    training?.record((gradient) => ops.averagePoolGradient(batchShape(placed.inputShape), gradient, size));
    return output;
  }
  const output = keep(ops.maxPool(input, size));
  training?.record((gradient) => ops.maxPoolGradient(input, output, gradient, size));
  return output;
};

/** [B, 1, 1, C] → [B, C]. */
const flatten: LayerPass<'flatten'> = ({ ops, training, keep, batchShape }, input, placed) => {
  const output = keep(ops.reshape(input, batchShape(placed.outputShape)));
  training?.record((gradient) => ops.reshape(gradient, batchShape(placed.inputShape)));
  return output;
};

const LAYER_PASSES: { [K in Layer['kind']]?: LayerPass<K> } = { conv2d, dense, activation, dropout, pool, flatten };

// ---------------------------------------------------------------------------------------------

export class NativeLeNet {
  private readonly ops = new NativeOps();
  private readonly layers: PlacedLayer[];
  private readonly weightShapes: number[][];
  private readonly weights: Handle[];
  private moments: { first: Handle[]; second: Handle[] } | null = null;
  /** Shape vectors and scalars, uploaded once. */
  private readonly constants = new Map<string, Handle>();
  /** Forward values of the current batch, freed when it is done. */
  private temporaries: Handle[] = [];

  /**
   * @param weights initial values in tfjs' order (model.getWeights()); copied.
   * @param moments Adam's moments to continue from (same order), or none for a fresh start.
   */
  constructor(variant: string, weights: tf.Tensor[], moments?: { first: tf.Tensor[]; second: tf.Tensor[] }) {
    this.layers = placedLayers(variant);
    this.weightShapes = networkWeightShapes(variant);
    this.weights = this.toVariables(weights);
    if (moments) this.moments = { first: this.toVariables(moments.first), second: this.toVariables(moments.second) };
  }

  /** One Adam step on one batch. */
  trainStep(images: tf.Tensor4D, oneHotLabels: tf.Tensor2D, settings: StepSettings): BatchOutputs {
    const { gradients, probabilities, losses } = this.backward(images, oneHotLabels, settings.dropoutSeed);
    this.applyAdam(gradients, settings);
    this.ops.free(...gradients);
    return this.outputs(probabilities, losses, images.shape[0]);
  }

  /** The gradients of the batch's mean loss (tfjs' weight order), without a step: for tests. */
  gradients(images: tf.Tensor4D, oneHotLabels: tf.Tensor2D, dropoutSeed: number): { gradients: tf.Tensor[] } & BatchOutputs {
    const { gradients, probabilities, losses } = this.backward(images, oneHotLabels, dropoutSeed);
    return { gradients: gradients.map((gradient, index) => this.ops.toTensor(gradient, this.weightShapes[index])), ...this.outputs(probabilities, losses, images.shape[0]) };
  }

  /** Probabilities and losses of a batch, without dropout and without training. */
  evaluate(images: tf.Tensor4D, oneHotLabels: tf.Tensor2D): BatchOutputs {
    const logits = this.forward(images, null);
    const { losses, gradient } = this.ops.softmaxCrossEntropy(logits, this.ops.handleOf(oneHotLabels));
    const probabilities = this.ops.softmax(logits);
    this.ops.free(gradient);
    this.freeTemporaries();
    return this.outputs(probabilities, losses, images.shape[0]);
  }

  /** Current weights in tfjs' order, as new tfjs tensors (the caller's). */
  weightValues(): tf.Tensor[] {
    return this.read(this.weights);
  }

  /** Adam's first and second moments in tfjs' weight order (zeros before the first step). */
  momentValues(): { first: tf.Tensor[]; second: tf.Tensor[] } {
    const moments = this.ensureMoments();
    return { first: this.read(moments.first), second: this.read(moments.second) };
  }

  dispose(): void {
    this.freeTemporaries();
    for (const variable of [...this.weights, ...(this.moments ? [...this.moments.first, ...this.moments.second] : [])]) {
      this.ops.destroyVariable(variable);
    }
    this.ops.free(...this.constants.values());
    this.constants.clear();
  }

  /** Forward with a tape, then the tape in reverse: every weight's gradient of the batch's mean loss. */
  private backward(images: tf.Tensor4D, oneHotLabels: tf.Tensor2D, dropoutSeed: number) {
    const ops = this.ops;
    const gradients: Handle[] = new Array(this.weightShapes.length);
    const tape: Backward[] = [];
    const logits = this.forward(images, { dropoutSeed, tape, gradients });
    const { losses, gradient } = ops.softmaxCrossEntropy(logits, ops.handleOf(oneHotLabels));
    const probabilities = ops.softmax(logits);
    // The loss is the batch mean, so each example's gradient is divided by the batch size.
    let outputGradient: Handle | null = ops.multiply(gradient, this.scalar(1 / images.shape[0]));
    ops.free(gradient);
    for (let index = tape.length - 1; index >= 0 && outputGradient !== null; index -= 1) outputGradient = tape[index](outputGradient);
    // Forward values (including the weights read for this step) go before the in-place update, so
    // TensorFlow need not copy a variable that a read still shares.
    this.freeTemporaries();
    return { gradients, probabilities, losses };
  }

  /** The description's layers in order; returns the logits (the softmax is taken by the loss and by `outputs`). */
  private forward(images: tf.Tensor4D, training: { dropoutSeed: number; tape: Backward[]; gradients: Handle[] } | null): Handle {
    const batch = images.shape[0];
    const weights = this.weights.map((variable) => this.keep(this.ops.readVariable(variable)));
    const pass: Omit<Pass, 'weights'> = {
      ops: this.ops, batch,
      training: training && {
        dropoutSeed: training.dropoutSeed,
        // Each backward step frees the gradient it was given.
        record: (backward) => training.tape.push((gradient) => { const input = backward(gradient); this.ops.free(gradient); return input; }),
        setGradient: (index, gradient) => { training.gradients[index] = gradient; },
      },
      keep: (handle) => this.keep(handle),
      shape: (shape) => this.shape(shape),
      batchShape: (shape) => this.shape([batch, ...shape]),
    };
    let x = this.ops.handleOf(images);
    for (const placed of this.layers) {
      const layerPass = LAYER_PASSES[placed.layer.kind] as LayerPass<Layer['kind']> | undefined;
      if (!layerPass) continue; // the softmax
      x = layerPass({ ...pass, weights: weights.slice(placed.firstWeight, placed.firstWeight + placed.weightShapes.length) }, x, placed);
    }
    return x;
  }

  private applyAdam(gradients: Handle[], settings: StepSettings): void {
    const ops = this.ops;
    const moments = this.ensureMoments();
    const powers = [ops.scalar(ADAM.beta1 ** settings.step), ops.scalar(ADAM.beta2 ** settings.step)];
    const scalars = [...powers, this.scalar(settings.learningRate), this.scalar(ADAM.beta1), this.scalar(ADAM.beta2), this.scalar(ADAM.epsilon)];
    this.weights.forEach((weight, index) => ops.applyAdam(weight, moments.first[index], moments.second[index], scalars, gradients[index]));
    ops.free(...powers);
  }

  private toVariables(values: tf.Tensor[]): Handle[] {
    if (values.length !== this.weightShapes.length) throw new Error(`expected ${this.weightShapes.length} weight tensors, got ${values.length}`);
    return values.map((value, index) => {
      const shape = this.weightShapes[index];
      if (value.size !== sizeOf(shape)) throw new Error(`weight ${index}: expected shape [${shape}], got [${value.shape}]`);
      return this.ops.variable(shape, value.dataSync() as Float32Array);
    });
  }

  private ensureMoments(): { first: Handle[]; second: Handle[] } {
    const zeros = () => this.weightShapes.map((shape) => this.ops.variable(shape, new Float32Array(sizeOf(shape))));
    this.moments ??= { first: zeros(), second: zeros() };
    return this.moments;
  }

  private outputs(probabilities: Handle, losses: Handle, batch: number): BatchOutputs {
    return {
      probabilities: this.ops.toTensor(probabilities, [batch, NUM_CLASSES]) as tf.Tensor2D,
      losses: this.ops.toTensor(losses, [batch]) as tf.Tensor1D,
    };
  }

  private read(variables: Handle[]): tf.Tensor[] {
    return variables.map((variable, index) => this.ops.toTensor(this.ops.readVariable(variable), this.weightShapes[index]));
  }

  private keep(handle: Handle): Handle {
    this.temporaries.push(handle);
    return handle;
  }

  private freeTemporaries(): void {
    this.ops.free(...this.temporaries);
    this.temporaries = [];
  }

  private shape(dimensions: number[]): Handle {
    const key = `shape ${dimensions}`;
    if (!this.constants.has(key)) this.constants.set(key, this.ops.ints(dimensions));
    return this.constants.get(key)!;
  }

  private scalar(value: number): Handle {
    const key = `scalar ${value}`;
    if (!this.constants.has(key)) this.constants.set(key, this.ops.scalar(value));
    return this.constants.get(key)!;
  }
}
