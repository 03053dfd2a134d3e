/** One real epoch of LeNet-5 on real Fashion-MNIST images learns far beyond chance (10 %). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../lib/base/tensorflow';
import { loadSplit } from '../lib/data/fashion-mnist';
import { evaluate, trainRun } from '../lib/model/train';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { DATA_DIRECTORY } from './paths';

test('one epoch on 2,000 real training images reaches > 50 % on 1,000 held-out images', async () => {
  const slice = loadSplit(DATA_DIRECTORY, 'train', { limit: 3000 });
  const train = { images: slice.images.slice([0], [2000]) as tf.Tensor4D, labels: slice.labels.slice(0, 2000) };
  const heldOut = { images: slice.images.slice([2000], [1000]) as tf.Tensor4D, labels: slice.labels.slice(2000) };
  const { model } = await trainRun({ variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 1 }, seed: 7, train });
  const { metrics } = evaluate('relu', model, heldOut);
  assert.ok(metrics.accuracy > 0.5, `held-out accuracy ${metrics.accuracy}`);
  model.dispose();
  tf.dispose([slice.images, train.images, heldOut.images]);
});
