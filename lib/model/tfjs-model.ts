/**
 * The tfjs model of a variant, built from its description (lib/model/network.ts), layer by layer as the
 * original's model tables: the same layer types, output shapes and parameter counts.
 *
 * Every call builds a fresh model (k-fold needs fresh weights per fold). Initial weights are seeded
 * (Glorot-uniform kernels, zero biases: Keras' defaults), so a seed fixes them. The tfjs model holds
 * the architecture and the weights (summaries, checkpoints, the saved models), with standard layers
 * only, so a saved model loads with plain `tf.loadLayersModel`; training runs the same layers
 * natively (lib/model/native/lenet.ts) and draws its dropout masks there.
 */
import * as tf from '../base/tensorflow';
import { INPUT_SHAPE, isNamedVariant, LEAKY_RELU_ALPHA, Layer, VARIANT_TITLES, variantLayers } from './network';

export { defineVariant, LEAKY_RELU_ALPHA, VARIANT_TITLES, VARIANTS, variantDesign, variantTitle } from './network';
export type { VariantDesign, VariantName } from './network';

export interface BuildModelOptions {
  /** Seeds the initial weights. */
  seed: number;
}

/** Keras-style layer names (conv2d_1, dense_2, …), so a summary reads like the original's tables. */
function layerNamer(): (kind: string) => string {
  const counters = new Map<string, number>();
  return (kind) => {
    const count = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, count);
    return `${kind}_${count}`;
  };
}

/**
 * tfjs layers for the description. As in Keras (and the original's tables), tanh and ReLU sit
 * inside the convolution or dense layer before them, LeakyReLU is a layer of its own, and the
 * softmax is the last dense layer's activation.
 */
function tfjsLayers(layers: Layer[], seed: number): tf.layers.Layer[] {
  const nameFor = layerNamer();
  let layerSeed = seed * 100;
  const result: tf.layers.Layer[] = [];
  layers.forEach((layer, index) => {
    const next = layers[index + 1];
    const inline: 'softmax' | 'tanh' | 'relu' | 'linear' = next?.kind === 'softmax' ? 'softmax'
      : next?.kind === 'activation' && next.activation !== 'leakyrelu' ? next.activation : 'linear';
    const weights = { kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed }), biasInitializer: 'zeros' as const, activation: inline };
    switch (layer.kind) {
      case 'conv2d':
        layerSeed += 1;
        result.push(tf.layers.conv2d({ ...weights, filters: layer.filters, kernelSize: layer.kernelSize, strides: 1, padding: layer.padding,
          name: nameFor('conv2d'), ...(index === 0 ? { inputShape: INPUT_SHAPE } : {}) }));
        break;
      case 'dense':
        layerSeed += 1;
        result.push(tf.layers.dense({ ...weights, units: layer.units, name: nameFor('dense') }));
        break;
      case 'activation':
        if (layer.activation === 'leakyrelu') result.push(tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: nameFor('leaky_re_lu') }));
        break;
      case 'pool': {
        const pool = { poolSize: layer.size, strides: layer.size };
        result.push(layer.pooling === 'average'
          ? tf.layers.averagePooling2d({ ...pool, name: nameFor('average_pooling2d') })
          : tf.layers.maxPooling2d({ ...pool, name: nameFor('max_pooling2d') }));
        break;
      }
      case 'dropout':
        result.push(tf.layers.dropout({ rate: layer.rate, name: nameFor('dropout') }));
        break;
      case 'flatten':
        result.push(tf.layers.flatten({ name: nameFor('flatten') }));
        break;
      case 'softmax':
        break;
    }
  });
  return result;
}

/** The model's name: the original's title for the five (as its tables), the reader's variant name otherwise. */
const modelName = (variant: string) => (isNamedVariant(variant) ? VARIANT_TITLES[variant] : variant);

/**
 * Builds one variant (one of the five, or a reader's declared with defineVariant).
 * Input [batch, 28, 28, 1] in [0, 1]; output [batch, 10] class probabilities (softmax).
 * @throws VariantDesignError on an unknown variant name.
 */
export function buildModel(variant: string, options: BuildModelOptions): tf.LayersModel {
  return tf.sequential({ name: modelName(variant), layers: tfjsLayers(variantLayers(variant), options.seed) });
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
