/**
 * One retrained run against its record: is the machine of the same kind, how far does every
 * epoch's every metric lie from the recorded one, and the verdict.
 *
 *   same CPU kind and settings   "identical" (bit for bit) or "not reproduced"
 *   another CPU kind             "identical", or "within noise" when every deviation is within the
 *                                tolerance (lib/study/verify-tolerance.ts), or "not reproduced"
 */
import { METRIC_NAMES, MetricName } from '../model/metrics';
import type { RunEnvironment } from './environment';
import type { RunRecord } from './runs';
import { describeRun } from './run-spec';
import { EPOCH_SETS, EpochSet, metricOf, Tolerance } from './verify-tolerance';

export type Verdict = 'identical' | 'within noise' | 'not reproduced';

/** One metric of one epoch of a run: recorded, retrained, and how far apart. */
export interface Deviation {
  /** 1-based. */
  epoch: number;
  /** The history's set, as the report names it. */
  set: 'train' | 'validation' | 'test';
  metric: MetricName;
  recorded: number;
  retrained: number;
  /** |retrained − recorded|. */
  deviation: number;
  /** The tolerance's allowance for it (null: no tolerance). */
  allowed: number | null;
  /** deviation / allowed (0 when both are 0; null: no tolerance). */
  share: number | null;
}

export interface RunVerification {
  variant: string;
  /** "fold 3/5, batch 32", "full training set, batch 32, LR decay". */
  split: string;
  seed: number;
  key: string;
  /** The key the run got here (differs from `key` when the arithmetic probe, data or libraries differ). */
  retrainedKey: string;
  /** The fields of the machine's kind that differ from the record's (empty: the same kind). */
  machineDifferences: string[];
  verdict: Verdict;
  /** The deviation closest to (or furthest beyond) its allowance; without a tolerance, the largest. */
  largest: Deviation | null;
  tolerance: { basis: Tolerance['basis']; degreesOfFreedom: number; quantile: number } | null;
  recordedSeconds: number;
  retrainedSeconds: number;
}

/** The fields that make a machine's kind, as they read in a record's environment. */
function machineKind(environment: RunEnvironment): Record<string, string> {
  const settings = environment.settings ?? ({} as RunEnvironment['settings']);
  return {
    'CPU model': String(environment.cpu),
    'vector extensions': [...(environment.vectorExtensions ?? [])].sort().join(' '),
    oneDNN: String(settings.oneDNN),
    'intra-op threads': String(settings.intraOpThreads),
    'inter-op threads': String(settings.interOpThreads),
    'tfjs-node': String(environment.tfjsNode),
    libtensorflow: String(environment.tensorflow),
  };
}

/**
 * Which fields of the machine's kind differ between two environments: CPU model, vector extensions,
 * the TensorFlow settings, the tfjs-node and libtensorflow versions (Node.js is not among them: the
 * metrics' arithmetic runs in TensorFlow). Empty when they are of the same kind.
 */
export function machineDifferences(recorded: RunEnvironment, here: RunEnvironment): string[] {
  const before = machineKind(recorded);
  const after = machineKind(here);
  return Object.keys(before).filter((field) => before[field] !== after[field]);
}

/** Every metric of every epoch of both runs, with its deviation and allowance. */
export function deviations(recorded: RunRecord, retrained: RunRecord, tolerance: Tolerance | null): Deviation[] {
  const evaluated = recorded.spec.split.kind === 'full' ? 'test' : 'validation';
  const label = (set: EpochSet) => (set === 'train' ? 'train' : evaluated);
  return recorded.history.flatMap((_, epoch) => EPOCH_SETS.flatMap((set) => METRIC_NAMES.map((metric): Deviation => {
    const before = metricOf(recorded, epoch, set, metric);
    const after = metricOf(retrained, epoch, set, metric);
    const deviation = Math.abs(after - before);
    const allowed = tolerance ? tolerance.allowed[epoch][set][metric] : null;
    const share = allowed === null ? null : deviation === 0 ? 0 : deviation / allowed;
    return { epoch: epoch + 1, set: label(set), metric, recorded: before, retrained: after, deviation, allowed, share };
  })));
}

/** The deviation to show: the largest share of its allowance, or without a tolerance the largest deviation. */
function largestOf(all: Deviation[]): Deviation | null {
  const size = (entry: Deviation) => entry.share ?? entry.deviation;
  return all.reduce<Deviation | null>((largest, entry) => (largest === null || size(entry) > size(largest) ? entry : largest), null);
}

/** The verdict from the deviations and whether the machine is of the record's kind. */
export function verdictOf(all: Deviation[], sameKind: boolean): Verdict {
  if (all.every((entry) => entry.retrained === entry.recorded)) return 'identical';
  if (sameKind) return 'not reproduced';
  return all.every((entry) => entry.allowed !== null && entry.deviation <= entry.allowed) ? 'within noise' : 'not reproduced';
}

/** The split as the report names it. */
export function splitLabel(record: RunRecord): string {
  const { split, protocol } = record.spec;
  const where = split.kind === 'fold' ? `fold ${split.index + 1}/${split.k}` : 'full training set';
  return `${where}, batch ${protocol.batchSize}${protocol.decay ? ', LR decay' : ''}${record.spec.limit ? `, first ${record.spec.limit} images` : ''}`;
}

/** A retrained run against its record, with its tolerance on another CPU (null: none derivable). */
export function compareRun(recorded: RunRecord, retrained: RunRecord, tolerance: Tolerance | null): RunVerification {
  if (retrained.history.length !== recorded.history.length) {
    throw new Error(`${describeRun(recorded.spec)}: retrained with ${retrained.history.length} epochs, recorded with ${recorded.history.length}`);
  }
  const differences = machineDifferences(recorded.environment, retrained.environment);
  const all = deviations(recorded, retrained, tolerance);
  return {
    variant: recorded.spec.variant, split: splitLabel(recorded), seed: recorded.spec.seed, key: recorded.key, retrainedKey: retrained.key,
    machineDifferences: differences, verdict: verdictOf(all, differences.length === 0), largest: largestOf(all),
    tolerance: tolerance && { basis: tolerance.basis, degreesOfFreedom: tolerance.degreesOfFreedom, quantile: tolerance.quantile },
    recordedSeconds: recorded.trainingSeconds, retrainedSeconds: retrained.trainingSeconds,
  };
}

/** "not reproduced" if any run is, else "within noise" if any run is, else "identical". */
export function overallVerdict(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('not reproduced')) return 'not reproduced';
  return verdicts.includes('within noise') ? 'within noise' : 'identical';
}
