/**
 * The five LeNet-5 variants, described once, as data: a list of layers each. The tfjs model
 * (lib/model/tfjs-model.ts), the native training step (lib/model/native/lenet.ts) and the test's reference
 * (test/native-lenet.test.ts) are all built from this description, so they cannot disagree.
 *
 * A variant is data: its activation, its pooling and its dropout rates (VariantDesign). The five
 * named variants are the entries of VARIANT_DESIGNS; a reader's own design is one more value of the
 * same type, declared with defineVariant (checked there, then known to every function by its name).
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

export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'leakyrelu'];
export type Pooling = 'average' | 'max';
export const POOLINGS: readonly Pooling[] = ['average', 'max'];

/** Where a dropout layer may sit, in order: after conv 1, conv 2, conv 3 (each after its activation), Flatten, dense 1. */
export const DROPOUT_POSITIONS = ['conv1', 'conv2', 'conv3', 'flatten', 'dense1'] as const;

/** What distinguishes a variant from the others. */
export interface VariantDesign {
  activation: Activation;
  pooling: Pooling;
  /**
   * Dropout rate at each of the five DROPOUT_POSITIONS (null: no dropout layer there), or null for
   * no dropout layer at all. A rate is the share of inputs dropped, 0 < rate < 1.
   */
  dropoutRates: readonly (number | null)[] | null;
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

/** A design that is not a valid variant, or a name that cannot be used: the message says which and why. */
export class VariantDesignError extends Error {
  constructor(problem: string) {
    super(`not a valid variant: ${problem}`);
    this.name = 'VariantDesignError';
  }
}

/** A reader's variant name: lower-case letters, digits and dashes, starting with a letter, at most 40 (it names a folder of runs/). */
export const VARIANT_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Readers' variants declared in this process (defineVariant), by name. */
const declared = new Map<string, { title: string; design: VariantDesign }>();

export const isNamedVariant = (name: string): name is VariantName => (VARIANTS as readonly string[]).includes(name);

/** Every problem of a design, in words (empty when it is valid). */
export function designProblems(design: unknown): string[] {
  if (!design || typeof design !== 'object') return ['a design is an object { activation, pooling, dropoutRates }'];
  const { activation, pooling, dropoutRates } = design as Record<string, unknown>;
  const problems: string[] = [];
  if (!ACTIVATIONS.includes(activation as Activation)) problems.push(`activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(activation)}`);
  if (!POOLINGS.includes(pooling as Pooling)) problems.push(`pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(pooling)}`);
  if (dropoutRates !== null) {
    const rates = dropoutRates as unknown[];
    if (!Array.isArray(rates) || rates.length !== DROPOUT_POSITIONS.length) {
      problems.push(`dropoutRates must be null or ${DROPOUT_POSITIONS.length} entries, one per position (${DROPOUT_POSITIONS.join(', ')}), each a rate or null`);
    } else {
      rates.forEach((rate, index) => {
        if (rate !== null && !(typeof rate === 'number' && rate > 0 && rate < 1)) {
          problems.push(`the dropout rate after ${DROPOUT_POSITIONS[index]} must be null (no layer) or a number with 0 < rate < 1, got ${JSON.stringify(rate)}`);
        }
      });
    }
  }
  return problems;
}

/** The design in one spelling: no dropout anywhere is null, so two spellings of one network are one design. */
export function canonicalDesign(design: VariantDesign): VariantDesign {
  const rates = design.dropoutRates && design.dropoutRates.some((rate) => rate !== null) ? [...design.dropoutRates] : null;
  return { activation: design.activation, pooling: design.pooling, dropoutRates: rates };
}

const sameDesign = (a: VariantDesign, b: VariantDesign) => JSON.stringify(canonicalDesign(a)) === JSON.stringify(canonicalDesign(b));

/** The named variant with this design, if any (a reader's design may coincide with one of the five). */
export function namedVariantWithDesign(design: VariantDesign): VariantName | null {
  return VARIANTS.find((name) => sameDesign(VARIANT_DESIGNS[name], design)) ?? null;
}

/**
 * Declares a reader's variant: a name and a design, checked, then known by that name to every
 * function that takes a variant (training, cache, comparisons, tables, figures). Declaring the same
 * name and design again is harmless.
 *
 * @param name lower-case letters, digits and dashes, starting with a letter (it names a folder of runs/)
 * @param design activation, pooling and dropout rates from the existing layer types
 * @param title how tables and figures name it (default: the title it was declared with before, else the name)
 * @returns the name
 * @throws VariantDesignError on an invalid name or design, a name of the study's five, or a name
 *   already declared with another design
 */
export function defineVariant(name: string, design: VariantDesign, title?: string): string {
  if (typeof name !== 'string' || !VARIANT_NAME.test(name)) {
    throw new VariantDesignError(`the name ${JSON.stringify(name)} must be lower-case letters, digits and dashes, starting with a letter (at most 40)`);
  }
  const problems = designProblems(design);
  if (problems.length > 0) throw new VariantDesignError(`"${name}": ${problems.join('; ')}`);
  if (isNamedVariant(name)) throw new VariantDesignError(`"${name}" is one of the study's five variants; give your design a name of its own`);
  const previous = declared.get(name);
  if (previous && !sameDesign(previous.design, design)) {
    throw new VariantDesignError(`"${name}" is already declared with another design (${JSON.stringify(previous.design)}); use another name`);
  }
  declared.set(name, { title: title ?? previous?.title ?? name, design: canonicalDesign(design) });
  return name;
}

/** Whether `name` is one of the five or a declared variant. */
export const isKnownVariant = (name: string) => isNamedVariant(name) || declared.has(name);

/** @throws VariantDesignError on a name that is neither one of the five nor declared (the message lists the known ones) */
export function variantDesign(variant: string): VariantDesign {
  if (isNamedVariant(variant)) return VARIANT_DESIGNS[variant];
  const entry = declared.get(variant);
  if (!entry) {
    throw new VariantDesignError(`unknown variant "${variant}"; expected one of ${[...VARIANTS, ...declared.keys()].join(', ')} (declare your own with defineVariant)`);
  }
  return entry.design;
}

/** How tables and figures name a variant: the original's title for the five, the declared title for a reader's. */
export function variantTitle(variant: string): string {
  return isNamedVariant(variant) ? VARIANT_TITLES[variant] : declared.get(variant)?.title ?? variant;
}

/**
 * LeNet-5 in the variant's design, layer by layer as the original's model tables. 'same' padding
 * with a 5×5 kernel and stride 1 pads exactly 2 pixels per side: 28×28 → 32×32 → 28×28.
 */
export function variantLayers(variant: string): Layer[] {
  const design = variantDesign(variant);
  const activation: Layer = { kind: 'activation', activation: design.activation };
  const dropout = (index: number): Layer[] => {
    const rate = design.dropoutRates?.[index];
    return typeof rate === 'number' ? [{ kind: 'dropout', rate, index }] : [];
  };
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
export function placedLayers(variant: string): PlacedLayer[] {
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
export function networkWeightShapes(variant: string): number[][] {
  return placedLayers(variant).flatMap((placed) => placed.weightShapes);
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
