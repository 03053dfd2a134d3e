/**
 * The final models are portable: a fresh Node process that imports nothing of this project loads
 * each with plain `tf.loadLayersModel`, finds its input contract in the model's metadata, and
 * classifies test images with it, prepared as the contract says.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadLabels } from '../lib/data/fashion-mnist';
import { profileOptions } from '../lib/study/profiles';
import { finalSpecs, studyPlan } from '../lib/study/study';
import { runLocation } from '../lib/study/runs';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

/** A plain tfjs-node script: no lib/ import; the images are read from the IDX file by hand. */
const SCRIPT = `
const tf = require('@tensorflow/tfjs-node');
const zlib = require('node:zlib');
const fs = require('node:fs');
const [modelJson, imagesFile, count] = process.argv.slice(1);
(async () => {
  const model = await tf.loadLayersModel('file://' + modelJson);
  const contract = model.getUserDefinedMetadata();
  const pixels = zlib.gunzipSync(fs.readFileSync(imagesFile)).subarray(16, 16 + Number(count) * 784);
  // The contract: NHWC [batch, 28, 28, 1], pixel / 255.
  const images = tf.tensor4d(Float32Array.from(pixels, (pixel) => pixel / 255), [Number(count), ...contract.input.shape.slice(1)]);
  const predicted = Array.from(model.predict(images).argMax(-1).dataSync());
  console.log(JSON.stringify({ contract, layers: model.layers.map((layer) => layer.getClassName()), predicted }));
})();
`;

test('every committed final model loads with plain tf.loadLayersModel in a fresh process and classifies as its run did', async () => {
  const options = { ...profileOptions('full'), runsDirectory: join(PROJECT_DIRECTORY, 'runs') };
  const plan = await studyPlan(options);
  assert.ok(plan.complete, 'the committed cache lacks the reproduction');
  const finals = plan.specs.filter((spec) => spec.split.kind === 'full');
  assert.ok(finals.length >= finalSpecs(['relu', 'leakyrelu'], options).length);
  const labels = loadLabels(DATA_DIRECTORY, 'test', 500);
  for (const spec of finals) {
    const { key, folder } = await runLocation(spec, options.runsDirectory);
    const result = spawnSync(process.execPath, ['-e', SCRIPT, join(folder, 'model', 'model.json'), join(DATA_DIRECTORY, 't10k-images-idx3-ubyte.gz'), '500'],
      { encoding: 'utf8', cwd: PROJECT_DIRECTORY, env: { ...process.env, NODE_PATH: join(PROJECT_DIRECTORY, 'node_modules') } });
    assert.equal(result.status, 0, result.stderr);
    const { contract, layers, predicted } = JSON.parse(result.stdout);
    assert.deepEqual(contract.input.shape, [null, 28, 28, 1]);
    assert.equal(contract.output.classes.length, 10);
    assert.equal(contract.run.key, key);
    assert.ok(layers.every((name: string) => ['Conv2D', 'AveragePooling2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dropout', 'LeakyReLU'].includes(name)), layers.join());
    const record = JSON.parse(require('node:fs').readFileSync(join(folder, 'run.json'), 'utf8'));
    assert.deepEqual(predicted, record.test.predictions.slice(0, 500), `${spec.variant} seed ${spec.seed}: predictions differ from the run's`);
    assert.ok(predicted.filter((label: number, index: number) => label === labels[index]).length > 400);
  }
});
