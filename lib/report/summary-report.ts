/**
 * Notebook 00, the report's first page: the protocol, the headline with its spread over seeds,
 * the conclusions with how robust each is, the original's errata, and what the study cost.
 */
import { DROPOUT_READINGS } from '../study/dropout-question';
import { againstOriginal, REFERENCE as DROPOUT_REFERENCE } from './dropout-report';
import { VARIANTS } from '../model/network';
import { batchSizeEvidence, crossValidationEvidence, designsEvidence, testSetEvidence } from '../study/evidence';
import type { RunRecord } from '../study/runs';
import { STEP_DECAY } from '../study/protocol';
import { StudyOptions } from '../study/study';
import { showFigure } from './display';
import { errataRows } from './errata';
import { dotPlotFigure } from './figures';
import { summaryFindings } from './findings-summary';
import { ORIGINAL_VALIDATION } from './original-study';
import { computeRows, headlineRows } from './rows';
import { checklistRows, claimRows, SummaryEvidence, summaryMarkdown } from './reproducibility';
import { showMarkdown, showTable } from './tables';
import { VARIANT_TITLES } from '../model/network';
import { seedSpread } from '../study/statistics';
import { finalMetrics } from '../study/runs';

export type { SummaryEvidence };

export async function gather(options: StudyOptions): Promise<SummaryEvidence> {
  return {
    options, cv: await crossValidationEvidence(options), test: await testSetEvidence(options), batch: await batchSizeEvidence(options),
    readings: await designsEvidence(options, DROPOUT_READINGS, DROPOUT_REFERENCE),
  };
}

export function showProtocol(options: StudyOptions): void {
  const { protocol } = options;
  showTable([
    { part: 'every run', setting: `Adam (learning rate ${protocol.learningRate}, Keras' defaults), categorical cross-entropy, ${protocol.epochs} epochs, batch ${protocol.batchSize}` },
    { part: 'the reproduction', setting: `stratified ${options.k}-fold cross-validation of the five variants with seed ${options.seed}; the best two retrained on all training images and tested; the best one again with the learning rate halved every ${STEP_DECAY.everyEpochs} epochs` },
    { part: 'repeated cross-validation', setting: `the same with seeds ${options.cvSeeds.join(', ')} (folds, initial weights, shuffles and dropout masks all change with the seed)` },
    { part: 'final retrainings', setting: `the chosen two and the decayed run with seeds ${options.finalSeeds.join(', ')}` },
    { part: 'batch-size study', setting: `the baseline and ReLU cross-validated at batch sizes ${options.batchSizes.join(', ')}` },
    { part: 'data', setting: options.limit === null ? 'all 60,000 training and 10,000 test images' : `the first ${options.limit} training and test images` },
  ], { caption: 'What was trained' });
}

export async function showHeadline(evidence: SummaryEvidence): Promise<void> {
  showTable(headlineRows(evidence.cv, evidence.test), { caption: `Accuracy after the last epoch: ours (mean ± sample std over the seed ${evidence.cv.reproduction.baseline.seed} folds, or over seeds with the range over seeds in brackets) and the original's` });
  await showFigure(dotPlotFigure([
    { name: 'ours: every fold of every seed (mean ± std)', key: 'ours', dots: VARIANTS.map((variant) => {
      const spread = seedSpread(evidence.cv.bySeed[variant].flatMap((result) => result.runs.map((run) => finalMetrics(run).evaluated.accuracy)));
      return { category: VARIANT_TITLES[variant], value: spread.mean, low: spread.mean - spread.std, high: spread.mean + spread.std };
    }) },
    { name: 'the original', key: 'original', symbol: 'diamond-open', dots: VARIANTS.map((variant) => ({ category: VARIANT_TITLES[variant], value: ORIGINAL_VALIDATION[variant].accuracy, low: ORIGINAL_VALIDATION[variant].accuracy, high: ORIGINAL_VALIDATION[variant].accuracy })) },
  ], 'Validation accuracy: ours over seeds and folds, and the original\'s', 'final validation accuracy'), { name: '00-headline', height: 420 });
}

export function showConclusions(evidence: SummaryEvidence): void {
  const readings = [DROPOUT_REFERENCE, ...DROPOUT_READINGS].map((variant) => againstOriginal(evidence.readings, variant));
  showMarkdown(summaryFindings(evidence.cv, evidence.test, evidence.batch, evidence.options.protocol.batchSize, readings));
}

/** The reproducibility summary: scope, methodology, results, what was easy and difficult, then each claim with its verdict. */
export function showReproducibilitySummary(evidence: SummaryEvidence): void {
  showMarkdown(summaryMarkdown(evidence));
  showTable(claimRows(evidence), { caption: 'The original\'s claims, each with its verdict from our numbers and the notebook that tests it' });
}

export function showChecklist(evidence: SummaryEvidence): void {
  showTable(checklistRows(evidence), { caption: 'Reproducibility checklist, filled from the run records and the study\'s settings' });
}

export function showErrata(): void {
  showTable(errataRows(), { caption: 'Errata of the original study' });
}

/** The runs of each part of the study, each counted once (the reproduction's are shared with the other parts). */
function partsOf(evidence: SummaryEvidence): { part: string; runs: RunRecord[] }[] {
  const { cv, test, batch, options } = evidence;
  const seen = new Set<string>();
  const take = (runs: RunRecord[]) => runs.filter((run) => !seen.has(run.key) && seen.add(run.key));
  const reproduction = take([
    ...VARIANTS.flatMap((variant) => cv.reproduction[variant].runs),
    ...test.finals.chosen.map((variant) => test.finals.constant[variant][0].run), test.finals.decay[0].run,
  ]);
  return [
    { part: `the reproduction (seed ${options.seed})`, runs: reproduction },
    { part: 'repeated cross-validation (other seeds)', runs: take(VARIANTS.flatMap((variant) => cv.bySeed[variant].flatMap((result) => result.runs))) },
    { part: 'final retrainings (other seeds; MaxPooling and the baseline beside the chosen two)', runs: take([...Object.values(test.finals.constant).flat(), ...test.finals.decay].map((tested) => tested.run)) },
    { part: 'batch-size study (other batch sizes)', runs: take(batch.flatMap((entry) => entry.result.runs)) },
    { part: 'dropout readings (notebook 13)', runs: take(Object.values(evidence.readings.bySeed).flatMap((results) => results.flatMap((result) => result.runs))) },
  ];
}

export function showCost(evidence: SummaryEvidence): void {
  const parts = partsOf(evidence);
  showTable(computeRows([...parts, { part: 'everything', runs: parts.flatMap((part) => part.runs) }]), {
    caption: 'Compute: what each part of the study cost, every run trained counted once (the parts were trained interleaved, so their spans overlap; the peaks are as each run recorded them)',
    digits: 1,
  });
}
