/**
 * Which committed runs `study verify` retrains, and how long that should take.
 *
 * A run's kind is everything that decides its arithmetic except its seed and its fold: the variant
 * (a reader's variant: its design), the protocol (epochs, batch size, learning rate, decay), the
 * split (k folds, or the full training set) and the data slice. Runs of one kind differ only in the
 * numbers their seeds and folds draw, so each kind is a stratum of the sample.
 *
 * - default: one fold run of each of the five named variants at the study's batch size (tanh and
 *   average pooling, ReLU, max pooling, dropout's masks, LeakyReLU: every layer type's kernels), one
 *   final retraining with the learning rate halved every 5 epochs (the full training set, the test
 *   evaluation, the decay schedule) and one fold run of the batch-size study (other batch shapes):
 *   7 runs, each drawn at random within its group with the sample seed, about 11 minutes with 2
 *   workers on the machine kind of the committed runs;
 * - `--runs N`: a stratified random sample, every kind once (in a seeded random order of kinds)
 *   before any twice;
 * - `--minutes M`: the same order, each run taken when the estimated wall time still fits M minutes;
 * - `--all`: every committed run;
 * - `--key KEY` (repeatable): exactly those runs.
 *
 * Estimates: a run's recorded training seconds (measured with two runs training at once) plus
 * RUN_OVERHEAD_SECONDS (a worker's start, the data, the final evaluation and the saved model), the
 * runs handed to the workers longest first, each to the worker free first.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mixSeeds, seededRandom, shuffleInPlace } from '../base/random';
import { VARIANTS } from '../model/network';
import { STUDY_PROTOCOL } from './protocol';
import { CorruptRunError, readJson } from './run-files';
import { specIdentity } from './run-key';
import type { RunSpec } from './run-spec';
import type { RunRecord } from './runs';

/** A finished run of a committed cache: its record and the folder it was read from. */
export interface CommittedRun {
  record: RunRecord;
  folder: string;
}

/** What to retrain: the default sample, N runs, as many as fit M minutes, all, or the runs of given keys. */
export type SampleRequest =
  | { kind: 'default' }
  | { kind: 'runs'; count: number }
  | { kind: 'minutes'; minutes: number }
  | { kind: 'all' }
  | { kind: 'keys'; keys: string[] };

export interface Sample {
  request: SampleRequest;
  sampleSeed: number;
  /** The workers that will train them: as asked, but no more than runs. */
  workers: number;
  /** The runs to retrain, longest first (the order they are handed to the workers). */
  runs: CommittedRun[];
  /** Estimated wall time of retraining them with `workers` workers, seconds. */
  estimatedSeconds: number;
}

/** The sample seed when none is given. */
export const DEFAULT_SAMPLE_SEED = 1;

/** Seconds a run costs beyond its recorded training time: worker start, data, final evaluation, saving. */
export const RUN_OVERHEAD_SECONDS = 15;

const KEY_FOLDER = /^[0-9a-f]{16}$/;

/**
 * Every finished run of a cache folder (`<variant>/<key>/run.json`), sorted by variant and key;
 * locks, checkpoints, temporary and set-aside folders are skipped.
 * @throws CorruptRunError naming the file when a run.json is unreadable or not a run record
 */
export function readCommittedRuns(runsDirectory: string): CommittedRun[] {
  if (!existsSync(runsDirectory)) return [];
  const runs: CommittedRun[] = [];
  for (const variant of readdirSync(runsDirectory).sort()) {
    const variantFolder = join(runsDirectory, variant);
    if (!statSync(variantFolder).isDirectory()) continue;
    for (const key of readdirSync(variantFolder).filter((name) => KEY_FOLDER.test(name)).sort()) {
      const path = join(variantFolder, key, 'run.json');
      if (existsSync(path)) runs.push({ record: checkedRecord(readJson<RunRecord>(path), path), folder: join(variantFolder, key) });
    }
  }
  return runs;
}

function checkedRecord(record: RunRecord, path: string): RunRecord {
  const complete = record && typeof record === 'object' && record.spec && Array.isArray(record.history) && record.history.length > 0 &&
    record.environment && typeof record.trainingSeconds === 'number';
  if (!complete) throw new CorruptRunError(path, 'not a complete run record (spec, history, environment, training seconds)');
  return record;
}

/** The run's kind: its spec without seed and fold index, as a canonical string (the stratum of the sample). */
export function runKind(spec: RunSpec): string {
  const [variant, protocol, , split, limit] = specIdentity(spec);
  const splitKind = spec.split.kind === 'fold' ? ['fold', spec.split.k] : split;
  return JSON.stringify([variant, protocol, splitKind, limit]);
}

/** Estimated seconds to retrain one run: its recorded training time plus the overhead of a worker. */
export function estimatedSeconds(run: CommittedRun): number {
  return run.record.trainingSeconds + RUN_OVERHEAD_SECONDS;
}

/** The runs, longest estimate first (ties by key, so the order is reproducible). */
export function longestFirst(runs: CommittedRun[]): CommittedRun[] {
  return [...runs].sort((a, b) => estimatedSeconds(b) - estimatedSeconds(a) || a.record.key.localeCompare(b.record.key));
}

/**
 * Estimated wall time, seconds, of retraining `runs` with `workers` workers: longest first, each run
 * to the worker free first (what lib/study/workers.ts does with a queue in that order).
 */
export function estimatedWallSeconds(runs: CommittedRun[], workers: number): number {
  const free = Array.from({ length: Math.max(1, Math.min(workers, runs.length)) }, () => 0);
  for (const run of longestFirst(runs)) {
    const earliest = free.indexOf(Math.min(...free));
    free[earliest] += estimatedSeconds(run);
  }
  return runs.length === 0 ? 0 : Math.max(...free);
}

/** The groups of the default sample, each a description and which specs belong to it. */
export const DEFAULT_GROUPS: { label: string; matches: (spec: RunSpec) => boolean }[] = [
  ...VARIANTS.map((variant) => ({
    label: `${variant}: a fold run at batch ${STUDY_PROTOCOL.batchSize}`,
    matches: (spec: RunSpec) => spec.variant === variant && !spec.design && spec.split.kind === 'fold' &&
      spec.protocol.batchSize === STUDY_PROTOCOL.batchSize && !spec.protocol.decay,
  })),
  { label: 'a final retraining with LR decay', matches: (spec: RunSpec) => spec.split.kind === 'full' && spec.protocol.decay !== null },
  {
    label: `a fold run of the batch-size study (batch ≠ ${STUDY_PROTOCOL.batchSize})`,
    matches: (spec: RunSpec) => !spec.design && spec.split.kind === 'fold' && spec.protocol.batchSize !== STUDY_PROTOCOL.batchSize,
  },
];

/** One run drawn at random (seeded) from each default group that has any. */
export function defaultSample(committed: CommittedRun[], sampleSeed: number): CommittedRun[] {
  return DEFAULT_GROUPS.flatMap(({ matches }, group) => {
    const candidates = committed.filter((run) => matches(run.record.spec));
    if (candidates.length === 0) return [];
    const random = seededRandom(mixSeeds(sampleSeed, group));
    return [candidates[Math.floor(random() * candidates.length)]];
  });
}

/**
 * Every committed run in stratified random order: the kinds in a seeded random order, the runs of
 * each kind shuffled with the seed, then one run of each kind in turn (every kind once before any
 * twice, and so on).
 */
export function stratifiedOrder(committed: CommittedRun[], sampleSeed: number): CommittedRun[] {
  const strata = new Map<string, CommittedRun[]>();
  for (const run of committed) {
    const kind = runKind(run.record.spec);
    strata.set(kind, [...(strata.get(kind) ?? []), run]);
  }
  const kinds = [...strata.keys()].sort();
  shuffleInPlace(kinds, mixSeeds(sampleSeed, 0));
  const shuffled = kinds.map((kind, index) => {
    const runs = [...strata.get(kind)!].sort((a, b) => a.record.key.localeCompare(b.record.key));
    shuffleInPlace(runs, mixSeeds(sampleSeed, index + 1));
    return runs;
  });
  const longest = Math.max(0, ...shuffled.map((runs) => runs.length));
  return Array.from({ length: longest }, (_, round) => shuffled.flatMap((runs) => (round < runs.length ? [runs[round]] : []))).flat();
}

/** In stratified order, each run whose addition keeps the estimated wall time within `seconds`. */
export function sampleWithin(committed: CommittedRun[], seconds: number, workers: number, sampleSeed: number): CommittedRun[] {
  const chosen: CommittedRun[] = [];
  for (const run of stratifiedOrder(committed, sampleSeed)) {
    if (estimatedWallSeconds([...chosen, run], workers) <= seconds) chosen.push(run);
  }
  return chosen;
}

/** The runs of the given keys, in that order. @throws Error naming a key no committed run has */
export function runsWithKeys(committed: CommittedRun[], keys: string[]): CommittedRun[] {
  return keys.map((key) => {
    const run = committed.find((candidate) => candidate.record.key === key);
    if (!run) throw new Error(`no committed run has the key ${key}`);
    return run;
  });
}

/**
 * The sample a request asks for, longest first, with its estimated wall time.
 * @throws Error naming a key no committed run has (request.kind 'keys')
 */
export function chooseSample(committed: CommittedRun[], request: SampleRequest, sampleSeed: number, workers: number): Sample {
  const runs = request.kind === 'all' ? committed
    : request.kind === 'keys' ? runsWithKeys(committed, request.keys)
      : request.kind === 'runs' ? stratifiedOrder(committed, sampleSeed).slice(0, request.count)
        : request.kind === 'minutes' ? sampleWithin(committed, request.minutes * 60, workers, sampleSeed)
          : defaultSample(committed, sampleSeed);
  // The pool starts no more workers than runs.
  const used = Math.max(1, Math.min(workers, runs.length));
  return { request, sampleSeed, workers: used, runs: longestFirst(runs), estimatedSeconds: estimatedWallSeconds(runs, used) };
}
