/** The selection rule, on the original's own numbers, makes the original's choice. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VARIANTS } from '../lib/model/tfjs-model';
import { ORIGINAL_BEST_FOLD, ORIGINAL_SELECTION, ORIGINAL_VALIDATION } from '../lib/report/original-study';
import { selectByRule } from '../lib/study/study';

test('on the original\'s numbers the rule passes over MaxPooling (and the baseline) and picks ReLU and LeakyReLU', () => {
  const selection = selectByRule(VARIANTS.map((variant) => ({
    variant, validationAccuracy: ORIGINAL_VALIDATION[variant].accuracy,
    gap: ORIGINAL_BEST_FOLD[variant].train - ORIGINAL_BEST_FOLD[variant].validation,
  })));
  assert.deepEqual([...selection.chosen].sort(), [...ORIGINAL_SELECTION].sort());
  assert.ok(selection.ranking.find((entry) => entry.variant === 'maxpooling')!.excluded);
  assert.equal(selection.ranking[0].variant, 'maxpooling', 'MaxPooling ranks first by accuracy and is still passed over');
});

test('without a standout gap the two most accurate are chosen', () => {
  const selection = selectByRule([
    { variant: 'baseline', validationAccuracy: 0.89, gap: 0.02 },
    { variant: 'relu', validationAccuracy: 0.91, gap: 0.025 },
    { variant: 'maxpooling', validationAccuracy: 0.90, gap: 0.022 },
  ]);
  assert.deepEqual(selection.chosen, ['relu', 'maxpooling']);
  assert.ok(Math.abs(selection.medianGap - 0.022) < 1e-12);
});
