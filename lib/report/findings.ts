/**
 * The findings that close each notebook, written for that notebook's question from its numbers.
 * Every number is computed here from the results handed in; every verdict ("Yes", "No", "Not
 * distinguishable") and every direction ("above", "below") is chosen by the numbers, so a sentence
 * reads differently when the results come out differently.
 *
 * Training accuracy is Keras' (and the original's): the running mean over the epoch's batches,
 * taken with dropout active for the Dropout variant. It trails the end-of-epoch model, so every
 * training − validation gap here, ours and the original's alike, is biased low.
 */
import { VARIANTS, VariantName } from '../model/network';
import type { CrossValidationEvidence, TestSetEvidence, VariantsEvidence } from '../study/evidence';
import type { AgainstCommitted, FoldComparison, PairedTestRuns, TestedRun } from '../study/robustness';
import { finalMetrics } from '../study/runs';
import { holm, pairedTTest, predictionHalfWidth, predictionTest, seedSpread, twoProportionTest, twoSidedPValue, twoSidedTQuantile } from '../study/statistics';
import { comparePairs, finalGaps, testTrainRatio } from '../study/robustness';
import type { AveragedEpoch, KFoldResult } from '../study/study';
import { ORIGINAL_BEST_FOLD, ORIGINAL_DECAY, ORIGINAL_SELECTION, ORIGINAL_TEST, ORIGINAL_TEST_IMAGES, ORIGINAL_VALIDATION } from './original-study';
import { accuracyTopTwo, selectionCaveat } from './findings-selection';
import { pEquals, points } from './rows';
import { meanPlusMinus } from './tables';
import { aboveOrBelow, bullets, compare, count, degreesOfFreedom, f4, list, ordinal, size, title } from './wording';

/** The 5 % level every test here is read at. */
export const SIGNIFICANCE = 0.05;

function comparison(comparisons: FoldComparison[], variant: VariantName, reference: VariantName): FoldComparison {
  return comparisons.find((entry) => entry.variant === variant && entry.reference === reference)!;
}

/** "ahead of X by 1.52 points (corrected resampled t-test over 3 seeds × 5 folds: p = 0.012, Holm-adjusted p = 0.036; …)". */
function tested(entry: FoldComparison): string {
  const side = entry.test.meanDifference >= 0 ? 'ahead of' : 'behind';
  const splits = `${entry.seeds.length} seed${entry.seeds.length > 1 ? 's' : ''} × ${entry.differences.length / entry.seeds.length} folds`;
  return `${side} ${title(entry.reference)} by ${size(entry.test.meanDifference)} (corrected resampled t-test over ${splits}: ${pEquals(entry.test.pValue)}, Holm-adjusted ${pEquals(entry.holmPValue)}; the naive paired t-test would give ${pEquals(entry.test.naive.pValue)})`;
}

/** The verdict on "is variant better than reference, by more than fold noise?". */
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

export function repeatedAccuracy(evidence: CrossValidationEvidence, variant: VariantName): string {
  const spread = seedSpread(evidence.bySeed[variant].flatMap((result) => result.runs.map((run) => finalMetrics(run).evaluated.accuracy)));
  return `${meanPlusMinus(spread.mean, spread.std)} over ${evidence.bySeed[variant].length} seeds × ${evidence.bySeed[variant][0].k} folds (range ${f4(spread.min)}–${f4(spread.max)})`;
}

/**
 * The original's 5-fold mean validation accuracy against ours, like for like: our 5-fold means, one
 * per cross-validation seed (not the spread of single folds, which is wider). `within`: not rejected
 * by the prediction-interval t-test (p ≥ 5 %), which with three seeds detects only large departures;
 * `margin`: the half-width of the 95 % prediction interval, t(0.975, n − 1) · s · √(1 + 1/n), so the
 * test rejects exactly when |original − mean| > margin; `inside`: within our seeds' range.
 */
export function originalAgainstSeeds(evidence: CrossValidationEvidence, variant: VariantName) {
  const means = evidence.bySeed[variant].map((result) => result.finalValidation.accuracy.mean);
  const spread = seedSpread(means);
  const original = ORIGINAL_VALIDATION[variant].accuracy;
  const { pValue } = predictionTest(original, means);
  const margin = predictionHalfWidth(means, SIGNIFICANCE);
  return {
    means, spread, original, difference: original - spread.mean, margin, inside: original >= spread.min && original <= spread.max,
    distance: (original - spread.mean) / Math.max(spread.std, 1e-9), pValue, within: pValue >= SIGNIFICANCE,
  };
}

/** "not rejected by the prediction-interval t-test (with 3 seeds it detects only large departures; 2 degrees of freedom, p = 0.21)". */
export function predictionVerdict(pValue: number, seeds: number): string {
  return pValue >= SIGNIFICANCE
    ? `not rejected by the prediction-interval t-test (with ${seeds} seeds it detects only large departures; ${degreesOfFreedom(seeds - 1)}, ${pEquals(pValue)})`
    : `rejected by the prediction-interval t-test (${degreesOfFreedom(seeds - 1)}, ${pEquals(pValue)})`;
}

/** "original − our mean +1.20 points, 95 % prediction interval ±2.10 points (t(0.975, 2) = 4.30)". */
export function differenceWithInterval(difference: number, margin: number, seeds: number): string {
  return `original − our mean ${points(difference)}, 95 % prediction interval of one more seed's value ±${size(margin)} ` +
    `(mean ± t(0.975, ${seeds - 1}) · s · √(1 + 1/${seeds}), t = ${twoSidedTQuantile(SIGNIFICANCE, seeds - 1).toFixed(2)})`;
}

function accuracyAgainstOriginal(result: KFoldResult, evidence: CrossValidationEvidence): string {
  const ours = result.finalValidation.accuracy;
  const against = originalAgainstSeeds(evidence, result.variant);
  const seeds = against.means.length;
  return `${title(result.variant)} reaches a validation accuracy of **${meanPlusMinus(ours.mean, ours.std)}** over the ${result.k} folds of seed ${result.seed} ` +
    `(${aboveOrBelow(ours.mean - against.original)} the original's ${f4(against.original)}), and ${repeatedAccuracy(evidence, result.variant)}. ` +
    `Its ${result.k}-fold means over the ${seeds} seeds are ${list(against.means.map(f4))} (${meanPlusMinus(against.spread.mean, against.spread.std)}); the original's ${result.k}-fold mean lies ` +
    `${Math.abs(against.distance).toFixed(1)} of their standard deviations ${against.distance >= 0 ? 'above' : 'below'} their mean and ${against.inside ? 'inside' : 'outside'} their range ` +
    `(${differenceWithInterval(against.difference, against.margin, seeds)}): ${predictionVerdict(against.pValue, seeds)}.`;
}

/** The epoch (1-based) where the fold-averaged validation loss is lowest, and how much it rises by the last epoch. */
export function validationLossMinimum(history: AveragedEpoch[]): { epoch: number; loss: number; rise: number; last: boolean } {
  const losses = history.map((epoch) => epoch.validation.loss.mean);
  const lowest = Math.min(...losses);
  const epoch = losses.indexOf(lowest) + 1;
  return { epoch, loss: lowest, rise: losses[losses.length - 1] - lowest, last: epoch === losses.length };
}

/** "bottoms at epoch 7 (0.3000) and rises by 0.0100 by the last" / "is still falling at the last epoch". */
function lossCourse(history: AveragedEpoch[]): string {
  const minimum = validationLossMinimum(history);
  return minimum.last ? `is still falling at the last epoch (${f4(minimum.loss)})`
    : `bottoms at epoch ${minimum.epoch} (${f4(minimum.loss)}) and rises by ${f4(minimum.rise)} by epoch ${history.length}`;
}

const GAP_CAVEAT = 'as Keras reports it: the running mean over each epoch';

function gapSentence(result: KFoldResult, evidence: CrossValidationEvidence): string {
  const gaps = VARIANTS.map((variant) => evidence.reproduction[variant].generalizationGap).sort((a, b) => b - a);
  const rank = gaps.indexOf(result.generalizationGap) + 1;
  const original = ORIGINAL_BEST_FOLD[result.variant];
  const ours = result.bestFolds;
  const above = ours.train.accuracy > original.train || ours.train.accuracy - ours.validation.accuracy > original.train - original.validation;
  return `Its final training accuracy (${GAP_CAVEAT}) ends ${aboveOrBelow(result.generalizationGap)} its validation accuracy on average, the ${rank === 1 ? 'largest' : rank === gaps.length ? 'smallest' : `${ordinal(rank)} largest`} gap of the ${VARIANTS.length} variants. ` +
    `Like for like with the original's best-fold table: a training accuracy of ${f4(ours.train.accuracy)}, ${aboveOrBelow(ours.train.accuracy - original.train)} its ${f4(original.train)}, ` +
    `and a best-fold gap of ${points(ours.train.accuracy - ours.validation.accuracy)} against its ${points(original.train - original.validation)}${above ? ' (notebook 12 tests the batch size as the cause)' : ''}.`;
}

// ---------------------------------------------------------------------------------------------
// Notebooks 03–07: the variants.

/** Keras-style precision above accuracy and recall below it: what thresholding every output at 0.5 gives a confident model. */
const thresholdPattern = (metrics: { precision: number; accuracy: number; recall: number }) => metrics.precision > metrics.accuracy && metrics.recall < metrics.accuracy;

export function baselineFindings(evidence: CrossValidationEvidence): string {
  const result = evidence.reproduction.baseline;
  const minimum = validationLossMinimum(result.averagedHistory);
  const history = result.averagedHistory;
  const last = history[history.length - 1].validation;
  const ours = thresholdPattern({ precision: last.precision.mean, accuracy: last.accuracy.mean, recall: last.recall.mean });
  const theirs = thresholdPattern(ORIGINAL_VALIDATION.baseline);
  const accuracyAtMinimum = history[minimum.epoch - 1].validation.accuracy.mean;
  return bullets([
    `**Against the original:** ${accuracyAgainstOriginal(result, evidence)}`,
    gapSentence(result, evidence),
    minimum.last
      ? `Its fold-averaged validation loss ${lossCourse(history)}: ${history.length} epochs do not reach the point where it overfits.`
      : `Its fold-averaged validation loss ${lossCourse(history)}, while its validation accuracy goes from ${f4(accuracyAtMinimum)} to ${f4(last.accuracy.mean)}: ` +
        `${last.accuracy.mean > accuracyAtMinimum ? 'more confident on its errors, still slightly more accurate' : 'it fits its training folds better without generalising better'}.`,
    `Keras-style precision (${f4(last.precision.mean)}), accuracy (${f4(last.accuracy.mean)}) and recall (${f4(last.recall.mean)}): ${ours ? 'precision above accuracy, recall below' : 'not precision above accuracy above recall'}, ` +
      `${ours === theirs ? 'the pattern of the original\'s table' : 'unlike the original\'s table'}${ours ? ' — thresholding every softmax output at 0.5 counts an unsure correct prediction as a miss' : ''} (macro per-class: precision ${f4(result.macroPrecision.mean)}, recall ${f4(result.macroRecall.mean)}).`,
  ]);
}

export function reluFindings(evidence: CrossValidationEvidence): string {
  const repeated = comparison(evidence.repeatedComparisons, 'relu', 'baseline');
  const single = comparison(evidence.reproductionComparisons, 'relu', 'baseline');
  const original = ORIGINAL_VALIDATION.relu.accuracy - ORIGINAL_VALIDATION.baseline.accuracy;
  const k = evidence.reproduction.relu.k;
  const standardError = seedSpread(repeated.differences).std * Math.sqrt(1 / k + testTrainRatio(k));
  const originalP = twoSidedPValue(original / standardError, k - 1);
  return bullets([
    `**${verdict(repeated)}:** over every seed's folds ReLU is ${tested(repeated)}, ahead in ${seedsAhead(evidence, 'relu', 'baseline')}.`,
    `On the reproduction's own folds (seed ${evidence.reproduction.relu.seed}) it is ${tested(single)}.`,
    accuracyAgainstOriginal(evidence.reproduction.relu, evidence),
    `The original had ReLU ${size(original)} ${original >= 0 ? 'ahead of' : 'behind'} the baseline over one ${k}-fold split: ${(Math.abs(original) / standardError).toFixed(1)} standard errors of such a ${k}-fold mean difference ` +
      `(our fold-by-fold differences' standard deviation × √(1/${k} + 1/${k - 1}), the correction for overlapping training sets: ${size(standardError)}), ${pEquals(originalP)} with ${k - 1} degrees of freedom: ` +
      `${originalP < SIGNIFICANCE ? 'beyond' : 'not distinguishable from'} fold noise in its own split. ` +
      `Ours is ${size(repeated.test.meanDifference)} ${repeated.test.meanDifference >= 0 ? 'ahead' : 'behind'} over every seed's folds: ${Math.sign(original) === Math.sign(repeated.test.meanDifference) ? 'the same direction' : 'the opposite direction'}${repeated.holmPValue >= SIGNIFICANCE ? ', though not distinguishable from fold noise' : ''}.`,
    gapSentence(evidence.reproduction.relu, evidence),
  ]);
}

/** Per metric: in how many seeds does MaxPooling compare with the baseline in the direction the original's tables did? */
function againstOriginalDirections(evidence: CrossValidationEvidence): string {
  return (['loss', 'precision'] as const).map((metric) => {
    const better = (a: number, b: number) => (metric === 'loss' ? a < b : a > b);
    const theirs = better(ORIGINAL_VALIDATION.maxpooling[metric], ORIGINAL_VALIDATION.baseline[metric]);
    const pairs = evidence.bySeed.maxpooling.map((result, index) => ({ seed: result.seed, ours: result.finalValidation[metric].mean, baseline: evidence.bySeed.baseline[index].finalValidation[metric].mean }));
    const same = pairs.filter((pair) => better(pair.ours, pair.baseline) === theirs).length;
    const reading = same === pairs.length ? 'the same direction in every seed' : same === 0 ? 'reversed in every seed' : 'no consistent direction';
    return `its validation ${metric} is ${theirs ? 'better' : 'worse'} than the baseline's, as in the original's tables, in ${count(same, pairs.length, 'seeds')} ` +
      `(${pairs.map((pair) => `seed ${pair.seed}: ${f4(pair.ours)} vs ${f4(pair.baseline)}`).join('; ')}): ${reading}`;
  }).join('; ');
}

export function maxPoolingFindings(evidence: CrossValidationEvidence): string {
  const result = evidence.reproduction.maxpooling;
  const baseline = evidence.reproduction.baseline;
  const repeated = comparison(evidence.repeatedComparisons, 'maxpooling', 'baseline');
  const single = comparison(evidence.reproductionComparisons, 'maxpooling', 'baseline');
  const relu = comparison(evidence.repeatedComparisons, 'relu', 'maxpooling');
  const ranks = evidence.selectionsBySeed.map(({ selection }) => selection.ranking.findIndex((entry) => entry.variant === 'maxpooling') + 1);
  const originalRank = [...VARIANTS].sort((a, b) => ORIGINAL_VALIDATION[b].accuracy - ORIGINAL_VALIDATION[a].accuracy).indexOf('maxpooling') + 1;
  const gapRanks = evidence.selectionsBySeed.map(({ selection }) => [...selection.ranking].sort((a, b) => b.gap - a.gap).findIndex((entry) => entry.variant === 'maxpooling') + 1);
  const largestIn = gapRanks.filter((rank) => rank === 1).length;
  const overfits = result.generalizationGap > 0;
  // The gap tested fold by fold against every other variant's, as accuracies are (Holm over the four).
  const gapTests = comparePairs(evidence.bySeed, VARIANTS.filter((variant) => variant !== 'maxpooling').map((variant): [VariantName, VariantName] => ['maxpooling', variant]), finalGaps);
  const larger = gapTests.filter((entry) => entry.holmPValue < SIGNIFICANCE && entry.test.meanDifference > 0);
  const overfitVerdict = !overfits ? 'No: its training accuracy ends below its validation accuracy'
    : larger.length === gapTests.length ? 'Yes, beyond fold noise'
      : larger.length > 0 ? `Than ${list(larger.map((entry) => title(entry.reference)))} beyond fold noise, not than the others`
        : largestIn > 0 ? `Not distinguishable from fold noise (largest in ${count(largestIn, gapRanks.length, 'seeds')})` : 'No more than the others';
  const gapDetail = gapTests.map((entry) => `${title(entry.reference)} ${points(entry.test.meanDifference)} (Holm ${pEquals(entry.holmPValue)})`);
  return bullets([
    `**More accurate? ${verdict(repeated)}:** MaxPooling is ${tested(repeated)}; on the reproduction's folds alone (seed ${single.seeds[0]}) it is ${tested(single)}. ` +
      `It ranks ${list(ranks.map(ordinal))} of ${VARIANTS.length} in the ${ranks.length} cross-validation seeds (the original ranked it ${ordinal(originalRank)}); ReLU is ${tested(relu)}.`,
    `**More overfitted? ${overfitVerdict}:** its training accuracy (${GAP_CAVEAT}) ends ${aboveOrBelow(result.generalizationGap)} its validation accuracy, against ${aboveOrBelow(baseline.generalizationGap)} for the baseline; its gap is the largest of the ${VARIANTS.length} in ${count(largestIn, gapRanks.length, 'seeds')}. ` +
      `Its gap minus each other variant's, fold by fold over ${gapTests[0].seeds.length} seeds × ${gapTests[0].differences.length / gapTests[0].seeds.length} folds (corrected resampled t-test, Holm over the ${gapTests.length}): ${list(gapDetail)}.`,
    `Its fold-averaged validation loss ${lossCourse(result.averagedHistory)}; the baseline's ${lossCourse(baseline.averagedHistory)}.`,
    `Against the baseline, ${againstOriginalDirections(evidence)}.`,
    accuracyAgainstOriginal(result, evidence),
  ]);
}

/** Epochs (of the fold-averaged curves) whose validation loss is below the training loss. */
function epochsValidationBelowTraining(history: AveragedEpoch[]): number {
  return history.filter((epoch) => epoch.validation.loss.mean < epoch.train.loss.mean).length;
}

/** How close to its last value a curve must come to count as converged. */
const NEAR_FINAL = 0.99;

/** The first epoch (1-based) whose fold-averaged validation accuracy reaches NEAR_FINAL of its last value. */
function epochNearFinal(history: AveragedEpoch[]): number {
  const final = history[history.length - 1].validation.accuracy.mean;
  return history.findIndex((epoch) => epoch.validation.accuracy.mean >= NEAR_FINAL * final) + 1;
}

/** Validation accuracy gained per epoch over the last three epochs of the fold-averaged curve. */
function lateSlope(history: AveragedEpoch[]): number {
  const window = history.slice(-3).map((epoch) => epoch.validation.accuracy.mean);
  return (window[window.length - 1] - window[0]) / Math.max(1, window.length - 1);
}

export function dropoutFindings(evidence: CrossValidationEvidence): string {
  const result = evidence.reproduction.dropout;
  const baseline = evidence.reproduction.baseline;
  const repeated = comparison(evidence.repeatedComparisons, 'dropout', 'baseline');
  const epochs = result.averagedHistory.length;
  const below = epochsValidationBelowTraining(result.averagedHistory);
  const baselineBelow = epochsValidationBelowTraining(baseline.averagedHistory);
  const near = { dropout: epochNearFinal(result.averagedHistory), baseline: epochNearFinal(baseline.averagedHistory) };
  const slopes = { dropout: lateSlope(result.averagedHistory), baseline: lateSlope(baseline.averagedHistory) };
  const losses = evidence.bySeed.dropout.map((entry, index) => ({ seed: entry.seed, dropout: entry.finalValidation.loss.mean, baseline: evidence.bySeed.baseline[index].finalValidation.loss.mean }));
  const lowerIn = losses.filter((entry) => entry.dropout < entry.baseline).length;
  return bullets([
    `**What it costs — ${repeated.holmPValue < SIGNIFICANCE ? (repeated.test.meanDifference < 0 ? 'accuracy, beyond fold noise' : 'nothing: it is more accurate') : 'nothing distinguishable from fold noise'}:** Dropout is ${tested(repeated)}, behind in ${count(evidence.bySeed.dropout.filter((entry, index) => entry.finalValidation.accuracy.mean < evidence.bySeed.baseline[index].finalValidation.accuracy.mean).length, evidence.bySeed.dropout.length, 'seeds')}.`,
    `**What it buys in ${epochs} epochs — ${lowerIn === losses.length ? 'a lower validation loss in every seed' : lowerIn === 0 ? 'no lower validation loss in any seed' : 'no consistent change of the validation loss'}:** ` +
      `at the last epoch Dropout's validation loss is ${lowerIn === 0 ? 'higher than' : lowerIn === losses.length ? 'lower than' : 'not consistently below'} the baseline's (${losses.map((entry) => `seed ${entry.seed}: ${f4(entry.dropout)} vs ${f4(entry.baseline)}`).join('; ')}), ` +
      `while over the fold-averaged curves of seed ${result.seed} Dropout's ${lossCourse(result.averagedHistory)} and the baseline's ${lossCourse(baseline.averagedHistory)}. ` +
      `The original's argument rests on training figures, which for Dropout are taken with units dropped and so are not comparable with the baseline's: its training accuracy (${GAP_CAVEAT}) ends ${aboveOrBelow(result.generalizationGap)} its validation accuracy, against ${aboveOrBelow(baseline.generalizationGap)} for the baseline, ` +
      `and its validation loss is below its training loss in ${count(below, epochs, 'epochs')}, ${below === epochs ? 'as the original\'s "bounded by the training loss curve for the entire graph"' : 'not for the entire graph, as the original had it'}; the baseline's in ${count(baselineBelow, epochs, 'epochs')}.`,
    `**${near.dropout > near.baseline ? 'It converges more slowly' : near.dropout < near.baseline ? 'It does not converge more slowly' : 'It converges as fast'}:** its validation accuracy (without dropout masks) first comes within ${(100 * (1 - NEAR_FINAL)).toFixed(0)} % of its last value at epoch ${near.dropout}, the baseline's at epoch ${near.baseline}. ` +
      `Over the last epochs it gains ${size(slopes.dropout)} per epoch against the baseline's ${size(slopes.baseline)}: ${slopes.dropout > slopes.baseline ? 'it is still climbing faster, which fits the original\'s suggestion that more epochs would narrow the difference; the study does not train longer to test it' : 'it is not climbing faster, so nothing here supports the original\'s suggestion that more epochs would narrow the difference'}.`,
    accuracyAgainstOriginal(result, evidence),
  ]);
}

export function leakyReluFindings(evidence: CrossValidationEvidence): string {
  const againstBaseline = comparison(evidence.repeatedComparisons, 'leakyrelu', 'baseline');
  const againstRelu = comparison(evidence.repeatedComparisons, 'relu', 'leakyrelu');
  const relu = evidence.reproduction.relu.finalValidation.loss;
  const leaky = evidence.reproduction.leakyrelu.finalValidation.loss;
  const better = (entry: FoldComparison) => (entry.holmPValue < SIGNIFICANCE ? (entry.test.meanDifference > 0 ? 'better' : 'worse') : 'not distinguishable');
  return bullets([
    `**Against the baseline, ${better(againstBaseline)}:** LeakyReLU is ${tested(againstBaseline)}.`,
    `**Against ReLU on the same folds, ${againstRelu.holmPValue < SIGNIFICANCE ? (againstRelu.test.meanDifference > 0 ? 'worse' : 'better') : 'not distinguishable'}:** ReLU is ${tested(againstRelu)}; ReLU is ahead in ${seedsAhead(evidence, 'relu', 'leakyrelu')}.`,
    `The original wrote of "a validation loss increase of 0.03 between our ReLU and LeakyReLU", which its own tables contradict (errata). Ours, seed ${evidence.reproduction.relu.seed}: ${meanPlusMinus(relu.mean, relu.std)} → ${meanPlusMinus(leaky.mean, leaky.std)}, ` +
      `${leaky.mean > relu.mean ? 'higher' : 'lower'} by ${f4(Math.abs(leaky.mean - relu.mean))}${Math.abs(leaky.mean - relu.mean) < Math.max(relu.std, leaky.std) ? ', within one fold standard deviation' : ''}.`,
    accuracyAgainstOriginal(evidence.reproduction.leakyrelu, evidence),
  ]);
}

export const VARIANT_FINDINGS: Record<VariantName, (evidence: CrossValidationEvidence) => string> = {
  baseline: baselineFindings, relu: reluFindings, maxpooling: maxPoolingFindings, dropout: dropoutFindings, leakyrelu: leakyReluFindings,
};

/** "Ahead of the committed study's by 0.52 points on the same folds (…)", from robustness.againstCommitted. */
function committedSentence(variant: VariantName, comparison: AgainstCommitted): string {
  if (comparison.kind === 'same folds') {
    const detected = comparison.test.pValue < SIGNIFICANCE;
    return `**Against the committed study — ${detected ? (comparison.test.meanDifference > 0 ? 'better' : 'worse') : 'no difference detected'}:** your ${title(variant)} is ` +
      `${size(comparison.test.meanDifference)} ${comparison.test.meanDifference >= 0 ? 'ahead of' : 'behind'} the committed one on the same folds of seed${comparison.seeds.length > 1 ? 's' : ''} ${list(comparison.seeds.map(String))} ` +
      `(corrected resampled t-test over ${comparison.differences.length} folds: ${pEquals(comparison.test.pValue)}${detected ? '' : '; a failure to detect a difference, not evidence of none'}).`;
  }
  const tested = !Number.isNaN(comparison.pValue);
  return `**Against the committed study:** your seeds draw other folds, so the runs cannot be paired; the mean of your ${comparison.means.length} seed mean(s) lies ${aboveOrBelow(comparison.difference)} the committed seeds' mean ` +
    (tested ? `(prediction-interval t-test against the ${comparison.committedMeans.length} committed seed means: ${pEquals(comparison.pValue)}; with so few seeds it detects only large departures).` : '(one committed seed: no spread to test against).');
}

/**
 * The findings of a variant's notebook for a reader's parameters: the variant against the
 * variants it is compared with (tested among themselves), against the committed study, against the
 * original's number, and the course of its validation loss.
 */
export function readerVariantFindings(variant: VariantName, evidence: VariantsEvidence, comparison: AgainstCommitted): string {
  const result = evidence.reproduction[variant];
  const seeds = evidence.bySeed[variant].length;
  const original = ORIGINAL_VALIDATION[variant].accuracy;
  const means = evidence.bySeed[variant].map((entry) => entry.finalValidation.accuracy.mean);
  const againstOriginal = seeds >= 2 ? predictionVerdict(predictionTest(original, means).pValue, seeds) : 'one seed: no spread over seeds to test it against';
  return bullets([
    ...evidence.repeatedComparisons.filter((entry) => entry.variant === variant || entry.reference === variant)
      .map((entry) => `**${title(entry.variant)} against ${title(entry.reference)} — ${verdict(entry)}:** ${title(entry.variant)} is ${tested(entry)}, Holm over this notebook's ${evidence.repeatedComparisons.length} comparison(s).`),
    committedSentence(variant, comparison),
    `**Against the original:** ${title(variant)} reaches ${meanPlusMinus(result.finalValidation.accuracy.mean, result.finalValidation.accuracy.std)} over the ${result.k} folds of seed ${result.seed}; the original's ${f4(original)} is ${aboveOrBelow(original - seedSpread(means).mean)} your seeds' mean (${againstOriginal}).`,
    `Its fold-averaged validation loss ${lossCourse(result.averagedHistory)}.`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Notebook 08: the selection and the test set.

export const pairName = (variants: VariantName[]) => list([...variants].sort().map(title));
export const samePair = (a: VariantName[], b: VariantName[]) => pairName(a) === pairName(b);

export function testSpread(runs: TestedRun[]): string {
  const spread = seedSpread(runs.map((run) => run.accuracy));
  return `${meanPlusMinus(spread.mean, spread.std)} over ${runs.length} seeds (range ${f4(spread.min)}–${f4(spread.max)})`;
}

/** The mean half-width of the runs' 95 % intervals, in percentage points. */
export const halfWidth = (runs: TestedRun[]) => (100 * runs.reduce((sum, run) => sum + (run.interval.upper - run.interval.lower) / 2, 0)) / runs.length;

/** Limits as runs of a sweep: "0–0.02 and 0.04". */
function limitRuns(limits: number[], all: number[]): string {
  const runs: number[][] = [];
  for (const limit of limits) {
    const previous = runs[runs.length - 1];
    if (previous && all.indexOf(limit) === all.indexOf(previous[previous.length - 1]) + 1) previous.push(limit);
    else runs.push([limit]);
  }
  const limit = (value: number) => (100 * value).toFixed(1);
  return `${list(runs.map((run) => (run.length === 1 ? limit(run[0]) : `${limit(run[0])}–${limit(run[run.length - 1])}`)))} points`;
}

type Sweep = { threshold: number; ours: { chosen: VariantName[] }; original: { chosen: VariantName[] } }[];

function gapClauseSentence(cv: CrossValidationEvidence, sweep: Sweep): string {
  const { selection } = cv;
  const plainTopTwo = selection.ranking.slice(0, 2).map((entry) => entry.variant);
  const limits = sweep.map((entry) => entry.threshold);
  const keeping = sweep.filter((entry) => samePair(entry.ours.chosen, selection.chosen)).map((entry) => entry.threshold);
  if (samePair(plainTopTwo, selection.chosen)) {
    return `On the reproduction's numbers (seed ${cv.reproduction.baseline.seed}) the gap clause does not change the choice: the two most accurate variants are the chosen two, and the rule chooses them at the limits ${limitRuns(keeping, limits)} of the sweep. ${selectionCaveat(cv)}`;
  }
  const excluded = selection.ranking.filter((entry) => entry.excluded);
  return `On our numbers the gap clause decides: the two most accurate are ${pairName(plainTopTwo)}, and the rule passes over ${list(excluded.map((entry) =>
    `${title(entry.variant)} (its gap ${points(entry.gap - selection.medianGap)} above the median${entry.gap <= 0 ? ', although its training accuracy ends below its validation accuracy' : ''})`))}; ` +
    `it keeps the chosen pair at the limits ${limitRuns(keeping, limits)} of the sweep. ${selectionCaveat(cv)}`;
}

function originalRuleSentence(cv: CrossValidationEvidence, sweep: Sweep): string {
  const limits = sweep.map((entry) => entry.threshold);
  const reproducing = sweep.filter((entry) => samePair(entry.original.chosen, ORIGINAL_SELECTION)).map((entry) => entry.threshold);
  if (reproducing.length === 0) return 'At no limit of the sweep does the rule choose the original\'s pair on its numbers: the claim that the rule reproduces its choice does not hold.';
  const [reluAccuracy, leakyAccuracy] = [ORIGINAL_VALIDATION.relu.accuracy, ORIGINAL_VALIDATION.leakyrelu.accuracy];
  const limit = cv.selection.maxGapAboveMedian;
  return `On the original's numbers the rule chooses its pair at the limits ${limitRuns(reproducing, limits)} of the sweep; ` +
    `${reproducing.includes(limit) ? `the study's limit of ${(100 * limit).toFixed(1)} points is one value of that range, chosen to reproduce it, not a finding` : `the study's limit of ${(100 * limit).toFixed(1)} points lies outside that range`}. ` +
    `It ranks ${leakyAccuracy > reluAccuracy ? 'LeakyReLU above ReLU' : 'ReLU above LeakyReLU'} (${f4(leakyAccuracy)} against ${f4(reluAccuracy)}), while the original treated ReLU as its best model.`;
}

/** The validation ranking of the chosen two on the test set, judged as notebook 09 judges the decay. */
export function testRankingVerdict(test: TestSetEvidence): string {
  const paired = test.finalists;
  const tests = pairedOverSeeds(paired);
  const detail = seedTestsDetail(paired, tests);
  if (tests.overSeeds < SIGNIFICANCE) return `${paired.difference.mean > 0 ? 'The validation ranking holds beyond seed noise' : 'The test set reverses the validation ranking beyond seed noise'} (${detail})`;
  return `${paired.ahead > paired.behind ? 'The validation ranking holds in direction, not distinguishable from seed noise' : paired.ahead < paired.behind ? 'The test set reverses the validation ranking in direction, not distinguishable from seed noise' : 'The test set does not separate them'} (${detail})`;
}

function testRankingSentence(test: TestSetEvidence): string {
  const [first, second] = test.finals.chosen;
  const paired = test.finalists;
  return `**On the test set:** ${title(first)} ${testSpread(test.finals.constant[first])}, ${title(second)} ${testSpread(test.finals.constant[second])}; ` +
    `${title(first)} − ${title(second)} ${meanPlusMinus(100 * paired.difference.mean, 100 * paired.difference.std, 2)} points over the seeds. ${testRankingVerdict(test)}.`;
}

function originalTestSentence(test: TestSetEvidence): string {
  const relu = ORIGINAL_TEST.relu!.accuracy;
  const leaky = ORIGINAL_TEST.leakyrelu!.accuracy;
  const unpaired = twoProportionTest(relu, leaky, ORIGINAL_TEST_IMAGES);
  const ours = test.finalists.differences;
  const against = predictionTest(relu - leaky, ours);
  const spread = seedSpread(ours);
  const margin = predictionHalfWidth(ours, SIGNIFICANCE);
  return `**The original's test-set gap, ${points(relu - leaky)}** (ReLU − LeakyReLU, one run each), against our paired differences ` +
    `(${meanPlusMinus(100 * test.finalists.difference.mean, 100 * test.finalists.difference.std, 2)} points over ${ours.length} seeds, range ${points(spread.min)} to ${points(spread.max)}; the original's ${relu - leaky >= spread.min && relu - leaky <= spread.max ? 'inside' : 'outside'} it): ` +
    `${differenceWithInterval(relu - leaky - spread.mean, margin, ours.length)}; ${predictionVerdict(against.pValue, ours.length)}. ` +
    `Whether its two trained models differ cannot be tested as ours are: the original reports neither predictions nor how many images only one of the two gets right, so no paired (McNemar) test of its pair is possible. ` +
    `Treated as independent samples (two-proportion z-test on ${ORIGINAL_TEST_IMAGES.toLocaleString('en-US')} images each) its gap gives ${pEquals(unpaired.pValue)}, ` +
    `larger than a paired test would give if, like ours, its two models were right on mostly the same images. ` +
    `One of our runs has a 95 % Wilson interval of ±${halfWidth(test.finals.constant[test.finals.chosen[0]]).toFixed(2)} points.`;
}

export function selectionFindings(cv: CrossValidationEvidence, test: TestSetEvidence, sweep: Sweep): string {
  const { selection } = cv;
  const [first, second] = selection.chosen;
  const plainTopTwo = selection.ranking.slice(0, 2).map((entry) => entry.variant);
  const sameInSeeds = cv.selectionsBySeed.filter(({ selection: bySeed }) => samePair(bySeed.chosen, selection.chosen)).length;
  return bullets([
    `**Chosen: ${title(first)} and ${title(second)}** (${samePair(plainTopTwo, selection.chosen) ? 'the two highest mean validation accuracies' : 'the most accurate two that the gap clause keeps'} on the reproduction's folds), ` +
      `${samePair(selection.chosen, ORIGINAL_SELECTION) ? 'the pair the original chose' : `where the original chose ${pairName(ORIGINAL_SELECTION)}`}; the rule chooses the same pair in ${count(sameInSeeds, cv.selectionsBySeed.length, 'cross-validation seeds')}, the two most accurate are that pair in ${count(cv.selectionsBySeed.filter(({ selection: bySeed }) => samePair(accuracyTopTwo(bySeed), selection.chosen)).length, cv.selectionsBySeed.length, 'seeds')} (below: what the gap clause decides).`,
    gapClauseSentence(cv, sweep),
    originalRuleSentence(cv, sweep),
    testRankingSentence(test),
    originalTestSentence(test),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Notebook 09: the learning-rate decay.

/**
 * Two models' test accuracies paired by seed: a paired t-test over the seeds (do they differ beyond
 * seed noise?) and McNemar's test per seed (do the two trained models differ?), Holm-adjusted.
 */
export function pairedOverSeeds(paired: PairedTestRuns): { overSeeds: number; significant: number; afterHolm: number } {
  const pValues = paired.mcnemar.map((mcnemar) => mcnemar.pValue);
  return {
    overSeeds: pairedTTest(paired.differences, paired.differences.map(() => 0)).pValue,
    significant: pValues.filter((p) => p < SIGNIFICANCE).length,
    afterHolm: holm(pValues).filter((p) => p < SIGNIFICANCE).length,
  };
}

/** "ahead in 4 of 5 seeds; paired t-test over the seeds p = 0.10; McNemar significant in 1 of 5 seeds uncorrected, 0 after Holm". */
function seedTestsDetail(paired: PairedTestRuns, tests: ReturnType<typeof pairedOverSeeds>): string {
  return `ahead in ${count(paired.ahead, paired.seeds.length, 'seeds')}; paired t-test over the seeds ${pEquals(tests.overSeeds)}; McNemar's exact test on the same images significant in ${tests.significant} of ${paired.seeds.length} seeds uncorrected, ${tests.afterHolm} after Holm`;
}

export function decayVerdict(test: TestSetEvidence, epochs: number): string {
  const paired = test.decayAgainstConstant;
  if (epochs <= test.finals.decay[0].run.spec.protocol.decay!.everyEpochs) return `Not tested: in ${epochs} epochs the rate is never lowered`;
  const tests = pairedOverSeeds(paired);
  const detail = seedTestsDetail(paired, tests);
  if (tests.overSeeds < SIGNIFICANCE) return `${paired.difference.mean > 0 ? 'Yes' : 'No, it is worse'} (${detail})`;
  return `Not distinguishable from seed noise: ${paired.difference.mean > 0 ? 'a gain' : 'a loss'} on average (${detail})`;
}

export function decayFindings(test: TestSetEvidence): string {
  const best = test.finals.chosen[0];
  const paired = test.decayAgainstConstant;
  const constant = test.finals.constant[best];
  const decayed = test.finals.decay;
  const epochs = constant[0].run.history.length;
  const losses = (runs: TestedRun[]) => seedSpread(runs.map((run) => finalMetrics(run.run).evaluated.loss));
  const originalGain = ORIGINAL_DECAY.metrics.accuracy - ORIGINAL_TEST[ORIGINAL_DECAY.variant]!.accuracy;
  const distance = (originalGain - paired.difference.mean) / Math.max(paired.difference.std, 1e-9);
  const against = predictionTest(originalGain, paired.differences);
  const decayedLosses = decayed.map((run) => finalMetrics(run.run).evaluated.loss);
  const constantLosses = constant.map((run) => finalMetrics(run.run).evaluated.loss);
  const lossTest = pairedTTest(decayedLosses, constantLosses);
  const lossDifference = losses(decayed).mean - losses(constant).mean;
  const lossLower = decayedLosses.filter((loss, index) => loss < constantLosses[index]).length;
  return bullets([
    `**${decayVerdict(test, epochs)}:** with the learning rate multiplied by ${decayed[0].run.spec.protocol.decay!.factor} every ${decayed[0].run.spec.protocol.decay!.everyEpochs} epochs, ${title(best)} reaches ${testSpread(decayed)} on the test set against ${testSpread(constant)} at a constant rate; ` +
      `decayed − constant ${meanPlusMinus(100 * paired.difference.mean, 100 * paired.difference.std, 2)} points.`,
    `**Test loss — ${lossTest.pValue < SIGNIFICANCE ? `${lossDifference < 0 ? 'lower' : 'higher'} with the decay beyond seed noise` : 'no difference beyond seed noise'}:** ${meanPlusMinus(losses(decayed).mean, losses(decayed).std)} with the decay against ${meanPlusMinus(losses(constant).mean, losses(constant).std)} without, ${compare(losses(decayed).mean, losses(constant).mean, 'lower', 'higher')} on average ` +
      `(decayed − constant ${lossDifference >= 0 ? '+' : '−'}${f4(Math.abs(lossDifference))}, lower in ${count(lossLower, constant.length, 'seeds')}; paired t-test over the seeds ${pEquals(lossTest.pValue)}). ` +
      `The original's loss rose with the decay (${f4(ORIGINAL_TEST[ORIGINAL_DECAY.variant]!.loss)} → ${f4(ORIGINAL_DECAY.metrics.loss)}) while it wrote of an improvement "with loss".`,
    `**${against.pValue >= SIGNIFICANCE ? 'The original\'s gain is not rejected by the prediction-interval t-test' : 'Our runs do not reproduce the size of the original\'s gain'}:** its gain of ${points(originalGain)}, from one pair of runs, lies ${Math.abs(distance).toFixed(1)} standard deviations of our paired gains ${distance >= 0 ? 'above' : 'below'} their mean ` +
      `(${points(paired.difference.mean)}, standard deviation ${size(paired.difference.std)} over ${paired.seeds.length} seeds) and ${originalGain >= Math.min(...paired.differences) && originalGain <= Math.max(...paired.differences) ? 'inside' : 'outside'} their range: ` +
      `${differenceWithInterval(originalGain - paired.difference.mean, predictionHalfWidth(paired.differences, SIGNIFICANCE), paired.seeds.length)}; ${predictionVerdict(against.pValue, paired.seeds.length)}.`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Notebook 11: the seeds.

/** The share of its training images a fold run has in common with another fold run of the same split: (k − 2)/(k − 1). */
const sharedTraining = (cv: CrossValidationEvidence) => (cv.reproduction.baseline.k - 2) / (cv.reproduction.baseline.k - 1);

export function seedFindings(cv: CrossValidationEvidence): string {
  const [reference, ...others] = cv.selectionsBySeed;
  const rankingOf = (entry: typeof reference) => entry.selection.ranking.map((item) => title(item.variant)).join(' > ');
  const sameRanking = others.filter((entry) => rankingOf(entry) === rankingOf(reference)).length;
  const samePairs = others.filter((entry) => samePair(entry.selection.chosen, reference.selection.chosen)).length;
  const first = cv.selectionsBySeed.map(({ selection }) => selection.ranking[0].variant);
  const significant = cv.repeatedComparisons.filter((entry) => entry.holmPValue < SIGNIFICANCE);
  const notSignificant = cv.repeatedComparisons.filter((entry) => entry.holmPValue >= SIGNIFICANCE);
  const naiveOnly = notSignificant.filter((entry) => entry.test.naive.pValue < SIGNIFICANCE);
  const signHolds = (entry: FoldComparison) => {
    const k = entry.differences.length / entry.seeds.length;
    const means = entry.seeds.map((_, index) => entry.differences.slice(index * k, (index + 1) * k).reduce((a, b) => a + b, 0) / k);
    return means.filter((mean) => Math.sign(mean) === Math.sign(entry.test.meanDifference)).length;
  };
  const name = (entry: FoldComparison) => `${title(entry.variant)} − ${title(entry.reference)} (${points(entry.test.meanDifference)}, Holm ${pEquals(entry.holmPValue)}, same sign in ${signHolds(entry)} of ${entry.seeds.length} seeds)`;
  return bullets([
    `**The ranking** of seed ${reference.seed} (${rankingOf(reference)}) recurs in ${count(sameRanking, others.length, 'other seeds')}; ${list([...new Set(first)].map((variant) => `${title(variant)} ranks first in ${first.filter((entry) => entry === variant).length}`))} of ${first.length}.`,
    `**The chosen pair** of seed ${reference.seed} (${pairName(reference.selection.chosen)}) is chosen again by the rule in ${count(samePairs, others.length, 'other seeds')}. ${selectionCaveat(cv)}`,
    `**Significant after Holm** over the ${cv.repeatedComparisons.length} comparisons, each over ${cv.repeatedComparisons[0].differences.length} folds: ${significant.length > 0 ? list(significant.map(name)) : 'none'}. Not significant: ${notSignificant.length > 0 ? list(notSignificant.map(name)) : 'none'}.`,
    naiveOnly.length > 0 ? `The naive paired t-test, which treats the folds as independent though any two folds of one split share ${(100 * sharedTraining(cv)).toFixed(0)} % of their training images, would also have called ${list(naiveOnly.map((entry) => `${title(entry.variant)} − ${title(entry.reference)}`))} significant.` : null,
  ]);
}
