/**
 * What defines one training run, and which images it trains, validates and is tested on. Both are
 * decided by the spec alone, so the notebooks, the command line and a worker process on another
 * machine choose the same images for the same run.
 */
import type { DataSplit } from '../data/fashion-mnist';
import { Fold, stratifiedKFold } from '../data/folds';
import { defineVariant, designProblems, isKnownVariant, isNamedVariant, VARIANT_NAME, variantDesign, VariantDesign, VARIANTS } from '../model/network';
import type { LabelledImages, TrainingProtocol } from '../model/train';

/** Everything that defines one run (with the data, the arithmetic and the libraries, it makes the cache key). */
export interface RunSpec {
  /** One of the five, or a reader's variant (then `design` says what it is). */
  variant: string;
  /** A reader's variant only: its whole design, so a worker process or another machine can build it; part of the key. */
  design?: VariantDesign;
  protocol: TrainingProtocol;
  seed: number;
  /** Which part of the training set trains: fold `index` of `k`, or all of it. */
  split: { kind: 'fold'; k: number; index: number } | { kind: 'full' };
  /** Only the first `limit` training (and test) images are used, for quick profiles and tests. */
  limit: number | null;
}

export interface RunData {
  train: LabelledImages;
  validation: LabelledImages | null;
  test: LabelledImages | null;
}

/** The variant fields of a spec: the name, and for a reader's variant its design. @throws VariantDesignError on an unknown name */
export function variantFields(variant: string): Pick<RunSpec, 'variant' | 'design'> {
  const design = variantDesign(variant);
  return isNamedVariant(variant) ? { variant } : { variant, design };
}

/** Makes a spec's variant known in this process (a reader's design arrives with its spec in a worker). @throws VariantDesignError */
export function declareSpecVariant(spec: RunSpec): void {
  if (spec.design) defineVariant(spec.variant, spec.design);
}

export function describeRun(spec: RunSpec): string {
  const split = spec.split.kind === 'fold' ? `fold ${spec.split.index + 1}/${spec.split.k}` : 'full training set';
  const decay = spec.protocol.decay ? ', LR decay' : '';
  return `${spec.variant} · ${split}${decay}`;
}

/** A fold's part: the loaded images by reference plus its rows (no copy of the pixels). */
function subset(split: DataSplit, indices: Int32Array) {
  return { images: split.images, rows: indices, labels: Uint8Array.from(indices, (index) => split.labels[index]) };
}

/** Folds per set of labels, k and seed (every fold run of a variant shares its split). */
const foldsMemo = new WeakMap<Uint8Array, Map<string, Fold[]>>();
function foldsOf(labels: Uint8Array, k: number, seed: number): Fold[] {
  if (!foldsMemo.has(labels)) foldsMemo.set(labels, new Map());
  const byKey = foldsMemo.get(labels)!;
  const id = `${k}:${seed}`;
  if (!byKey.has(id)) byKey.set(id, stratifiedKFold(labels, k, seed));
  return byKey.get(id)!;
}

/**
 * The images a run trains on, is validated on and is tested on, chosen from the loaded sets by its
 * spec alone (so a worker process chooses the same): a fold's parts of the training set, or all of
 * it with the test set for validation and test.
 */
export function runDataFor(spec: RunSpec, data: { train: DataSplit; test: DataSplit }): RunData {
  const { train, test } = data;
  if (spec.split.kind === 'full') return { train, validation: test, test };
  const fold = foldsOf(train.labels, spec.split.k, spec.seed)[spec.split.index];
  return { train: subset(train, fold.train), validation: subset(train, fold.validation), test: null };
}


/** A spec given from outside (`study run`) that is not a valid run: the message says which field. */
export class SpecError extends Error {
  constructor(problem: string) {
    super(`not a valid run spec: ${problem} (a spec is one line of \`study plan\`)`);
    this.name = 'SpecError';
  }
}

const isInteger = (value: unknown, minimum: number) => Number.isInteger(value) && (value as number) >= minimum;

const SPEC_FIELDS = ['variant', 'design', 'protocol', 'seed', 'split', 'limit'];
const PROTOCOL_FIELDS = ['epochs', 'batchSize', 'learningRate', 'decay'];
const DECAY_FIELDS = ['factor', 'everyEpochs'];

/** Fields of `value` that a spec does not have (a typo would otherwise be carried along unread). */
function unknownFields(value: Record<string, unknown>, known: string[], prefix: string): string[] {
  return Object.keys(value).filter((field) => !known.includes(field)).map((field) => `unknown field ${prefix}${field}`);
}

/**
 * What is wrong with a spec's protocol: epochs and batch size positive integers, a finite learning
 * rate > 0, and a decay that is null or multiplies the rate by a factor in (0, 1] every N ≥ 1 epochs.
 */
export function protocolProblems(protocol: TrainingProtocol | undefined): string[] {
  if (!protocol || typeof protocol !== 'object') return ['protocol must be { epochs, batchSize, learningRate, decay }'];
  const problems = unknownFields(protocol as unknown as Record<string, unknown>, PROTOCOL_FIELDS, 'protocol.');
  if (!isInteger(protocol.epochs, 1)) problems.push('protocol.epochs must be an integer ≥ 1');
  if (!isInteger(protocol.batchSize, 1)) problems.push('protocol.batchSize must be an integer ≥ 1');
  if (!(typeof protocol.learningRate === 'number' && Number.isFinite(protocol.learningRate) && protocol.learningRate > 0)) {
    problems.push('protocol.learningRate must be a finite number > 0');
  }
  const decay = protocol.decay;
  if (decay === null) return problems;
  if (!decay || typeof decay !== 'object') return [...problems, 'protocol.decay must be null or { factor, everyEpochs }'];
  problems.push(...unknownFields(decay as unknown as Record<string, unknown>, DECAY_FIELDS, 'protocol.decay.'));
  if (!(typeof decay.factor === 'number' && decay.factor > 0 && decay.factor <= 1)) problems.push(`protocol.decay.factor must be a number in (0, 1], got ${JSON.stringify(decay.factor)}`);
  if (!isInteger(decay.everyEpochs, 1)) problems.push(`protocol.decay.everyEpochs must be an integer ≥ 1, got ${JSON.stringify(decay.everyEpochs)}`);
  return problems;
}

/** Reads a JSON run spec and checks every field (a reader's variant carries its design). @throws SpecError */
export function parseSpec(text: string, variants: readonly string[] = VARIANTS): RunSpec {
  let spec: RunSpec;
  try {
    spec = JSON.parse(text) as RunSpec;
  } catch (error) {
    throw new SpecError(`not JSON (${(error as Error).message})`);
  }
  const problems: string[] = [];
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new SpecError('not an object');
  if (spec.design !== undefined) {
    const designIssues = designProblems(spec.design);
    if (isNamedVariant(String(spec.variant))) problems.push(`variant "${spec.variant}" is one of the five and takes no design`);
    else if (!VARIANT_NAME.test(String(spec.variant))) problems.push('a variant with a design needs a name of lower-case letters, digits and dashes');
    problems.push(...designIssues.map((issue) => `design: ${issue}`));
  } else if (!variants.includes(spec.variant) && !isKnownVariant(String(spec.variant))) {
    problems.push(`variant must be one of ${variants.join(', ')}, or a name with a design`);
  }
  problems.push(...unknownFields(spec as unknown as Record<string, unknown>, SPEC_FIELDS, ''));
  problems.push(...protocolProblems(spec.protocol));
  if (!isInteger(spec.seed, 0)) problems.push('seed must be an integer ≥ 0');
  const split = spec.split;
  const foldOk = split?.kind === 'fold' && isInteger(split.k, 2) && isInteger(split.index, 0) && split.index < split.k;
  if (!(foldOk || split?.kind === 'full')) problems.push('split must be { kind: "full" } or { kind: "fold", k ≥ 2, 0 ≤ index < k }');
  if (!(spec.limit === null || isInteger(spec.limit, 10))) problems.push('limit must be null or an integer ≥ 10');
  if (problems.length > 0) throw new SpecError(problems.join('; '));
  return spec;
}
