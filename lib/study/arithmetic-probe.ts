/**
 * The arithmetic probe: the run cache's key says what the code computes, not how its text reads.
 *
 * A run's numbers depend on the code that loads and splits the data, builds, trains and evaluates
 * the networks. Hashing that code's text would retrain everything for a comment, a rename or a
 * moved file, and would miss a change of a library it calls. Instead, the probe runs the very code
 * that trains runs on a tiny synthetic problem and records what comes out:
 *
 * - exact parts, the same on every machine: pixel scaling, IDX parsing, seeded shuffles and
 *   stratified folds, which images each kind of run trains, validates and tests on, the learning
 *   rate schedule, the metric and confusion-matrix arithmetic on fixed inputs;
 * - approximate parts, from TensorFlow's kernels: for every variant, a few epochs of real
 *   training (initial weights, weight updates, training and validation losses), compared within a
 *   tolerance far above floating-point noise between CPUs and far below any change of arithmetic.
 *
 * `lib/study/arithmetic.lock.json` holds the values the committed runs were trained with, and per variant
 * a fingerprint that names them. Where the probe matches the lock, the variant's fingerprint goes
 * into its run keys; where it does not (a change of arithmetic), its keys take a fingerprint of the
 * new values, so exactly the runs whose numbers could change retrain: a change of the data split
 * (an exact part) all of them, a change of LeakyReLU's gradient only LeakyReLU's.
 * `node dist/lib/cli/arithmetic.js` checks or rewrites the lock.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '../base/tensorflow';
import { DataSplit, toUnitRange } from '../data/fashion-mnist';
import { IMAGE_SIDE, NUM_CLASSES, parseIdx } from '../data/idx-files';
import { batchSums, confusionMatrix, metricsFromSums, perClassMetrics } from '../model/metrics';
import { buildModel, VARIANTS, VariantName } from '../model/tfjs-model';
import { namedVariantWithDesign, VariantDesign } from '../model/network';
import { ADAM } from '../model/native/lenet';
import { PROJECT_DIRECTORY } from '../base/paths';
import { mixSeeds, seededPermutation, seededRandom } from '../base/random';
import { runDataFor, RunSpec } from './run-spec';
import { EpochRecord, learningRateAt, trainRun, TrainingProtocol } from '../model/train';
import { STEP_DECAY } from './protocol';

export const ARITHMETIC_LOCK = join(PROJECT_DIRECTORY, 'lib', 'study', 'arithmetic.lock.json');

/** Approximate values must agree within ABSOLUTE + RELATIVE × scale (see ProbeValue). */
export const TOLERANCE = { absolute: 1e-6, relative: 1e-3 };

/** One approximate probe value and the scale its tolerance is relative to. */
export interface ProbeValue {
  value: number;
  scale: number;
}

export interface ProbeResult {
  /** SHA-256 per exact part. */
  exact: Record<string, string>;
  approximate: Record<string, ProbeValue[]>;
}

export interface ArithmeticLock extends ProbeResult {
  /** Per variant, names the arithmetic its committed runs were trained with; part of each of its run keys. */
  fingerprints: Record<VariantName, string>;
}

const PROBE_SEED = 3;
/** Two epochs of two batches of four images, the learning rate halved after the first epoch. */
const PROBE_PROTOCOL: TrainingProtocol = { epochs: 2, batchSize: 4, learningRate: 0.001, decay: { factor: 0.5, everyEpochs: 1 } };
/** Weight tensors are summarised in this many contiguous chunks each. */
const CHUNKS = 4;

function digest(...parts: ArrayLike<number>[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(JSON.stringify(Array.from(part)));
  return hash.digest('hex');
}

/** `count` images of seeded random pixels and labels, scaled as the real data is. */
function syntheticSplit(count: number, seed: number): DataSplit {
  const random = seededRandom(seed);
  const pixels = Uint8Array.from({ length: count * IMAGE_SIDE * IMAGE_SIDE }, () => Math.floor(random() * 256));
  const labels = Uint8Array.from({ length: count }, () => Math.floor(random() * NUM_CLASSES));
  return { images: tf.tensor4d(toUnitRange(pixels), [count, IMAGE_SIDE, IMAGE_SIDE, 1]), labels };
}

/** A synthetic IDX label file, parsed as the real files are. */
function parsedLabelFile(): Uint8Array {
  const labels = [3, 1, 4, 1, 5, 9, 2, 6];
  const bytes = Buffer.alloc(8 + labels.length);
  bytes.writeUInt32BE(2049, 0);
  bytes.writeUInt32BE(labels.length, 4);
  labels.forEach((label, index) => bytes.writeUInt8(label, 8 + index));
  return parseIdx(bytes, { fileName: 'probe', kind: 'labels', count: labels.length });
}

/** Which rows a fold run and a full run take from synthetic sets. */
function dataSelection(train: DataSplit, test: DataSplit): string {
  const protocol = PROBE_PROTOCOL;
  const specs: RunSpec[] = [
    { variant: 'relu', protocol, seed: PROBE_SEED, split: { kind: 'fold', k: 5, index: 2 }, limit: null },
    { variant: 'relu', protocol, seed: PROBE_SEED, split: { kind: 'full' }, limit: null },
  ];
  const parts = specs.flatMap((spec) => {
    const data = runDataFor(spec, { train, test });
    return [data.train, data.validation, data.test].flatMap((set) => (set ? [set.rows ?? [-1, set.labels.length], set.labels] : [[]]));
  });
  return digest(...parts);
}

/** Metric sums, Keras-style metrics and per-class metrics of fixed probabilities, far from ties and thresholds. */
function metricArithmetic(): string {
  const labels = [0, 1, 2, 2, 1];
  const probabilities = [[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.2, 0.2, 0.6], [0.5, 0.1, 0.4], [0.1, 0.3, 0.6]];
  const sums = tf.tidy(() => batchSums(tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat() as tf.Tensor2D,
    tf.tensor2d(probabilities), tf.scalar(1.5)).dataSync());
  const predictions = probabilities.map((row) => row.indexOf(Math.max(...row)));
  const perClass = perClassMetrics(confusionMatrix(labels, predictions, 3));
  return digest(sums, Object.values(metricsFromSums(sums)), perClass.precision, perClass.recall);
}

function exactParts(train: DataSplit, test: DataSplit): Record<string, string> {
  const everyPixel = Uint8Array.from({ length: 256 }, (_, value) => value);
  const protocols = [PROBE_PROTOCOL, { ...PROBE_PROTOCOL, decay: STEP_DECAY }, { ...PROBE_PROTOCOL, decay: null }];
  return {
    pixelScaling: digest(toUnitRange(everyPixel)),
    idxParsing: digest(parsedLabelFile()),
    shuffles: digest(seededPermutation(50, mixSeeds(PROBE_SEED, 1))),
    dataSelection: dataSelection(train, test),
    learningRates: digest(protocols.flatMap((protocol) => Array.from({ length: 16 }, (_, epoch) => learningRateAt(protocol, epoch)))),
    metrics: metricArithmetic(),
    adamConstants: digest(Object.values(ADAM)),
  };
}

/** Sum and sum of magnitudes of each of CHUNKS contiguous chunks of every tensor. */
function chunkSummaries(tensors: Float32Array[]): ProbeValue[] {
  return tensors.flatMap((values) => Array.from({ length: CHUNKS }, (_, chunk) => {
    const part = values.subarray(Math.floor((chunk * values.length) / CHUNKS), Math.floor(((chunk + 1) * values.length) / CHUNKS));
    let sum = 0;
    let magnitude = 0;
    for (const value of part) { sum += value; magnitude += Math.abs(value); }
    return [{ value: sum, scale: magnitude }, { value: magnitude, scale: magnitude }];
  }).flat());
}

const losses = (history: EpochRecord[]): ProbeValue[] => history.flatMap((epoch) =>
  [epoch.train.loss, epoch.validation!.loss].map((value) => ({ value, scale: Math.abs(value) })));

/** A few epochs of real training of one variant: initial weights, their updates, the losses. */
async function trainingProbe(variant: VariantName, train: DataSplit, test: DataSplit): Promise<Record<string, ProbeValue[]>> {
  const initial = buildModel(variant, { seed: PROBE_SEED });
  const initialWeights = initial.getWeights().map((weight) => weight.dataSync() as Float32Array);
  initial.dispose();
  const { model, history } = await trainRun({
    variant, protocol: PROBE_PROTOCOL, seed: PROBE_SEED,
    train: { images: train.images, labels: train.labels }, validation: { images: test.images, labels: test.labels },
  });
  const updates = model.getWeights().map((weight, index) => {
    const values = weight.dataSync() as Float32Array;
    return values.map((value, position) => value - initialWeights[index][position]);
  });
  model.dispose();
  return {
    [`${variant}/initialWeights`]: chunkSummaries(initialWeights),
    [`${variant}/weightUpdates`]: chunkSummaries(updates),
    [`${variant}/losses`]: losses(history),
  };
}

/** Runs the probe (about half a second). */
export async function probeArithmetic(): Promise<ProbeResult> {
  const train = syntheticSplit(8, mixSeeds(PROBE_SEED, 10));
  const test = syntheticSplit(8, mixSeeds(PROBE_SEED, 11));
  try {
    const approximate: Record<string, ProbeValue[]> = {};
    for (const variant of VARIANTS) Object.assign(approximate, await trainingProbe(variant, train, test));
    return { exact: exactParts(train, test), approximate };
  } finally {
    tf.dispose([train.images, test.images]);
  }
}

/** Per approximate probe value: how far it lies from the lock's, as a multiple of its tolerance (> 1: differs). */
function excesses(actual: ProbeResult['approximate'][string], expected: ProbeResult['approximate'][string]): number[] {
  return expected.map((entry, index) => Math.abs(actual[index].value - entry.value) / (TOLERANCE.absolute + TOLERANCE.relative * entry.scale));
}

/** The largest deviation of any approximate probe value from the lock's, as a multiple of its tolerance. */
export function probeMargin(probe: ProbeResult, lock: ProbeResult): number {
  return Math.max(0, ...Object.keys(lock.approximate).filter((name) => probe.approximate[name]?.length === lock.approximate[name].length)
    .flatMap((name) => excesses(probe.approximate[name], lock.approximate[name])));
}

/** Where a probe differs from the lock (empty when it matches). */
export function probeDifferences(probe: ProbeResult, lock: ProbeResult): string[] {
  const differences: string[] = [];
  const names = new Set([...Object.keys(probe.exact), ...Object.keys(lock.exact)]);
  for (const name of names) {
    if (probe.exact[name] !== lock.exact[name]) differences.push(`${name}: differs (exact)`);
  }
  const approximateNames = new Set([...Object.keys(probe.approximate), ...Object.keys(lock.approximate)]);
  for (const name of approximateNames) {
    const actual = probe.approximate[name] ?? [];
    const expected = lock.approximate[name] ?? [];
    if (actual.length !== expected.length) { differences.push(`${name}: ${actual.length} values, the lock has ${expected.length}`); continue; }
    const excess = excesses(actual, expected);
    const worst = excess.indexOf(Math.max(...excess));
    if (excess[worst] > 1) {
      differences.push(`${name}[${worst}]: ${actual[worst].value} against ${expected[worst].value} (${excess[worst].toFixed(1)}× the tolerance)`);
    }
  }
  return differences;
}

/** The probe's parts that decide a variant's runs: every exact part, and that variant's training. */
export function partsFor(probe: ProbeResult, variant: VariantName): ProbeResult {
  const approximate = Object.fromEntries(Object.entries(probe.approximate).filter(([name]) => name.startsWith(`${variant}/`)));
  return { exact: probe.exact, approximate };
}

/** A fingerprint of probe values themselves (rounded to 4 significant digits: noise-level digits do not count). */
export function fingerprintOf(probe: ProbeResult): string {
  const rounded = Object.fromEntries(Object.entries(probe.approximate).map(([name, values]) => [name, values.map(({ value }) => Number(value.toPrecision(4)))]));
  return createHash('sha256').update(JSON.stringify({ exact: probe.exact, approximate: rounded })).digest('hex').slice(0, 16);
}

export function readLock(path = ARITHMETIC_LOCK): ArithmeticLock | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ArithmeticLock) : null;
}

export interface ArithmeticCheck {
  /** Per variant: the lock's fingerprint where the probe matches it, else one of the probe's own values. */
  fingerprints: Record<VariantName, string>;
  /** Per variant: where the probe differs from the lock (empty when it matches). */
  differences: Record<VariantName, string[]>;
  probe: ProbeResult;
}

/** The probe against a lock, variant by variant: a change that touches one variant's arithmetic retrains only its runs. */
export function compareWithLock(probe: ProbeResult, lock: ArithmeticLock | null): ArithmeticCheck {
  const entries = VARIANTS.map((variant) => {
    const differences = lock ? probeDifferences(partsFor(probe, variant), partsFor(lock, variant)) : ['no lock file'];
    const fingerprint = differences.length === 0 ? lock!.fingerprints[variant] : fingerprintOf(partsFor(probe, variant));
    return { variant, differences, fingerprint };
  });
  return {
    fingerprints: Object.fromEntries(entries.map(({ variant, fingerprint }) => [variant, fingerprint])) as Record<VariantName, string>,
    differences: Object.fromEntries(entries.map(({ variant, differences }) => [variant, differences])) as Record<VariantName, string[]>,
    probe,
  };
}

let checkMemo: Promise<ArithmeticCheck> | null = null;

/**
 * The arithmetic fingerprint of a design: a named variant's own; for a reader's design, that of every
 * named variant whose layer types it uses (the baseline's, plus ReLU's or LeakyReLU's for its
 * activation, MaxPooling's for max pooling, Dropout's for dropout), so it retrains exactly when the
 * arithmetic of a layer type it uses changes.
 */
export function designFingerprint(check: Pick<ArithmeticCheck, 'fingerprints'>, design: VariantDesign): string {
  const named = namedVariantWithDesign(design);
  if (named) return check.fingerprints[named];
  const uses: VariantName[] = ['baseline'];
  if (design.activation !== 'tanh') uses.push(design.activation);
  if (design.pooling === 'max') uses.push('maxpooling');
  if (design.dropoutRates?.some((rate) => rate !== null)) uses.push('dropout');
  return uses.map((variant) => check.fingerprints[variant]).join('+');
}

/** The probe of this process's arithmetic against the lock (computed once per process). */
export function checkArithmetic(): Promise<ArithmeticCheck> {
  checkMemo ??= probeArithmetic().then((probe) => compareWithLock(probe, readLock()));
  return checkMemo;
}
