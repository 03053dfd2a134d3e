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
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '../base/tensorflow';
import { METRIC_NAMES } from '../model/metrics';
import type { EpochRecord } from '../model/train';
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

export function hasTensorBoard(runFolder: string): boolean {
  const folder = tensorBoardFolder(runFolder);
  return existsSync(folder) && readdirSync(folder).length > 0;
}

/** Writes the run's per-epoch scalars as TensorBoard events under runFolder/tensorboard/<label>/. */
export function writeTensorBoard(run: TrainedRun, runFolder: string): void {
  const writer = tf.node.summaryFileWriter(join(tensorBoardFolder(runFolder), tensorBoardLabel(run)));
  const watched = run.spec.split.kind === 'fold' ? 'validation' : 'test';
  for (const epoch of run.history) {
    writer.scalar('learning_rate', epoch.learningRate, epoch.epoch);
    for (const metric of METRIC_NAMES) {
      writer.scalar(`${metric}/train`, epoch.train[metric], epoch.epoch);
      if (epoch.validation) writer.scalar(`${metric}/${watched}`, epoch.validation[metric], epoch.epoch);
    }
  }
  writer.flush();
}
