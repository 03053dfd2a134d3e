/** Precision and recall against hand-computed counts; the LR schedule per epoch. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../lib/base/tensorflow';
import { batchSums, confusionMatrix, metricsFromSums, perClassMetrics, topConfusions } from '../lib/model/metrics';
import { learningRateAt } from '../lib/model/train';
import { STEP_DECAY, STUDY_PROTOCOL } from '../lib/study/protocol';
import { pairedTTest, twoSidedPValue } from '../lib/study/statistics';

test('macro per-class precision and recall from a hand-made confusion matrix', () => {
  // 3 classes; rows = actual, columns = predicted.
  const confusion = confusionMatrix([0, 0, 0, 1, 1, 2, 2, 2, 2], [0, 0, 1, 1, 2, 2, 2, 2, 0], 3);
  assert.deepEqual(confusion, [[2, 1, 0], [0, 1, 1], [1, 0, 3]]);
  const metrics = perClassMetrics(confusion);
  // precision: class 0 = 2/3, class 1 = 1/2, class 2 = 3/4; recall: 2/3, 1/2, 3/4.
  assert.deepEqual(metrics.precision.map((p) => +p.toFixed(6)), [0.666667, 0.5, 0.75]);
  assert.deepEqual(metrics.recall.map((r) => +r.toFixed(6)), [0.666667, 0.5, 0.75]);
  assert.ok(Math.abs(metrics.macroPrecision - (2 / 3 + 1 / 2 + 3 / 4) / 3) < 1e-12);
  assert.deepEqual(topConfusions(confusion, ['a', 'b', 'c'], 2).map((c) => [c.actual, c.predicted, c.count]), [['a', 'b', 1], ['b', 'c', 1]]);
});

test('Keras-style precision/recall threshold every output at 0.5 and pool the counts', () => {
  const labels = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
  const probabilities = tf.tensor2d([
    [0.7, 0.2, 0.1], // confident, right: TP
    [0.3, 0.45, 0.25], // right by argmax but nothing > 0.5: FN
    [0.1, 0.6, 0.3], // confident, wrong: FP (class 1) and FN (class 2)
    [0.9, 0.05, 0.05], // TP
  ]);
  // The loss sum is passed in (training takes it from its loss op); here, -Σ log p(true class).
  const loss = tf.scalar(-(Math.log(0.7) + Math.log(0.45) + Math.log(0.3) + Math.log(0.9)));
  const metrics = metricsFromSums(batchSums(labels as tf.Tensor2D, probabilities as tf.Tensor2D, loss).dataSync());
  // TP = 2, FP = 1, FN = 2 → precision 2/3, recall 2/4; accuracy 3/4 (argmax).
  assert.ok(Math.abs(metrics.precision - 2 / 3) < 1e-6);
  assert.ok(Math.abs(metrics.recall - 0.5) < 1e-6);
  assert.ok(Math.abs(metrics.accuracy - 0.75) < 1e-6);
  const expectedLoss = -(Math.log(0.7) + Math.log(0.45) + Math.log(0.3) + Math.log(0.9)) / 4;
  assert.ok(Math.abs(metrics.loss - expectedLoss) < 1e-5, `loss ${metrics.loss} vs ${expectedLoss}`);
  tf.dispose([labels, probabilities, loss]);
});

test('learning rate: 0.001 for epochs 1–5, halved for 6–10, quartered for 11–15; constant without decay', () => {
  const decayed = { ...STUDY_PROTOCOL, decay: STEP_DECAY };
  const rates = Array.from({ length: 15 }, (_, epoch) => learningRateAt(decayed, epoch));
  assert.deepEqual(rates, [...Array(5).fill(0.001), ...Array(5).fill(0.0005), ...Array(5).fill(0.00025)]);
  assert.deepEqual(Array.from({ length: 15 }, (_, epoch) => learningRateAt(STUDY_PROTOCOL, epoch)), Array(15).fill(0.001));
});

test('paired t-test p-values match Student t tables', () => {
  assert.ok(Math.abs(twoSidedPValue(2.776445, 4) - 0.05) < 1e-6);
  assert.ok(Math.abs(twoSidedPValue(4.604095, 4) - 0.01) < 1e-6);
  const result = pairedTTest([0.91, 0.90, 0.92, 0.905, 0.915], [0.89, 0.885, 0.9, 0.89, 0.895]);
  assert.equal(result.degreesOfFreedom, 4);
  assert.ok(result.meanDifference > 0 && result.pValue < 0.001);
});
