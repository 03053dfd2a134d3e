/**
 * `study verify`: is the committed run cache what this code trains?
 *
 * Retrains a seeded sample of the committed runs (lib/study/verify-sample.ts: by default one fold run
 * of each named variant, one final retraining with LR decay and one fold run of the batch-size
 * study) from their recorded specs, into a temporary run folder (the committed one is only read),
 * in worker processes (lib/study/workers.ts) with live progress; then compares every epoch's
 * training and validation (or test) loss, accuracy, precision and recall with the record
 * (lib/study/verify-compare.ts). On the record's CPU kind and settings a run must be bit for bit
 * identical; on another CPU it may depart as far as a run with another seed would
 * (lib/study/verify-tolerance.ts, docs/verify.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunEnvironment, runEnvironment } from './environment';
import { ProgressReporter } from './progress';
import { describeRun } from './run-spec';
import { cachedRun, RunRecord } from './runs';
import { compareRun, overallVerdict, RunVerification, splitLabel, Verdict } from './verify-compare';
import { chooseSample, CommittedRun, estimatedSeconds, readCommittedRuns, runKind, Sample, SampleRequest } from './verify-sample';
import { deriveTolerances, TAIL_PROBABILITY } from './verify-tolerance';
import { duration, runInWorkers } from './workers';

export interface VerifyOptions {
  /** The committed cache to verify (only read). */
  runsDirectory: string;
  dataDirectory: string;
  workers: number;
  request: SampleRequest;
  sampleSeed: number;
  reporter: ProgressReporter;
}

/** What `study verify` found (also its --json). */
export interface VerificationReport {
  command: 'verify';
  verdict: Verdict;
  runsDirectory: string;
  /** This machine, as lib/study/environment.ts reports it. */
  machine: RunEnvironment;
  /** The machines the committed runs record, with how many runs each. */
  recordedMachines: { environment: RunEnvironment; runs: number }[];
  sample: { request: SampleRequest; sampleSeed: number; workers: number; runs: number; of: number; estimatedSeconds: number };
  tolerance: { tailProbability: number; rule: string };
  runs: RunVerification[];
  startedAt: string;
  wallSeconds: number;
}

/** No run to verify: the folder holds none, or the sample is empty. */
export class VerifySampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifySampleError';
  }
}

/** At least one run was not reproduced: thrown after the report is shown, for a non-zero exit. */
export class NotReproducedError extends Error {
  constructor(readonly report: VerificationReport) {
    const failed = report.runs.filter((run) => run.verdict === 'not reproduced');
    super(`${failed.length} of ${report.runs.length} run(s) not reproduced: ${failed.map((run) => `${run.variant} ${run.split}, seed ${run.seed} (${run.key})`).join('; ')}`);
    this.name = 'NotReproducedError';
  }
}

const TOLERANCE_RULE = 'on the record\'s CPU kind and settings, bit for bit; on another CPU, |retrained − recorded| ≤ q·√2·σ̂ for every epoch, ' +
  'set and metric, σ̂ the seed-to-seed spread of the committed runs of its kind and q Student\'s t quantile with σ̂\'s degrees of freedom';

/** The distinct machines (CPU, extensions, settings, versions) of the records, with their run counts. */
export function recordedMachines(records: RunRecord[]): { environment: RunEnvironment; runs: number }[] {
  const machines = new Map<string, { environment: RunEnvironment; runs: number }>();
  for (const { environment } of records) {
    const { node: _node, ...kind } = environment;
    const id = JSON.stringify(kind);
    machines.set(id, { environment, runs: (machines.get(id)?.runs ?? 0) + 1 });
  }
  return [...machines.values()];
}

/** The lines that list the sample before training: each run with its estimate, and the total. */
export function sampleListing(sample: Sample, committed: number): string[] {
  return [
    `verify: retraining ${sample.runs.length} of ${committed} committed run(s) (${describeRequest(sample.request)}, sample seed ${sample.sampleSeed}), ` +
      `estimated ${duration(sample.estimatedSeconds)} with ${sample.workers} worker(s):`,
    ...sample.runs.map(({ record }, index) => `  ${record.spec.variant} · ${splitLabel(record)} · seed ${record.spec.seed} · ${record.key} · ~${duration(estimatedSeconds(sample.runs[index]))}`),
  ];
}

/**
 * The committed runs of options.runsDirectory and the sample of them to retrain.
 * @throws VerifySampleError when the folder holds no finished run or the sample is empty;
 *   CorruptRunError for a damaged run.json
 */
export function verificationSample(options: Pick<VerifyOptions, 'runsDirectory' | 'request' | 'sampleSeed' | 'workers'>): { committed: CommittedRun[]; sample: Sample } {
  const committed = readCommittedRuns(options.runsDirectory);
  if (committed.length === 0) throw new VerifySampleError(`no finished run in ${options.runsDirectory} (each is <variant>/<key>/run.json); check --runs-dir`);
  const sample = sampleOrExplain(committed, options);
  if (sample.runs.length === 0) {
    const shortest = Math.min(...committed.map(estimatedSeconds));
    throw new VerifySampleError(`no run of ${options.runsDirectory} fits the sample asked for (${describeRequest(options.request)}; the shortest takes ~${duration(shortest)}): ` +
      'ask for more with --runs N, --minutes M or --all');
  }
  return { committed, sample };
}

/** chooseSample, with a key that names no committed run reported as what to do. @throws VerifySampleError */
function sampleOrExplain(committed: CommittedRun[], options: Pick<VerifyOptions, 'runsDirectory' | 'request' | 'sampleSeed' | 'workers'>): Sample {
  try {
    return chooseSample(committed, options.request, options.sampleSeed, options.workers);
  } catch (error) {
    throw new VerifySampleError(`${(error as Error).message} in ${options.runsDirectory}: \`verify --list --all\` lists them`);
  }
}

/** "the default sample", "every committed run", "a stratified sample of 4", "as many as fit 10 min". */
function describeRequest(request: SampleRequest): string {
  if (request.kind === 'default') return 'the default sample';
  if (request.kind === 'all') return 'every committed run';
  if (request.kind === 'keys') return `the run(s) of ${request.keys.length === 1 ? 'the key' : 'the keys'} given`;
  return request.kind === 'runs' ? `a stratified sample of ${request.count}` : `as many as fit ${request.minutes} min`;
}

/** Retrains the runs into `scratch` with the worker pool and reads each retrained record back. */
async function retrain(runs: CommittedRun[], scratch: string, options: VerifyOptions): Promise<RunRecord[]> {
  const specs = runs.map((run) => run.record.spec);
  await runInWorkers(specs, { workers: options.workers, dataDirectory: options.dataDirectory, runsDirectory: scratch, reporter: options.reporter });
  const retrained: RunRecord[] = [];
  for (const spec of specs) {
    const record = await cachedRun(spec, scratch);
    if (!record) throw new Error(`${describeRun(spec)}: the worker finished, but no retrained run is in ${scratch}`);
    retrained.push(record);
  }
  return retrained;
}

/**
 * Verifies a sample of the committed runs (see the module's doc).
 * @returns the report; its verdict is "not reproduced" when any run is (the caller decides the exit)
 * @throws VerifySampleError when the folder holds no finished run or the sample is empty;
 *   CorruptRunError for a damaged run.json; WorkerPoolError when a retraining fails
 */
export async function verifyCommittedRuns(options: VerifyOptions): Promise<VerificationReport> {
  const startedAt = new Date();
  const { committed, sample } = verificationSample(options);
  for (const line of sampleListing(sample, committed.length)) options.reporter.log(line);
  const tolerances = deriveTolerances(committed.map((run) => run.record));
  const scratch = mkdtempSync(join(tmpdir(), 'study-verify-'));
  try {
    const retrained = await retrain(sample.runs, scratch, options);
    const runs = sample.runs.map((run, index) => compareRun(run.record, retrained[index], tolerances.get(runKind(run.record.spec)) ?? null));
    return {
      command: 'verify', verdict: overallVerdict(runs.map((run) => run.verdict)), runsDirectory: options.runsDirectory,
      machine: runEnvironment(), recordedMachines: recordedMachines(committed.map((run) => run.record)),
      sample: { request: sample.request, sampleSeed: sample.sampleSeed, workers: sample.workers, runs: sample.runs.length, of: committed.length, estimatedSeconds: sample.estimatedSeconds },
      tolerance: { tailProbability: TAIL_PROBABILITY, rule: TOLERANCE_RULE }, runs,
      startedAt: startedAt.toISOString(), wallSeconds: (Date.now() - startedAt.getTime()) / 1000,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
