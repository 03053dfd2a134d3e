/**
 * Rankings read at one epoch or over the last few: every ranking of the study uses the validation
 * accuracy after the last epoch, which moves from epoch to epoch by about a fold's noise. Here each
 * seed's ranking is read both ways — after the last epoch, and averaged over the last `window`
 * epochs — with the study's comparisons tested both ways, so a reader sees where the reading changes
 * a conclusion.
 */
import { VARIANTS, VariantName } from '../model/network';
import type { CrossValidationEvidence } from '../study/evidence';
import { compareVariants, FoldComparison, FoldMeasure, finalValidationAccuracies, lastEpochsAccuracies } from '../study/robustness';
import type { KFoldResult } from '../study/study';
import { SIGNIFICANCE } from './findings';
import { pEquals } from './rows';
import { bullets, count, f4, list, title } from './wording';

/** The epochs a ranking is averaged over at the end of training. */
export const RANKING_WINDOW = 3;

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Variants from most to least accurate by a fold measure's mean over one seed's folds, with the means. */
export function rankingBy(results: Record<VariantName, KFoldResult>, measure: FoldMeasure): { variant: VariantName; accuracy: number }[] {
  return VARIANTS.map((variant) => ({ variant, accuracy: mean(measure(results[variant])) })).sort((a, b) => b.accuracy - a.accuracy);
}

/** Per cross-validation seed: the ranking after the last epoch and over the last `window` epochs. */
export function rankingsBothWays(cv: CrossValidationEvidence, window = RANKING_WINDOW) {
  return cv.selectionsBySeed.map(({ seed }, index) => {
    const results = Object.fromEntries(VARIANTS.map((variant) => [variant, cv.bySeed[variant][index]])) as Record<VariantName, KFoldResult>;
    const last = rankingBy(results, finalValidationAccuracies);
    const averaged = rankingBy(results, lastEpochsAccuracies(window));
    return { seed, last, averaged, same: last.map((entry) => entry.variant).join() === averaged.map((entry) => entry.variant).join() };
  });
}

/** The study's comparisons over every seed's folds, read over the last `window` epochs (Holm as for the last epoch). */
export function comparisonsOverWindow(cv: CrossValidationEvidence, window = RANKING_WINDOW): FoldComparison[] {
  return compareVariants(cv.bySeed, lastEpochsAccuracies(window));
}

export function rankingRows(cv: CrossValidationEvidence, window = RANKING_WINDOW): Record<string, string | number>[] {
  const order = (ranking: { variant: VariantName; accuracy: number }[]) => ranking.map((entry) => `${title(entry.variant)} ${f4(entry.accuracy)}`).join(' > ');
  return rankingsBothWays(cv, window).map((entry) => ({
    seed: entry.seed, 'after the last epoch': order(entry.last), [`mean of the last ${window} epochs`]: order(entry.averaged), 'same order': entry.same ? 'yes' : 'no',
  }));
}

export function rankingWindowFindings(cv: CrossValidationEvidence, window = RANKING_WINDOW): string {
  const rankings = rankingsBothWays(cv, window);
  const changed = rankings.filter((entry) => !entry.same);
  const topTwo = (ranking: { variant: VariantName }[]) => ranking.slice(0, 2).map((entry) => entry.variant).sort().join();
  const topChanged = rankings.filter((entry) => topTwo(entry.last) !== topTwo(entry.averaged));
  const firstChanged = rankings.filter((entry) => entry.last[0].variant !== entry.averaged[0].variant);
  const atLast = cv.repeatedComparisons;
  const overWindow = comparisonsOverWindow(cv, window);
  const significant = (entry: FoldComparison) => entry.holmPValue < SIGNIFICANCE;
  const flips = overWindow.filter((entry, index) => significant(entry) !== significant(atLast[index]));
  const swaps = (entry: (typeof rankings)[number]) => entry.last.map((item, rank) => (item.variant !== entry.averaged[rank].variant ? rank + 1 : null)).filter((rank) => rank !== null);
  return bullets([
    `**The order of the ${VARIANTS.length} variants** read over the last ${window} epochs is the order after the last epoch in ${count(rankings.length - changed.length, rankings.length, 'cross-validation seeds')}` +
      `${changed.length > 0 ? `; it changes in ${list(changed.map((entry) => `seed ${entry.seed} (ranks ${list(swaps(entry).map(String))})`))}` : ''}. ` +
      `The first variant changes in ${count(firstChanged.length, rankings.length, 'seeds')}, the two most accurate in ${count(topChanged.length, rankings.length, 'seeds')}${topChanged.length > 0 ? ` (${list(topChanged.map((entry) => `seed ${entry.seed}: ${list(entry.last.slice(0, 2).map((item) => title(item.variant)))} → ${list(entry.averaged.slice(0, 2).map((item) => title(item.variant)))}`))})` : ''}.`,
    `**The comparisons** over every seed's folds (corrected resampled t-test, Holm over ${overWindow.length}): ${flips.length === 0
      ? `the same ${overWindow.filter(significant).length} are significant either way`
      : `read over the last ${window} epochs, ${list(flips.map((entry) => `${title(entry.variant)} − ${title(entry.reference)} ${significant(entry) ? 'becomes' : 'is no longer'} significant (Holm-adjusted ${pEquals(entry.holmPValue)}; after the last epoch, Holm-adjusted ${pEquals(atLast[overWindow.indexOf(entry)].holmPValue)})`))}`}.`,
  ]);
}
