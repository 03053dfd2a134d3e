/**
 * Notebook 00's conclusions: which variant generalises best, and each conclusion of the study with
 * how robust it is across seeds and how the tests that fit it read.
 */
import { AgainstOriginal, dropoutReadingsSentence } from './findings-dropout';
import { VARIANTS } from '../model/network';
import type { CrossValidationEvidence, TestSetEvidence } from '../study/evidence';
import type { BatchSizeResult } from '../study/robustness';
import { closestBatchSizes } from './findings-batch';
import { decayVerdict, halfWidth, originalAgainstSeeds, pairName, samePair, SIGNIFICANCE, testRankingVerdict, testSpread } from './findings';
import { selectionCaveat } from './findings-selection';
import { testedReferencesFindings, testReproductionSentence } from './findings-test';
import { rankingWindowFindings } from './findings-ranking';
import { ORIGINAL_SELECTION, ORIGINAL_VALIDATION } from './original-study';
import { distanceToOriginal, pEquals, points } from './rows';
import { bullets, count, degreesOfFreedom, f4, list, ordinal, size, title } from './wording';

function bestVariantSentence(cv: CrossValidationEvidence): string {
  const first = cv.selectionsBySeed.map(({ selection }) => selection.ranking[0].variant);
  const best = [...VARIANTS].sort((a, b) => first.filter((entry) => entry === b).length - first.filter((entry) => entry === a).length)[0];
  const tests = cv.repeatedComparisons.filter((entry) => entry.variant === best || entry.reference === best);
  const against = tests.map((entry) => {
    const [other, sign] = entry.variant === best ? [entry.reference, 1] : [entry.variant, -1];
    return `${title(other)} ${points(sign * entry.test.meanDifference)} (Holm-adjusted ${pEquals(entry.holmPValue)}: ${entry.holmPValue < SIGNIFICANCE ? 'distinguishable' : 'not distinguishable'})`;
  });
  const untested = VARIANTS.filter((variant) => variant !== best && !tests.some((entry) => entry.variant === variant || entry.reference === variant));
  return `**${title(best)} ranks first in cross-validation** by mean validation accuracy in ${count(first.filter((entry) => entry === best).length, first.length, 'seeds')}. ` +
    `Over every seed's folds (corrected resampled t-test), ${title(best)} against ${list(against)}${untested.length > 0 ? `; against ${list(untested.map(title))} not tested` : ''}. (Notebooks 03–07, 11.)`;
}

function reproductionSentence(cv: CrossValidationEvidence): string {
  const against = VARIANTS.map((variant) => ({ variant, ...originalAgainstSeeds(cv, variant) }));
  const within = against.filter((entry) => entry.within);
  const rejected = against.filter((entry) => !entry.within);
  const outside = against.filter((entry) => !entry.inside);
  const seeds = cv.selectionsBySeed.length;
  return `**The reproduction:** the original's 5-fold mean validation accuracy is not rejected by the prediction-interval t-test against our seeds' 5-fold means for ${count(within.length, VARIANTS.length, 'variants')}` +
    `${rejected.length > 0 ? `, rejected for ${list(rejected.map((entry) => `${title(entry.variant)} (${pEquals(entry.pValue)})`))}` : ''}; with ${seeds} seeds (${degreesOfFreedom(seeds - 1)}) the test detects only large departures, so a non-rejection is no evidence of agreement. ` +
    `Original − our mean, with the 95 % prediction interval of one more seed's mean: ${list(against.map((entry) => `${title(entry.variant)} ${points(entry.difference)} (±${size(entry.margin)})`))}. ` +
    `The original lies outside our seeds' range for ${count(outside.length, VARIANTS.length, 'variants')}${outside.length > 0 ? ` (${list(outside.map((entry) => title(entry.variant)))})` : ''} (notebooks 03–07).`;
}

/** The original ranked MaxPooling first; in how many of our seeds does it rank first, and where does it rank? */
function maxPoolingSentence(cv: CrossValidationEvidence): string {
  const originalFirst = [...VARIANTS].sort((a, b) => ORIGINAL_VALIDATION[b].accuracy - ORIGINAL_VALIDATION[a].accuracy)[0];
  const ranks = cv.selectionsBySeed.map(({ seed, selection }) => {
    const rank = selection.ranking.findIndex((entry) => entry.variant === originalFirst) + 1;
    return { seed, rank, ahead: selection.ranking.slice(0, rank - 1).map((entry) => entry.variant) };
  });
  const first = ranks.filter((entry) => entry.rank === 1).length;
  const verdict = first === ranks.length ? 'first in every seed, as in the original' : first === 0 ? 'not first in any of our seeds: the original\'s ranking reversed' : `first in ${count(first, ranks.length, 'seeds')}`;
  return `**The original's most accurate variant, ${title(originalFirst)} — ${verdict}:** the original ranked ${title(originalFirst)} first by mean validation accuracy (${f4(ORIGINAL_VALIDATION[originalFirst].accuracy)}); ` +
    `in our seeds it ranks ${ranks.map((entry) => `${ordinal(entry.rank)} in seed ${entry.seed}${entry.rank > 1 ? ` (behind ${list(entry.ahead.map(title))})` : ''}`).join(', ')} (notebooks 05, 11).`;
}

function pairSentence(cv: CrossValidationEvidence): string {
  const [first, second] = cv.selection.chosen;
  const samePairs = cv.selectionsBySeed.filter(({ selection }) => samePair(selection.chosen, cv.selection.chosen)).length;
  const firstChosen = cv.selectionsBySeed.filter(({ selection }) => selection.chosen[0] === first).length;
  return `**The chosen pair**, ${title(first)} and ${title(second)}, ${samePair(cv.selection.chosen, ORIGINAL_SELECTION) ? 'is the original\'s' : `differs from the original's ${pairName(ORIGINAL_SELECTION)}`} ` +
    `(chosen in ${count(samePairs, cv.selectionsBySeed.length, 'cross-validation seeds')}, ${title(first)} first in ${firstChosen}). ${selectionCaveat(cv)} (Notebooks 08, 11.)`;
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
  return `**On the test set:** ${title(first)} ${testSpread(test.finals.constant[first])}, ${title(second)} ${testSpread(test.finals.constant[second])} ` +
    `(one run's 95 % Wilson interval ±${halfWidth(test.finals.constant[first]).toFixed(2)} points). ${testRankingVerdict(test)} (notebook 08).`;
}

function decaySentence(test: TestSetEvidence): string {
  const best = test.finals.chosen[0];
  const decay = test.decayAgainstConstant;
  return `**Halving the learning rate** for ${title(best)}, decayed − constant ${points(decay.difference.mean)} on average over ${decay.seeds.length} seeds (standard deviation ${size(decay.difference.std)}). ${decayVerdict(test, test.finals.decay[0].run.history.length)} (notebook 09).`;
}

function batchSentence(cv: CrossValidationEvidence, batch: BatchSizeResult[], studyBatch: number): string | null {
  if (batch.length === 0) return null;
  const distances = VARIANTS.map((variant) => distanceToOriginal(cv.reproduction[variant]));
  const trainAbove = distances.filter((distance) => distance.train > 0).length;
  const closest = closestBatchSizes(batch).map(({ variant, closest }) => `${title(variant)} at batch ${closest.train.batchSize}`);
  return `**Training accuracy:** our best-fold training accuracy is above the original's in ${count(trainAbove, VARIANTS.length, 'variants')} at batch ${studyBatch}; ` +
    `the original's lies closest to ours for ${list(closest)} (notebook 12).`;
}

export function summaryFindings(cv: CrossValidationEvidence, test: TestSetEvidence, batch: BatchSizeResult[], studyBatch: number, readings: AgainstOriginal[]): string {
  return [
    bullets([
      bestVariantSentence(cv), reproductionSentence(cv), maxPoolingSentence(cv), pairSentence(cv), differencesSentence(cv), testSentence(test),
      testReproductionSentence(test, cv), ...testedReferencesFindings(test, cv).map((sentence) => sentence.replace(/\.$/, ' (notebook 08).')), decaySentence(test), batchSentence(cv, batch, studyBatch),
      dropoutReadingsSentence(readings),
    ]),
    `- **Read over the last epochs instead of the last one** (notebook 11):\n${rankingWindowFindings(cv).split('\n').map((line) => `  ${line}`).join('\n')}`,
  ].join('\n');
}
