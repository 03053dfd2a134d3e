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

/** What identifies a run in every frame. */
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

const metricColumns = (prefix: string, metrics: Record<string, number> | null): Record<string, Cell> =>
  Object.fromEntries(METRIC_NAMES.map((metric) => [`${prefix}_${metric}`, metrics ? metrics[metric] : null]));

/** One row per cross-validation run: its final training and validation metrics and the gap between them. */
export function foldFrame(runs: RunRecord[]): Frame {
  return new dfd.DataFrame(runs.filter((run) => run.spec.split.kind === 'fold').map((run) => {
    const { train, evaluated } = finalMetrics(run);
    return {
      ...runColumns(run), ...metricColumns('train', { ...train }), ...metricColumns('validation', { ...evaluated }),
      gap: train.accuracy - evaluated.accuracy,
      validation_macro_precision: run.validation!.perClass.macroPrecision, validation_macro_recall: run.validation!.perClass.macroRecall,
      training_seconds: run.trainingSeconds, cpu: run.environment.cpu,
    };
  }));
}

/** One row per run and epoch: the learning rate and the metrics of training and of the set it was watched on. */
export function historyFrame(runs: RunRecord[]): Frame {
  return new dfd.DataFrame(runs.flatMap((run) => run.history.map((epoch) => ({
    ...runColumns(run), epoch: epoch.epoch, learning_rate: epoch.learningRate,
    ...metricColumns('train', { ...epoch.train }),
    // Fold runs are watched on their validation part, full runs on the test set (nothing is chosen from it).
    ...metricColumns(run.spec.split.kind === 'fold' ? 'validation' : 'test', epoch.validation && { ...epoch.validation }),
    seconds: epoch.seconds,
  }))));
}

/** One row per final retraining: its test metrics with the 95 % Wilson interval of its accuracy. */
export function finalFrame(runs: RunRecord[]): Frame {
  return new dfd.DataFrame(runs.filter((run) => run.spec.split.kind === 'full').map((run) => {
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

/** The frame as CSV text (danfojs' writer). */
export function csvOf(frame: Frame): string {
  return dfd.toCSV(frame) as string;
}
