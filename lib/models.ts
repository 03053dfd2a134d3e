/**
 * The five LeNet-5 variants of the study, layer by layer as its model tables.
 *
 * Every call builds a fresh model (k-fold needs fresh weights per fold). Initial weights are seeded
 * (Glorot-uniform kernels, zero biases: Keras' defaults), so a seed fixes them. The tfjs model holds
 * the architecture and the weights (summaries, checkpoints, the saved models), with standard layers
 * only, so a saved model loads with plain `tf.loadLayersModel`; training runs the same layers
 * natively (lib/native-lenet.ts), from the same design, and draws its dropout masks there.
 */
import * as tf from './tensorflow';
import { IMAGE_SIDE, NUM_CLASSES } from './idx-files';

export const VARIANTS = ['baseline', 'relu', 'maxpooling', 'dropout', 'leakyrelu'] as const;
export type VariantName = (typeof VARIANTS)[number];

/** The seed's display names, as in its tables. */
export const VARIANT_TITLES: Record<VariantName, string> = {
  baseline: 'Baseline', relu: 'ReLU', maxpooling: 'MaxPooling', dropout: 'Dropout', leakyrelu: 'LeakyReLU',
};

/** Adam's learning rate in the study (Keras' default). */
export const DEFAULT_LEARNING_RATE = 0.001;

/** Keras' LeakyReLU default slope, which the seed keeps. */
export const LEAKY_RELU_ALPHA = 0.3;

export interface VariantDesign {
  activation: 'tanh' | 'relu' | 'leakyrelu';
  pooling: 'average' | 'max';
  /** Dropout rate after conv1, conv2, conv3, flatten and dense-84 (the seed's table has five). */
  dropoutRates: [number, number, number, number, number] | null;
}

const DESIGNS: Record<VariantName, VariantDesign> = {
  baseline: { activation: 'tanh', pooling: 'average', dropoutRates: null },
  relu: { activation: 'relu', pooling: 'average', dropoutRates: null },
  maxpooling: { activation: 'tanh', pooling: 'max', dropoutRates: null },
  // The seed's text names four dropout layers (three at 0.25, the last at 0.5) but its table shows
  // five; we follow the table, with the extra one after Flatten at 0.25 like the other early ones.
  dropout: { activation: 'tanh', pooling: 'average', dropoutRates: [0.25, 0.25, 0.25, 0.25, 0.5] },
  leakyrelu: { activation: 'leakyrelu', pooling: 'average', dropoutRates: null },
};

/** What distinguishes a variant: activation, pooling, dropout. @throws on an unknown name. */
export function variantDesign(variant: VariantName): VariantDesign {
  const design = DESIGNS[variant];
  if (!design) throw new Error(`unknown variant "${variant}"; expected one of ${VARIANTS.join(', ')}`);
  return design;
}

export interface BuildModelOptions {
  /** Seeds the initial weights. */
  seed: number;
}

/**
 * Builds one variant.
 * Input [batch, 28, 28, 1] in [0, 1]; output [batch, 10] class probabilities (softmax).
 * @throws on an unknown variant name.
 */
export function buildModel(variant: VariantName, options: BuildModelOptions): tf.LayersModel {
  const design = variantDesign(variant);
  const counters = new Map<string, number>();
  // Keras-style names (conv2d_1, dense_2, …) so the summary reads like the seed's tables.
  const nameFor = (kind: string) => {
    const count = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, count);
    return `${kind}_${count}`;
  };
  let layerSeed = options.seed * 100;
  const kernelInitializer = () => tf.initializers.glorotUniform({ seed: layerSeed++ });
  // LeakyReLU is a separate layer in the seed's table; tanh and ReLU sit inside the layer.
  const inlineActivation = design.activation === 'leakyrelu' ? 'linear' : design.activation;

  const model = tf.sequential({ name: VARIANT_TITLES[variant] });
  let dropoutIndex = 0;
  const addActivationAndDropout = () => {
    if (design.activation === 'leakyrelu') model.add(tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: nameFor('leaky_re_lu') }));
    if (design.dropoutRates) {
      model.add(tf.layers.dropout({ rate: design.dropoutRates[dropoutIndex++], name: nameFor('dropout') }));
    }
  };
  const pool = () => (design.pooling === 'average'
    ? tf.layers.averagePooling2d({ poolSize: 2, strides: 2, name: nameFor('average_pooling2d') })
    : tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: nameFor('max_pooling2d') }));
  const convolution = (filters: number, padding: 'same' | 'valid', inputShape?: number[]) => tf.layers.conv2d({
    filters, kernelSize: 5, strides: 1, padding, activation: inlineActivation,
    kernelInitializer: kernelInitializer(), biasInitializer: 'zeros', name: nameFor('conv2d'),
    ...(inputShape ? { inputShape } : {}),
  });

  // 'same' with a 5×5 kernel and stride 1 pads exactly 2 pixels per side: 28×28 → 32×32 → 28×28.
  model.add(convolution(6, 'same', [IMAGE_SIDE, IMAGE_SIDE, 1]));
  addActivationAndDropout();
  model.add(pool());
  model.add(convolution(16, 'valid'));
  addActivationAndDropout();
  model.add(pool());
  model.add(convolution(120, 'valid'));
  addActivationAndDropout();
  model.add(tf.layers.flatten({ name: nameFor('flatten') }));
  if (design.dropoutRates) {
    model.add(tf.layers.dropout({ rate: design.dropoutRates[dropoutIndex++], name: nameFor('dropout') }));
  }
  model.add(tf.layers.dense({ units: 84, activation: inlineActivation, kernelInitializer: kernelInitializer(), name: nameFor('dense') }));
  addActivationAndDropout();
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', kernelInitializer: kernelInitializer(), name: nameFor('dense') }));

  return model;
}

/** One row of a Keras-style model summary. */
export interface SummaryRow {
  layer: string;
  type: string;
  outputShape: string;
  params: number;
}

/** The model's layers as data: name, Keras type, output shape "(None, 28, 28, 6)", parameter count. */
export function summarizeModel(model: tf.LayersModel): SummaryRow[] {
  return model.layers.map((layer) => {
    const shape = layer.outputShape as (number | null)[];
    return {
      layer: layer.name,
      type: layer.getClassName(),
      outputShape: `(${shape.map((size) => (size === null ? 'None' : String(size))).join(', ')})`,
      params: layer.countParams(),
    };
  });
}

/** Total trainable parameters. */
export function countParameters(model: tf.LayersModel): number {
  return model.layers.reduce((sum, layer) => sum + layer.countParams(), 0);
}
