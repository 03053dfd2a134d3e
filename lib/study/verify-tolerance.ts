/**
 * How far a retrained run may lie from its record on another CPU and still count as reproduced,
 * derived from the committed runs themselves.
 *
 * On the same CPU kind with the same settings and libraries, training is deterministic: a retrained
 * run must be bit for bit identical. On another CPU, TensorFlow's kernels round differently in the
 * last bits, and training amplifies those differences; but the data, its split, the initial
 * weights, the shuffles and the dropout masks are the same, so a run retrained there departs from
 * its record at most as a run with another seed would. That is the spread the study measured:
 *
 * 1. Group the committed runs by kind (lib/study/verify-sample.ts: everything but seed and fold).
 * 2. Per group, epoch, set (training; validation or test) and metric (loss, accuracy, precision,
 *    recall), the seed-to-seed standard deviation σ: the sample variances across seeds at the same
 *    split position (fold index, or the full training set), pooled over positions with their
 *    degrees of freedom, df = Σ (seeds at a position − 1). Fold runs of 3 seeds: df = 5 · 2 = 10;
 *    final retrainings of 5 seeds: df = 4.
 *    A group with one seed (the batch-size study) takes the spread across its folds instead (df = 4):
 *    another fold is another seed's split, so this also includes the data's part of the spread.
 *    A group with neither (a lone run) borrows the pooled σ of every group of its split kind and
 *    number of epochs; with nothing to borrow from, it has no tolerance and only bit identity passes.
 * 3. Two independent runs X₁, X₂ with spread σ differ by X₁ − X₂ with standard deviation √2·σ. The
 *    allowed deviation is q · √2 · σ̂, with q the two-sided quantile of tail TAIL_PROBABILITY
 *    (0.001): z = 3.29 for a known σ; since σ̂ comes from few seeds, Student's t with the df of σ̂
 *    (a prediction-interval argument): q = 4.59 for df = 10, 8.61 for df = 4. A run is "within noise"
 *    when every one of its epochs' metrics is within its allowance.
 *
 * What it can and cannot tell: a run that departs like another seed's passes, so on another CPU a
 * change of arithmetic smaller than the seed spread (a learning rate 10 % off) is not detected; only
 * the same CPU kind, where bit identity is required, detects every change.
 */
import { METRIC_NAMES, MetricName } from '../model/metrics';
import { twoSidedTQuantile } from './statistics';
import { runKind } from './verify-sample';
import type { RunRecord } from './runs';

/** Two-sided tail of one comparison under "departs like another seed": 1 in 1000. */
export const TAIL_PROBABILITY = 0.001;

/** The two sets of an epoch record: training, and the validation part (fold runs) or test set (final runs). */
export const EPOCH_SETS = ['train', 'evaluated'] as const;
export type EpochSet = (typeof EPOCH_SETS)[number];

/** One number per set and metric of an epoch. */
export type EpochValues = Record<EpochSet, Record<MetricName, number>>;

/** Where σ̂ comes from: seeds at the same split position, folds of one seed, or borrowed from every group of the split kind. */
export type ToleranceBasis = 'seeds' | 'folds' | 'borrowed';

export interface Tolerance {
  basis: ToleranceBasis;
  /** Runs of the group (for a borrowed σ̂: of the groups it is pooled from). */
  runs: number;
  degreesOfFreedom: number;
  /** q: Student's t quantile of two-sided tail TAIL_PROBABILITY with degreesOfFreedom. */
  quantile: number;
  /** σ̂ per epoch (index 0 = epoch 1), set and metric. */
  spread: EpochValues[];
  /** The allowed |retrained − recorded| = q · √2 · σ̂, same shape. */
  allowed: EpochValues[];
}

/** A metric of an epoch of a run; `evaluated` is the history's validation entry (the test set for final runs). */
export function metricOf(record: RunRecord, epoch: number, set: EpochSet, metric: MetricName): number {
  const entry = record.history[epoch];
  return (set === 'train' ? entry.train : entry.validation!)[metric];
}

/** Pooled sample variance of several cells (each a list of values) and its degrees of freedom, Σ (n − 1). */
export function pooledVariance(cells: number[][]): { variance: number; degreesOfFreedom: number } {
  let squares = 0;
  let degreesOfFreedom = 0;
  for (const cell of cells) {
    if (cell.length < 2) continue;
    const mean = cell.reduce((sum, value) => sum + value, 0) / cell.length;
    squares += cell.reduce((sum, value) => sum + (value - mean) ** 2, 0);
    degreesOfFreedom += cell.length - 1;
  }
  return { variance: degreesOfFreedom > 0 ? squares / degreesOfFreedom : Number.NaN, degreesOfFreedom };
}

/** The runs of a group split into cells: by split position (for the seed spread) or by seed (for the fold spread). */
function cellsBy(records: RunRecord[], cell: (record: RunRecord) => string): RunRecord[][] {
  const cells = new Map<string, RunRecord[]>();
  for (const record of records) cells.set(cell(record), [...(cells.get(cell(record)) ?? []), record]);
  return [...cells.values()];
}

const splitPosition = (record: RunRecord) => (record.spec.split.kind === 'fold' ? `fold ${record.spec.split.index}` : 'full');
const degreesOfFreedom = (cells: RunRecord[][]) => cells.reduce((sum, cell) => sum + cell.length - 1, 0);

/** Per epoch, set and metric, a function of (epoch, set, metric). */
function perEpoch(epochs: number, value: (epoch: number, set: EpochSet, metric: MetricName) => number): EpochValues[] {
  const metrics = (epoch: number, set: EpochSet) => Object.fromEntries(METRIC_NAMES.map((metric) => [metric, value(epoch, set, metric)])) as Record<MetricName, number>;
  return Array.from({ length: epochs }, (_, epoch) => ({ train: metrics(epoch, 'train'), evaluated: metrics(epoch, 'evaluated') }));
}

/** A tolerance from σ̂ per epoch and its degrees of freedom. */
export function toleranceFrom(basis: ToleranceBasis, runs: number, df: number, spread: EpochValues[], tail = TAIL_PROBABILITY): Tolerance {
  const quantile = twoSidedTQuantile(tail, df);
  const allowed = perEpoch(spread.length, (epoch, set, metric) => quantile * Math.SQRT2 * spread[epoch][set][metric]);
  return { basis, runs, degreesOfFreedom: df, quantile, spread, allowed };
}

/** A group's own tolerance: across seeds at the same split position, else across the folds of one seed; null with fewer than 2 df. */
function groupTolerance(records: RunRecord[], tail: number): Tolerance | null {
  const bySeed = cellsBy(records, splitPosition);
  const byFold = cellsBy(records, (record) => String(record.spec.seed));
  const [basis, cells]: [ToleranceBasis, RunRecord[][]] = degreesOfFreedom(bySeed) >= 2 ? ['seeds', bySeed] : ['folds', byFold];
  const df = degreesOfFreedom(cells);
  if (df < 2 || (basis === 'folds' && records[0].spec.split.kind !== 'fold')) return null;
  const spread = perEpoch(records[0].history.length, (epoch, set, metric) =>
    Math.sqrt(pooledVariance(cells.map((cell) => cell.map((record) => metricOf(record, epoch, set, metric)))).variance));
  return toleranceFrom(basis, records.length, df, spread, tail);
}

/** σ̂² of several tolerances pooled with their degrees of freedom (all of the same number of epochs). */
function borrowedTolerance(sources: Tolerance[], tail: number): Tolerance | null {
  if (sources.length === 0) return null;
  const df = sources.reduce((sum, source) => sum + source.degreesOfFreedom, 0);
  const spread = perEpoch(sources[0].spread.length, (epoch, set, metric) =>
    Math.sqrt(sources.reduce((sum, source) => sum + source.degreesOfFreedom * source.spread[epoch][set][metric] ** 2, 0) / df));
  return toleranceFrom('borrowed', sources.reduce((sum, source) => sum + source.runs, 0), df, spread, tail);
}

/** A group's split kind and number of epochs: what a lone run borrows its tolerance across. */
const borrowingClass = (record: RunRecord) => `${record.spec.split.kind}/${record.history.length}`;

/**
 * The tolerance of every kind of run in `records` (the committed runs), by runKind; a kind with no
 * spread of its own and none to borrow is absent (only bit identity passes for it).
 */
export function deriveTolerances(records: RunRecord[], tail = TAIL_PROBABILITY): Map<string, Tolerance> {
  const groups = new Map<string, RunRecord[]>();
  for (const record of records) groups.set(runKind(record.spec), [...(groups.get(runKind(record.spec)) ?? []), record]);
  const own = new Map([...groups].map(([kind, group]) => [kind, groupTolerance(group, tail)] as const));
  const tolerances = new Map<string, Tolerance>();
  for (const [kind, group] of groups) {
    const sources = [...groups].filter(([other, members]) => own.get(other) && borrowingClass(members[0]) === borrowingClass(group[0]))
      .map(([other]) => own.get(other)!);
    const tolerance = own.get(kind) ?? borrowedTolerance(sources, tail);
    if (tolerance) tolerances.set(kind, tolerance);
  }
  return tolerances;
}
