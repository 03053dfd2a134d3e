/**
 * Notebook 08: the selection of the best two (the rule, its limit, the original's numbers) and the
 * chosen two retrained over seeds and compared on the test set.
 */
import { VARIANT_TITLES, VARIANTS, VariantName } from '../model/network';
import { crossValidationEvidence, CrossValidationEvidence, testSetEvidence, TestSetEvidence } from '../study/evidence';
import type { TestedRun } from '../study/robustness';
import { MAX_GAP_ABOVE_MEDIAN, StudyOptions } from '../study/study';
import { showFigure } from './display';
import { errataRows } from './errata';
import { Dot, dotPlotFigure, seedCurvesFigure } from './figures';
import { selectionFindings } from './findings';
import { testedReferencesFindings, testReproductionSentence } from './findings-test';
import { bullets, list } from './wording';
import { ORIGINAL_TEST, ORIGINAL_VALIDATION } from './original-study';
import { pairedTestRows, selectionRows, sweepRows, testedRunRows } from './rows';
import { selectionSweep } from './selection-sweep';
import { showMarkdown, showTable } from './tables';

export const crossValidation = (options: StudyOptions): Promise<CrossValidationEvidence> => crossValidationEvidence(options);
export const testSet = (options: StudyOptions): Promise<TestSetEvidence> => testSetEvidence(options);

const point = (category: string, value: number): Dot => ({ category, value, low: value, high: value });

export async function showValidationAccuracy(cv: CrossValidationEvidence): Promise<void> {
  await showFigure(dotPlotFigure([
    { name: `ours, seed ${cv.reproduction.baseline.seed} (mean ± std over folds)`, key: 'ours', dots: VARIANTS.map((variant) => {
      const accuracy = cv.reproduction[variant].finalValidation.accuracy;
      return { category: VARIANT_TITLES[variant], value: accuracy.mean, low: accuracy.mean - accuracy.std, high: accuracy.mean + accuracy.std };
    }) },
    { name: 'the original', key: 'original', symbol: 'diamond-open', dots: VARIANTS.map((variant) => point(VARIANT_TITLES[variant], ORIGINAL_VALIDATION[variant].accuracy)) },
  ], 'Validation accuracy after the last epoch: ours and the original\'s', 'final validation accuracy'), { name: '08-validation-accuracy', height: 420 });
}

export function showSelection(cv: CrossValidationEvidence): void {
  showTable(selectionRows(cv.selection), { caption: `Selection on our numbers (median gap ${cv.selection.medianGap.toFixed(4)}, limit ${MAX_GAP_ABOVE_MEDIAN} above it, a limit chosen to reproduce the original's choice: the sweep below)` });
}

export function showSweep(cv: CrossValidationEvidence): void {
  showTable(sweepRows(selectionSweep(VARIANTS.map((variant) => cv.reproduction[variant]))), { caption: 'The pair the rule chooses at each gap limit' });
}

export function showTestRuns(test: TestSetEvidence): void {
  const rows = test.finals.tested.flatMap((variant) => testedRunRows(VARIANT_TITLES[variant], test.finals.constant[variant], ORIGINAL_TEST[variant] ?? null));
  const references = test.finals.tested.filter((variant) => !test.finals.chosen.includes(variant));
  showTable(rows, { caption: `The chosen two${references.length > 0 ? `, then ${list(references.map((variant) => VARIANT_TITLES[variant]))} retrained beside them,` : ''} on the test set, seed by seed (the original tested only ${list(Object.keys(ORIGINAL_TEST).map((variant) => VARIANT_TITLES[variant as VariantName]))})` });
}

/** Each variant the selection passed over against each chosen one, on the same test images. */
export function showReferencesPaired(test: TestSetEvidence): void {
  for (const { variant, chosen, paired } of test.referencesAgainstChosen) {
    showTable(pairedTestRows([VARIANT_TITLES[variant], VARIANT_TITLES[chosen]], test.finals.constant[variant], test.finals.constant[chosen], paired),
      { caption: `${VARIANT_TITLES[variant]} against ${VARIANT_TITLES[chosen]} on the same test images` });
  }
}

const testDots = (runs: TestedRun[]): Dot[] => runs.map((run) => ({ category: `seed ${run.run.spec.seed}`, value: run.accuracy, low: run.interval.lower, high: run.interval.upper }));

export async function showTestAccuracy(test: TestSetEvidence): Promise<void> {
  await showFigure(dotPlotFigure([
    ...test.finals.tested.map((variant) => ({ name: VARIANT_TITLES[variant], key: variant, dots: testDots(test.finals.constant[variant]) })),
    ...test.finals.chosen.filter((variant) => ORIGINAL_TEST[variant]).map((variant) => ({
      name: `${VARIANT_TITLES[variant]}, the original`, symbol: 'diamond-open', colorOf: VARIANT_TITLES[variant], dots: [point('original', ORIGINAL_TEST[variant]!.accuracy)],
    })),
  ], 'Test accuracy per seed, with 95 % Wilson intervals', 'test accuracy'), { name: '08-test-accuracy', height: 520 });
}

export function showFinalistsPaired(test: TestSetEvidence): void {
  const [first, second] = test.finals.chosen;
  showTable(pairedTestRows([VARIANT_TITLES[first], VARIANT_TITLES[second]], test.finals.constant[first], test.finals.constant[second], test.finalists),
    { caption: `${VARIANT_TITLES[first]} against ${VARIANT_TITLES[second]} on the same test images` });
}

export async function showTestCurves(test: TestSetEvidence): Promise<void> {
  await showFigure(seedCurvesFigure(test.finals.chosen.map((variant) => ({ name: VARIANT_TITLES[variant], key: variant, histories: test.finals.constant[variant].map((run) => run.run.history) })),
    'Retrained on all training images: loss and accuracy per epoch', 'test set'), { name: '08-final-training-curves', width: 1000, height: 440 });
}

export function showErrata(): void {
  showTable(errataRows('08-best-models-test'), { caption: 'Where the original contradicts itself on the selection and the test' });
}

export function showFindings(cv: CrossValidationEvidence, test: TestSetEvidence): void {
  showMarkdown([
    selectionFindings(cv, test, selectionSweep(VARIANTS.map((variant) => cv.reproduction[variant]))),
    bullets([testReproductionSentence(test, cv), ...testedReferencesFindings(test, cv)]),
  ].join('\n'));
}
