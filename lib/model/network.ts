/**
 * The five LeNet-5 variants, described once, as data: a list of layers each. The tfjs model
 * (lib/model/tfjs-model.ts), the native training step (lib/model/native/lenet.ts) and the test's reference
 * (test/native-lenet.test.ts) are all built from this description, so they cannot disagree.
 *
 * A variant is one entry of VARIANT_DESIGNS: its activation, its pooling and its dropout rates.
 * A new variant built from the existing layer types is one more entry there.
 */
import { IMAGE_SIDE, NUM_CLASSES } from '../data/idx-files';

export const VARIANTS = ['baseline', 'relu', 'maxpooling', 'dropout', 'leakyrelu'] as const;
export type VariantName = (typeof VARIANTS)[number];

/** The original study's display names, as in its tables. */
export const VARIANT_TITLES: Record<VariantName, string> = {
  baseline: 'Baseline', relu: 'ReLU', maxpooling: 'MaxPooling', dropout: 'Dropout', leakyrelu: 'LeakyReLU',
};

/** Keras' LeakyReLU default slope, which the original keeps. */
export const LEAKY_RELU_ALPHA = 0.3;

export type Activation = 'tanh' | 'relu' | 'leakyrelu';

/** What distinguishes a variant from the others. */
export interface VariantDesign {
  activation: Activation;
  pooling: 'average' | 'max';
  /** Dropout rate after conv 1, conv 2, conv 3, Flatten and dense 1, or none. */
  dropoutRates: readonly [number, number, number, number, number] | null;
}

export const VARIANT_DESIGNS: Record<VariantName, VariantDesign> = {
  baseline: { activation: 'tanh', pooling: 'average', dropoutRates: null },
  relu: { activation: 'relu', pooling: 'average', dropoutRates: null },
  maxpooling: { activation: 'tanh', pooling: 'max', dropoutRates: null },
  // The original's text names four dropout layers (three at 0.25, the last at 0.5) but its table
  // shows five; we follow the table, with the extra one after Flatten at 0.25 like the other early ones.
  dropout: { activation: 'tanh', pooling: 'average', dropoutRates: [0.25, 0.25, 0.25, 0.25, 0.5] },
  leakyrelu: { activation: 'leakyrelu', pooling: 'average', dropoutRates: null },
};

/** One layer. Shapes leave out the batch: [height, width, channels] or [features]. */
export type Layer =
  | { kind: 'conv2d'; filters: number; kernelSize: number; padding: 'same' | 'valid' }
  | { kind: 'activation'; activation: Activation }
  | { kind: 'pool'; pooling: 'average' | 'max'; size: number }
  | { kind: 'dropout'; rate: number; index: number }
  | { kind: 'flatten' }
  | { kind: 'dense'; units: number }
  /** The output: class probabilities; training takes the cross-entropy from the logits before it. */
  | { kind: 'softmax' };

export const INPUT_SHAPE = [IMAGE_SIDE, IMAGE_SIDE, 1];

/** @throws on an unknown variant name (the message lists the known ones) */
export function variantDesign(variant: string): VariantDesign {
  if (!(VARIANTS as readonly string[]).includes(variant)) {
    throw new Error(`unknown variant "${variant}"; expected one of ${VARIANTS.join(', ')}`);
  }
  return VARIANT_DESIGNS[variant as VariantName];
}

/**
 * LeNet-5 in the variant's design, layer by layer as the original's model tables. 'same' padding
 * with a 5×5 kernel and stride 1 pads exactly 2 pixels per side: 28×28 → 32×32 → 28×28.
 */
export function variantLayers(variant: VariantName): Layer[] {
  const design = variantDesign(variant);
  const activation: Layer = { kind: 'activation', activation: design.activation };
  const dropout = (index: number): Layer[] => (design.dropoutRates ? [{ kind: 'dropout', rate: design.dropoutRates[index], index }] : []);
  const pool: Layer = { kind: 'pool', pooling: design.pooling, size: 2 };
  return [
    { kind: 'conv2d', filters: 6, kernelSize: 5, padding: 'same' }, activation, ...dropout(0), pool,
    { kind: 'conv2d', filters: 16, kernelSize: 5, padding: 'valid' }, activation, ...dropout(1), pool,
    { kind: 'conv2d', filters: 120, kernelSize: 5, padding: 'valid' }, activation, ...dropout(2),
    { kind: 'flatten' }, ...dropout(3),
    { kind: 'dense', units: 84 }, activation, ...dropout(4),
    { kind: 'dense', units: NUM_CLASSES }, { kind: 'softmax' },
  ];
}

/** The output shape of a layer for an input shape (batch left out). */
export function outputShape(layer: Layer, input: number[]): number[] {
  switch (layer.kind) {
    case 'conv2d': {
      const shrink = layer.padding === 'same' ? 0 : layer.kernelSize - 1;
      return [input[0] - shrink, input[1] - shrink, layer.filters];
    }
    case 'pool': return [Math.floor(input[0] / layer.size), Math.floor(input[1] / layer.size), input[2]];
    case 'flatten': return [input.reduce((a, b) => a * b, 1)];
    case 'dense': return [layer.units];
    default: return input;
  }
}

/** The shapes of a layer's weights (kernel, bias) for its input shape; none for layers without weights. */
export function weightShapes(layer: Layer, input: number[]): number[][] {
  if (layer.kind === 'conv2d') return [[layer.kernelSize, layer.kernelSize, input[2], layer.filters], [layer.filters]];
  if (layer.kind === 'dense') return [[input[0], layer.units], [layer.units]];
  return [];
}

/** A layer with the shapes it takes and gives, and the index of its first weight tensor in the network's list. */
export interface PlacedLayer {
  layer: Layer;
  inputShape: number[];
  outputShape: number[];
  weightShapes: number[][];
  firstWeight: number;
}

/** The variant's layers with their shapes worked out from the input shape. */
export function placedLayers(variant: VariantName): PlacedLayer[] {
  let shape = INPUT_SHAPE;
  let weights = 0;
  return variantLayers(variant).map((layer) => {
    const placed = { layer, inputShape: shape, outputShape: outputShape(layer, shape), weightShapes: weightShapes(layer, shape), firstWeight: weights };
    shape = placed.outputShape;
    weights += placed.weightShapes.length;
    return placed;
  });
}

/** Every weight tensor's shape, in the network's order (tfjs' model.getWeights() order). */
export function networkWeightShapes(variant: VariantName): number[][] {
  return placedLayers(variant).flatMap((placed) => placed.weightShapes);
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
