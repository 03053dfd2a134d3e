/** The selection rule, on the original's own numbers, makes the original's choice; the variants retrained and the fold measures rankings use. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VARIANTS } from '../lib/model/tfjs-model';
import { ORIGINAL_BEST_FOLD, ORIGINAL_SELECTION, ORIGINAL_VALIDATION } from '../lib/report/original-study';
import { finalGaps, finalValidationAccuracies, lastEpochsAccuracies } from '../lib/study/robustness';
import type { RunRecord } from '../lib/study/runs';
import { KFoldResult, selectByRule, TESTED_REFERENCES, testedVariants } from '../lib/study/study';

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

test('the retrained variants: the chosen two first, then MaxPooling and the baseline unless already chosen', () => {
  assert.deepEqual(testedVariants(['relu', 'leakyrelu']), ['relu', 'leakyrelu', 'maxpooling', 'baseline']);
  assert.deepEqual(testedVariants(['maxpooling', 'relu']), ['maxpooling', 'relu', 'baseline']);
  assert.deepEqual(TESTED_REFERENCES, ['maxpooling', 'baseline']);
});

test('fold measures: the final gap and the mean of the last epochs, by hand on a two-fold record', () => {
  const epoch = (train: number, validation: number) => ({ train: { loss: 0, accuracy: train, precision: 0, recall: 0 }, validation: { loss: 0, accuracy: validation, precision: 0, recall: 0 } });
  const run = (history: ReturnType<typeof epoch>[]) => ({ history }) as unknown as RunRecord;
  const result = { runs: [run([epoch(0.8, 0.7), epoch(0.9, 0.8), epoch(0.95, 0.85), epoch(0.97, 0.86)]), run([epoch(0.8, 0.75), epoch(0.9, 0.8), epoch(0.92, 0.81), epoch(0.93, 0.9)])] } as unknown as KFoldResult<string>;
  assert.deepEqual(finalValidationAccuracies(result), [0.86, 0.9]);
  const gaps = finalGaps(result);
  assert.ok(Math.abs(gaps[0] - 0.11) < 1e-12 && Math.abs(gaps[1] - 0.03) < 1e-12, String(gaps));
  // The last 3 epochs: (0.8 + 0.85 + 0.86)/3 and (0.8 + 0.81 + 0.9)/3.
  const averaged = lastEpochsAccuracies(3)(result);
  assert.ok(Math.abs(averaged[0] - 2.51 / 3) < 1e-12 && Math.abs(averaged[1] - 2.51 / 3) < 1e-12, String(averaged));
  // A window longer than the run averages every epoch.
  assert.ok(Math.abs(lastEpochsAccuracies(10)(result)[0] - (0.7 + 0.8 + 0.85 + 0.86) / 4) < 1e-12);
});
