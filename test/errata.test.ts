/**
 * The errata table states only what the original's numbers show: each contradiction is checked
 * here on the transcribed constants, and each quotation against the original's text when it is at hand.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  convolutionOutputSide, convolutionParameters, ERRATA, errataMarkdown, errataRows, kernelCoverage, isBetter, markdownTable, METRICS,
  ORIGINAL_BASELINE_TABLE, ORIGINAL_DROPOUT_TABLE_TYPES, ORIGINAL_LEAKYRELU_TABLE_TYPES, ORIGINAL_PROSE, originalConvolutions,
  UNVERIFIABLE, unverifiableMarkdown,
} from '../lib/report/errata';
import { ORIGINAL_BEST_FOLD, ORIGINAL_CONFUSIONS, ORIGINAL_DECAY, ORIGINAL_SELECTION, ORIGINAL_TEST, ORIGINAL_VALIDATION } from '../lib/report/original-study';
import type { VariantName } from '../lib/model/tfjs-model';

// The notebook ids the project has, spelled out here so a typo in lib/report/errata.ts cannot define them.
const NOTEBOOK_IDS = [
  '01-data-analysis', '02-padding-study', '03-baseline', '04-relu', '05-maxpooling', '06-dropout',
  '07-leakyrelu', '08-best-models-test', '09-lr-decay', '10-confusion-matrix',
];

// The original's text lives outside the repository; the quotation check runs where it is present.
/** The original's text is not part of the project: point ORIGINAL_TEXT at a copy to check the quotations. */
const ORIGINAL_TEXT = process.env.ORIGINAL_TEXT ?? '';

const VARIANT_NAMES = Object.keys(ORIGINAL_BEST_FOLD) as VariantName[];
const entries = [...ERRATA, ...UNVERIFIABLE];
const evidenceOf = (id: string) => ERRATA.find((erratum) => erratum.id === id)!.evidence;
const relu = { validation: ORIGINAL_VALIDATION.relu, test: ORIGINAL_TEST.relu! };
const leakyrelu = { validation: ORIGINAL_VALIDATION.leakyrelu, test: ORIGINAL_TEST.leakyrelu! };

test('ids are unique, notebooks are the project\'s, no field is empty', () => {
  const ids = entries.map((entry) => entry.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((id, index) => ids.indexOf(id) !== index)}`);
  for (const entry of entries) {
    assert.ok(entry.notebook === null || NOTEBOOK_IDS.includes(entry.notebook), `${entry.id}: unknown notebook ${entry.notebook}`);
    for (const also of ('alsoIn' in entry ? entry.alsoIn ?? [] : [])) assert.ok(NOTEBOOK_IDS.includes(also) && also !== entry.notebook, `${entry.id}: alsoIn ${also}`);
    for (const [field, value] of Object.entries(entry)) {
      if (field === 'notebook' || field === 'alsoIn') continue;
      assert.equal(typeof value, 'string', `${entry.id}.${field}`);
      assert.ok((value as string).trim().length > 0, `${entry.id}.${field} is empty`);
    }
    assert.match(entry.originalSays, /"[^"]+"/, `${entry.id}: originalSays holds no quotation`);
  }
});

test('every quotation is the original\'s, verbatim up to spacing', { skip: !existsSync(ORIGINAL_TEXT) && `original not found at ${ORIGINAL_TEXT}` }, () => {
  const normalise = (text: string) => text.replace(/\s+/g, ' ');
  const original = normalise(readFileSync(ORIGINAL_TEXT, 'utf8'));
  for (const entry of entries) {
    const texts = [entry.originalSays, 'evidence' in entry ? entry.evidence : entry.why];
    for (const text of texts) {
      for (const [, quotation] of text.matchAll(/"([^"]+)"/g)) {
        // "…" marks a cut: the pieces must appear in the original, in order.
        let from = 0;
        for (const piece of quotation.split('…').map((part) => normalise(part).trim()).filter(Boolean)) {
          const at = original.indexOf(piece, from);
          assert.ok(at >= 0, `${entry.id}: "${piece}" is not in the original`);
          from = at + piece.length;
        }
      }
    }
  }
});

// One check per erratum: the contradiction holds on the original's own numbers, and the evidence
// states the numbers the check uses.
const CHECKS: Record<string, () => void> = {
  'tanh-in-every-non-pooling-layer': () => {
    const nonPooling = ORIGINAL_BASELINE_TABLE.filter((layer) => !layer.type.endsWith('Pooling2D'));
    const leaky = ORIGINAL_LEAKYRELU_TABLE_TYPES.flatMap((type, row) => (type === 'LeakyReLU' ? [ORIGINAL_LEAKYRELU_TABLE_TYPES[row - 1]] : []));
    assert.notEqual(nonPooling.length, leaky.length);
    assert.deepEqual(leaky, ['Conv2D', 'Conv2D', 'Conv2D', 'Dense'], 'LeakyReLU follows the convolutions and the hidden dense layer only');
    assert.ok(evidenceOf('tanh-in-every-non-pooling-layer').includes(`${nonPooling.length} non-pooling layers`));
  },
  'volume-notation': () => {
    const lastTable = ORIGINAL_BASELINE_TABLE[4].shape;
    assert.equal(ORIGINAL_PROSE.firstVolume.length, ORIGINAL_BASELINE_TABLE[0].shape.length + 1, 'the prose adds an axis');
    assert.deepEqual(ORIGINAL_PROSE.firstVolume.slice(0, 3), ORIGINAL_BASELINE_TABLE[0].shape, 'the first volume agrees in size');
    assert.notDeepEqual([...ORIGINAL_PROSE.lastVolume], lastTable, 'the last volume is written in another axis order');
    assert.deepEqual([...ORIGINAL_PROSE.lastVolume].sort(), [...lastTable].sort(), 'but has the same sizes');
  },
  'parameters-per-kernel-conv2': () => checkPerKernel(1),
  'parameters-per-kernel-conv3': () => checkPerKernel(2),
  'last-convolution-padding': () => {
    const last = originalConvolutions()[2];
    const padded = convolutionOutputSide(last.inputSide, ORIGINAL_PROSE.firstConvolutionPadding, ORIGINAL_PROSE.kernelSide, ORIGINAL_PROSE.stride);
    assert.notEqual(padded, last.layer.shape[0]);
    assert.equal(convolutionOutputSide(last.inputSide, 0, ORIGINAL_PROSE.kernelSide, ORIGINAL_PROSE.stride), last.layer.shape[0]);
    assert.ok(evidenceOf('last-convolution-padding').includes(`= ${padded} per side`));
  },
  'dropout-4-vs-5-layers': () => {
    const dropouts = ORIGINAL_DROPOUT_TABLE_TYPES.filter((type) => type === 'Dropout').length;
    assert.notEqual(dropouts, ORIGINAL_PROSE.dropoutRates.length);
    assert.ok(evidenceOf('dropout-4-vs-5-layers').includes(`${dropouts} Dropout layers`));
  },
  'dropout-after-flatten': () => {
    const after = ORIGINAL_DROPOUT_TABLE_TYPES.flatMap((type, row) => (type === 'Dropout' ? [ORIGINAL_DROPOUT_TABLE_TYPES[row - 1]] : []));
    assert.deepEqual(after.filter((type) => type !== 'Conv2D' && type !== 'Dense'), ['Flatten']);
  },
  'best-fold-percent-header': () => {
    const cells = VARIANT_NAMES.flatMap((variant) => [ORIGINAL_BEST_FOLD[variant].train, ORIGINAL_BEST_FOLD[variant].validation]);
    assert.ok(cells.every((cell) => cell > 0 && cell < 1), 'every cell is a fraction');
    assert.ok(Math.max(...cells) < 100 / ORIGINAL_PROSE.classes, 'as a percentage, every cell is below chance');
  },
  'dropout-best-fold-typo': () => {
    for (const variant of VARIANT_NAMES) {
      assert.ok(ORIGINAL_BEST_FOLD[variant].validation >= ORIGINAL_VALIDATION[variant].accuracy, `${variant}: best fold below the fold mean`);
    }
    assert.ok(ORIGINAL_BEST_FOLD.dropout.validation / 10 < ORIGINAL_VALIDATION.dropout.accuracy, 'the other reading is impossible');
  },
  'best-fold-mixed-folds': () => {
    const mixed = VARIANT_NAMES.filter((variant) => ORIGINAL_BEST_FOLD[variant].trainFold !== ORIGINAL_BEST_FOLD[variant].validationFold);
    assert.deepEqual(mixed, ['baseline', 'maxpooling', 'dropout', 'leakyrelu']);
    assert.ok(evidenceOf('best-fold-mixed-folds').startsWith(`In ${mixed.length} of ${VARIANT_NAMES.length} rows`));
  },
  'leakyrelu-validation-loss-increase': () => {
    assert.ok(leakyrelu.validation.loss < relu.validation.loss, 'LeakyReLU\'s validation loss is lower than ReLU\'s');
    assert.ok(leakyrelu.test.loss > relu.test.loss, 'the evidence says the loss rises on the test set');
    assert.ok(evidenceOf('leakyrelu-validation-loss-increase').includes(`−${(relu.validation.loss - leakyrelu.validation.loss).toFixed(4)}`));
  },
  'leakyrelu-except-recall': () => {
    assert.ok(leakyrelu.validation.recall > ORIGINAL_VALIDATION.baseline.recall);
    assert.ok(METRICS.every((metric) => isBetter(metric, leakyrelu.validation, ORIGINAL_VALIDATION.baseline)));
  },
  'relu-better-in-validation': () => {
    assert.ok(METRICS.every((metric) => isBetter(metric, leakyrelu.validation, relu.validation)), 'LeakyReLU better on every validation metric');
    assert.ok(METRICS.every((metric) => isBetter(metric, relu.test, leakyrelu.test)), 'ReLU better on every test metric');
    assert.ok(ORIGINAL_BEST_FOLD.relu.validation > ORIGINAL_BEST_FOLD.leakyrelu.validation, 'the best-fold exception the evidence names');
  },
  'relu-called-best': () => {
    assert.equal(ORIGINAL_DECAY.variant, 'relu');
    assert.ok(leakyrelu.validation.accuracy > relu.validation.accuracy);
    assert.ok(relu.test.accuracy > leakyrelu.test.accuracy);
  },
  'decay-improves-loss': () => {
    const constant = ORIGINAL_TEST[ORIGINAL_DECAY.variant]!;
    assert.ok(ORIGINAL_DECAY.metrics.loss > constant.loss, 'the loss rose with the decay');
    assert.deepEqual(METRICS.filter((metric) => !isBetter(metric, ORIGINAL_DECAY.metrics, constant)), ['loss'], 'and only the loss');
    assert.ok(evidenceOf('decay-improves-loss').includes(`+${(ORIGINAL_DECAY.metrics.loss - constant.loss).toFixed(4)}`));
  },
  'padding-loses-no-pixel': () => {
    const coverage = kernelCoverage(28, 5);
    assert.equal(coverage.length, 28);
    // By hand: pixel 0 lies in position 0 only, pixel 2 in positions 0–2, pixels 4–23 in five; symmetric at the far side.
    assert.deepEqual(coverage.slice(0, 5), [1, 2, 3, 4, 5]);
    assert.deepEqual(coverage.slice(-5), [5, 4, 3, 2, 1]);
    // Each of the 24 positions covers 5 pixels.
    assert.equal(coverage.reduce((a, b) => a + b, 0), 24 * 5);
    assert.match(evidenceOf('padding-loses-no-pixel'), /every pixel lies inside at least 1 of them/);
  },
  'maxpooling-features-generalise': () => {
    for (const metric of ['accuracy', 'precision', 'recall'] as const) {
      assert.ok(VARIANT_NAMES.every((variant) => variant === 'maxpooling' || ORIGINAL_VALIDATION.maxpooling[metric] > ORIGINAL_VALIDATION[variant][metric]), metric);
    }
    assert.ok(VARIANT_NAMES.every((variant) => variant === 'maxpooling' || ORIGINAL_VALIDATION.maxpooling.loss < ORIGINAL_VALIDATION[variant].loss), 'loss');
    assert.match(evidenceOf('maxpooling-features-generalise'), /best of the 5 models on 4 of 4 metrics/);
    assert.ok(errataRows('05-maxpooling').length >= 2, 'notebook 05 lists the MaxPooling rows');
    assert.ok(errataRows('04-relu').length >= 1, 'notebook 04 lists the best-fold table row');
  },
  'folds-10-vs-5': () => {
    assert.notEqual(ORIGINAL_PROSE.foldsNamed, ORIGINAL_PROSE.k);
    assert.ok(Math.abs(1 / ORIGINAL_PROSE.k - ORIGINAL_PROSE.validationShare) < 1e-12, 'k = 5 holds out the stated 20 %');
    assert.ok(Math.abs(1 / ORIGINAL_PROSE.foldsNamed - ORIGINAL_PROSE.validationShare) > 0.05, '10-fold does not');
  },
};

function checkPerKernel(index: number) {
  const { kernels, inputChannels, layer } = originalConvolutions()[index];
  assert.notEqual(kernels * ORIGINAL_PROSE.parametersPerKernel, layer.params, '"26 for each kernel" does not give the table');
  assert.equal(convolutionParameters(kernels, inputChannels, ORIGINAL_PROSE.kernelSide), layer.params, 'kernels spanning every input channel do');
  assert.ok(evidenceOf(`parameters-per-kernel-conv${index + 1}`).startsWith(`${kernels} × ${ORIGINAL_PROSE.parametersPerKernel} = ${kernels * ORIGINAL_PROSE.parametersPerKernel}, not ${layer.params}`));
}

test('every erratum has a check', () => {
  assert.deepEqual(ERRATA.map((erratum) => erratum.id).sort(), Object.keys(CHECKS).sort());
});

for (const [id, check] of Object.entries(CHECKS)) {
  test(`the contradiction holds: ${id}`, check);
}

test('what the original gets right stays out of the errata', () => {
  const [conv1, conv2, conv3] = originalConvolutions();
  // "156 trainable parameters, 26 for each kernel": true of the first convolution.
  assert.equal(conv1.kernels * ORIGINAL_PROSE.parametersPerKernel, conv1.layer.params);
  assert.equal(convolutionOutputSide(ORIGINAL_PROSE.inputShape[0], ORIGINAL_PROSE.firstConvolutionPadding, ORIGINAL_PROSE.kernelSide, ORIGINAL_PROSE.stride), conv1.layer.shape[0]);
  // The third layer "shares all the settings … except for the number of kernels (set to 16) and padding (set to 0)".
  assert.equal(convolutionOutputSide(conv2.inputSide, 0, ORIGINAL_PROSE.kernelSide, ORIGINAL_PROSE.stride), conv2.layer.shape[0]);
  assert.equal(conv3.kernels, 120);
  // Dense layers: "84 neurons, each of which takes 120 values plus 1 bias" = 10164; the output 10 × 85 = 850; total 61,706.
  const [hidden, output] = ORIGINAL_BASELINE_TABLE.filter((layer) => layer.type === 'Dense');
  assert.equal(hidden.shape[0] * (conv3.kernels + 1), hidden.params);
  assert.equal(output.shape[0] * (hidden.shape[0] + 1), output.params);
  assert.equal(ORIGINAL_BASELINE_TABLE.reduce((sum, layer) => sum + layer.params, 0), 61706);
  // "3 convolution layers, 2 average pool layers, 1 Flatten and 2 Dense"; "5 layers … feature extraction and 3 … classification".
  const count = (type: string) => ORIGINAL_BASELINE_TABLE.filter((layer) => layer.type === type).length;
  assert.deepEqual([count('Conv2D'), count('AveragePooling2D'), count('Flatten'), count('Dense')], [3, 2, 1, 2]);
  // ReLU, MaxPooling and (reversed) Dropout against the baseline: "higher results in all the performance metrics".
  for (const variant of ['relu', 'maxpooling'] as const) {
    assert.ok(METRICS.every((metric) => isBetter(metric, ORIGINAL_VALIDATION[variant], ORIGINAL_VALIDATION.baseline)), variant);
  }
  assert.ok(METRICS.every((metric) => isBetter(metric, ORIGINAL_VALIDATION.baseline, ORIGINAL_VALIDATION.dropout)));
  // "Based on the validation accuracy metric, we selected ReLU and LeakyReLU": the top two once MaxPooling is passed over,
  // by the fold-averaged table and by the best-fold table alike.
  for (const accuracy of [(v: VariantName) => ORIGINAL_VALIDATION[v].accuracy, (v: VariantName) => ORIGINAL_BEST_FOLD[v].validation]) {
    const ranked = VARIANT_NAMES.filter((variant) => variant !== 'maxpooling').sort((a, b) => accuracy(b) - accuracy(a));
    assert.deepEqual(ranked.slice(0, 2).sort(), [...ORIGINAL_SELECTION].sort());
  }
  // The confusions it reads are possible: fewer than ReLU's test errors.
  const errors = Math.round((1 - ORIGINAL_TEST.relu!.accuracy) * ORIGINAL_PROSE.testImages);
  assert.ok(ORIGINAL_CONFUSIONS.reduce((sum, confusion) => sum + confusion.count, 0) < errors);
});

test('rows: the four columns, all or one notebook\'s; an unknown notebook is an error', () => {
  const rows = errataRows();
  assert.equal(rows.length, ERRATA.length);
  assert.deepEqual(Object.keys(rows[0]), ['where', 'the original says', 'its own numbers show', 'what we do']);
  assert.equal(errataRows('07-leakyrelu').length, ERRATA.filter((erratum) => erratum.notebook === '07-leakyrelu' || erratum.alsoIn?.includes('07-leakyrelu')).length);
  assert.ok(errataRows('07-leakyrelu').length > 0);
  assert.equal(errataRows('01-data-analysis').length, 0);
  assert.throws(() => errataRows('07-leaky'), /unknown notebook "07-leaky"/);
});

test('Markdown: one row per erratum, pipes and dollar signs escaped', () => {
  const lines = errataMarkdown().split('\n');
  assert.equal(lines.length, ERRATA.length + 2);
  // Each line has five unescaped pipes: four columns.
  for (const line of lines) assert.equal(line.match(/(?<!\\)\|/g)!.length, 5, line);
  assert.equal(markdownTable([{ a: 'x | y', b: '$p$\nq' }]).split('\n')[2], '| x \\| y | \\$p\\$ q |');
  assert.equal(unverifiableMarkdown().split('\n').length, UNVERIFIABLE.length + 2);
});
