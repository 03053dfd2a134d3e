/**
 * The test set beyond the chosen pair: the original's test accuracies against our seeds (does the
 * test-set reproduction hold?), and the variants the selection passed over, retrained and tested
 * like the chosen two (does MaxPooling's "overfitting" cost it on the test set, as the original
 * assumed without testing?). Every verdict is chosen by the numbers handed in.
 */
import type { VariantName } from '../model/network';
import type { CrossValidationEvidence, TestSetEvidence } from '../study/evidence';
import type { PairedTestRuns, TestedRun } from '../study/robustness';
import { finalMetrics } from '../study/runs';
import { predictionHalfWidth, predictionTest, seedSpread } from '../study/statistics';
import { differenceWithInterval, originalAgainstSeeds, pairedOverSeeds, predictionVerdict, SIGNIFICANCE, testSpread } from './findings';
import { ORIGINAL_TEST } from './original-study';
import { pEquals, points } from './rows';
import { aboveOrBelow, count, f4, list, ordinal, size, title } from './wording';

/**
 * Each variant the original tested against our final retrainings of it: the original's one test
 * accuracy against our seeds' (prediction-interval t-test, n − 1 degrees of freedom), and the
 * original's 5-fold validation mean against our cross-validation seeds' (the same test), so the
 * two offsets can be read side by side.
 */
export function testReproduction(test: TestSetEvidence, cv: CrossValidationEvidence) {
  return test.finals.tested.filter((variant) => ORIGINAL_TEST[variant]).map((variant) => {
    const accuracies = test.finals.constant[variant].map((run) => run.accuracy);
    const original = ORIGINAL_TEST[variant]!.accuracy;
    const spread = seedSpread(accuracies);
    return {
      variant, original, spread, difference: original - spread.mean, margin: predictionHalfWidth(accuracies, SIGNIFICANCE),
      pValue: predictionTest(original, accuracies).pValue, inside: original >= spread.min && original <= spread.max,
      validation: originalAgainstSeeds(cv, variant),
    };
  });
}

/** The test-set reproduction, variant by variant, and the offset it shows (the claims of item "test set" in 00). */
export function testReproductionSentence(test: TestSetEvidence, cv: CrossValidationEvidence): string {
  const rows = testReproduction(test, cv);
  const rejected = rows.filter((row) => row.pValue < SIGNIFICANCE);
  const below = rows.filter((row) => row.difference < 0).length;
  const verdict = rejected.length === 0 ? 'not rejected for either variant' : rejected.length === rows.length ? `rejected for ${rows.length === 2 ? 'both variants' : 'every variant'}` : `rejected for ${list(rejected.map((row) => title(row.variant)))} only`;
  const offset = below === rows.length ? `Each of the original's test accuracies lies below our mean (by ${list(rows.map((row) => `${size(row.difference)} for ${title(row.variant)}`))}): a systematic offset of ours above the original's on the test set`
    : below === 0 ? 'Each of the original\'s test accuracies lies above our mean: no offset of ours above the original\'s'
      : 'The original\'s test accuracies lie on both sides of our means: no consistent offset';
  const validation = rows.map((row) => `${title(row.variant)} ${points(row.validation.difference)}`);
  return `**The test-set reproduction — ${verdict}:** ${rows.map((row) => `${title(row.variant)}: the original's ${f4(row.original)} against our ${testSpread(test.finals.constant[row.variant])}, ` +
    `${row.inside ? 'inside' : 'outside'} our range; ${differenceWithInterval(row.difference, row.margin, row.spread.n)}; ${predictionVerdict(row.pValue, row.spread.n)}`).join('. ')}. ` +
    `${offset}, ${below === rows.length ? 'as in cross-validation' : 'compared with cross-validation'} (original − our seeds' mean 5-fold validation accuracy: ${list(validation)}; notebook 12 tests the batch size as a cause).`;
}

/** The mean of the cross-validation seeds' k-fold mean validation accuracies. */
const cvMean = (cv: CrossValidationEvidence, variant: VariantName) => seedSpread(cv.bySeed[variant].map((result) => result.finalValidation.accuracy.mean)).mean;

/** Test accuracy minus the mean of the cross-validation seeds' k-fold validation means. */
function validationToTest(test: TestSetEvidence, cv: CrossValidationEvidence, variant: VariantName): number {
  return seedSpread(test.finals.constant[variant].map((run) => run.accuracy)).mean - cvMean(cv, variant);
}

/** The final training accuracy (Keras' running mean over the last epoch) minus the test accuracy, averaged over seeds. */
export function trainTestGap(runs: TestedRun[]): number {
  return seedSpread(runs.map((run) => finalMetrics(run.run).train.accuracy - run.accuracy)).mean;
}

/** "MaxPooling − ReLU +0.21 ± 0.30 points (ahead in 4 of 5 seeds; paired t-test over the seeds p = 0.20; McNemar … 0 of 5 after Holm)". */
function pairedSentence(entry: { variant: VariantName; chosen: VariantName; paired: PairedTestRuns }): string {
  const tests = pairedOverSeeds(entry.paired);
  return `${title(entry.variant)} − ${title(entry.chosen)} ${points(entry.paired.difference.mean)} ± ${(100 * entry.paired.difference.std).toFixed(2)} points ` +
    `(ahead in ${count(entry.paired.ahead, entry.paired.seeds.length, 'seeds')}; paired t-test over the seeds ${pEquals(tests.overSeeds)}; McNemar's exact test significant in ${tests.afterHolm} of ${entry.paired.seeds.length} seeds after Holm)`;
}

/**
 * The variants retrained beside the chosen two: each one's test accuracy, its comparison with each
 * chosen variant on the same images, and, for a variant the original passed over for overfitting,
 * whether the test set bears the exclusion out.
 */
export function testedReferencesFindings(test: TestSetEvidence, cv: CrossValidationEvidence): string[] {
  const references = test.finals.tested.filter((variant) => !test.finals.chosen.includes(variant));
  return references.map((variant) => {
    const comparisons = test.referencesAgainstChosen.filter((entry) => entry.variant === variant);
    const verdicts = comparisons.map((entry) => ({ entry, p: pairedOverSeeds(entry.paired).overSeeds }));
    const worse = verdicts.filter(({ entry, p }) => p < SIGNIFICANCE && entry.paired.difference.mean < 0);
    const better = verdicts.filter(({ entry, p }) => p < SIGNIFICANCE && entry.paired.difference.mean > 0);
    const gaps = test.finals.tested.map((tested) => ({ variant: tested, gap: trainTestGap(test.finals.constant[tested]) })).sort((a, b) => b.gap - a.gap);
    const gapRank = gaps.findIndex((entry) => entry.variant === variant);
    const accuracy = `${title(variant)} reaches ${testSpread(test.finals.constant[variant])} on the test set; against the chosen two on the same images: ${list(comparisons.map(pairedSentence))}.`;
    const drift = `From cross-validation to the test set its accuracy moves ${aboveOrBelow(validationToTest(test, cv, variant))} (${list(test.finals.chosen.map((chosen) => `${title(chosen)} ${points(validationToTest(test, cv, chosen))}`))}); ` +
      `its final training accuracy ends ${aboveOrBelow(trainTestGap(test.finals.constant[variant]))} its test accuracy, the ${gapRank === 0 ? 'largest' : gapRank === gaps.length - 1 ? 'smallest' : `${ordinal(gapRank + 1)} largest`} such gap of the ${gaps.length} tested variants.`;
    if (variant !== 'maxpooling') return `**${title(variant)}, the reference, tested beside them:** ${accuracy} ${drift}`;
    const claim = worse.length === comparisons.length ? 'borne out: it is worse than both chosen variants beyond seed noise'
      : better.length > 0 ? `contradicted: it is better than ${list(better.map(({ entry }) => title(entry.chosen)))} beyond seed noise`
        : worse.length > 0 ? `in part: worse than ${list(worse.map(({ entry }) => title(entry.chosen)))} beyond seed noise, not distinguishable from the other`
          : 'not borne out: it is not distinguishable from the chosen two';
    return `**The original's untested claim that MaxPooling's overfitting "would have been surely an issue in the testing phase" — ${claim}.** ${accuracy} ${drift} ` +
      `A larger training − test gap is what the original called overfitting; ${gapRank === 0 ? 'MaxPooling has the largest' : 'MaxPooling does not have the largest'}, and on the test set it is ${worse.length === comparisons.length ? 'behind both chosen variants beyond seed noise, as the original expected' : 'not behind both chosen variants beyond seed noise'}. ` +
      `Whether the gap is the cause these runs cannot say: in cross-validation it was already ${list(test.finals.chosen.map((chosen) => `${aboveOrBelow(cvMean(cv, variant) - cvMean(cv, chosen))} ${title(chosen)}`))} on average over the seeds.`;
  });
}
