/**
 * A notebook's parameters cell, turned into study options.
 *
 * Every notebook opens with one cell tagged `parameters` (papermill's convention) that holds plain
 * `const` lines: the knobs its question depends on, each at the committed study's value. A reader
 * changes a value there (or `papermill … -p epochs 20`), runs all cells, and the notebook trains
 * what the run cache lacks and computes every table, figure and finding for the new values, beside
 * the committed study's.
 *
 * The profiles stay presets: under STUDY_PROFILE=fast a parameter left at the study's value takes
 * the fast profile's (2,000 images, 2 epochs, …), a changed one overrides it. Only the committed
 * study's values (every parameter at its default) export figures to figures/; a reader's values
 * never write there.
 */
import { isNamedVariant, VARIANTS } from '../model/network';
import { profileOptions } from '../study/profiles';
import { studyOptions, StudyOptions } from '../study/study';
import { FLATTEN_RATES } from '../study/dropout-question';

/** The knobs a notebook may expose; each notebook's parameters cell names the ones its question depends on. */
export interface NotebookParameters {
  /** The variant a notebook 03–07 is about (one of the five). */
  variant?: string;
  /** Epochs per run. */
  epochs?: number;
  /** Images per batch. */
  batchSize?: number;
  /** Adam's learning rate. */
  learningRate?: number;
  /** k of stratified k-fold cross-validation. */
  folds?: number;
  /** Cross-validation seeds; the first is the reproduction's. */
  seeds?: number[];
  /** Seeds of the final retrainings on the whole training set. */
  finalSeeds?: number[];
  /** Batch sizes of the batch-size study. */
  batchSizes?: number[];
  /** Use only the first N training and N test images; null: all of them. */
  imageLimit?: number | null;
  /** The decay retrainings' learning rate is multiplied by this factor … */
  decayFactor?: number;
  /** … every this many epochs. */
  decayEveryEpochs?: number;
  /** Notebook 13: the dropout rates after Flatten to try (null: no layer there). */
  flattenRates?: (number | null)[];
}

/** A parameter that cannot be used: the message names it, the value and what is allowed. */
export class ParameterError extends Error {
  constructor(name: string, value: unknown, allowed: string) {
    super(`parameter ${name} = ${JSON.stringify(value)} is not valid: ${allowed}`);
    this.name = 'ParameterError';
  }
}

const STUDY = studyOptions();

/** The committed study's value of each parameter (what the parameters cells hold). */
export const STUDY_PARAMETERS: Required<Omit<NotebookParameters, 'variant'>> = {
  epochs: STUDY.protocol.epochs, batchSize: STUDY.protocol.batchSize, learningRate: STUDY.protocol.learningRate, folds: STUDY.k,
  seeds: STUDY.cvSeeds, finalSeeds: STUDY.finalSeeds, batchSizes: STUDY.batchSizes, imageLimit: STUDY.limit,
  decayFactor: STUDY.decay.factor, decayEveryEpochs: STUDY.decay.everyEpochs, flattenRates: [...FLATTEN_RATES],
};

const isInteger = (value: unknown, minimum: number) => Number.isInteger(value) && (value as number) >= minimum;
const isSeedList = (value: unknown) => Array.isArray(value) && value.length > 0 && value.every((seed) => isInteger(seed, 0)) && new Set(value).size === value.length;

/** @throws ParameterError on the first value that is not valid */
function checkParameters(parameters: NotebookParameters): void {
  const { variant, epochs, batchSize, learningRate, folds, seeds, finalSeeds, batchSizes, imageLimit, decayFactor, decayEveryEpochs, flattenRates } = parameters;
  if (variant !== undefined && !isNamedVariant(variant)) throw new ParameterError('variant', variant, `one of ${VARIANTS.join(', ')} (a design of your own: notebook 13)`);
  if (epochs !== undefined && !isInteger(epochs, 1)) throw new ParameterError('epochs', epochs, 'an integer ≥ 1');
  if (batchSize !== undefined && !isInteger(batchSize, 1)) throw new ParameterError('batchSize', batchSize, 'an integer ≥ 1');
  if (learningRate !== undefined && !(typeof learningRate === 'number' && learningRate > 0 && learningRate < 1)) throw new ParameterError('learningRate', learningRate, 'a number with 0 < rate < 1');
  if (folds !== undefined && !isInteger(folds, 2)) throw new ParameterError('folds', folds, 'an integer ≥ 2');
  if (seeds !== undefined && !isSeedList(seeds)) throw new ParameterError('seeds', seeds, 'a non-empty list of distinct integers ≥ 0, e.g. [42] or [7, 8]');
  if (finalSeeds !== undefined && !isSeedList(finalSeeds)) throw new ParameterError('finalSeeds', finalSeeds, 'a non-empty list of distinct integers ≥ 0');
  if (batchSizes !== undefined && !(Array.isArray(batchSizes) && batchSizes.length > 0 && batchSizes.every((size) => isInteger(size, 1)))) throw new ParameterError('batchSizes', batchSizes, 'a non-empty list of integers ≥ 1');
  if (imageLimit !== undefined && !(imageLimit === null || isInteger(imageLimit, 10))) throw new ParameterError('imageLimit', imageLimit, 'null (all images) or an integer ≥ 10');
  if (decayFactor !== undefined && !(typeof decayFactor === 'number' && decayFactor > 0 && decayFactor < 1)) throw new ParameterError('decayFactor', decayFactor, 'a number with 0 < factor < 1');
  if (decayEveryEpochs !== undefined && !isInteger(decayEveryEpochs, 1)) throw new ParameterError('decayEveryEpochs', decayEveryEpochs, 'an integer ≥ 1');
  if (flattenRates !== undefined && !(Array.isArray(flattenRates) && flattenRates.every((rate) => rate === null || (typeof rate === 'number' && rate > 0 && rate < 1)))) {
    throw new ParameterError('flattenRates', flattenRates, 'a list of rates with 0 < rate < 1, or null for no layer');
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The parameters that differ from the committed study's values (the variant line does not count: it says which notebook this is). */
export function changedParameters(parameters: NotebookParameters): (keyof typeof STUDY_PARAMETERS)[] {
  return (Object.keys(STUDY_PARAMETERS) as (keyof typeof STUDY_PARAMETERS)[])
    .filter((name) => parameters[name] !== undefined && !same(parameters[name], STUDY_PARAMETERS[name]));
}

/**
 * The study options of a notebook: the profile's preset, with every changed parameter applied.
 * @throws ParameterError on an invalid value
 */
export function optionsFromParameters(parameters: NotebookParameters, preset: StudyOptions = profileOptions()): StudyOptions {
  checkParameters(parameters);
  const changed = new Set(changedParameters(parameters));
  const value = <K extends keyof typeof STUDY_PARAMETERS>(name: K, fallback: NotebookParameters[K]) => (changed.has(name) ? parameters[name] : fallback);
  const seeds = value('seeds', preset.cvSeeds)!;
  return {
    ...preset,
    protocol: { ...preset.protocol, epochs: value('epochs', preset.protocol.epochs)!, batchSize: value('batchSize', preset.protocol.batchSize)!, learningRate: value('learningRate', preset.protocol.learningRate)! },
    k: value('folds', preset.k)!,
    seed: seeds[0], cvSeeds: seeds,
    finalSeeds: value('finalSeeds', preset.finalSeeds)!,
    batchSizes: value('batchSizes', preset.batchSizes)!,
    limit: value('imageLimit', preset.limit) as number | null,
    decay: { factor: value('decayFactor', preset.decay.factor)!, everyEpochs: value('decayEveryEpochs', preset.decay.everyEpochs)! },
  };
}

/** "epochs 20 (the study's: 15) · seeds [7] (the study's: [42, 43, 44])" */
export function describeChanges(parameters: NotebookParameters): string {
  return changedParameters(parameters).map((name) => `${name} ${JSON.stringify(parameters[name])} (the study's: ${JSON.stringify(STUDY_PARAMETERS[name])})`).join(' · ');
}

/** What a notebook's "beside the committed study" section says when the parameters are the committed ones. */
export const HOW_TO_CHANGE = 'These are the committed study\'s values. Change one in the parameters cell (or run the notebook with papermill, `-p epochs 20`) and run all cells: the runs the cache lacks train, and this section sets your results beside the committed ones.';

/** The committed study's options in the place and with the progress and workers of `options` (the profile's preset). */
export function committedOptions(options: StudyOptions, preset: StudyOptions = profileOptions()): StudyOptions {
  return { ...preset, dataDirectory: options.dataDirectory, runsDirectory: options.runsDirectory, progress: options.progress, workers: options.workers };
}

/** Whether `options` ask for the committed study (the profile's preset), not a reader's values. */
export function isCommittedStudy(options: StudyOptions, preset: StudyOptions = profileOptions()): boolean {
  const identity = (o: StudyOptions) => JSON.stringify([o.protocol, o.decay, o.k, o.seed, o.cvSeeds, o.finalSeeds, o.batchSizes, o.limit]);
  return identity(options) === identity(preset);
}
