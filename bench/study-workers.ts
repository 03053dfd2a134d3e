/**
 * The study's own parallel path, measured: two cross-validation folds of LeNet-5 ReLU (48,000
 * training and 12,000 validation images each, 2 epochs, the study's seed) trained at once by
 * `runInWorkers` in worker processes (one TensorFlow thread each), into a temporary run cache.
 * Reports the combined training throughput of the steady (second) epochs, validation included, and
 * each worker's peak RSS as its run record stores it. Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedRun } from '../lib/study/runs';
import type { RunSpec } from '../lib/study/run-spec';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { runInWorkers } from '../lib/study/workers';
import { DEFAULT_DATA_DIRECTORY } from '../lib/study/study';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

async function main(): Promise<void> {
  const runsDirectory = mkdtempSync(join(tmpdir(), 'bench-runs-'));
  const specs: RunSpec[] = Array.from({ length: WORKERS }, (_, index) => ({
    variant: 'relu', protocol: { ...STUDY_PROTOCOL, epochs: 2 }, seed: 42, split: { kind: 'fold', k: 5, index }, limit: null,
  }));
  const started = performance.now();
  try {
    await runInWorkers(specs, { workers: WORKERS, dataDirectory: DEFAULT_DATA_DIRECTORY, runsDirectory });
    const wallSeconds = (performance.now() - started) / 1000;
    const records = await Promise.all(specs.map(async (spec) => (await cachedRun(spec, runsDirectory))!));
    // 6,000 images per class split 5 ways: every fold trains on exactly 48,000.
    const steadyRates = records.map((record) => 48000 / record.history[1].seconds);
    console.log(JSON.stringify({
      workers: WORKERS, wallSeconds,
      steadySamplesPerSecond: steadyRates.reduce((sum, rate) => sum + rate, 0),
      peakRssMiB: records.map((record) => record.peakRssMiB),
    }));
  } finally {
    rmSync(runsDirectory, { recursive: true, force: true });
  }
}

void main();
