/**
 * What the selection rule's choice rests on, seed by seed: the pair the rule chooses against the
 * two most accurate variants (accuracy alone, without the gap clause). The gap limit was chosen to
 * reproduce the original's choice (notebook 08's sweep), so a choice it alone makes cannot be
 * cited as evidence for that choice; every sentence that reports the choice says so.
 */
import type { VariantName } from '../model/network';
import type { CrossValidationEvidence } from '../study/evidence';
import type { Selection } from '../study/study';
import { ORIGINAL_SELECTION } from './original-study';
import { count, f4, list, size, title } from './wording';

const samePairOf = (a: VariantName[], b: VariantName[]) => [...a].sort().join() === [...b].sort().join();

/** The two highest mean validation accuracies of a seed, whatever their gaps. */
export const accuracyTopTwo = (selection: Selection): VariantName[] => selection.ranking.slice(0, 2).map((entry) => entry.variant);

/** Per seed: the rule's pair, the pair by accuracy alone, and the variants only the gap limit removes from the top two. */
export function pairBySeed(cv: CrossValidationEvidence) {
  return cv.selectionsBySeed.map(({ seed, selection }) => {
    const topTwo = accuracyTopTwo(selection);
    const removed = selection.ranking.filter((entry) => topTwo.includes(entry.variant) && !selection.chosen.includes(entry.variant));
    return { seed, selection, topTwo, removed, ruleOriginal: samePairOf(selection.chosen, ORIGINAL_SELECTION), accuracyOriginal: samePairOf(topTwo, ORIGINAL_SELECTION) };
  });
}

/** "in seed 44 only the gap limit removes MaxPooling (5-fold mean 0.9012, above LeakyReLU's 0.9004; its gap 1.20 points above the median, the limit 1.0)". */
function removedSentence(entry: ReturnType<typeof pairBySeed>[number]): string {
  const { selection } = entry;
  const admitted = selection.chosen.filter((variant) => !entry.topTwo.includes(variant));
  // From this limit on, neither of the two most accurate is excluded, so the rule chooses them.
  const keepsTopTwo = Math.max(...selection.ranking.filter((item) => entry.topTwo.includes(item.variant)).map((item) => item.gap - selection.medianGap));
  return `in seed ${entry.seed} only the gap limit removes ${list(entry.removed.map((removed) => {
    const passed = admitted.map((variant) => selection.ranking.find((item) => item.variant === variant)!);
    const beside = passed.length > 0 ? `, above ${list(passed.map((item) => `${title(item.variant)}'s ${f4(item.validationAccuracy)}`))}` : '';
    return `${title(removed.variant)} (5-fold mean ${f4(removed.validationAccuracy)}${beside}; its gap ${size(removed.gap - selection.medianGap)} above the median, the limit ${(100 * selection.maxGapAboveMedian).toFixed(1)} points)`;
  }))}, and with a limit of ${(Math.ceil(1000 * keepsTopTwo) / 10).toFixed(1)} points or more the rule would choose ${list(entry.topTwo.map(title))} there`;
}

/**
 * The qualification every report of the choice carries: in how many seeds the original's pair holds
 * by the rule and by accuracy alone, the seeds where only the gap limit removes a variant, and that
 * the limit was tuned to reproduce the original's choice.
 */
export function selectionCaveat(cv: CrossValidationEvidence): string {
  const seeds = pairBySeed(cv);
  const byRule = seeds.filter((entry) => entry.ruleOriginal).length;
  const byAccuracy = seeds.filter((entry) => entry.accuracyOriginal).length;
  const gapOnly = seeds.filter((entry) => entry.removed.length > 0);
  return `The rule chooses the original's pair (${list(ORIGINAL_SELECTION.map(title))}) in ${count(byRule, seeds.length, 'cross-validation seeds')}; by accuracy alone, without the gap clause, the two most accurate are that pair in ${count(byAccuracy, seeds.length, 'seeds')}` +
    `${gapOnly.length > 0 ? `: ${gapOnly.map(removedSentence).join('; ')}` : ', so the gap clause removes no variant from the top two in any seed'}. ` +
    `The gap limit was chosen to reproduce the original's choice (notebook 08's sweep), so the choices it makes cannot be evidence for that choice.`;
}
