/**
 * Adam with tfjs' own arithmetic, applied to all of a model's weights in one go.
 *
 * Why: at batch 32 a LeNet-5 step is short of arithmetic and long on kernel calls, each of which
 * costs tens of microseconds of fixed overhead in tfjs-node. tfjs' AdamOptimizer issues 14 kernels
 * per weight tensor per step — 140 for LeNet-5's ten — about 40 % of the step's kernels. This one
 * concatenates the gradients into one vector, runs the same element-wise formula once and splits the
 * update back (about 50 kernels). Element-wise arithmetic does not depend on how the elements are
 * grouped, so the weights come out bit-identical to tfjs' Adam (test/lean-step.test.ts).
 *
 * Checkpoints keep tfjs' format: getWeights() hands out one first and one second moment per weight
 * (`<name>/m`, `<name>/v`), and setWeights() takes them back — and, unlike tfjs' Adam, restores the
 * bias-correction powers exactly, so a resumed run continues bit for bit (see setWeights).
 */
import * as tf from '@tensorflow/tfjs-node';
import type { NamedTensor, NamedTensorMap } from '@tensorflow/tfjs-core/dist/tensor_types';

interface MomentEntry {
  originalName: string;
  variable: tf.Variable;
}

/** AdamOptimizer's private state, which this subclass reads and keeps in tfjs' shape. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: MomentEntry[];
  accumulatedSecondMoment: MomentEntry[];
  iterations_: number;
  incrementIterations(): void;
}

interface WeightLayout {
  name: string;
  shape: number[];
  size: number;
}

export class FlatAdam extends tf.AdamOptimizer {
  private flatFirstMoment: tf.Variable | null = null;
  private flatSecondMoment: tf.Variable | null = null;
  private layout: WeightLayout[] = [];

  /** Defaults as tf.train.adam (epsilon null: the backend's epsilon). */
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) {
    super(learningRate, beta1, beta2, epsilon as number);
  }

  private get state(): AdamState {
    return this as unknown as AdamState;
  }

  applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const gradients = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    if (this.flatFirstMoment === null) this.startFlatMoments(gradients);
    const state = this.state;
    tf.tidy(() => {
      const gradient = tf.concat(gradients.map(({ name, tensor }, index) => {
        if (tensor == null || name !== this.layout[index].name) throw new Error(`FlatAdam: unexpected gradient for ${name}`);
        return tensor.reshape([-1]);
      }));
      // From here to `update`: tfjs' AdamOptimizer.applyGradients, operation for operation.
      const oneMinusAccBeta1 = tf.sub(1, state.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, state.accBeta2);
      const firstMoment = this.flatFirstMoment!;
      const secondMoment = this.flatSecondMoment!;
      const newFirstMoment = tf.add(tf.mul(firstMoment, state.beta1), tf.mul(gradient, 1 - state.beta1));
      const newSecondMoment = tf.add(tf.mul(secondMoment, state.beta2), tf.mul(tf.square(gradient), 1 - state.beta2));
      const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
      const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
      firstMoment.assign(newFirstMoment);
      secondMoment.assign(newSecondMoment);
      const update = tf.mul(tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), state.epsilon)), -state.learningRate);
      const parts = tf.split(update, this.layout.map((weight) => weight.size));
      this.layout.forEach((weight, index) => {
        const value = tf.engine().registeredVariables[weight.name];
        value.assign(tf.add(parts[index].reshape(weight.shape), value));
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    state.incrementIterations();
  }

  /** Moments as tfjs' Adam stores them (one variable per weight), copied out of the flat vectors. */
  async getWeights(): Promise<NamedTensor[]> {
    if (this.flatFirstMoment !== null) {
      const state = this.state;
      tf.tidy(() => {
        const sizes = this.layout.map((weight) => weight.size);
        const firstParts = tf.split(this.flatFirstMoment!, sizes);
        const secondParts = tf.split(this.flatSecondMoment!, sizes);
        this.layout.forEach((weight, index) => {
          storeMoment(state.accumulatedFirstMoment, index, `${weight.name}/m`, firstParts[index].reshape(weight.shape));
          storeMoment(state.accumulatedSecondMoment, index, `${weight.name}/v`, secondParts[index].reshape(weight.shape));
        });
      });
    }
    return super.getWeights();
  }

  /** Takes moments in tfjs' format; the flat vectors are rebuilt from them at the next step. */
  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await super.setWeights(weightValues);
    this.disposeFlatMoments();
    // tfjs sets beta^(t+1) with one Pow, while the steps build it as a running product, one
    // multiplication per step; the two round differently (for beta2 = 0.999 at almost every t), so a
    // resumed run would drift from an uninterrupted one. Replay the product with the same kernel.
    const state = this.state;
    const replayedPower = (beta: number) => tf.tidy(() => {
      let power: tf.Tensor = tf.scalar(beta);
      for (let step = 0; step < state.iterations_; step += 1) power = tf.mul(power, beta);
      return power;
    });
    for (const [variable, beta] of [[state.accBeta1, state.beta1], [state.accBeta2, state.beta2]] as const) {
      const power = replayedPower(beta);
      variable.assign(power);
      power.dispose();
    }
  }

  dispose(): void {
    super.dispose();
    this.disposeFlatMoments();
  }

  private startFlatMoments(gradients: NamedTensor[]): void {
    this.layout = gradients.map(({ name, tensor }) => ({ name, shape: tensor.shape, size: tensor.size }));
    const state = this.state;
    const resumed = state.accumulatedFirstMoment.length === gradients.length;
    const total = this.layout.reduce((sum, weight) => sum + weight.size, 0);
    const flatten = (entries: MomentEntry[]) => (resumed
      ? tf.concat(entries.map((entry) => entry.variable.reshape([-1])))
      : tf.zeros([total]));
    this.flatFirstMoment = tf.tidy(() => flatten(state.accumulatedFirstMoment).variable(false));
    this.flatSecondMoment = tf.tidy(() => flatten(state.accumulatedSecondMoment).variable(false));
  }

  private disposeFlatMoments(): void {
    this.flatFirstMoment?.dispose();
    this.flatSecondMoment?.dispose();
    this.flatFirstMoment = null;
    this.flatSecondMoment = null;
  }
}

function storeMoment(entries: MomentEntry[], index: number, originalName: string, value: tf.Tensor): void {
  if (entries[index]) entries[index].variable.assign(value);
  else entries[index] = { originalName, variable: value.variable(false) };
}
