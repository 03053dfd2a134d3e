/**
 * The run cache as data frames (danfojs): one row per fold run, per run and epoch, per final run.
 * The report groups and aggregates them (by variant, seed, batch size, epoch), `make study` writes
 * them to results/*.csv for a spreadsheet or pandas, and the two are the same frames.
 */
import '../base/tensorflow'; // danfojs loads tfjs-node: TensorFlow's settings are pinned first
import * as dfd from 'danfojs-node';
import { METRIC_NAMES } from '../model/metrics';
import { finalMetrics, RunRecord } from './runs';
import { wilsonInterval } from './statistics';

export type Frame = dfd.DataFrame;
type Cell = string | number | boolean | null;

/** What identifies a run in every frame (the first columns of every export). */
const RUN_COLUMNS = ['variant', 'seed', 'batch_size', 'epochs', 'learning_rate_decay', 'split', 'fold', 'images', 'key'] as const;

function runColumns(run: RunRecord): Record<string, Cell> {
  const { spec } = run;
  return {
    variant: spec.variant, seed: spec.seed, batch_size: spec.protocol.batchSize, epochs: spec.protocol.epochs,
    learning_rate_decay: spec.protocol.decay !== null,
    split: spec.split.kind === 'fold' ? `fold ${spec.split.index + 1} of ${spec.split.k}` : 'full training set',
    fold: spec.split.kind === 'fold' ? spec.split.index + 1 : null,
    images: spec.limit ?? 'all', key: run.key,
  };
}

const metricNames = (prefix: string) => METRIC_NAMES.map((metric) => `${prefix}_${metric}`);
const metricColumns = (prefix: string, metrics: Record<string, number> | null): Record<string, Cell> =>
  Object.fromEntries(METRIC_NAMES.map((metric) => [`${prefix}_${metric}`, metrics ? metrics[metric] : null]));

/** A row's keys that are not `columns`, and the columns it lacks: a bug in the frame's builder. */
export class FrameColumnsError extends Error {
  constructor(frame: string, extra: string[], missing: string[]) {
    super(`${frame}: a row ${extra.length > 0 ? `has columns not declared (${extra.join(', ')})` : ''}${extra.length > 0 && missing.length > 0 ? ' and ' : ''}` +
      `${missing.length > 0 ? `lacks columns (${missing.join(', ')})` : ''}`);
    this.name = 'FrameColumnsError';
  }
}

/**
 * A frame with exactly `columns`, in that order, each row's values placed by column name. danfojs
 * takes the columns of a frame built from row objects from its first row and places later rows'
 * values by position, so rows whose keys differ (a fold run's `validation_*`, a full run's `test_*`)
 * would land under another row's headers; here every row must carry every column (null where it has
 * no value), or this throws.
 * @throws FrameColumnsError when a row's keys are not exactly `columns`
 */
export function frameOf(name: string, columns: readonly string[], rows: Record<string, Cell>[]): Frame {
  for (const row of rows) {
    const extra = Object.keys(row).filter((key) => !columns.includes(key));
    const missing = columns.filter((column) => !(column in row));
    if (extra.length > 0 || missing.length > 0) throw new FrameColumnsError(name, extra, missing);
  }
  if (rows.length === 0) return new dfd.DataFrame(Object.fromEntries(columns.map((column) => [column, []])));
  return new dfd.DataFrame(rows.map((row) => columns.map((column) => row[column])), { columns: [...columns] });
}

/** The columns of `foldFrame` (results/cv-folds.csv). */
export const FOLD_COLUMNS = [
  ...RUN_COLUMNS, ...metricNames('train'), ...metricNames('validation'), 'gap', 'validation_macro_precision', 'validation_macro_recall',
  'training_seconds', 'cpu',
];

/** One row per cross-validation run: its final training and validation metrics and the gap between them. */
export function foldFrame(runs: RunRecord[]): Frame {
  return frameOf('cv-folds', FOLD_COLUMNS, runs.filter((run) => run.spec.split.kind === 'fold').map((run) => {
    const { train, evaluated } = finalMetrics(run);
    return {
      ...runColumns(run), ...metricColumns('train', { ...train }), ...metricColumns('validation', { ...evaluated }),
      gap: train.accuracy - evaluated.accuracy,
      validation_macro_precision: run.validation!.perClass.macroPrecision, validation_macro_recall: run.validation!.perClass.macroRecall,
      training_seconds: run.trainingSeconds, cpu: run.environment.cpu,
    };
  }));
}

/** The columns of `historyFrame` (results/histories.csv). */
export const HISTORY_COLUMNS = [
  ...RUN_COLUMNS, 'epoch', 'learning_rate', ...metricNames('train'), ...metricNames('validation'), ...metricNames('test'), 'seconds',
];

/**
 * One row per run and epoch: the learning rate, the training metrics, and the metrics of the set the
 * run was watched on: `validation_*` for fold runs (their validation part; `test_*` empty), `test_*`
 * for runs on the full training set (the test set, watched, never chosen from; `validation_*` empty).
 * (A run's record keeps both under `history[].validation`: the split says which set it is.)
 */
export function historyFrame(runs: RunRecord[]): Frame {
  return frameOf('histories', HISTORY_COLUMNS, runs.flatMap((run) => run.history.map((epoch) => {
    const isFold = run.spec.split.kind === 'fold';
    const watched = epoch.validation && { ...epoch.validation };
    return {
      ...runColumns(run), epoch: epoch.epoch, learning_rate: epoch.learningRate, ...metricColumns('train', { ...epoch.train }),
      ...metricColumns('validation', isFold ? watched : null), ...metricColumns('test', isFold ? null : watched), seconds: epoch.seconds,
    };
  })));
}

/** The columns of `finalFrame` (results/final-runs.csv). */
export const FINAL_COLUMNS = [
  ...RUN_COLUMNS, ...metricNames('test'), 'test_accuracy_low', 'test_accuracy_high', 'test_images', 'test_macro_precision', 'test_macro_recall',
  'training_seconds', 'cpu',
];

/** One row per final retraining: its test metrics with the 95 % Wilson interval of its accuracy. */
export function finalFrame(runs: RunRecord[]): Frame {
  return frameOf('final-runs', FINAL_COLUMNS, runs.filter((run) => run.spec.split.kind === 'full').map((run) => {
    const { evaluated } = finalMetrics(run);
    const total = run.test!.predictions.length;
    const interval = wilsonInterval(Math.round(evaluated.accuracy * total), total);
    return {
      ...runColumns(run), ...metricColumns('test', { ...evaluated }), test_accuracy_low: interval.lower, test_accuracy_high: interval.upper,
      test_images: total, test_macro_precision: run.test!.perClass.macroPrecision, test_macro_recall: run.test!.perClass.macroRecall,
      training_seconds: run.trainingSeconds, cpu: run.environment.cpu,
    };
  }));
}

/** Mean, sample standard deviation and count of `columns` in each group of rows. */
export function summarizeBy(frame: Frame, groups: string[], columns: string[]): Frame {
  return frame.groupby(groups).agg(Object.fromEntries(columns.map((column) => [column, ['mean', 'std', 'count']])));
}

/** A frame's rows as plain objects (for tables and findings). */
export function rowsOf(frame: Frame): Record<string, Cell>[] {
  const columns = frame.columns as string[];
  return (frame.values as Cell[][]).map((values) => Object.fromEntries(columns.map((column, index) => [column, values[index]])));
}

/** One CSV field: empty for null, quoted (RFC 4180) when it holds a comma, a quote or a line break. */
function csvField(value: Cell | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The frame as CSV text: a header of its columns, then one line per row. (danfojs' own writer joins
 * values with commas unquoted, so a value holding a comma, a CPU name for one, would shift every
 * later value of its line under another header.)
 */
export function csvOf(frame: Frame): string {
  const lines = [frame.columns as string[], ...(frame.values as Cell[][])].map((values) => values.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}
