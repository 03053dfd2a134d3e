/**
 * Runs trained concurrently in worker processes give the same results as runs trained one after
 * another in one process; a worker that fails loses only its own run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cachedRun } from '../lib/study/runs';
import type { RunSpec } from '../lib/study/run-spec';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { runInWorkers, TrainingInterrupted, WorkerPoolError } from '../lib/study/workers';
import { runLocation } from '../lib/study/runs';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

function kfold(runsDirectory: string, workers: number) {
  const result = spawnSync(process.execPath, [join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js'), 'kfold', '--variant', 'leakyrelu',
    '--k', '3', '--epochs', '2', '--limit', '450', '--seed', '3', '--workers', String(workers), '--runs-dir', runsDirectory],
  { encoding: 'utf8', env: { ...process.env, TF_NUM_INTRAOP_THREADS: '1' } });
  assert.equal(result.status, 0, result.stderr);
  return result;
}

// Same thread count both ways: TensorFlow splits some kernels' sums between threads, which shows in
// the last digits of full-size ReLU runs (README, Performance), so every run is trained with one.
test('3 folds in 2 single-thread worker processes equal the same folds trained one after another in one process', () => {
  const parallel = kfold(mkdtempSync(join(tmpdir(), 'runs-')), 2);
  assert.match(parallel.stderr, /in 2 worker processes/);
  const sequential = kfold(mkdtempSync(join(tmpdir(), 'runs-')), 1);
  const finals = (output: string) => JSON.parse(output).kfold[0].folds.map((fold: { key: string; final: { seconds?: number } }) => {
    const { seconds: _seconds, ...metrics } = fold.final;
    return { key: fold.key, metrics };
  });
  assert.deepEqual(finals(parallel.stdout), finals(sequential.stdout));
});

test('a failing worker loses only its own run', async () => {
  const runsDirectory = mkdtempSync(join(tmpdir(), 'runs-'));
  const good: RunSpec = { variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 1 }, seed: 1, split: { kind: 'full' }, limit: 200 };
  const bad = { ...good, variant: 'lenet' } as unknown as RunSpec;
  await assert.rejects(runInWorkers([bad, good], { workers: 2, dataDirectory: DATA_DIRECTORY, runsDirectory }), (error: unknown) => {
    assert.ok(error instanceof WorkerPoolError);
    assert.equal(error.failures.length, 1);
    assert.match(error.failures[0].reason, /unknown variant "lenet"/);
    return true;
  });
  assert.ok(cachedRun(good, runsDirectory), 'the healthy run finished and is cached');
});

test('an interrupt (SIGINT) stops the pool, keeps the finished run and the unfinished one\'s last epoch, and the caller lives on to resume', async () => {
  const runsDirectory = mkdtempSync(join(tmpdir(), 'runs-'));
  const quick: RunSpec = { variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 1 }, seed: 1, split: { kind: 'full' }, limit: 200 };
  const long: RunSpec = { variant: 'baseline', protocol: { ...STUDY_PROTOCOL, epochs: 30 }, seed: 1, split: { kind: 'full' }, limit: 200 };
  const queued: RunSpec = { ...long, seed: 2 };
  let sent = false;
  let quickDone = false;
  let longCheckpointed = false;
  // Interrupted once the quick run is stored and the long one has a checkpoint: decided by progress, not by a clock.
  const reporter = {
    update: () => undefined,
    log: (line: string) => {
      quickDone ||= /^relu .*stored as/.test(line);
      longCheckpointed ||= /^baseline .*epoch 2\/30/.test(line);
      if (!sent && quickDone && longCheckpointed) { sent = true; process.emit('SIGINT'); }
    },
  };
  await assert.rejects(runInWorkers([quick, long, queued], { workers: 2, dataDirectory: DATA_DIRECTORY, runsDirectory, reporter }), (error: unknown) => {
    assert.ok(error instanceof TrainingInterrupted, String(error));
    assert.match(error.message, /finished ones are cached/);
    return true;
  });
  assert.ok(await cachedRun(quick, runsDirectory), 'the finished run is cached');
  assert.equal(await cachedRun(queued, runsDirectory), null, 'the queued run never started');
  const { folder } = await runLocation(long, runsDirectory);
  assert.ok(readdirSync(folder).some((name) => /^epoch-\d+$/.test(name)), 'the interrupted run kept its last checkpoint');
  assert.equal(process.listenerCount('SIGINT'), 0, 'the pool removed its interrupt handler');
});
