/**
 * TensorFlow ops issued straight to tfjs-node's native binding, for the training step.
 *
 * Why: at batch 32 a LeNet-5 step is short of arithmetic and long on op calls. Through tfjs, every
 * op also passes its engine (kernel lookup, gradient tape, tensor bookkeeping: about 6 µs on top
 * of the binding's 5 µs, measured), and its automatic differentiation builds gradients from
 * general-purpose ops (ReLU's as a comparison, a cast and a multiplication on full-size tensors).
 * TensorFlow has a dedicated kernel for each of those gradients (ReluGrad, TanhGrad, BiasAddGrad,
 * AvgPoolGrad, ...) and for Adam's whole update (ResourceApplyAdam); this module calls them by name.
 *
 * A `Handle` is a TensorFlow eager tensor the binding holds; whoever makes one frees it (`free`).
 * `toTensor` hands one over to tfjs, which then owns it like any tensor it made itself.
 */
import * as tf from '../../base/tensorflow';

export type Handle = number;

interface TensorMetadata {
  id: number;
  shape: number[];
  dtype: number;
}

interface OpAttribute {
  name: string;
  type: number;
  value: unknown;
}

/** The part of tfjs-node's binding (lib/napi-v8/tfjs_binding.node) used here. */
interface Binding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_INT: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_STRING: number;
  TF_ATTR_SHAPE: number;
  executeOp(name: string, attributes: OpAttribute[], inputs: Handle[], outputs: number): TensorMetadata[];
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array): Handle;
  deleteTensor(handle: Handle): void;
  /** The libtensorflow version the binding runs on. */
  TF_Version: string;
  /** TensorFlow eager tensors the binding holds right now, whoever made them (tfjs or this module). */
  getNumOfTensors(): number;
}

interface NodeBackend {
  binding: Binding;
  getInputTensorIds(tensors: tf.Tensor[]): Handle[];
  createOutputTensor(metadata: TensorMetadata): tf.Tensor;
}

export type Padding = 'SAME' | 'VALID';

/**
 * The tfjs-node release whose internals this module is written against: its backend's
 * getInputTensorIds/createOutputTensor and its binding's functions above are not public API, and a
 * new release may change them or what they compute. `nativeBackend()` checks this once.
 */
export const TESTED_TFJS_NODE = '4.22.0';

/** tfjs-node's internals differ from the tested release's: the message says what was found and what to do. */
export class NativeInternalsError extends Error {
  constructor(problem: string) {
    super(`the native training step (lib/model/native/ops.ts) uses internals of tfjs-node ${TESTED_TFJS_NODE}, but ${problem}. ` +
      `Install the tested version (npm ci), or check lib/model/native/ops.ts against the new release, run make test, and update TESTED_TFJS_NODE`);
    this.name = 'NativeInternalsError';
  }
}

const BINDING_FUNCTIONS = ['executeOp', 'createTensor', 'deleteTensor', 'getNumOfTensors'] as const;
const BACKEND_FUNCTIONS = ['getInputTensorIds', 'createOutputTensor'] as const;
let checkedBackend: NodeBackend | null = null;

/** tfjs-node's backend and binding, checked against the tested release (once per process). */
function nativeBackend(): NodeBackend {
  if (checkedBackend) return checkedBackend;
  const found = (tf.version as Record<string, string>)['tfjs-node'];
  if (found !== TESTED_TFJS_NODE) throw new NativeInternalsError(`tfjs-node ${found} is installed`);
  if (tf.getBackend() !== 'tensorflow') throw new NativeInternalsError(`the active backend is '${tf.getBackend()}', not 'tensorflow'`);
  const backend = tf.backend() as unknown as Partial<NodeBackend>;
  const missing = [
    ...BACKEND_FUNCTIONS.filter((name) => typeof backend[name] !== 'function').map((name) => `backend.${name}`),
    ...BINDING_FUNCTIONS.filter((name) => typeof backend.binding?.[name] !== 'function').map((name) => `binding.${name}`),
  ];
  if (missing.length > 0) throw new NativeInternalsError(`its ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  checkedBackend = backend as NodeBackend;
  return checkedBackend;
}

/** The libraries that compute every run, as versions (part of each run's cache key and record). */
export function libraryVersions(): { tfjsNode: string; tensorflow: string } {
  return { tfjsNode: TESTED_TFJS_NODE, tensorflow: nativeBackend().binding.TF_Version };
}

/** TensorFlow's own count of the eager tensors tfjs-node's binding holds (all of them, not only ours). */
export function liveTensorFlowTensors(): number {
  return nativeBackend().binding.getNumOfTensors();
}

let variableCount = 0;

export class NativeOps {
  private readonly backend: NodeBackend;
  private readonly binding: Binding;
  private readonly float: OpAttribute;
  private readonly channelsLast: OpAttribute;
  private readonly unitStrides: OpAttribute[];

  constructor() {
    this.backend = nativeBackend();
    this.binding = this.backend.binding;
    const b = this.binding;
    this.float = { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT };
    this.channelsLast = { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NHWC' };
    this.unitStrides = [
      { name: 'strides', type: b.TF_ATTR_INT, value: [1, 1, 1, 1] },
      { name: 'dilations', type: b.TF_ATTR_INT, value: [1, 1, 1, 1] },
      { name: 'use_cudnn_on_gpu', type: b.TF_ATTR_BOOL, value: true },
      { name: 'explicit_paddings', type: b.TF_ATTR_INT, value: [] },
      this.channelsLast,
    ];
  }

  private run(name: string, attributes: OpAttribute[], inputs: Handle[]): Handle {
    return this.execute(name, attributes, inputs, 1)[0];
  }

  private execute(name: string, attributes: OpAttribute[], inputs: Handle[], outputs: number): Handle[] {
    return this.binding.executeOp(name, attributes, inputs, outputs).map((output) => output.id);
  }

  private padding(padding: Padding): OpAttribute {
    return { name: 'padding', type: this.binding.TF_ATTR_STRING, value: padding };
  }

  free(...handles: Handle[]): void {
    for (const handle of handles) this.binding.deleteTensor(handle);
  }

  /** The handle of a tfjs tensor (still owned by tfjs: do not free it). */
  handleOf(tensor: tf.Tensor): Handle {
    return this.backend.getInputTensorIds([tensor])[0];
  }

  /** Gives a handle to tfjs: the returned tensor owns it. */
  toTensor(handle: Handle, shape: number[]): tf.Tensor {
    return this.backend.createOutputTensor({ id: handle, shape, dtype: this.binding.TF_FLOAT });
  }

  floats(shape: number[], values: Float32Array): Handle {
    return this.binding.createTensor(shape, this.binding.TF_FLOAT, values);
  }

  scalar(value: number): Handle {
    return this.floats([], new Float32Array([value]));
  }

  ints(values: number[]): Handle {
    return this.binding.createTensor([values.length], this.binding.TF_INT32, Int32Array.from(values));
  }

  conv2d(input: Handle, filter: Handle, padding: Padding): Handle {
    return this.run('Conv2D', [this.float, this.padding(padding), ...this.unitStrides], [input, filter]);
  }

  /** Gradient with respect to the filter; `filterShape` is an int32 vector handle. */
  conv2dFilterGradient(input: Handle, filterShape: Handle, gradient: Handle, padding: Padding): Handle {
    return this.run('Conv2DBackpropFilter', [this.float, this.padding(padding), ...this.unitStrides], [input, filterShape, gradient]);
  }

  /** Gradient with respect to the input; `inputShape` is an int32 vector handle. */
  conv2dInputGradient(inputShape: Handle, filter: Handle, gradient: Handle, padding: Padding): Handle {
    return this.run('Conv2DBackpropInput', [this.float, this.padding(padding), ...this.unitStrides], [inputShape, filter, gradient]);
  }

  biasAdd(input: Handle, bias: Handle): Handle {
    return this.run('BiasAdd', [this.float, this.channelsLast], [input, bias]);
  }

  biasGradient(gradient: Handle): Handle {
    return this.run('BiasAddGrad', [this.float, this.channelsLast], [gradient]);
  }

  matMul(a: Handle, b: Handle, transposeA = false, transposeB = false): Handle {
    const flag = (name: string, value: boolean) => ({ name, type: this.binding.TF_ATTR_BOOL, value });
    return this.run('MatMul', [this.float, flag('transpose_a', transposeA), flag('transpose_b', transposeB)], [a, b]);
  }

  reshape(input: Handle, shape: Handle): Handle {
    return this.run('Reshape', [this.float, { name: 'Tshape', type: this.binding.TF_ATTR_TYPE, value: this.binding.TF_INT32 }], [input, shape]);
  }

  relu(input: Handle): Handle {
    return this.run('Relu', [this.float], [input]);
  }

  /** `output` may be ReLU's output: it is positive exactly where its input is. */
  reluGradient(gradient: Handle, output: Handle): Handle {
    return this.run('ReluGrad', [this.float], [gradient, output]);
  }

  tanh(input: Handle): Handle {
    return this.run('Tanh', [this.float], [input]);
  }

  /** (1 - output²) · gradient. */
  tanhGradient(output: Handle, gradient: Handle): Handle {
    return this.run('TanhGrad', [this.float], [output, gradient]);
  }

  leakyRelu(input: Handle, alpha: number): Handle {
    return this.run('LeakyRelu', [this.float, { name: 'alpha', type: this.binding.TF_ATTR_FLOAT, value: alpha }], [input]);
  }

  /** Needs LeakyReLU's input (its output's sign is the same, but this kernel reads the input). */
  leakyReluGradient(gradient: Handle, input: Handle, alpha: number): Handle {
    return this.run('LeakyReluGrad', [this.float, { name: 'alpha', type: this.binding.TF_ATTR_FLOAT, value: alpha }], [gradient, input]);
  }

  /** Attributes of a `size`×`size` pooling window with stride `size` (non-overlapping). */
  private pooling(size: number): OpAttribute[] {
    return [
      this.float, this.channelsLast,
      { name: 'ksize', type: this.binding.TF_ATTR_INT, value: [1, size, size, 1] },
      { name: 'strides', type: this.binding.TF_ATTR_INT, value: [1, size, size, 1] },
      { name: 'padding', type: this.binding.TF_ATTR_STRING, value: 'VALID' },
    ];
  }

  averagePool(input: Handle, size: number): Handle {
    return this.run('AvgPool', this.pooling(size), [input]);
  }

  averagePoolGradient(inputShape: Handle, gradient: Handle, size: number): Handle {
    return this.run('AvgPoolGrad', this.pooling(size), [inputShape, gradient]);
  }

  maxPool(input: Handle, size: number): Handle {
    return this.run('MaxPool', this.pooling(size), [input]);
  }

  maxPoolGradient(input: Handle, output: Handle, gradient: Handle, size: number): Handle {
    return this.run('MaxPoolGrad', this.pooling(size), [input, output, gradient]);
  }

  multiply(a: Handle, b: Handle): Handle {
    return this.run('Mul', [this.float], [a, b]);
  }

  softmax(logits: Handle): Handle {
    return this.run('Softmax', [this.float], [logits]);
  }

  /** Per-example cross-entropy of softmax(logits) against one-hot labels, and its gradient. */
  softmaxCrossEntropy(logits: Handle, labels: Handle): { losses: Handle; gradient: Handle } {
    const [losses, gradient] = this.execute('SoftmaxCrossEntropyWithLogits', [this.float], [logits, labels], 2);
    return { losses, gradient };
  }

  /**
   * A [batch, ...] mask of 0 and 1/keep with P(1/keep) = keep, drawn from a counter-based generator:
   * the same seed pair gives the same mask, whatever happened before.
   */
  dropoutMask(shape: Handle, keep: number, seed: [number, number]): Handle {
    const b = this.binding;
    const seedHandle = this.ints(seed);
    const [uniform] = this.execute('StatelessRandomUniform', [
      { name: 'dtype', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
      { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_INT32 },
      { name: 'Tseed', type: b.TF_ATTR_TYPE, value: b.TF_INT32 },
    ], [shape, seedHandle], 1);
    const keepHandle = this.scalar(keep);
    const kept = this.run('Less', [this.float], [uniform, keepHandle]);
    const [ones] = this.execute('Cast', [
      { name: 'SrcT', type: b.TF_ATTR_TYPE, value: b.TF_BOOL },
      { name: 'DstT', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
      { name: 'Truncate', type: b.TF_ATTR_BOOL, value: false },
    ], [kept], 1);
    const scale = this.scalar(1 / keep);
    const mask = this.multiply(ones, scale);
    this.free(seedHandle, uniform, keepHandle, kept, ones, scale);
    return mask;
  }

  /** A resource variable holding `initial` (TensorFlow's own variables: updated in place). */
  variable(shape: number[], initial: Float32Array): Handle {
    const b = this.binding;
    const dtype = { name: 'dtype', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT };
    // Each variable needs its own name: in eager mode, handles with the same name share storage.
    const handle = this.run('VarHandleOp', [
      dtype, { name: 'shape', type: b.TF_ATTR_SHAPE, value: shape },
      { name: 'container', type: b.TF_ATTR_STRING, value: '' },
      { name: 'shared_name', type: b.TF_ATTR_STRING, value: `lenet-variable-${(variableCount += 1)}` },
    ], []);
    const value = this.floats(shape, initial);
    b.executeOp('AssignVariableOp', [dtype, { name: 'validate_shape', type: b.TF_ATTR_BOOL, value: false }], [handle, value], 0);
    this.free(value);
    return handle;
  }

  /**
   * Frees a resource variable. Its storage belongs to TensorFlow's resource manager, which keeps it
   * until it is destroyed: freeing the handle alone would leak the values.
   */
  destroyVariable(variable: Handle): void {
    this.binding.executeOp('DestroyResourceOp', [{ name: 'ignore_lookup_error', type: this.binding.TF_ATTR_BOOL, value: false }], [variable], 0);
    this.free(variable);
  }

  readVariable(variable: Handle): Handle {
    return this.run('ReadVariableOp', [{ name: 'dtype', type: this.binding.TF_ATTR_TYPE, value: this.binding.TF_FLOAT }], [variable]);
  }

  /**
   * One Adam step on a variable, in place (TensorFlow's ApplyAdam kernel, the arithmetic of Keras'
   * Adam): m += (g - m)(1 - β1); v += (g² - v)(1 - β2); w -= lr·√(1 - β2^t)/(1 - β1^t) · m / (√v + ε).
   * `scalars` are float scalar handles: [β1^t, β2^t, lr, β1, β2, ε].
   */
  applyAdam(variable: Handle, firstMoment: Handle, secondMoment: Handle, scalars: Handle[], gradient: Handle): void {
    const flag = (name: string) => ({ name, type: this.binding.TF_ATTR_BOOL, value: false });
    this.binding.executeOp('ResourceApplyAdam', [this.float, flag('use_locking'), flag('use_nesterov')],
      [variable, firstMoment, secondMoment, ...scalars, gradient], 0);
  }
}
