/** Every finished run writes TensorBoard event files, and TensorBoard's own reader loads them back. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { METRIC_NAMES } from '../lib/model/metrics';
import type { RunSpec } from '../lib/study/run-spec';
import { ensureRun } from '../lib/study/runs';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { studyData } from '../lib/study/study';
import { tensorBoardLabel } from '../lib/study/tensorboard';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

test('a finished run\'s per-epoch scalars load in TensorBoard\'s EventAccumulator with the values of its record', async () => {
  const runsDirectory = mkdtempSync(join(tmpdir(), 'runs-'));
  const spec: RunSpec = { variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 3, decay: { factor: 0.5, everyEpochs: 1 } }, seed: 3, split: { kind: 'fold', k: 2, index: 0 }, limit: 300 };
  const run = await ensureRun(spec, () => {
    const { train } = studyData({ dataDirectory: DATA_DIRECTORY, limit: 300 });
    const half = Int32Array.from({ length: 150 }, (_, index) => index);
    const rest = Int32Array.from({ length: 150 }, (_, index) => 150 + index);
    return { train: { images: train.images, rows: half, labels: train.labels.slice(0, 150) }, validation: { images: train.images, rows: rest, labels: train.labels.slice(150) }, test: null };
  }, { runsDirectory });
  const folder = join(runsDirectory, 'relu', run.key, 'tensorboard', tensorBoardLabel(run));
  assert.equal(readdirSync(folder).filter((name) => name.startsWith('events.out.tfevents')).length, 1);
  const read = spawnSync(join(PROJECT_DIRECTORY, '.venv/bin/python'), [join(PROJECT_DIRECTORY, 'scripts/read-tensorboard.py'), folder], { encoding: 'utf8' });
  assert.equal(read.status, 0, read.stderr);
  const scalars = JSON.parse(read.stdout) as Record<string, [number, number][]>;
  const expected: Record<string, [number, number][]> = { learning_rate: run.history.map((epoch) => [epoch.epoch, epoch.learningRate]) };
  for (const metric of METRIC_NAMES) {
    expected[`${metric}/train`] = run.history.map((epoch) => [epoch.epoch, epoch.train[metric]]);
    expected[`${metric}/validation`] = run.history.map((epoch) => [epoch.epoch, epoch.validation![metric]]);
  }
  assert.deepEqual(Object.keys(scalars).sort(), Object.keys(expected).sort());
  for (const [tag, points] of Object.entries(expected)) {
    points.forEach(([step, value], index) => {
      assert.equal(scalars[tag][index][0], step);
      // Event files hold float32 values.
      assert.ok(Math.abs(scalars[tag][index][1] - value) <= 1e-6 * Math.max(1, Math.abs(value)), `${tag} at epoch ${step}`);
    });
  }
});
