/**
 * TensorBoard event files of a run, written from its record with tfjs-node's summary writer:
 * per epoch the learning rate and the training and validation (or, for full runs, test) loss,
 * accuracy, precision and recall. Every run writes them when it finishes; `study tensorboard`
 * writes those a cache lacks; `make tensorboard` serves runs/ on 127.0.0.1.
 *
 *   runs/<variant>/<key>/tensorboard/<label>/events.out.tfevents.*
 *
 * The label (variant, split, seed, batch size, decay) names the run in TensorBoard's run list.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '../base/tensorflow';
import { METRIC_NAMES } from '../model/metrics';
import type { EpochRecord } from '../model/train';
import { removeStaleTemporaries, temporaryPath } from './run-files';
import type { RunSpec } from './run-spec';

/** What the events are written from: a run's spec and per-epoch history (a RunRecord has both). */
export interface TrainedRun { spec: RunSpec; history: EpochRecord[] }

/** The run's name in TensorBoard, e.g. `relu.fold-2-of-5.seed-42.batch-32`. */
export function tensorBoardLabel(run: TrainedRun): string {
  const { spec } = run;
  const split = spec.split.kind === 'fold' ? `fold-${spec.split.index + 1}-of-${spec.split.k}` : 'full';
  return [spec.variant, split, `seed-${spec.seed}`, `batch-${spec.protocol.batchSize}`, ...(spec.protocol.decay ? ['lr-decay'] : []),
    ...(spec.limit ? [`first-${spec.limit}`] : [])].join('.');
}

export const tensorBoardFolder = (runFolder: string) => join(runFolder, 'tensorboard');

/** The events a complete file of `run` holds: the file's version, then per epoch its scalars. */
function expectedEvents(run: TrainedRun): number {
  return 1 + run.history.reduce((sum, epoch) => sum + 1 + METRIC_NAMES.length * (epoch.validation ? 2 : 1), 0);
}

/** How many whole records a TFRecord file holds (length, its checksum, data, its checksum), or null if it ends mid-record. */
function recordCount(path: string): number | null {
  const bytes = readFileSync(path);
  let offset = 0;
  let count = 0;
  while (offset + 12 <= bytes.length) {
    offset += 12 + Number(bytes.readBigUInt64LE(offset)) + 4;
    count += 1;
  }
  return offset === bytes.length ? count : null;
}

/**
 * Whether the run's event file is there and whole: one events file under its label, holding every
 * event of every epoch. (An empty or deleted file, or one cut short, is not: `study tensorboard`
 * writes it again.)
 */
export function hasTensorBoard(run: TrainedRun, runFolder: string): boolean {
  const folder = join(tensorBoardFolder(runFolder), tensorBoardLabel(run));
  if (!existsSync(folder)) return false;
  const files = readdirSync(folder).filter((name) => name.startsWith('events.out.tfevents'));
  return files.length === 1 && recordCount(join(folder, files[0])) === expectedEvents(run);
}

/**
 * Writes the run's per-epoch scalars as TensorBoard events under runFolder/tensorboard/<label>/: into
 * a temporary folder first, renamed into place once flushed, so the label's folder holds one whole
 * file or none. (tfjs-node keeps one writer per folder for the life of the process, so each write
 * goes to a folder of its own.)
 */
export function writeTensorBoard(run: TrainedRun, runFolder: string): void {
  const target = join(tensorBoardFolder(runFolder), tensorBoardLabel(run));
  removeStaleTemporaries(tensorBoardFolder(runFolder));
  const temporary = temporaryPath(target);
  const writer = tf.node.summaryFileWriter(temporary);
  const watched = run.spec.split.kind === 'fold' ? 'validation' : 'test';
  for (const epoch of run.history) {
    writer.scalar('learning_rate', epoch.learningRate, epoch.epoch);
    for (const metric of METRIC_NAMES) {
      writer.scalar(`${metric}/train`, epoch.train[metric], epoch.epoch);
      if (epoch.validation) writer.scalar(`${metric}/${watched}`, epoch.validation[metric], epoch.epoch);
    }
  }
  writer.flush();
  rmSync(target, { recursive: true, force: true });
  renameSync(temporary, target);
}
