/**
 * A LeNet-5 variant trained natively: forward pass, backward pass and Adam issued as TensorFlow ops
 * (lib/native-ops.ts), with each gradient written out by hand, layer by layer.
 *
 * Why by hand: tfjs' automatic differentiation builds every gradient from general-purpose ops and
 * runs each op through its engine; at batch 32 that bookkeeping, not arithmetic, filled most of a
 * step. Writing the backward pass of these few layer types out is short (see `forward`), and cuts a
 * step to about 60 TensorFlow ops, each a dedicated gradient kernel. test/native-lenet.test.ts
 * holds it to tfjs' automatic differentiation of the same forward pass.
 *
 * The arithmetic is the seed's (Keras'): the loss is softmax cross-entropy computed from the last
 * layer's logits in one op (Keras does this for a softmax output trained with categorical
 * cross-entropy), and Adam is TensorFlow's ApplyAdam kernel, the formula of Keras' Adam, with its
 * defaults (β1 0.9, β2 0.999, ε 1e-7).
 *
 * Weights and Adam's moments live in TensorFlow resource variables, updated in place; they are
 * copied out (weightValues, momentValues) at epoch ends for checkpoints and the tfjs model.
 */
import * as tf from './tensorflow';
import { IMAGE_SIDE, NUM_CLASSES } from './idx-files';
import { LEAKY_RELU_ALPHA, VariantDesign, VariantName, variantDesign } from './models';
import { Handle, NativeOps, Padding } from './native-ops';

/** Keras' Adam defaults. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** Weight shapes in tfjs' order (model.getWeights()): kernel and bias of conv 1-3, dense 1-2. */
const WEIGHT_SHAPES = [[5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [5, 5, 16, 120], [120], [120, 84], [84], [84, NUM_CLASSES], [NUM_CLASSES]];

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

/** Takes the gradient of a stage's output, returns the gradient of its input (null: not needed). */
type Backward = (gradient: Handle) => Handle | null;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export class NativeLeNet {
  private readonly ops = new NativeOps();
  private readonly design: VariantDesign;
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
  constructor(variant: VariantName, weights: tf.Tensor[], moments?: { first: tf.Tensor[]; second: tf.Tensor[] }) {
    this.design = variantDesign(variant);
    const toVariables = (values: tf.Tensor[]) => values.map((value, index) => {
      const shape = WEIGHT_SHAPES[index];
      if (value.size !== size(shape)) throw new Error(`weight ${index}: expected shape [${shape}], got [${value.shape}]`);
      return this.ops.variable(shape, value.dataSync() as Float32Array);
    });
    if (weights.length !== WEIGHT_SHAPES.length) throw new Error(`expected ${WEIGHT_SHAPES.length} weight tensors, got ${weights.length}`);
    this.weights = toVariables(weights);
    if (moments) this.moments = { first: toVariables(moments.first), second: toVariables(moments.second) };
  }

  /** One Adam step on one batch. */
  trainStep(images: tf.Tensor4D, oneHotLabels: tf.Tensor2D, settings: StepSettings): BatchOutputs {
    const ops = this.ops;
    const batch = images.shape[0];
    const gradients: Handle[] = new Array(WEIGHT_SHAPES.length);
    const tape: Backward[] = [];
    const logits = this.forward(images, { tape, gradients, dropoutSeed: settings.dropoutSeed });
    const { losses, gradient } = ops.softmaxCrossEntropy(logits, ops.handleOf(oneHotLabels));
    const probabilities = ops.softmax(logits);
    // The loss is the batch mean, so each example's gradient is divided by the batch size.
    let outputGradient: Handle | null = ops.multiply(gradient, this.scalar(1 / batch));
    ops.free(gradient);
    for (let index = tape.length - 1; index >= 0 && outputGradient !== null; index -= 1) outputGradient = tape[index](outputGradient);
    // Forward values (including the weights read for this step) go before the in-place update, so
    // TensorFlow need not copy a variable that a read still shares.
    this.freeTemporaries();
    this.applyAdam(gradients, settings);
    ops.free(...gradients);
    return this.outputs(probabilities, losses, batch);
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

  /**
   * The variant's layers, in the order of the seed's model tables. With a tape, each stage also
   * records its backward step, which writes its weights' gradients into `gradients`.
   */
  private forward(images: tf.Tensor4D, training: { tape: Backward[]; gradients: Handle[]; dropoutSeed: number } | null): Handle {
    const ops = this.ops;
    const { design } = this;
    const batch = images.shape[0];
    const weights = this.weights.map((variable) => this.keep(ops.readVariable(variable)));
    const record = (backward: Backward) => training?.tape.push(backward);
    let dropoutIndex = 0;

    const convolution = (input: Handle, inputShape: number[], layer: number, padding: Padding): Handle => {
      const [kernel, bias] = [weights[2 * layer], weights[2 * layer + 1]];
      const convolved = ops.conv2d(input, kernel, padding);
      const output = this.keep(ops.biasAdd(convolved, bias));
      ops.free(convolved);
      record((gradient) => {
        training!.gradients[2 * layer + 1] = ops.biasGradient(gradient);
        training!.gradients[2 * layer] = ops.conv2dFilterGradient(input, this.shape(WEIGHT_SHAPES[2 * layer]), gradient, padding);
        // The images need no gradient.
        const inputGradient = layer === 0 ? null : ops.conv2dInputGradient(this.shape(inputShape), kernel, gradient, padding);
        ops.free(gradient);
        return inputGradient;
      });
      return output;
    };
    const dense = (input: Handle, layer: number): Handle => {
      const [kernel, bias] = [weights[2 * layer], weights[2 * layer + 1]];
      const multiplied = ops.matMul(input, kernel);
      const output = this.keep(ops.biasAdd(multiplied, bias));
      ops.free(multiplied);
      record((gradient) => {
        training!.gradients[2 * layer] = ops.matMul(input, gradient, true, false);
        training!.gradients[2 * layer + 1] = ops.biasGradient(gradient);
        const inputGradient = ops.matMul(gradient, kernel, false, true);
        ops.free(gradient);
        return inputGradient;
      });
      return output;
    };
    const activation = (input: Handle): Handle => {
      let output: Handle;
      let backward: Backward;
      if (design.activation === 'relu') {
        output = ops.relu(input);
        backward = (gradient) => ops.reluGradient(gradient, output);
      } else if (design.activation === 'tanh') {
        output = ops.tanh(input);
        backward = (gradient) => ops.tanhGradient(output, gradient);
      } else {
        output = ops.leakyRelu(input, LEAKY_RELU_ALPHA);
        backward = (gradient) => ops.leakyReluGradient(gradient, input, LEAKY_RELU_ALPHA);
      }
      this.keep(output);
      record((gradient) => {
        const inputGradient = backward(gradient);
        ops.free(gradient);
        return inputGradient;
      });
      return output;
    };
    const dropout = (input: Handle, shape: number[]): Handle => {
      const rate = design.dropoutRates![dropoutIndex];
      const layerIndex = dropoutIndex;
      dropoutIndex += 1;
      if (!training) return input; // inference: dropout passes values through
      const mask = this.keep(ops.dropoutMask(this.shape(shape), 1 - rate, [training.dropoutSeed | 0, layerIndex]));
      const output = this.keep(ops.multiply(input, mask));
      record((gradient) => {
        const inputGradient = ops.multiply(gradient, mask);
        ops.free(gradient);
        return inputGradient;
      });
      return output;
    };
    const activationAndDropout = (input: Handle, shape: number[]) => {
      const activated = activation(input);
      return design.dropoutRates ? dropout(activated, shape) : activated;
    };
    const pool = (input: Handle, inputShape: number[]): Handle => {
      if (design.pooling === 'average') {
        const output = this.keep(ops.averagePool(input));
        record((gradient) => {
          const inputGradient = ops.averagePoolGradient(this.shape(inputShape), gradient);
          ops.free(gradient);
          return inputGradient;
        });
        return output;
      }
      const output = this.keep(ops.maxPool(input));
      record((gradient) => {
        const inputGradient = ops.maxPoolGradient(input, output, gradient);
        ops.free(gradient);
        return inputGradient;
      });
      return output;
    };
    const reshape = (input: Handle, from: number[], to: number[]): Handle => {
      const output = this.keep(ops.reshape(input, this.shape(to)));
      record((gradient) => {
        const inputGradient = ops.reshape(gradient, this.shape(from));
        ops.free(gradient);
        return inputGradient;
      });
      return output;
    };

    // 'SAME' with a 5×5 kernel pads 2 pixels per side: 28×28 → 32×32 → 28×28 (the seed's padding 2).
    const imageShape = [batch, IMAGE_SIDE, IMAGE_SIDE, 1];
    let x = convolution(ops.handleOf(images), imageShape, 0, 'SAME');
    x = activationAndDropout(x, [batch, 28, 28, 6]);
    x = pool(x, [batch, 28, 28, 6]);
    x = convolution(x, [batch, 14, 14, 6], 1, 'VALID');
    x = activationAndDropout(x, [batch, 10, 10, 16]);
    x = pool(x, [batch, 10, 10, 16]);
    x = convolution(x, [batch, 5, 5, 16], 2, 'VALID');
    x = activationAndDropout(x, [batch, 1, 1, 120]);
    x = reshape(x, [batch, 1, 1, 120], [batch, 120]);
    if (design.dropoutRates) x = dropout(x, [batch, 120]);
    x = dense(x, 3);
    x = activationAndDropout(x, [batch, 84]);
    return dense(x, 4);
  }

  private applyAdam(gradients: Handle[], settings: StepSettings): void {
    const ops = this.ops;
    const moments = this.ensureMoments();
    const powers = [ops.scalar(ADAM.beta1 ** settings.step), ops.scalar(ADAM.beta2 ** settings.step)];
    const scalars = [...powers, this.scalar(settings.learningRate), this.scalar(ADAM.beta1), this.scalar(ADAM.beta2), this.scalar(ADAM.epsilon)];
    this.weights.forEach((weight, index) => ops.applyAdam(weight, moments.first[index], moments.second[index], scalars, gradients[index]));
    ops.free(...powers);
  }

  private ensureMoments(): { first: Handle[]; second: Handle[] } {
    const zeros = () => WEIGHT_SHAPES.map((shape) => this.ops.variable(shape, new Float32Array(size(shape))));
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
    return variables.map((variable, index) => this.ops.toTensor(this.ops.readVariable(variable), WEIGHT_SHAPES[index]));
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
