/**
 * The sections of a variant's notebook (03 to 07), the same for every variant: those notebooks
 * differ only in their variant line, their prose and their findings (lib/report/findings.ts).
 *
 * With the committed study's parameters a notebook reads the whole cross-validation evidence (its
 * tests are Holm-adjusted over the study's family). With a reader's parameters it trains and shows
 * only its own variants (the variant and the ones it is compared with), over the reader's seeds,
 * tests them among themselves, and sets them beside the committed study's.
 */
import { VARIANT_TITLES, VariantName } from '../model/network';
import { buildModel } from '../model/tfjs-model';
import { crossValidationEvidence, CrossValidationEvidence, variantsEvidence, VariantsEvidence } from '../study/evidence';
import { againstCommitted } from '../study/robustness';
import { committedOptions, HOW_TO_CHANGE, isCommittedStudy } from './parameters';
import { runKFold, StudyOptions } from '../study/study';
import { showFigure } from './display';
import { errataRows } from './errata';
import { dotPlotFigure, trainingCurvesFigure } from './figures';
import { readerVariantFindings, VARIANT_FINDINGS } from './findings';
import { ORIGINAL_VALIDATION } from './original-study';
import { againstCommittedRows, baselineComparisonRows, foldComparisonRows, kfoldMetricRows, modelRows, originalComparisonRows } from './rows';
import { showMarkdown, showTable } from './tables';

/** Each variant's notebook, named as its figures are. */
export const VARIANT_NOTEBOOKS: Record<VariantName, string> = {
  baseline: '03-baseline', relu: '04-relu', maxpooling: '05-maxpooling', dropout: '06-dropout', leakyrelu: '07-leakyrelu',
};

/** The variants a notebook compares with: the baseline, and for LeakyReLU also ReLU. */
const REFERENCES: Record<VariantName, VariantName[]> = {
  baseline: [], relu: ['baseline'], maxpooling: ['baseline'], dropout: ['baseline'], leakyrelu: ['baseline', 'relu'],
};

export function showModel(variant: VariantName, options: StudyOptions): void {
  const model = buildModel(variant, { seed: options.seed });
  showTable(modelRows(model), { caption: `Model "${VARIANT_TITLES[variant]}"` });
  model.dispose();
}

/** What a notebook's cells read: the whole study's evidence, or a reader's with the committed study's beside it. */
export type NotebookEvidence = CrossValidationEvidence | (VariantsEvidence & { committed: VariantsEvidence });

const isReaders = (evidence: NotebookEvidence): evidence is VariantsEvidence & { committed: VariantsEvidence } => 'committed' in evidence;

/**
 * The committed study: the variant's own folds first (their progress shows here), then every
 * cross-validation of the study. A reader's parameters: the runs of this notebook's variants only
 * (missing ones trained in the worker pool), and the committed study's runs of the same variants.
 */
export async function crossValidate(variant: VariantName, options: StudyOptions): Promise<NotebookEvidence> {
  if (!isCommittedStudy(options)) {
    const shown = [variant, ...REFERENCES[variant]];
    const readers = await variantsEvidence(options, shown);
    return { ...readers, committed: await variantsEvidence(committedOptions(options), shown) };
  }
  await runKFold(variant, options);
  return crossValidationEvidence(options);
}

export async function showCurves(variant: VariantName, evidence: NotebookEvidence): Promise<void> {
  const shown = [...REFERENCES[variant], variant];
  await showFigure(trainingCurvesFigure(shown.map((name) => ({ name: VARIANT_TITLES[name], key: name, history: evidence.reproduction[name].averagedHistory })),
    `${shown.map((name) => VARIANT_TITLES[name]).reverse().join(' vs ')}: learning curves, mean over folds (seed ${evidence.reproduction[variant].seed})`),
  { name: `${VARIANT_NOTEBOOKS[variant]}-curves`, width: 1000, height: 760 });
}

export function showFinalMetrics(variant: VariantName, evidence: NotebookEvidence): void {
  showTable(kfoldMetricRows(evidence.reproduction[variant]), { caption: `${VARIANT_TITLES[variant]}: final-epoch metrics, mean ± std over folds` });
}

export function showOriginalComparison(variant: VariantName, evidence: NotebookEvidence): void {
  showTable(originalComparisonRows(evidence.reproduction[variant]), {
    caption: `${VARIANT_TITLES[variant]}: the original's numbers and ours, like for like (folds numbered 1–${evidence.reproduction[variant].k}; the original numbers them 0–${evidence.reproduction[variant].k - 1})`,
  });
  for (const reference of REFERENCES[variant]) {
    showTable(baselineComparisonRows(evidence.reproduction[variant], evidence.reproduction[reference]),
      { caption: `The original's validation numbers for ${VARIANT_TITLES[reference]} and ${VARIANT_TITLES[variant]} (mean over folds) and ours` });
  }
}

/** The variant's comparisons, corrected for shared training data and Holm-adjusted over the family of five. */
export function showComparisons(variant: VariantName, evidence: NotebookEvidence): void {
  const concerns = (entry: { variant: VariantName; reference: VariantName }) => entry.variant === variant || entry.reference === variant;
  showTable(foldComparisonRows(evidence.reproductionComparisons).filter((_, index) => concerns(evidence.reproductionComparisons[index])),
    { caption: `The reproduction's folds (seed ${evidence.reproduction[variant].seed}): corrected resampled t-test, Holm over the study's ${evidence.reproductionComparisons.length} comparisons (notebook 11 shows them all)` });
  showTable(foldComparisonRows(evidence.repeatedComparisons).filter((_, index) => concerns(evidence.repeatedComparisons[index])),
    { caption: `Every cross-validation seed's folds: the same tests over ${evidence.repeatedComparisons[0].differences.length} folds, Holm over ${evidence.repeatedComparisons.length}` });
}

export async function showSeeds(variant: VariantName, evidence: NotebookEvidence): Promise<void> {
  const shown = [variant, ...REFERENCES[variant]];
  const dots = (name: VariantName) => evidence.bySeed[name].map((result) => ({
    category: `seed ${result.seed}`, value: result.finalValidation.accuracy.mean,
    low: result.finalValidation.accuracy.mean - result.finalValidation.accuracy.std, high: result.finalValidation.accuracy.mean + result.finalValidation.accuracy.std,
  }));
  await showFigure(dotPlotFigure([
    ...shown.map((name) => ({ name: VARIANT_TITLES[name], key: name, dots: dots(name) })),
    ...shown.map((name) => ({ name: `${VARIANT_TITLES[name]}, the original`, symbol: 'diamond-open', colorOf: VARIANT_TITLES[name],
      dots: [{ category: 'original', value: ORIGINAL_VALIDATION[name].accuracy, low: ORIGINAL_VALIDATION[name].accuracy, high: ORIGINAL_VALIDATION[name].accuracy }] })),
  ], 'Validation accuracy per cross-validation seed: mean ± std over its folds', 'final validation accuracy'),
  { name: `${VARIANT_NOTEBOOKS[variant]}-seeds`, height: 420 });
}

export function showErrata(variant: VariantName): void {
  const rows = errataRows(VARIANT_NOTEBOOKS[variant]);
  if (rows.length === 0) showMarkdown('The errata table (README) has no entry for this notebook.');
  else showTable(rows, { caption: 'Where the original contradicts itself on what this notebook reproduces' });
}

export function showFindings(variant: VariantName, evidence: NotebookEvidence): void {
  showMarkdown(isReaders(evidence) ? readerVariantFindings(variant, evidence, againstCommitted(evidence.bySeed[variant], evidence.committed.bySeed[variant])) : VARIANT_FINDINGS[variant](evidence));
}

/** With a reader's parameters: the reader's folds beside the committed study's, per seed, with the test that fits. */
export function showAgainstCommitted(variant: VariantName, evidence: NotebookEvidence): void {
  if (!isReaders(evidence)) {
    showMarkdown(HOW_TO_CHANGE);
    return;
  }
  showTable(againstCommittedRows(variant, evidence.bySeed[variant], evidence.committed.bySeed[variant]),
    { caption: `${VARIANT_TITLES[variant]}: your parameters against the committed study, final validation accuracy (mean ± std over each seed's folds)` });
}
