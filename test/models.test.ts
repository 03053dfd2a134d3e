/** The five variants, layer by layer, equal the original's model tables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../lib/base/tensorflow';
import { buildModel, countParameters, summarizeModel, VARIANTS } from '../lib/model/tfjs-model';

// The original's tables: (type, output shape, parameters) per layer; layer names there are Keras' counters.
const CONV_STACK = (pool: string, after: [string, string][] = []) => {
  const extra = (i: number) => after.filter(([, at]) => at === String(i)).map(([type]) => type);
  const shapes: Record<string, string[]> = {
    0: ['(None, 28, 28, 6)'], 1: ['(None, 10, 10, 16)'], 2: ['(None, 1, 1, 120)'], 3: ['(None, 120)'], 4: ['(None, 84)'],
  };
  const rows: [string, string, number][] = [];
  const push = (type: string, shape: string, params: number) => rows.push([type, shape, params]);
  push('Conv2D', '(None, 28, 28, 6)', 156); extra(0).forEach((t) => push(t, shapes[0][0], 0));
  push(pool, '(None, 14, 14, 6)', 0);
  push('Conv2D', '(None, 10, 10, 16)', 2416); extra(1).forEach((t) => push(t, shapes[1][0], 0));
  push(pool, '(None, 5, 5, 16)', 0);
  push('Conv2D', '(None, 1, 1, 120)', 48120); extra(2).forEach((t) => push(t, shapes[2][0], 0));
  push('Flatten', '(None, 120)', 0); extra(3).forEach((t) => push(t, shapes[3][0], 0));
  push('Dense', '(None, 84)', 10164); extra(4).forEach((t) => push(t, shapes[4][0], 0));
  push('Dense', '(None, 10)', 850);
  return rows;
};

const ORIGINAL_TABLES = {
  baseline: CONV_STACK('AveragePooling2D'),
  relu: CONV_STACK('AveragePooling2D'),
  maxpooling: CONV_STACK('MaxPooling2D'),
  dropout: CONV_STACK('AveragePooling2D', [['Dropout', '0'], ['Dropout', '1'], ['Dropout', '2'], ['Dropout', '3'], ['Dropout', '4']]),
  leakyrelu: CONV_STACK('AveragePooling2D', [['LeakyReLU', '0'], ['LeakyReLU', '1'], ['LeakyReLU', '2'], ['LeakyReLU', '4']]),
};

for (const variant of VARIANTS) {
  test(`${variant}: summary equals the original's table, 61,706 parameters`, () => {
    const model = buildModel(variant, { seed: 1 });
    const rows = summarizeModel(model).map((row) => [row.type, row.outputShape, row.params]);
    assert.deepEqual(rows, ORIGINAL_TABLES[variant]);
    assert.equal(countParameters(model), 61706);
    model.dispose();
  });
}

test('activations: tanh baseline, ReLU variant, LeakyReLU as separate layers', () => {
  const activations = (variant: (typeof VARIANTS)[number]) => {
    const model = buildModel(variant, { seed: 1 });
    const names = model.layers.map((layer) => (layer.getConfig().activation as string | undefined) ?? '-');
    model.dispose();
    return names;
  };
  assert.deepEqual(activations('baseline').filter((a) => a !== '-'), ['tanh', 'tanh', 'tanh', 'tanh', 'softmax']);
  assert.deepEqual(activations('relu').filter((a) => a !== '-'), ['relu', 'relu', 'relu', 'relu', 'softmax']);
  assert.deepEqual(activations('leakyrelu').filter((a) => a !== '-'), ['linear', 'linear', 'linear', 'linear', 'softmax']);
});

test('building and disposing models leaves no tensor behind', () => {
  const before = tf.memory().numTensors;
  for (const variant of VARIANTS) buildModel(variant, { seed: 2 }).dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('the same seed builds the same weights; another seed does not', () => {
  const weights = (seed: number) => {
    const model = buildModel('relu', { seed });
    const values = Array.from(model.getWeights()[0].dataSync());
    model.dispose();
    return values;
  };
  assert.deepEqual(weights(3), weights(3));
  assert.notDeepEqual(weights(3), weights(4));
  assert.throws(() => buildModel('lenet' as never, { seed: 1 }), /unknown variant "lenet"/);
});
