/** Stratified k-fold on the real training labels: every fold holds 1/k of each class, within one. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { stratifiedKFold } from '../lib/data/folds';
import { FASHION_MNIST_FILES, verifyDataFile } from '../lib/data/idx-files';
import { DATA_DIRECTORY } from './paths';

test('5 folds of the 60,000 real labels: each class within one sample of 1/5 in every fold; a partition', () => {
  const spec = FASHION_MNIST_FILES.find((file) => file.split === 'train' && file.kind === 'labels')!;
  const labels = verifyDataFile(join(DATA_DIRECTORY, spec.fileName), spec);
  const k = 5;
  const folds = stratifiedKFold(labels, k, 42);
  const seen = new Uint8Array(labels.length);
  for (const fold of folds) {
    const perClass = new Array(10).fill(0);
    fold.validation.forEach((index) => { perClass[labels[index]] += 1; seen[index] += 1; });
    for (let c = 0; c < 10; c += 1) {
      const share = labels.filter((label) => label === c).length / k;
      assert.ok(Math.abs(perClass[c] - share) <= 1, `fold ${fold.index} class ${c}: ${perClass[c]} vs ${share}`);
    }
    assert.equal(fold.train.length + fold.validation.length, labels.length);
  }
  assert.ok(seen.every((count) => count === 1), 'every sample validates in exactly one fold');
  assert.deepEqual(stratifiedKFold(labels, k, 42)[2].validation, folds[2].validation, 'same seed, same folds');
  assert.notDeepEqual(stratifiedKFold(labels, k, 43)[2].validation, folds[2].validation);
});

test('uneven classes still stratify; bad k is rejected', () => {
  const labels = Array.from({ length: 103 }, (_, i) => (i < 50 ? 0 : i % 3));
  for (const fold of stratifiedKFold(labels, 4, 1)) {
    for (const c of [0, 1, 2]) {
      const total = labels.filter((l) => l === c).length;
      const inFold = Array.from(fold.validation).filter((i) => labels[i] === c).length;
      assert.ok(Math.abs(inFold - total / 4) <= 1);
    }
  }
  assert.throws(() => stratifiedKFold(labels, 1, 1), /k ≥ 2/);
  assert.throws(() => stratifiedKFold(labels, 2.5, 1), /k ≥ 2/);
});
