/**
 * The findings that close each notebook, written for that notebook's question from its numbers.
 * Every number is computed here from the results handed in; every verdict ("Yes", "No", "Not
 * distinguishable") and every direction ("above", "below") is chosen by the numbers, so a sentence
 * reads differently when the results come out differently.
 */
import { CLASS_NAMES } from '../data/idx-files';
import { VARIANT_TITLES, VARIANTS, VariantName } from '../model/network';
import type { CrossValidationEvidence, TestSetEvidence } from '../study/evidence';
import type { BatchSizeResult, FoldComparison, PairedTestRuns, TestedRun } from '../study/robustness';
import { finalMetrics } from '../study/runs';
import { seedSpread } from '../study/statistics';
import type { AveragedEpoch, KFoldResult } from '../study/study';
import { STEP_DECAY } from '../study/protocol';
import { ORIGINAL_BEST_FOLD, ORIGINAL_CONFUSIONS, ORIGINAL_DECAY, ORIGINAL_SELECTION, ORIGINAL_TEST, ORIGINAL_VALIDATION } from './original-study';
import { distanceToOriginal, points, pValue } from './rows';
import { meanPlusMinus } from './tables';

/** The 5 % level every test here is read at. */
export const SIGNIFICANCE = 0.05;

const title = (variant: VariantName) => VARIANT_TITLES[variant];
const f4 = (value: number) => value.toFixed(4);
/** The size of a difference of accuracies, unsigned: "1.52 points" (the sentence says which way). */
const size = (difference: number) => `${Math.abs(100 * difference).toFixed(2)} points`;
/** "1.52 points above" / "0.40 points below". */
const aboveOrBelow = (difference: number) => `${size(difference)} ${difference >= 0 ? 'above' : 'below'}`;
const count = (n: number, of: number, what: string) => `${n} of ${of} ${what}`;
const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
const bullets = (lines: (string | null)[]) => lines.filter((line): line is string => line !== null).map((line) => `- ${line}`).join('\n');

function comparison(comparisons: FoldComparison[], variant: VariantName, reference: VariantName): FoldComparison {
  return comparisons.find((entry) => entry.variant === variant && entry.reference === reference)!;
}

/** "ahead of X by +1.52 points (corrected p = 0.012, Holm 0.036)". */
function tested(entry: FoldComparison): string {
  const side = entry.test.meanDifference >= 0 ? 'ahead of' : 'behind';
  return `${side} ${title(entry.reference)} by ${size(entry.test.meanDifference)} (corrected resampled t-test over ${entry.differences.length} folds: p = ${pValue(entry.test.pValue)}, Holm-adjusted ${pValue(entry.holmPValue)}; the naive paired t-test would say ${pValue(entry.test.naive.pValue)})`;
}

/** The opening verdict on "is variant better than reference, by more than fold noise?", from the repeated comparison. */
function verdict(entry: FoldComparison): string {
  const ahead = entry.test.meanDifference > 0;
  if (entry.holmPValue < SIGNIFICANCE) return ahead ? 'Yes' : 'No, it is worse';
  return `Not distinguishable from fold noise (${ahead ? 'ahead' : 'behind'} on average)`;
}

/** In how many seeds (by each seed's fold mean) the variant is ahead of the reference. */
function seedsAhead(evidence: CrossValidationEvidence, variant: VariantName, reference: VariantName): string {
  const own = evidence.bySeed[variant].map((result) => result.finalValidation.accuracy.mean);
  const theirs = evidence.bySeed[reference].map((result) => result.finalValidation.accuracy.mean);
  return count(own.filter((value, index) => value > theirs[index]).length, own.length, 'cross-validation seeds');
}

function repeatedAccuracy(evidence: CrossValidationEvidence, variant: VariantName): string {
  const spread = seedSpread(evidence.bySeed[variant].flatMap((result) => result.runs.map((run) => finalMetrics(run).evaluated.accuracy)));
  return `${meanPlusMinus(spread.mean, spread.std)} over ${evidence.bySeed[variant].length} seeds × ${evidence.bySeed[variant][0].k} folds (range ${f4(spread.min)}–${f4(spread.max)})`;
}

/** The sentence on our accuracy and the original's, for a variant notebook. */
function accuracyAgainstOriginal(result: KFoldResult, evidence: CrossValidationEvidence): string {
  const ours = result.finalValidation.accuracy;
  const original = ORIGINAL_VALIDATION[result.variant].accuracy;
  return `${title(result.variant)} reaches a validation accuracy of **${meanPlusMinus(ours.mean, ours.std)}** over the ${result.k} folds of seed ${result.seed} ` +
    `(${aboveOrBelow(ours.mean - original)} the original's ${f4(original)}), and ${repeatedAccuracy(evidence, result.variant)}.`;
}

/** The epoch (1-based) where the fold-averaged validation loss is lowest, and how much it rises by the last epoch. */
export function validationLossMinimum(history: AveragedEpoch[]): { epoch: number; loss: number; rise: number } {
  const losses = history.map((epoch) => epoch.validation.loss.mean);
  const lowest = Math.min(...losses);
  return { epoch: losses.indexOf(lowest) + 1, loss: lowest, rise: losses[losses.length - 1] - lowest };
}

function gapSentence(result: KFoldResult, evidence: CrossValidationEvidence): string {
  const gaps = Object.values(evidence.reproduction).map((entry) => entry.generalizationGap).sort((a, b) => b - a);
  const rank = gaps.indexOf(result.generalizationGap) + 1;
  const original = ORIGINAL_BEST_FOLD[result.variant];
  const ours = result.bestFolds;
  return `Its final training accuracy ends ${aboveOrBelow(result.generalizationGap)} its validation accuracy on average (the ${rank === 1 ? 'largest' : rank === gaps.length ? 'smallest' : `${ordinal(rank)} largest`} gap of the five variants); ` +
    `like for like with the original's best-fold table, our best folds give a training accuracy of ${f4(ours.train.accuracy)}, ${aboveOrBelow(ours.train.accuracy - original.train)} its ${f4(original.train)}, ` +
    `and a best-fold gap of ${points(ours.train.accuracy - ours.validation.accuracy)} against its ${points(original.train - original.validation)} (notebook 12 tests the batch size as the cause).`;
}

// ---------------------------------------------------------------------------------------------
// Notebooks 03–07: the variants.

export function baselineFindings(evidence: CrossValidationEvidence): string {
  const result = evidence.reproduction.baseline;
  const minimum = validationLossMinimum(result.averagedHistory);
  const last = result.averagedHistory[result.averagedHistory.length - 1].validation;
  return bullets([
    `${accuracyAgainstOriginal(result, evidence)}`,
    gapSentence(result, evidence),
    `The fold-averaged validation loss is lowest at epoch ${minimum.epoch} (${f4(minimum.loss)}) and ${minimum.rise > 0 ? `rises by ${f4(minimum.rise)} to epoch ${result.averagedHistory.length}` : 'still falls at the last epoch'}: ` +
      `${minimum.rise > 0 ? 'after that epoch the baseline fits its training folds better without generalising better' : `${result.averagedHistory.length} epochs do not reach the point where it overfits`}.`,
    `Keras-style precision (${f4(last.precision.mean)}) is ${last.precision.mean > last.accuracy.mean ? 'above' : 'below'} accuracy and recall (${f4(last.recall.mean)}) ${last.recall.mean < last.accuracy.mean ? 'below' : 'above'} it, ` +
      `${ORIGINAL_VALIDATION.baseline.precision > ORIGINAL_VALIDATION.baseline.accuracy && ORIGINAL_VALIDATION.baseline.recall < ORIGINAL_VALIDATION.baseline.accuracy ? 'the pattern of the original\'s table' : 'unlike the original\'s table'}: thresholding every softmax output at 0.5 counts unsure predictions as misses (the macro per-class view: precision ${f4(result.macroPrecision.mean)}, recall ${f4(result.macroRecall.mean)}).`,
  ]);
}

export function reluFindings(evidence: CrossValidationEvidence): string {
  const repeated = comparison(evidence.repeatedComparisons, 'relu', 'baseline');
  const single = comparison(evidence.reproductionComparisons, 'relu', 'baseline');
  const original = ORIGINAL_VALIDATION.relu.accuracy - ORIGINAL_VALIDATION.baseline.accuracy;
  return bullets([
    `**${verdict(repeated)}:** over every seed's folds ReLU is ${tested(repeated)}, ahead in ${seedsAhead(evidence, 'relu', 'baseline')}.`,
    `On the reproduction's own folds (seed ${evidence.reproduction.relu.seed}) it is ${tested(single)}.`,
    accuracyAgainstOriginal(evidence.reproduction.relu, evidence),
    `The original had ReLU ${size(original)} ${original >= 0 ? 'ahead of' : 'behind'} the baseline; ours is ${size(repeated.test.meanDifference)} ${repeated.test.meanDifference >= 0 ? 'ahead' : 'behind'}: ${Math.sign(original) === Math.sign(repeated.test.meanDifference) ? `the same direction, ${Math.abs(repeated.test.meanDifference) > Math.abs(original) ? 'a larger' : 'a smaller'} margin` : 'the opposite direction'}.`,
    gapSentence(evidence.reproduction.relu, evidence),
  ]);
}

export function maxPoolingFindings(evidence: CrossValidationEvidence): string {
  const result = evidence.reproduction.maxpooling;
  const baseline = evidence.reproduction.baseline;
  const repeated = comparison(evidence.repeatedComparisons, 'maxpooling', 'baseline');
  const rank = evidence.selection.ranking.findIndex((entry) => entry.variant === 'maxpooling') + 1;
  const ranks = evidence.selectionsBySeed.map(({ selection }) => selection.ranking.findIndex((entry) => entry.variant === 'maxpooling') + 1);
  const gapRanks = evidence.selectionsBySeed.map(({ selection }) => [...selection.ranking].sort((a, b) => b.gap - a.gap).findIndex((entry) => entry.variant === 'maxpooling') + 1);
  const minimum = validationLossMinimum(result.averagedHistory);
  const baselineMinimum = validationLossMinimum(baseline.averagedHistory);
  const lossBetter = result.finalValidation.loss.mean < baseline.finalValidation.loss.mean;
  const precisionBetter = result.finalValidation.precision.mean > baseline.finalValidation.precision.mean;
  const originalLossBetter = ORIGINAL_VALIDATION.maxpooling.loss < ORIGINAL_VALIDATION.baseline.loss;
  const originalPrecisionBetter = ORIGINAL_VALIDATION.maxpooling.precision > ORIGINAL_VALIDATION.baseline.precision;
  return bullets([
    `**More accurate? ${verdict(repeated)}:** MaxPooling is ${tested(repeated)}; it ranks ${rank} of five on the reproduction's folds and ${list(ranks.map(String))} in the ${ranks.length} seeds (the original ranked it first).`,
    `**More overfitted? ${gapRanks.every((value) => value === 1) ? 'Yes' : gapRanks.some((value) => value === 1) ? 'In some seeds' : 'No'}:** its training accuracy ends ${aboveOrBelow(result.generalizationGap)} its validation accuracy, against ${aboveOrBelow(baseline.generalizationGap)} for the baseline; its gap is the largest of the five in ${count(gapRanks.filter((value) => value === 1).length, gapRanks.length, 'seeds')}.`,
    `Its fold-averaged validation loss bottoms at epoch ${minimum.epoch} (${f4(minimum.loss)}) and ${minimum.rise > 0 ? `rises by ${f4(minimum.rise)}` : 'does not rise'} by the last epoch; the baseline's bottoms at epoch ${baselineMinimum.epoch} and ${baselineMinimum.rise > 0 ? `rises by ${f4(baselineMinimum.rise)}` : 'does not rise'}.`,
    `Against the baseline, its final validation loss is ${lossBetter ? 'lower' : 'higher'} (${f4(result.finalValidation.loss.mean)} vs ${f4(baseline.finalValidation.loss.mean)}) and its Keras-style precision ${precisionBetter ? 'higher' : 'lower'} (${f4(result.finalValidation.precision.mean)} vs ${f4(baseline.finalValidation.precision.mean)}); ` +
      `the original had both ${originalLossBetter && originalPrecisionBetter ? 'better' : 'mixed'} — ${lossBetter === originalLossBetter && precisionBetter === originalPrecisionBetter ? 'the same directions as ours' : 'our run reverses that'}.`,
    accuracyAgainstOriginal(result, evidence),
  ]);
}

/** Epochs (of the fold-averaged curves) whose validation loss is below the training loss. */
function epochsValidationBelowTraining(history: AveragedEpoch[]): number {
  return history.filter((epoch) => epoch.validation.loss.mean < epoch.train.loss.mean).length;
}

/** The first epoch (1-based) whose fold-averaged training accuracy reaches `level`, or null. */
function epochReaching(history: AveragedEpoch[], level: number): number | null {
  const index = history.findIndex((epoch) => epoch.train.accuracy.mean >= level);
  return index < 0 ? null : index + 1;
}

export function dropoutFindings(evidence: CrossValidationEvidence): string {
  const result = evidence.reproduction.dropout;
  const baseline = evidence.reproduction.baseline;
  const repeated = comparison(evidence.repeatedComparisons, 'dropout', 'baseline');
  const epochs = result.averagedHistory.length;
  const below = epochsValidationBelowTraining(result.averagedHistory);
  const level = result.finalTrain.accuracy.mean;
  const baselineReaches = epochReaching(baseline.averagedHistory, level);
  const window = result.averagedHistory.slice(-3).map((epoch) => epoch.validation.accuracy.mean);
  const slower = baselineReaches !== null && baselineReaches < epochs;
  const rising = window[window.length - 1] > window[0];
  return bullets([
    `**What it costs:** Dropout is ${tested(repeated)}, behind in ${count(evidence.bySeed.dropout.filter((entry, index) => entry.finalValidation.accuracy.mean < evidence.bySeed.baseline[index].finalValidation.accuracy.mean).length, evidence.bySeed.dropout.length, 'seeds')}.`,
    `**What it buys:** its validation loss stays below its training loss in ${count(below, epochs, 'epochs')} (the original: "bounded by the training loss curve for the entire graph"), and its training accuracy ends ${aboveOrBelow(result.generalizationGap)} its validation accuracy, against ${aboveOrBelow(baseline.generalizationGap)} for the baseline: ${result.generalizationGap < 0 ? 'no sign of overfitting in these epochs (its training accuracy is measured with dropout active)' : result.generalizationGap < baseline.generalizationGap ? 'less overfitting than the baseline' : 'no less overfitting than the baseline'}.`,
    `**${slower ? 'It converges more slowly' : 'It does not converge more slowly'}:** its training accuracy reaches ${f4(level)} at the last epoch, ${epochs}; the baseline ${baselineReaches === null ? 'never reaches it' : `reaches it at epoch ${baselineReaches}`}. Its validation accuracy over the last ${window.length} epochs, ${window.map(f4).join(' → ')}, ${rising ? 'is still rising: more epochs would likely close part of the gap, as the original suggested' : 'has levelled off'}.`,
    accuracyAgainstOriginal(result, evidence),
  ]);
}

export function leakyReluFindings(evidence: CrossValidationEvidence): string {
  const againstBaseline = comparison(evidence.repeatedComparisons, 'leakyrelu', 'baseline');
  const againstRelu = comparison(evidence.repeatedComparisons, 'relu', 'leakyrelu');
  const relu = evidence.reproduction.relu.finalValidation.loss.mean;
  const leaky = evidence.reproduction.leakyrelu.finalValidation.loss.mean;
  return bullets([
    `**Against the baseline, ${verdict(againstBaseline).toLowerCase()}:** LeakyReLU is ${tested(againstBaseline)}.`,
    `**Against ReLU, on the same folds:** ReLU is ${tested(againstRelu)}; ReLU is ahead in ${seedsAhead(evidence, 'relu', 'leakyrelu')}. ${againstRelu.holmPValue < SIGNIFICANCE ? 'The two are distinguishable.' : 'The folds cannot tell the two apart.'}`,
    `The original wrote of "a validation loss increase of 0.03 between our ReLU and LeakyReLU"; its own tables show ${f4(ORIGINAL_VALIDATION.relu.loss)} → ${f4(ORIGINAL_VALIDATION.leakyrelu.loss)} (see the errata). Ours: ${f4(relu)} → ${f4(leaky)}, ${leaky > relu ? 'an increase' : 'a decrease'} of ${f4(Math.abs(leaky - relu))}.`,
    accuracyAgainstOriginal(evidence.reproduction.leakyrelu, evidence),
  ]);
}

export const VARIANT_FINDINGS: Record<VariantName, (evidence: CrossValidationEvidence) => string> = {
  baseline: baselineFindings, relu: reluFindings, maxpooling: maxPoolingFindings, dropout: dropoutFindings, leakyrelu: leakyReluFindings,
};

// ---------------------------------------------------------------------------------------------
// Notebook 08: the selection and the test set.

/** The chosen pair as a set, e.g. "LeakyReLU and ReLU". */
const pairName = (variants: VariantName[]) => list([...variants].sort().map(title));
const samePair = (a: VariantName[], b: VariantName[]) => pairName(a) === pairName(b);

function testSpread(runs: TestedRun[]): string {
  const spread = seedSpread(runs.map((run) => run.accuracy));
  return `${meanPlusMinus(spread.mean, spread.std)} over ${runs.length} seeds (range ${f4(spread.min)}–${f4(spread.max)})`;
}

/** The mean half-width of the runs' 95 % intervals, in percentage points. */
const halfWidth = (runs: TestedRun[]) => (100 * runs.reduce((sum, run) => sum + (run.interval.upper - run.interval.lower) / 2, 0)) / runs.length;

function mcnemarSummary(paired: PairedTestRuns): string {
  const significant = paired.mcnemar.filter((test) => test.pValue < SIGNIFICANCE).length;
  return `McNemar's exact test on the same images finds the difference significant in ${count(significant, paired.mcnemar.length, 'seeds')}`;
}

export function selectionFindings(cv: CrossValidationEvidence, test: TestSetEvidence, sweep: { threshold: number; ours: { chosen: VariantName[] }; original: { chosen: VariantName[] } }[]): string {
  const { selection } = cv;
  const plainTopTwo = selection.ranking.slice(0, 2).map((entry) => entry.variant);
  const [first, second] = selection.chosen;
  const reproducing = sweep.filter((entry) => samePair(entry.original.chosen, ORIGINAL_SELECTION)).map((entry) => entry.threshold);
  const originalRanking = [...ORIGINAL_SELECTION].sort((a, b) => ORIGINAL_VALIDATION[b].accuracy - ORIGINAL_VALIDATION[a].accuracy);
  const sameInSeeds = cv.selectionsBySeed.filter(({ selection: bySeed }) => samePair(bySeed.chosen, selection.chosen)).length;
  const firstRuns = test.finals.constant[first];
  const secondRuns = test.finals.constant[second];
  return bullets([
    `**Chosen: ${title(first)} and ${title(second)}** (by mean validation accuracy on the reproduction's folds), ${samePair(selection.chosen, ORIGINAL_SELECTION) ? 'the pair the original chose' : `where the original chose ${pairName(ORIGINAL_SELECTION)}`}; the same pair is chosen in ${count(sameInSeeds, cv.selectionsBySeed.length, 'cross-validation seeds')}.`,
    samePair(plainTopTwo, selection.chosen)
      ? `On our numbers the gap clause is not binding: the two most accurate variants are the chosen two at every limit of the sweep that does not exclude them.`
      : `On our numbers the gap clause decides: the two most accurate are ${pairName(plainTopTwo)}, the rule passes over ${list(selection.ranking.filter((entry) => entry.excluded).map((entry) => title(entry.variant)))}.`,
    reproducing.length > 0
      ? `On the original's numbers the rule chooses the original's pair for gap limits from ${reproducing[0]} to ${reproducing[reproducing.length - 1]} of the sweep; but it ranks ${title(originalRanking[0])} first (${f4(ORIGINAL_VALIDATION[originalRanking[0]].accuracy)} against ${f4(ORIGINAL_VALIDATION[originalRanking[1]].accuracy)}), while the original treated ReLU as its best model. The limit of ${selection.maxGapAboveMedian} is one value of that range, not a finding.`
      : `At no limit of the sweep does the rule choose the original's pair on its numbers: the claim that the rule reproduces its choice does not hold.`,
    `**On the test set:** ${title(first)} ${testSpread(firstRuns)}, ${title(second)} ${testSpread(secondRuns)}; ${title(first)} is ahead in ${count(test.finalists.ahead, test.finalists.seeds.length, 'seeds')} (mean difference ${points(test.finalists.difference.mean)}), and ${mcnemarSummary(test.finalists)}. ` +
      `${test.finalists.ahead > test.finalists.behind ? 'The validation ranking holds on the test set' : test.finalists.ahead < test.finalists.behind ? 'The test set reverses the validation ranking' : 'The test set does not separate them'}.`,
    `The original reported ${f4(ORIGINAL_TEST.relu!.accuracy)} (ReLU) and ${f4(ORIGINAL_TEST.leakyrelu!.accuracy)} (LeakyReLU) from one run each; a single run's 95 % Wilson interval on ${test.labels.length.toLocaleString('en-US')} test images is ±${halfWidth(firstRuns).toFixed(2)} points wide, ${halfWidth(firstRuns) > Math.abs(100 * test.finalists.difference.mean) ? 'wider' : 'narrower'} than the mean difference between the two.`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Notebook 09: the learning-rate decay.

export function decayFindings(test: TestSetEvidence): string {
  const best = test.finals.chosen[0];
  const paired = test.decayAgainstConstant;
  const constant = test.finals.constant[best];
  const decayed = test.finals.decay;
  const losses = (runs: TestedRun[]) => seedSpread(runs.map((run) => finalMetrics(run.run).evaluated.loss));
  const constantPeaks = constant.filter((run, index) => Math.max(...run.run.history.map((epoch) => epoch.validation!.accuracy)) > decayed[index].accuracy).length;
  const significant = paired.mcnemar.filter((mcnemar) => mcnemar.pValue < SIGNIFICANCE).length;
  const verdictText = paired.ahead === paired.seeds.length && significant > paired.seeds.length / 2 ? 'Yes'
    : paired.ahead > paired.behind ? 'A small gain, not one a single run can show' : 'No';
  return bullets([
    `**${verdictText}:** with the learning rate halved every ${STEP_DECAY.everyEpochs} epochs, ${title(best)} reaches ${testSpread(decayed)} on the test set against ${testSpread(constant)} at a constant rate: ahead in ${count(paired.ahead, paired.seeds.length, 'seeds')}, by ${meanPlusMinus(paired.difference.mean * 100, paired.difference.std * 100, 2)} points; ${mcnemarSummary(paired)}.`,
    `Test loss: ${meanPlusMinus(losses(decayed).mean, losses(decayed).std)} with the decay against ${meanPlusMinus(losses(constant).mean, losses(constant).std)} without, ${compare(losses(decayed).mean, losses(constant).mean, 'lower', 'higher')}. The original's loss rose with the decay (${f4(ORIGINAL_TEST[ORIGINAL_DECAY.variant]!.loss)} → ${f4(ORIGINAL_DECAY.metrics.loss)}) while it wrote of an improvement "with loss".`,
    constantPeaks > 0
      ? `In ${count(constantPeaks, constant.length, 'seeds')} the constant-rate run was, at some epoch, above the decayed run's final test accuracy: single-epoch numbers of one run move by as much as the effect, which is why one run each could not carry the original's conclusion.`
      : `In no seed did the constant-rate run reach, at any epoch, the decayed run's final test accuracy.`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Notebook 10: the confusion matrix.

/** The upper-body garments whose images LeNet-5 mixes up most. */
export const UPPER_BODY = ['T-shirt/top', 'Pullover', 'Coat', 'Shirt'];

/** Share of a confusion matrix's errors that confuse one upper-body garment with another. */
export function upperBodyShare(confusion: number[][]): number {
  const upper = UPPER_BODY.map((name) => CLASS_NAMES.indexOf(name as (typeof CLASS_NAMES)[number]));
  let errors = 0;
  let within = 0;
  confusion.forEach((row, actual) => row.forEach((count, predicted) => {
    if (actual === predicted) return;
    errors += count;
    if (upper.includes(actual) && upper.includes(predicted)) within += count;
  }));
  return within / errors;
}

export function confusionFindings(test: TestSetEvidence): string {
  const best = test.finals.chosen[0];
  const runs = test.finals.constant[best];
  const shares = seedSpread(runs.map((run) => upperBodyShare(run.run.test!.confusion)));
  const recall = runs[0].run.test!.perClass.recall;
  const easiest = CLASS_NAMES.map((name, index) => ({ name: name as string, recall: recall[index] })).sort((a, b) => b.recall - a.recall);
  const originalEasiest = ['Bag', 'Sneaker', 'Trouser'];
  const topThree = easiest.slice(0, 3).map((entry) => entry.name);
  const topThreeInSeeds = runs.filter((run) => {
    const order = CLASS_NAMES.map((name, index) => ({ name: name as string, recall: run.run.test!.perClass.recall[index] })).sort((a, b) => b.recall - a.recall);
    return originalEasiest.every((name) => order.slice(0, 3).some((entry) => entry.name === name));
  }).length;
  const confusion = runs[0].run.test!.confusion;
  const [tShirt, shirt] = [CLASS_NAMES.indexOf('T-shirt/top'), CLASS_NAMES.indexOf('Shirt')];
  return bullets([
    `**The upper-body garments:** confusions among ${list(UPPER_BODY)} make up ${(100 * shares.mean).toFixed(1)} ± ${(100 * shares.std).toFixed(1)} % of ${title(best)}'s test errors over ${runs.length} seeds (range ${(100 * shares.min).toFixed(1)}–${(100 * shares.max).toFixed(1)} %).`,
    `T-shirt/top → Shirt: ${confusion[tShirt][shirt]} images (the original: ${ORIGINAL_CONFUSIONS[0].count}); Shirt → T-shirt/top: ${confusion[shirt][tShirt]} (the original: ${ORIGINAL_CONFUSIONS[1].count}), for seed ${runs[0].run.spec.seed}.`,
    `**The easiest classes** by recall are ${list(easiest.slice(0, 3).map((entry) => `${entry.name} (${f4(entry.recall)})`))}; the original named ${list(originalEasiest.map((name) => `${name}s`))}: ${originalEasiest.every((name) => topThree.includes(name)) ? 'the same three' : 'not the same three'}, and the same three lead in ${count(topThreeInSeeds, runs.length, 'seeds')}. The hardest: ${list(easiest.slice(-3).reverse().map((entry) => `${entry.name} (${f4(entry.recall)})`))}.`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Notebook 11: the seeds.

/** The share of its training images a fold run has in common with another fold run of the same split: (k − 2)/(k − 1). */
const sharedTraining = (cv: CrossValidationEvidence) => (cv.reproduction.baseline.k - 2) / (cv.reproduction.baseline.k - 1);

export function seedFindings(cv: CrossValidationEvidence): string {
  const rankings = cv.selectionsBySeed.map(({ selection }) => selection.ranking.map((entry) => entry.variant).join(' > '));
  const sameRanking = rankings.filter((ranking) => ranking === rankings[0]).length;
  const first = cv.selectionsBySeed.map(({ selection }) => selection.ranking[0].variant);
  const significant = cv.repeatedComparisons.filter((entry) => entry.holmPValue < SIGNIFICANCE);
  const notSignificant = cv.repeatedComparisons.filter((entry) => entry.holmPValue >= SIGNIFICANCE);
  const naiveOnly = cv.repeatedComparisons.filter((entry) => entry.holmPValue >= SIGNIFICANCE && entry.test.naive.pValue < SIGNIFICANCE);
  const name = (entry: FoldComparison) => `${title(entry.variant)} − ${title(entry.reference)} (${points(entry.test.meanDifference)}, Holm p = ${pValue(entry.holmPValue)})`;
  return bullets([
    `**The ranking** is the same in ${count(sameRanking, rankings.length, 'seeds')}; ${list([...new Set(first)].map((variant) => `${title(variant)} ranks first in ${first.filter((entry) => entry === variant).length}`))}.`,
    `**Significant after Holm** over the ${cv.repeatedComparisons.length} comparisons and ${cv.repeatedComparisons[0].differences.length} folds each: ${significant.length > 0 ? list(significant.map(name)) : 'none'}. Not significant: ${notSignificant.length > 0 ? list(notSignificant.map(name)) : 'none'}.`,
    naiveOnly.length > 0 ? `The naive paired t-test, which treats the folds as independent though any two of them share ${(100 * sharedTraining(cv)).toFixed(0)} % of their training images, would also have called ${list(naiveOnly.map((entry) => `${title(entry.variant)} − ${title(entry.reference)}`))} significant.` : null,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Notebook 12: the batch size.

/** The batch size whose cross-validation lies closest to the original's numbers (sum of the three distances). */
function closestToOriginal(results: BatchSizeResult[]): BatchSizeResult {
  const total = (entry: BatchSizeResult) => Object.values(distanceToOriginal(entry.result)).reduce((sum, value) => sum + Math.abs(value), 0);
  return results.reduce((best, entry) => (total(entry) < total(best) ? entry : best));
}

/** "lower" / "higher" / "the same" for a against b. */
const compare = (a: number, b: number, less: string, more: string) => (a < b ? less : a > b ? more : 'the same');

const range = (values: number[]) => Math.max(...values) - Math.min(...values);

export function batchSizeFindings(results: BatchSizeResult[], studyBatch: number): string {
  const variants = [...new Set(results.map((entry) => entry.variant))];
  const closest = variants.map((variant) => closestToOriginal(results.filter((entry) => entry.variant === variant)));
  const lines = variants.map((variant, index) => {
    const rows = results.filter((entry) => entry.variant === variant);
    const trains = rows.map((entry) => entry.result.finalTrain.accuracy.mean);
    const validations = rows.map((entry) => entry.result.finalValidation.accuracy.mean);
    const falling = trains.every((value, position) => position === 0 || value < trains[position - 1]);
    const distance = distanceToOriginal(closest[index].result);
    return `${title(variant)}: training accuracy ${falling ? 'falls with every larger batch' : 'does not fall steadily with the batch size'} (${rows.map((entry) => `${entry.batchSize}: ${f4(entry.result.finalTrain.accuracy.mean)}`).join(', ')}), ` +
      `a spread of ${size(range(trains))} against ${size(range(validations))} for validation accuracy. Batch ${closest[index].batchSize} comes closest to the original: best-fold training accuracy ${points(distance.train)}, mean validation accuracy ${points(distance.validation)}, best-fold gap ${points(distance.gap)} from its numbers.`;
  });
  const sizes = [...new Set(closest.map((entry) => entry.batchSize))];
  return bullets([
    ...lines,
    sizes.every((batchSize) => batchSize === studyBatch)
      ? `**No:** batch ${studyBatch}, our choice, is already the closest of the batch sizes tried; the batch size does not explain the difference.`
      : `**The batch size explains ${sizes.every((batchSize) => batchSize > studyBatch) ? 'much of it' : 'part of it'}:** the original's numbers lie closest to ${list(sizes.map((batchSize) => `batch ${batchSize}`))}, not to our batch ${studyBatch}. Its training accuracies and gaps are read best as those of a larger batch than ours (its text names none), not as a sign that our runs overfit more.`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Notebook 00: the conclusions, each with how robust it is.

export function summaryFindings(cv: CrossValidationEvidence, test: TestSetEvidence, batch: BatchSizeResult[]): string {
  const [first, second] = cv.selection.chosen;
  const sameInSeeds = cv.selectionsBySeed.filter(({ selection }) => samePair(selection.chosen, cv.selection.chosen)).length;
  const firstInSeeds = cv.selectionsBySeed.filter(({ selection }) => selection.ranking[0].variant === first).length;
  const significant = cv.repeatedComparisons.filter((entry) => entry.holmPValue < SIGNIFICANCE);
  const finalistsCompared = comparison(cv.repeatedComparisons, 'relu', 'leakyrelu');
  const decay = test.decayAgainstConstant;
  const reproductionGaps = VARIANTS.map((variant) => Math.abs(cv.reproduction[variant].finalValidation.accuracy.mean - ORIGINAL_VALIDATION[variant].accuracy));
  const distances = VARIANTS.map((variant) => distanceToOriginal(cv.reproduction[variant]));
  const trainAbove = distances.filter((distance) => distance.train > 0).length;
  const gapLarger = distances.filter((distance) => distance.gap > 0).length;
  const closest = batch.length > 0 ? batch.reduce((best, entry) => {
    const total = (candidate: BatchSizeResult) => Object.values(distanceToOriginal(candidate.result)).reduce((sum, value) => sum + Math.abs(value), 0);
    return total(entry) < total(best) ? entry : best;
  }) : null;
  return bullets([
    `**The reproduction** lands within ${(100 * Math.max(...reproductionGaps)).toFixed(2)} points of the original's mean validation accuracy for every variant (notebooks 03–07).`,
    `**The chosen pair** is ${title(first)} and ${title(second)}, ${samePair(cv.selection.chosen, ORIGINAL_SELECTION) ? 'as in the original' : `where the original chose ${pairName(ORIGINAL_SELECTION)}`}: robust across seeds in ${count(sameInSeeds, cv.selectionsBySeed.length, 'cross-validation seeds')}, with ${title(first)} first in ${firstInSeeds} (notebooks 08, 11).`,
    `**Differences that survive** the corrected resampled t-test with Holm's adjustment over ${cv.repeatedComparisons[0].differences.length} folds: ${significant.length > 0 ? list(significant.map((entry) => `${title(entry.variant)} − ${title(entry.reference)} (${points(entry.test.meanDifference)})`)) : 'none'}; ReLU against LeakyReLU: ${points(finalistsCompared.test.meanDifference)}, Holm p = ${pValue(finalistsCompared.holmPValue)} (notebook 11).`,
    `**On the test set**, over ${test.finals.seeds.length} seeds: ${title(first)} ${testSpread(test.finals.constant[first])}, ${title(second)} ${testSpread(test.finals.constant[second])}; ${title(first)} ahead in ${count(test.finalists.ahead, test.finalists.seeds.length, 'seeds')} (notebook 08).`,
    `**Halving the learning rate every ${STEP_DECAY.everyEpochs} epochs** changes ${title(first)}'s test accuracy by ${meanPlusMinus(100 * decay.difference.mean, 100 * decay.difference.std, 2)} points over ${decay.seeds.length} seeds, ahead in ${decay.ahead} of them; ${mcnemarSummary(decay)} (notebook 09).`,
    closest ? `**Our best-fold training accuracy** is above the original's in ${count(trainAbove, VARIANTS.length, 'variants')} and our best-fold gap larger in ${count(gapLarger, VARIANTS.length, 'variants')}; of the batch sizes tried, batch ${closest.batchSize} (${title(closest.variant)}) comes closest to its numbers (notebook 12).` : null,
  ]);
}
