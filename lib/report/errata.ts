/**
 * Errata of the original study (G. Picarella, INFOMCV assignment 4): every place where its text
 * contradicts itself, its own tables or simple arithmetic, and what this reproduction does about it.
 * A second, shorter list holds claims the text gives no means to check (curves and a confusion
 * matrix it does not show).
 *
 * Quotations are the original's words and keep its numbers. Everything else that is a number is
 * computed here from the transcribed constants (./seed-results and the tables below), so the
 * errata cannot drift from them; test/errata.test.ts checks that every contradiction still holds.
 */
import { METRIC_NAMES as METRICS, MetricName as Metric } from '../model/metrics';

export { METRICS };
import { VARIANT_TITLES, VariantName } from '../model/network';
import { ORIGINAL_BEST_FOLD, ORIGINAL_CONFUSIONS, ORIGINAL_DECAY, ORIGINAL_TEST, ORIGINAL_VALIDATION, OriginalMetrics } from './original-study';

// The notebooks an erratum can point to.

export const NOTEBOOKS = [
  '01-data-analysis', '02-padding-study', '03-baseline', '04-relu', '05-maxpooling', '06-dropout',
  '07-leakyrelu', '08-best-models-test', '09-lr-decay', '10-confusion-matrix',
] as const;
export type NotebookId = (typeof NOTEBOOKS)[number];

export interface Erratum {
  id: string;
  /** The section or table of the original, named as it is titled there. */
  where: string;
  /** The sentence or table cell in double quotes, verbatim (shortened with …); a locator may follow in parentheses. */
  originalSays: string;
  /** What its own tables or arithmetic show. */
  evidence: string;
  /** What this reproduction does about it. */
  weDid: string;
  /** The notebook that shows the result it concerns, or null for the README only. */
  notebook: NotebookId | null;
  /** Other notebooks whose subject it concerns, which list it too. */
  alsoIn?: NotebookId[];
}

/** A claim the original's text gives no means to check, and where this reproduction checks it instead. */
export interface Unverifiable {
  id: string;
  where: string;
  originalSays: string;
  /** Why the text cannot settle it, and what little its numbers do say. */
  why: string;
  weDid: string;
  notebook: NotebookId | null;
}

// The original's numbers that ./seed-results does not hold: its prose and its model tables.

/** Numbers the original states in its prose (each quoted in an erratum below). */
export const ORIGINAL_PROSE = {
  /** "Each sample in the dataset is a 28x28x1 grayscale image", "10 different classes", "a test set of 10k samples". */
  inputShape: [28, 28, 1],
  classes: 10,
  testImages: 10_000,
  /** "we use 5x5 kernels and thus we apply a 2px padding"; "The layer uses a stride set to 1". */
  kernelSide: 5,
  firstConvolutionPadding: 2,
  stride: 1,
  /** "26 for each kernel (25 weights + 1 bias)", said of all three convolutions. */
  parametersPerKernel: 26,
  /** "thus producing a 28x28x6x1 activation volume" and "will be of size 120x1x1". */
  firstVolume: [28, 28, 6, 1],
  lastVolume: [120, 1, 1],
  /** "4 additional dropout regularisation layers (the first 3 with p = 0.25 and the last one with p = 0.5)". */
  dropoutRates: [0.25, 0.25, 0.25, 0.5],
  /** "a validation loss increase of 0.03 between our ReLU and LeakyReLU variants". */
  reluToLeakyReluLossIncrease: 0.03,
  /** "We employ stratified 10-fold cross validation" and "we decided to use k = 5 so that a 80%-20% split". */
  foldsNamed: 10,
  k: 5,
  validationShare: 0.2,
} as const;

export interface OriginalLayer {
  type: 'Conv2D' | 'AveragePooling2D' | 'Flatten' | 'Dense';
  /** The output shape without Keras' batch axis None. */
  shape: number[];
  params: number;
}

/** The original's "Baseline" model table, row by row. */
export const ORIGINAL_BASELINE_TABLE: OriginalLayer[] = [
  { type: 'Conv2D', shape: [28, 28, 6], params: 156 },
  { type: 'AveragePooling2D', shape: [14, 14, 6], params: 0 },
  { type: 'Conv2D', shape: [10, 10, 16], params: 2416 },
  { type: 'AveragePooling2D', shape: [5, 5, 16], params: 0 },
  { type: 'Conv2D', shape: [1, 1, 120], params: 48120 },
  { type: 'Flatten', shape: [120], params: 0 },
  { type: 'Dense', shape: [84], params: 10164 },
  { type: 'Dense', shape: [10], params: 850 },
];

/** The layer types of its "Dropout" and "LeakyReLU" model tables, in order. */
export const ORIGINAL_DROPOUT_TABLE_TYPES = [
  'Conv2D', 'Dropout', 'AveragePooling2D', 'Conv2D', 'Dropout', 'AveragePooling2D',
  'Conv2D', 'Dropout', 'Flatten', 'Dropout', 'Dense', 'Dropout', 'Dense',
] as const;
export const ORIGINAL_LEAKYRELU_TABLE_TYPES = [
  'Conv2D', 'LeakyReLU', 'AveragePooling2D', 'Conv2D', 'LeakyReLU', 'AveragePooling2D',
  'Conv2D', 'LeakyReLU', 'Flatten', 'Dense', 'LeakyReLU', 'Dense',
] as const;

// Arithmetic on those numbers.

/** Parameters of a convolution: each kernel has one weight per input it spans, plus a bias. */
export function convolutionParameters(kernels: number, inputChannels: number, side: number): number {
  return kernels * (side * side * inputChannels + 1);
}

/** Output side of a convolution: (input + 2·padding − kernel) / stride + 1. */
export function convolutionOutputSide(input: number, padding: number, kernel: number, stride: number): number {
  return (input + 2 * padding - kernel) / stride + 1;
}

/** The convolutions of the Baseline table with what each one sees: kernels, input side and channels. */
export function originalConvolutions(): { row: number; kernels: number; inputSide: number; inputChannels: number; layer: OriginalLayer }[] {
  return ORIGINAL_BASELINE_TABLE.flatMap((layer, row) => {
    if (layer.type !== 'Conv2D') return [];
    const input = row === 0 ? ORIGINAL_PROSE.inputShape : ORIGINAL_BASELINE_TABLE[row - 1].shape;
    return [{ row, kernels: layer.shape[layer.shape.length - 1], inputSide: input[0], inputChannels: input[input.length - 1], layer }];
  });
}


/** Whether a is better than b on a metric: higher, except the loss, where lower is better. */
export function isBetter(metric: Metric, a: OriginalMetrics, b: OriginalMetrics): boolean {
  return metric === 'loss' ? a[metric] < b[metric] : a[metric] > b[metric];
}

const f4 = (value: number) => value.toFixed(4);
const signed = (value: number) => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(4)}`;
const percent = (share: number) => `${Math.round(100 * share)} %`;
const ordinal = (n: number) => ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'][n - 1] ?? `#${n}`;
const shapeText = (shape: readonly number[]) => `(None, ${shape.join(', ')})`;

/** "accuracy 0.8964 vs 0.8955, …, loss 0.2670 vs 0.2917" for the metrics given. */
function sideBySide(a: OriginalMetrics, b: OriginalMetrics, metrics: readonly Metric[] = METRICS): string {
  return metrics.map((metric) => `${metric} ${f4(a[metric])} vs ${f4(b[metric])}`).join(', ');
}

/** "accuracy +0.0111, precision +0.0078, …": a − b per metric. */
function changes(a: OriginalMetrics, b: OriginalMetrics, metrics: readonly Metric[] = METRICS): string {
  return metrics.map((metric) => `${metric} ${signed(a[metric] - b[metric])}`).join(', ');
}

// Build the errata. Each block reads its numbers from the constants, then says what they show.

function foldsErratum(): Erratum {
  const { k, foldsNamed, validationShare } = ORIGINAL_PROSE;
  return {
    id: 'folds-10-vs-5',
    where: 'CHOICE 3: Instead of having a fixed validation set, implement k-fold cross-validation',
    originalSays: '"We employ stratified 10-fold cross validation during each model training in the best two models\' selection phase" … "we decided to use $k = 5$ so that a 80%-20% split for training and validation at each step is used."',
    evidence: `Two numbers of folds in one paragraph. Each fold holds out 1/k of the data: k = ${k} gives the ${percent(1 - 1 / k)}–${percent(1 / k)} split it states, ${foldsNamed}-fold would give ${percent(1 - 1 / foldsNamed)}–${percent(1 / foldsNamed)}; only k = ${k} fits the ${percent(validationShare)} validation share.`,
    weDid: `Stratified ${k}-fold throughout (studyOptions in lib/study/study.ts): the k the original names and its split implies.`,
    notebook: '03-baseline',
  };
}

function dropoutErrata(): Erratum[] {
  const types: readonly string[] = ORIGINAL_DROPOUT_TABLE_TYPES;
  const dropoutRows = types.flatMap((type, row) => (type === 'Dropout' ? [row] : []));
  const after = dropoutRows.map((row) => types[row - 1]);
  const stated = ORIGINAL_PROSE.dropoutRates;
  const early = stated[0];
  const last = stated[stated.length - 1];
  const offPlace = after.findIndex((type) => type !== 'Conv2D' && type !== 'Dense');
  return [{
    id: 'dropout-4-vs-5-layers',
    where: 'Dropout variation',
    originalSays: '"Our third baseline variation implies 4 additional dropout regularisation layers (the first 3 with $p = 0.25$ and the last one with $p = 0.5$ ) on top of the base architecture."',
    evidence: `Its "Dropout" model table has ${dropoutRows.length} Dropout layers (after ${after.join(', ')}), not ${stated.length}; the text gives rates for ${stated.length} only.`,
    weDid: `We follow the table: ${dropoutRows.length} dropout layers, ${early} after each convolution and after Flatten, ${last} after the dense layer (lib/model/tfjs-model.ts; README, "Choices").`,
    notebook: '06-dropout',
  }, {
    id: 'dropout-after-flatten',
    where: 'Dropout variation',
    originalSays: '"Each dropout layer is inserted after a convolution or dense layer and its activation function application."',
    evidence: `Its table puts the ${ordinal(offPlace + 1)} Dropout layer after ${after[offPlace]}, which is neither a convolution nor a dense layer: this is the layer the text does not count.`,
    weDid: `Kept where the table puts it, at ${early}, the rate of the other early layers (the original gives it none). Notebook 13 tests the other readings, ${last} there and no layer there (the text's four), under the same protocol and seeds; its findings say whether either reproduces the original's accuracy.`,
    notebook: '06-dropout',
  }];
}

function bestFoldTableErrata(): Erratum[] {
  const variants = Object.keys(ORIGINAL_BEST_FOLD) as VariantName[];
  const cells = variants.flatMap((variant) => [ORIGINAL_BEST_FOLD[variant].train, ORIGINAL_BEST_FOLD[variant].validation]);
  const mixed = variants.filter((variant) => ORIGINAL_BEST_FOLD[variant].trainFold !== ORIGINAL_BEST_FOLD[variant].validationFold);
  const same = variants.filter((variant) => !mixed.includes(variant));
  const dropout = ORIGINAL_BEST_FOLD.dropout;
  const rowsAboveMean = variants.filter((variant) => ORIGINAL_BEST_FOLD[variant].validation >= ORIGINAL_VALIDATION[variant].accuracy).length;
  const foldPair = (variant: VariantName) => `${VARIANT_TITLES[variant]} ${ORIGINAL_BEST_FOLD[variant].trainFold}/${ORIGINAL_BEST_FOLD[variant].validationFold}`;
  return [{
    id: 'best-fold-percent-header',
    where: 'Table with training and validation top-1 accuracy for all five models',
    originalSays: '"Training top-1 accuracy (%)", "Validation top-1 accuracy (%)" (column headers); "0.9205@fold 0" (a cell)',
    evidence: `Every cell lies between ${f4(Math.min(...cells))} and ${f4(Math.max(...cells))}: fractions. Read as percentages, as the headers say, every model would be right on at most ${f4(Math.max(...cells))} % of the images, below the ${percent(1 / ORIGINAL_PROSE.classes)} of chance over ${ORIGINAL_PROSE.classes} balanced classes.`,
    weDid: 'Read as fractions; notebooks 03–07 print them as fractions, with their fold, beside ours.',
    notebook: '03-baseline',
    alsoIn: ['04-relu', '05-maxpooling', '06-dropout', '07-leakyrelu'],
  }, {
    id: 'dropout-best-fold-typo',
    where: 'Table with training and validation top-1 accuracy for all five models (Dropout row)',
    originalSays: '"0.0.8728@fold 0"',
    evidence: `Not a number. A best fold cannot lie below the average over folds, and ${rowsAboveMean} of ${variants.length} rows respect that when this cell reads ${f4(dropout.validation)}: it is above Dropout's fold-averaged validation accuracy ${f4(ORIGINAL_VALIDATION.dropout.accuracy)}, where ${(dropout.validation / 10).toFixed(5)} would be far below it.`,
    weDid: `ORIGINAL_BEST_FOLD reads it as ${f4(dropout.validation)} at fold ${dropout.validationFold}; notebook 06 prints it so beside ours.`,
    notebook: '06-dropout',
  }, {
    id: 'best-fold-mixed-folds',
    where: 'Table with training and validation top-1 accuracy for all five models; Best performing models',
    originalSays: '"0.9205@fold 0", "0.8989@fold 1" (Baseline row); "because it was overfitting much more than the other models"',
    evidence: `In ${mixed.length} of ${variants.length} rows the two columns come from different folds (training/validation fold: ${mixed.map(foldPair).join(', ')}); only ${same.map(foldPair).join(', ')} takes both from one. So a row is not one model's training and validation accuracy, and its difference is no fold's overfitting gap; yet these are the only training accuracies the original reports to back its overfitting judgement.`,
    weDid: 'Our best-fold rows take each column\'s best fold separately, as its table does, and say which fold; our gap averages each fold\'s own difference. Notebook 08 applies the selection rule to the original\'s numbers with its row differences as the gap, the only ones it gives, at every limit of a sweep; read that table with this caveat.',
    notebook: '08-best-models-test',
    alsoIn: ['05-maxpooling'],
  }];
}

/** "For each … non-pooling layer … TanH", against its own tables. */
function activationErratum(): Erratum {
  const convolutions = originalConvolutions();
  const nonPooling = ORIGINAL_BASELINE_TABLE.filter((layer) => !layer.type.endsWith('Pooling2D'));
  const leakyLayers = ORIGINAL_LEAKYRELU_TABLE_TYPES.filter((type) => type === 'LeakyReLU').length;
  const hidden = ORIGINAL_BASELINE_TABLE.filter((layer) => layer.type === 'Dense')[0];
  return {
      id: 'tanh-in-every-non-pooling-layer',
      where: 'Baseline model',
      originalSays: '"For each layer non-pooling layer, we decided to use the TanH activation function."',
      evidence: `The Baseline table has ${nonPooling.length} non-pooling layers (${nonPooling.map((layer) => layer.type).join(', ')}), but the output layer uses a softmax ("through a Softmax activation function"), Flatten has no activation, and the LeakyReLU table, which replaces tanh "in every layer that was previously using the TanH", has ${leakyLayers} LeakyReLU layers: the ${convolutions.length} convolutions and the dense layer of ${hidden.shape[0]}.`,
      weDid: `tanh in the ${convolutions.length} convolutions and the dense layer of ${hidden.shape[0]}, softmax at the output (test/models.test.ts checks the activations).`,
      notebook: '03-baseline',
    };
}

function architectureErrata(): Erratum[] {
  const { kernelSide, parametersPerKernel, firstConvolutionPadding, stride, firstVolume, lastVolume } = ORIGINAL_PROSE;
  const convolutions = originalConvolutions();
  const perKernel = (index: number, quote: string): Erratum => {
    const { kernels, inputChannels, layer } = convolutions[index];
    return {
      id: `parameters-per-kernel-conv${index + 1}`,
      where: 'Baseline model',
      originalSays: quote,
      evidence: `${kernels} × ${parametersPerKernel} = ${kernels * parametersPerKernel}, not ${layer.params}. Each of the ${kernels} kernels spans ${kernelSide}×${kernelSide}×${inputChannels} inputs: ${kernels} × (${kernelSide * kernelSide * inputChannels} + 1) = ${convolutionParameters(kernels, inputChannels, kernelSide)}, the ${layer.params} of its table. "${parametersPerKernel} for each kernel" holds for the first convolution only, whose input has ${convolutions[0].inputChannels} channel.`,
      weDid: `Our layer has the table's ${layer.params} parameters (test/models.test.ts); notebook 03 prints the summary.`,
      notebook: '03-baseline',
    };
  };
  const last = convolutions[convolutions.length - 1];
  const paddedSide = convolutionOutputSide(last.inputSide, firstConvolutionPadding, kernelSide, stride);
  const unpaddedSide = convolutionOutputSide(last.inputSide, 0, kernelSide, stride);
  const firstTable = ORIGINAL_BASELINE_TABLE[0].shape;
  const lastTable = last.layer.shape;
  // In the order of the text: activations, the first volume, then the second and third convolutions.
  return [
    activationErratum(),
    {
      id: 'volume-notation',
      where: 'Baseline model',
      originalSays: '"thus producing a 28x28x6x1 activation volume in output" … "the produced output activation volume will be of size 120x1x1"',
      evidence: `Notation, not size: its table gives ${firstTable.length} axes after the batch axis, ${shapeText(firstTable)} … ${shapeText(lastTable)}. The prose adds a ${ordinal(firstVolume.length)} axis of 1 to every volume (${firstVolume.join('x')}) and then writes the last one channels-first (${lastVolume.join('x')}) where its own order would give ${[...lastTable, 1].join('x')}.`,
      weDid: `Shapes are printed as Keras prints them, e.g. ${shapeText(firstTable)}, in notebooks 03–07.`,
      notebook: '03-baseline',
    },
    perKernel(1, '"The layer produces a 10x10x16x1 activation volume in output and includes 2416 trainable parameters, 26 for each kernel (25 weights + 1 bias)."'),
    {
      id: 'last-convolution-padding',
      where: 'Baseline model',
      originalSays: '"The fifth convolution layer shares all the settings used in the first layer, except for the number of kernels used (set to 120)."',
      evidence: `The first layer pads by ${firstConvolutionPadding}. With that padding a ${last.inputSide}×${last.inputSide} input gives (${last.inputSide} + 2·${firstConvolutionPadding} − ${kernelSide}) / ${stride} + 1 = ${paddedSide} per side, a ${paddedSide}×${paddedSide}×${last.kernels} output; the "120x1x1" of the next sentence and the table's ${shapeText(lastTable)} need padding 0, which gives ${unpaddedSide} (as the text says of the third layer).`,
      weDid: `Only the first convolution is padded ('same', ${firstConvolutionPadding} pixels); the other ${convolutions.length - 1} are not ('valid'), which gives the table's shapes (test/models.test.ts).`,
      notebook: '03-baseline',
    },
    perKernel(2, '"This layer includes 48120 trainable parameters, 26 for each kernel (25 weights + 1 bias)."'),
  ];
}

function leakyReluErrata(): Erratum[] {
  const { baseline, relu, leakyrelu } = ORIGINAL_VALIDATION;
  const test = { relu: ORIGINAL_TEST.relu!, leakyrelu: ORIGINAL_TEST.leakyrelu! };
  const aheadOfBaseline = METRICS.filter((metric) => isBetter(metric, leakyrelu, baseline));
  return [{
    id: 'leakyrelu-validation-loss-increase',
    where: 'Baseline vs LeakyReLU',
    originalSays: '"We noticed a validation loss increase of 0.03 between our ReLU and LeakyReLU variants"',
    evidence: `Its validation tables give ReLU ${f4(relu.loss)} and LeakyReLU ${f4(leakyrelu.loss)}: a decrease (${signed(leakyrelu.loss - relu.loss)}), not an increase of ${ORIGINAL_PROSE.reluToLeakyReluLossIncrease}. The loss rises from ReLU to LeakyReLU only on the test set (${f4(test.relu.loss)} → ${f4(test.leakyrelu.loss)}, ${signed(test.leakyrelu.loss - test.relu.loss)}); from the baseline to LeakyReLU it falls by ${f4(baseline.loss - leakyrelu.loss)}.`,
    weDid: 'We do not repeat the claim. Notebook 07 prints the original\'s LeakyReLU and baseline validation loss beside ours (ReLU\'s are in notebook 04), and its findings are written from our numbers.',
    notebook: '07-leakyrelu',
  }, {
    id: 'leakyrelu-except-recall',
    where: 'Baseline vs LeakyReLU',
    originalSays: '"our ReLULeaky variant achieves higher results in all the performance metrics except recall."',
    evidence: `Its table gives LeakyReLU recall ${f4(leakyrelu.recall)} against the baseline's ${f4(baseline.recall)} (${signed(leakyrelu.recall - baseline.recall)}): higher. LeakyReLU is ahead on ${aheadOfBaseline.length} of ${METRICS.length} metrics: ${changes(leakyrelu, baseline)} (a lower loss is better).`,
    weDid: 'Notebook 07 prints the original\'s "Baseline vs LeakyReLU" table beside ours, so each metric\'s direction is read from the numbers, not stated.',
    notebook: '07-leakyrelu',
  }];
}

/** How many positions of a k-wide kernel at stride 1 without padding cover each of n pixels along one side. */
export function kernelCoverage(side: number, kernel: number): number[] {
  return Array.from({ length: side }, (_, pixel) => Math.min(pixel, side - kernel) - Math.max(0, pixel - kernel + 1) + 1);
}

function paddingErratum(): Erratum {
  const side = ORIGINAL_PROSE.inputShape[0];
  const kernel = ORIGINAL_PROSE.kernelSide;
  const coverage = kernelCoverage(side, kernel);
  const least = Math.min(...coverage);
  const most = Math.max(...coverage);
  return {
    id: 'padding-loses-no-pixel',
    where: 'Analysis; Baseline model',
    originalSays: '"without a minimum padding we would lose part of the information contained in the bottom border of the picture" … "We use a padding equal to 2 for each side of the input sample, so that we don\'t miss any information stored at the border during the convolution."',
    evidence: `Without padding a ${kernel}×${kernel} kernel at stride ${ORIGINAL_PROSE.stride} takes ${side - kernel + 1} positions along each side of a ${side}×${side} image, and every pixel lies inside at least ${least} of them (a corner pixel in ${least * least} position, a central one in up to ${most * most}): no pixel, of the bottom border or any other, is missed. What padding changes is how often border pixels are seen and the output size (${side - kernel + 1} instead of ${side}); and nothing sets the bottom border apart from the other three.`,
    weDid: 'We pad the first convolution by 2 as the original does (its architecture, which gives its table\'s shapes). Notebook 02 draws how many kernel positions cover each pixel with and without padding, and measures the spread of each border to see which carries the most.',
    notebook: '02-padding-study',
  };
}

function maxPoolingErratum(): Erratum {
  const variants = Object.keys(ORIGINAL_VALIDATION) as VariantName[];
  const best = METRICS.filter((metric) => variants.every((variant) => variant === 'maxpooling' || isBetter(metric, ORIGINAL_VALIDATION.maxpooling, ORIGINAL_VALIDATION[variant])));
  return {
    id: 'maxpooling-features-generalise',
    where: 'Baseline vs MaxPooling',
    originalSays: '"It seems like the maximum activation selected for each patch by the max pooling operation is producing visual features which don\'t generalise well for our classification task. For what concerns the validation accuracy, precision and recall, our max pooling model achieves higher results in all the performance metrics."',
    evidence: `Generalisation is what validation measures, and on its validation tables MaxPooling is the best of the ${variants.length} models on ${best.length} of ${METRICS.length} metrics (${best.map((metric) => `${metric} ${f4(ORIGINAL_VALIDATION.maxpooling[metric])}`).join(', ')}; a lower loss is better). Features that do not generalise would show as worse validation numbers, not the best; its only sign of overfitting is a best-fold training − validation difference taken from two different folds (erratum best-fold-mixed-folds).`,
    weDid: 'Notebook 05 tests MaxPooling\'s training − validation gap against every other variant\'s, fold by fold; notebook 08 retrains it on all training images with every final seed and tests it on the test set like the chosen two, the test the original skipped.',
    notebook: '05-maxpooling',
    alsoIn: ['08-best-models-test'],
  };
}

function selectionErrata(): Erratum[] {
  const { relu, leakyrelu } = ORIGINAL_VALIDATION;
  const test = { relu: ORIGINAL_TEST.relu!, leakyrelu: ORIGINAL_TEST.leakyrelu! };
  const validationWins = METRICS.filter((metric) => isBetter(metric, leakyrelu, relu));
  const testWins = METRICS.filter((metric) => isBetter(metric, test.relu, test.leakyrelu));
  const bestFold = { relu: ORIGINAL_BEST_FOLD.relu.validation, leakyrelu: ORIGINAL_BEST_FOLD.leakyrelu.validation };
  const decay = ORIGINAL_DECAY.metrics;
  const constant = ORIGINAL_TEST[ORIGINAL_DECAY.variant]!;
  const improved = METRICS.filter((metric) => isBetter(metric, decay, constant));
  const worse = METRICS.filter((metric) => !isBetter(metric, decay, constant));
  return [{
    id: 'relu-better-in-validation',
    where: 'Discuss the differences between the two models evaluated on the test set',
    originalSays: '"Our performance parameters show that both in the validation and test phase the ReLU variation yields better results when compared with the LeakyReLU variation."',
    evidence: `In its validation tables LeakyReLU is better than ReLU on ${validationWins.length} of ${METRICS.length} metrics (LeakyReLU vs ReLU: ${sideBySide(leakyrelu, relu)}). ReLU is better on ${testWins.length} of ${METRICS.length} only on the test set (ReLU vs LeakyReLU: ${sideBySide(test.relu, test.leakyrelu)}), so the ranking reversed between validation and test, against the next sentence's "the validation parameters provided a realistic outline". Only its best-fold table, one fold's accuracy, has ReLU ahead (${f4(bestFold.relu)} vs ${f4(bestFold.leakyrelu)}).`,
    weDid: 'Notebook 08\'s findings say, from our numbers, whether the test set keeps or reverses the validation ranking of the chosen two (by accuracy).',
    notebook: '08-best-models-test',
  }, {
    id: 'relu-called-best',
    where: 'CHOICE 2: Create and apply a function to decrease the learning rate at a 1/2 of the value every 5 epochs',
    originalSays: '"Then we trained our best performing model (ReLU variant) with the learning rate\'s decay strategy enabled." (after "Based on the validation accuracy metric, we selected ReLU and LeakyReLU as our best two models.")',
    evidence: `By the metric it selects on, validation accuracy averaged over folds (how CHOICE 3 says each aggregate metric is computed), LeakyReLU ${f4(leakyrelu.accuracy)} is ahead of ReLU ${f4(relu.accuracy)}. ReLU is ahead only on its single best fold (${f4(bestFold.relu)} vs ${f4(bestFold.leakyrelu)}) and on the test set (${f4(test.relu.accuracy)} vs ${f4(test.leakyrelu.accuracy)}); naming it best from the test set lets the test set choose the model.`,
    weDid: 'The "best model" of notebooks 09 and 10 is the first of notebook 08\'s selection, ranked by our mean validation accuracy; the test set chooses nothing.',
    notebook: '09-lr-decay',
  }, {
    id: 'decay-improves-loss',
    where: 'CHOICE 2: Create and apply a function to decrease the learning rate at a 1/2 of the value every 5 epochs',
    originalSays: '"The performance metrics derived from the evaluation on the testing set shows an overall improvement of the model, with loss, accuracy, precision and recall."',
    evidence: `Against ${VARIANT_TITLES[ORIGINAL_DECAY.variant]}'s test table without the decay, ${improved.join(', ')} improve (${changes(decay, constant, improved)}), but the ${worse.join(', ')} rises from ${f4(constant.loss)} to ${f4(decay.loss)} (${signed(decay.loss - constant.loss)}): worse, not improved.`,
    weDid: 'Notebook 09 gives our test accuracy and test loss with and without the decay side by side, so a rise in loss shows as one; it makes no claim of an overall improvement.',
    notebook: '09-lr-decay',
  }];
}

/** Every place where the original contradicts itself, its tables or arithmetic, in the order of its text. */
export const ERRATA: Erratum[] = [
  paddingErratum(),
  ...architectureErrata(),
  ...dropoutErrata(),
  ...bestFoldTableErrata(),
  maxPoolingErratum(),
  ...leakyReluErrata(),
  ...selectionErrata(),
  foldsErratum(),
];

// Claims the text cannot settle: the figures and the confusion matrix it describes are not in it.

function unverifiableClaims(): Unverifiable[] {
  const { baseline, relu } = ORIGINAL_VALIDATION;
  const gaps = (Object.keys(ORIGINAL_BEST_FOLD) as VariantName[])
    .map((variant) => ({ variant, gap: ORIGINAL_BEST_FOLD[variant].train - ORIGINAL_BEST_FOLD[variant].validation }))
    .sort((a, b) => b.gap - a.gap);
  return [{
    id: 'padding-bottom-border',
    where: 'Analysis',
    originalSays: '"As the std suggests, the majority of information can be found as we go towards the picture center." … "the bottom border of the picture where valuable information may be stored"',
    why: 'The per-pixel mean and standard deviation it computed are not shown.',
    weDid: 'Notebook 02 measures the standard deviation along each border and says which carries the most.',
    notebook: '02-padding-study',
  }, {
    id: 'relu-curves-much-better',
    where: 'Baseline vs ReLU',
    originalSays: '"The comparison of the two loss graphs shows that the ReLU variant generalised the classification task much better than the baseline model (lower validation loss)."',
    why: `The loss graphs are not in the text. Its final validation losses differ by ${f4(baseline.loss - relu.loss)} (${f4(baseline.loss)} vs ${f4(relu.loss)}); whether that is "much better" it gives no spread to judge.`,
    weDid: 'Notebook 04 draws both fold-averaged curves with a ±1 standard deviation band and tests the accuracy difference against fold noise (corrected resampled t-test, Holm-adjusted, over three seeds).',
    notebook: '04-relu',
  }, {
    id: 'maxpooling-curves',
    where: 'Baseline vs MaxPooling',
    originalSays: '"achieves a better validation loss while minimising the training loss faster. Nonetheless, we also notice that, among all models, it\'s the one with the highest overfitting."',
    why: `The curves are not in the text. Its best-fold table does give ${VARIANT_TITLES[gaps[0].variant]} the largest training − validation difference (${f4(gaps[0].gap)}, next ${VARIANT_TITLES[gaps[1].variant]} ${f4(gaps[1].gap)}), but from two different folds (erratum best-fold-mixed-folds).`,
    weDid: 'Notebook 05 draws the curves; notebook 08 measures every variant\'s mean gap and makes the overfitting rule explicit.',
    notebook: '05-maxpooling',
  }];
}

function moreUnverifiableClaims(): Unverifiable[] {
  const confused = ORIGINAL_CONFUSIONS.reduce((sum, confusion) => sum + confusion.count, 0);
  const errors = (accuracy: number) => Math.round((1 - accuracy) * ORIGINAL_PROSE.testImages);
  return [{
    id: 'dropout-curves',
    where: 'Baseline vs Dropout',
    originalSays: '"The validation loss curve is bounded by the training loss curve for the entire graph. We also notice a slower convergence rate for the dropout variation"',
    why: `The curves are not in the text. Its best-fold table at most hints at the first part: Dropout's validation accuracy ${f4(ORIGINAL_BEST_FOLD.dropout.validation)} is above its training accuracy ${f4(ORIGINAL_BEST_FOLD.dropout.train)}, though the two come from different folds.`,
    weDid: 'Notebook 06 draws both fold-averaged curves, training and validation.',
    notebook: '06-dropout',
  }, {
    id: 'confusion-counts',
    where: 'CHOICE 1: Provide and explain a confusion matrix for the results on the test set of one of the models',
    originalSays: '"we have 156 samples in the T-shirt/top class wrongly classified as Shirt, while we have 75 samples in the Shirt class wrongly classified as T-Shirt/top"',
    why: `The matrix is not shown, nor whether it is of ReLU with a constant or a decayed learning rate. The counts are at least possible: ${confused} of the ${errors(ORIGINAL_TEST.relu!.accuracy)} test errors ReLU's accuracy implies (${errors(ORIGINAL_DECAY.metrics.accuracy)} with the decay).`,
    weDid: 'Notebook 10 prints our counts of both confusions beside the original\'s, for the constant-rate retraining of our best model.',
    notebook: '10-confusion-matrix',
  }, {
    id: 'weights-link',
    where: 'Training and validation loss, accuracy, precision and recall for all five models',
    originalSays: '"[Link to our models\' weights](#)"',
    why: 'The link has no target, and the section\'s curves are not in the text.',
    weDid: 'The README links the weights of our final models; the notebooks draw every curve.',
    notebook: null,
  }];
}

export const UNVERIFIABLE: Unverifiable[] = [...unverifiableClaims(), ...moreUnverifiableClaims()];

// Tables for the notebooks and the README.

function checkNotebook(notebook: string | undefined): void {
  if (notebook !== undefined && !(NOTEBOOKS as readonly string[]).includes(notebook)) {
    throw new Error(`unknown notebook "${notebook}"; expected one of ${NOTEBOOKS.join(', ')}`);
  }
}

/** Errata as table rows, all of them or those of one notebook. @throws on an unknown notebook id. */
export function errataRows(notebook?: string): Record<string, string>[] {
  checkNotebook(notebook);
  return ERRATA.filter((erratum) => notebook === undefined || erratum.notebook === notebook || erratum.alsoIn?.includes(notebook as NotebookId)).map((erratum) => ({
    where: erratum.where,
    'the original says': erratum.originalSays,
    'its own numbers show': erratum.evidence,
    'what we do': erratum.weDid,
  }));
}

/** The unverifiable claims as table rows, all of them or those of one notebook. @throws on an unknown notebook id. */
export function unverifiableRows(notebook?: string): Record<string, string>[] {
  checkNotebook(notebook);
  return UNVERIFIABLE.filter((claim) => notebook === undefined || claim.notebook === notebook).map((claim) => ({
    where: claim.where,
    'the original says': claim.originalSays,
    'why it cannot be checked': claim.why,
    'what we do': claim.weDid,
  }));
}

/** A Markdown table; pipes, dollar signs (GitHub math) and line breaks in cells are escaped. */
export function markdownTable(rows: Record<string, string>[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]);
  const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\$/g, '\\$').replace(/\r?\n/g, ' ');
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(columns), `| ${columns.map(() => '---').join(' | ')} |`, ...rows.map((row) => line(columns.map((column) => row[column])))].join('\n');
}

/** All errata as a Markdown table, for the README. */
export function errataMarkdown(): string {
  return markdownTable(errataRows());
}

/** All unverifiable claims as a Markdown table, for the README. */
export function unverifiableMarkdown(): string {
  return markdownTable(unverifiableRows());
}
