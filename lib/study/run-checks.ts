/**
 * What the run cache checks before it trusts a stored file beyond its digest (a digest only says the
 * file is what was written, or what someone rewrote together with its manifest): a history has the
 * shape, epochs, learning rates and finite metrics its run must have; weights and Adam's moments are
 * finite numbers of the recorded sizes. And how damaged runs and checkpoints are set aside, and their
 * older set-aside copies removed (`study repair`).
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { METRIC_NAMES } from '../model/metrics';
import { EpochRecord, learningRateAt } from '../model/train';
import { CorruptRunError, readJson } from './run-files';
import type { RunSpec } from './run-spec';

/** What is wrong with one epoch's metrics, or null: every metric a finite number, the rates in [0, 1]. */
function metricsProblem(metrics: unknown): string | null {
  if (!metrics || typeof metrics !== 'object') return 'no metrics';
  for (const name of METRIC_NAMES) {
    const value = (metrics as Record<string, unknown>)[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} is ${JSON.stringify(value)}, not a finite number`;
    if (name === 'loss' ? value < 0 : value < 0 || value > 1) return `${name} ${value} is out of range`;
  }
  return null;
}

/**
 * What is wrong with a stored history of `epochs` epochs of `spec`'s run, or null: one record per
 * epoch, numbered 1…epochs, each with the protocol's learning rate, finite training metrics, metrics
 * of the watched set (validation part or test set), and a time.
 */
export function historyProblem(history: unknown, spec: RunSpec, epochs: number): string | null {
  if (!Array.isArray(history)) return 'the history is not a list of epochs';
  if (history.length !== epochs) return `the history holds ${history.length} epochs, expected ${epochs}`;
  for (const [index, record] of (history as EpochRecord[]).entries()) {
    const where = `epoch ${index + 1} of the history`;
    if (!record || typeof record !== 'object' || record.epoch !== index + 1) return `${where} is numbered ${JSON.stringify(record?.epoch)}`;
    if (record.learningRate !== learningRateAt(spec.protocol, index)) return `${where} has learning rate ${record.learningRate}, the protocol gives ${learningRateAt(spec.protocol, index)}`;
    const problem = metricsProblem(record.train) ?? (record.validation === null ? 'no metrics of the watched set' : metricsProblem(record.validation));
    if (problem) return `${where}: ${problem}`;
    if (typeof record.seconds !== 'number' || !Number.isFinite(record.seconds) || record.seconds < 0) return `${where} has no time`;
  }
  return null;
}

/** The values of a float32 file, checked finite and of the expected count. @throws CorruptRunError */
function finiteFloats(path: string, count: number | null): Float32Array {
  const bytes = readFileSync(path);
  if (bytes.length % 4 !== 0 || (count !== null && bytes.length !== 4 * count)) {
    throw new CorruptRunError(path, `${bytes.length} bytes, expected ${count === null ? 'a multiple of 4' : 4 * count}`);
  }
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new CorruptRunError(path, `value ${bad} is ${values[bad]}: weights must be finite numbers`);
  return values;
}

type Shaped = { name: string; shape: number[] };
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A tfjs model.json's weights manifest: the weights' names and shapes. @throws CorruptRunError */
function modelWeightShapes(path: string): Shaped[] {
  const model = readJson<{ weightsManifest?: { weights?: Shaped[] }[] }>(path);
  const weights = model?.weightsManifest?.flatMap((group) => group.weights ?? []);
  if (!weights || weights.length === 0 || !weights.every((weight) => Array.isArray(weight.shape))) {
    throw new CorruptRunError(path, 'no weights manifest');
  }
  return weights;
}

/**
 * Checks a checkpoint's contents beyond its manifest's digests: its history (the epochs its name
 * says, the protocol's learning rates, finite metrics), its weights and Adam's moments (finite, of
 * the sizes their manifests give). Reads files only: no TensorFlow, no data.
 * @returns the checkpoint's history
 * @throws CorruptRunError naming the first problem
 */
export function checkCheckpointContents(spec: RunSpec, checkpoint: string, epochs: number): EpochRecord[] {
  const history = readJson<EpochRecord[]>(join(checkpoint, 'history.json'));
  const problem = historyProblem(history, spec, epochs);
  if (problem) throw new CorruptRunError(join(checkpoint, 'history.json'), problem);
  finiteFloats(join(checkpoint, 'weights.bin'), modelWeightShapes(join(checkpoint, 'model.json')).reduce((sum, weight) => sum + sizeOf(weight.shape), 0));
  const moments = readJson<Shaped[]>(join(checkpoint, 'optimizer.json'));
  if (!Array.isArray(moments) || !moments.every((moment) => typeof moment?.name === 'string' && Array.isArray(moment.shape))) {
    throw new CorruptRunError(join(checkpoint, 'optimizer.json'), 'not a list of named, shaped moments');
  }
  finiteFloats(join(checkpoint, 'optimizer.bin'), moments.reduce((sum, moment) => sum + sizeOf(moment.shape), 0));
  return history;
}

/** The suffix of a set-aside copy: `<name>.damaged-<milliseconds since 1970>`. */
const SET_ASIDE = /^(.*)\.damaged-(\d+)$/;

/** Renames a damaged run folder or checkpoint to `<path>.damaged-<time>`; returns the new path. */
export function setAside(path: string): string {
  const aside = `${path}.damaged-${Date.now()}`;
  renameSync(path, aside);
  return aside;
}

/**
 * Removes the set-aside copies of `path` (`<path>.damaged-<time>`) but the newest, so that the last
 * damage stays to look at and repeated damage does not fill the disk.
 * @returns the removed paths
 */
export function pruneSetAside(path: string): string[] {
  const folder = dirname(path);
  if (!existsSync(folder)) return [];
  const copies = readdirSync(folder).flatMap((name) => {
    const match = SET_ASIDE.exec(name);
    return match && match[1] === basename(path) ? [{ name, time: Number(match[2]) }] : [];
  }).sort((a, b) => b.time - a.time);
  const removed = copies.slice(1).map(({ name }) => join(folder, name));
  for (const copy of removed) rmSync(copy, { recursive: true, force: true });
  return removed;
}

/** The checkpoint names (`epoch-NN`) a run folder has ever set aside copies of. */
export function setAsideCheckpointNames(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return [...new Set(readdirSync(folder).flatMap((name) => {
    const match = SET_ASIDE.exec(name);
    return match && /^epoch-\d+$/.test(match[1]) ? [match[1]] : [];
  }))];
}
