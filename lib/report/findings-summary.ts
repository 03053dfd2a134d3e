/**
 * Notebook 00's conclusions: which variant generalises best, and each conclusion of the study with
 * how robust it is across seeds and how the tests that fit it read.
 */
import { VARIANTS } from '../model/network';
import type { CrossValidationEvidence, TestSetEvidence } from '../study/evidence';
import type { BatchSizeResult } from '../study/robustness';
import { seedSpread } from '../study/statistics';
import { closestBatchSizes } from './findings-batch';
import { decayVerdict, halfWidth, mcnemarSummary, pairName, samePair, SIGNIFICANCE, testSpread } from './findings';
import { ORIGINAL_SELECTION, ORIGINAL_VALIDATION } from './original-study';
import { distanceToOriginal, pEquals, points } from './rows';
import { bullets, count, list, size, title } from './wording';
import { finalMetrics } from '../study/runs';

function bestVariantSentence(cv: CrossValidationEvidence): string {
  const first = cv.selectionsBySeed.map(({ selection }) => selection.ranking[0].variant);
  const best = [...VARIANTS].sort((a, b) => first.filter((entry) => entry === b).length - first.filter((entry) => entry === a).length)[0];
  const againstBaseline = cv.repeatedComparisons.find((entry) => entry.variant === best && entry.reference === 'baseline');
  return `**${title(best)} generalises best in cross-validation:** first by mean validation accuracy in ${count(first.filter((entry) => entry === best).length, first.length, 'seeds')}` +
    (againstBaseline ? `, ${points(againstBaseline.test.meanDifference)} against the baseline over every seed's folds (corrected resampled t-test, Holm-adjusted ${pEquals(againstBaseline.holmPValue)}).` : '.') + ' (Notebooks 03–07, 11.)';
}

function reproductionSentence(cv: CrossValidationEvidence): string {
  const spreads = VARIANTS.map((variant) => ({ variant, spread: seedSpread(cv.bySeed[variant].flatMap((result) => result.runs.map((run) => finalMetrics(run).evaluated.accuracy))) }));
  const within = spreads.filter(({ variant, spread }) => Math.abs(ORIGINAL_VALIDATION[variant].accuracy - spread.mean) <= 2 * spread.std);
  const differences = spreads.map(({ variant, spread }) => spread.mean - ORIGINAL_VALIDATION[variant].accuracy);
  return `**The reproduction:** the original's mean validation accuracy lies within two standard deviations of our folds for ${count(within.length, VARIANTS.length, 'variants')} ` +
    `(ours − original from ${points(Math.min(...differences))} to ${points(Math.max(...differences))}).`;
}

function pairSentence(cv: CrossValidationEvidence): string {
  const [first, second] = cv.selection.chosen;
  const samePairs = cv.selectionsBySeed.filter(({ selection }) => samePair(selection.chosen, cv.selection.chosen)).length;
  const firstChosen = cv.selectionsBySeed.filter(({ selection }) => selection.chosen[0] === first).length;
  return `**The chosen pair**, ${title(first)} and ${title(second)}, ${samePair(cv.selection.chosen, ORIGINAL_SELECTION) ? 'is the original\'s' : `differs from the original's ${pairName(ORIGINAL_SELECTION)}`}; ` +
    `the rule chooses it in ${count(samePairs, cv.selectionsBySeed.length, 'cross-validation seeds')}, with ${title(first)} first in ${firstChosen} (notebooks 08, 11).`;
}

function differencesSentence(cv: CrossValidationEvidence): string {
  const significant = cv.repeatedComparisons.filter((entry) => entry.holmPValue < SIGNIFICANCE);
  const finalists = cv.repeatedComparisons.find((entry) => entry.variant === 'relu' && entry.reference === 'leakyrelu')!;
  return `**Differences that survive** the corrected resampled t-test with Holm's adjustment (${cv.repeatedComparisons.length} comparisons, ${cv.repeatedComparisons[0].differences.length} folds each): ` +
    `${significant.length > 0 ? list(significant.map((entry) => `${title(entry.variant)} − ${title(entry.reference)} (${points(entry.test.meanDifference)})`)) : 'none'}. ` +
    `ReLU − LeakyReLU: ${points(finalists.test.meanDifference)}, Holm-adjusted ${pEquals(finalists.holmPValue)}: ${finalists.holmPValue < SIGNIFICANCE ? 'distinguishable' : 'not distinguishable'} (notebook 11).`;
}

function testSentence(test: TestSetEvidence): string {
  const [first, second] = test.finals.chosen;
  return `**On the test set**, over ${test.finals.seeds.length} seeds: ${title(first)} ${testSpread(test.finals.constant[first])}, ${title(second)} ${testSpread(test.finals.constant[second])} ` +
    `(one run's 95 % Wilson interval ±${halfWidth(test.finals.constant[first]).toFixed(2)} points); ${title(first)} ahead in ${count(test.finalists.ahead, test.finalists.seeds.length, 'seeds')}, and ${mcnemarSummary(test.finalists)} (notebook 08).`;
}

function decaySentence(test: TestSetEvidence): string {
  const best = test.finals.chosen[0];
  const decay = test.decayAgainstConstant;
  return `**Halving the learning rate** for ${title(best)}: ${decayVerdict(test, test.finals.decay[0].run.history.length)}; decayed − constant ${points(decay.difference.mean)} on average over ${decay.seeds.length} seeds (standard deviation ${size(decay.difference.std)}) (notebook 09).`;
}

function batchSentence(cv: CrossValidationEvidence, batch: BatchSizeResult[], studyBatch: number): string | null {
  if (batch.length === 0) return null;
  const distances = VARIANTS.map((variant) => distanceToOriginal(cv.reproduction[variant]));
  const trainAbove = distances.filter((distance) => distance.train > 0).length;
  const closest = closestBatchSizes(batch).map(({ variant, closest }) => `${title(variant)} at batch ${closest.train.batchSize}`);
  return `**Training accuracy:** our best-fold training accuracy is above the original's in ${count(trainAbove, VARIANTS.length, 'variants')} at batch ${studyBatch}; ` +
    `the original's lies closest to ours for ${list(closest)} (notebook 12).`;
}

export function summaryFindings(cv: CrossValidationEvidence, test: TestSetEvidence, batch: BatchSizeResult[], studyBatch: number): string {
  return bullets([
    bestVariantSentence(cv), reproductionSentence(cv), pairSentence(cv), differencesSentence(cv), testSentence(test), decaySentence(test), batchSentence(cv, batch, studyBatch),
  ]);
}
