/**
 * Summary statistics over folds and seeds (mathjs) and the significance tests that make "better
 * than the baseline" a measured statement: the paired t-test, its Nadeau–Bengio correction for
 * overlapping cross-validation training sets, Holm's multiple-comparison adjustment, McNemar's
 * exact test on a shared test set and the Wilson interval for an accuracy.
 * Formulas: /work/shared/REVIEW.md (Dietterich 1998; Nadeau & Bengio 2003; Bouckaert & Frank 2004).
 */
import { max, mean, min, std, variance } from 'mathjs';

export interface MeanAndSpread {
  mean: number;
  /** Sample standard deviation (n − 1), as mathjs' default. */
  std: number;
  values: number[];
}

export function meanAndSpread(values: number[]): MeanAndSpread {
  if (values.length === 0) throw new Error('meanAndSpread of no values');
  return { mean: Number(mean(values)), std: values.length > 1 ? Number(std(values)) : 0, values };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Continued fraction for the regularized incomplete beta function (Numerical Recipes, betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d; d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + aa / c; c = Math.abs(c) < tiny ? tiny : c;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d; d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + aa / c; c = Math.abs(c) < tiny ? tiny : c;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const coefficients = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0];
  for (let i = 1; i < 9; i += 1) sum += coefficients[i] / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t statistic with `degreesOfFreedom`. */
export function twoSidedPValue(t: number, degreesOfFreedom: number): number {
  return incompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
}

export interface PairedTest {
  meanDifference: number;
  t: number;
  degreesOfFreedom: number;
  pValue: number;
}

/**
 * One-sample t-test of `differences` against 0, with the variance of the mean taken as
 * `varianceFactor` · s² (s² the sample variance, n − 1). The plain test uses 1/n; the corrected
 * resampled test adds n_test/n_train. With s² = 0 the statistic is ±∞ (p = 0), or 0 (p = 1)
 * when the mean difference is 0 as well.
 */
function tTestOfDifferences(differences: number[], varianceFactor: number): PairedTest {
  const degreesOfFreedom = differences.length - 1;
  // Identical differences have no spread; checked exactly, because the floating-point mean of
  // equal values can differ from them by an ulp and leave a spurious variance of ~1e-35.
  const allEqual = differences.every((difference) => difference === differences[0]);
  const meanDifference = allEqual ? differences[0] : Number(mean(differences));
  const sampleVariance = allEqual ? 0 : Number(variance(differences));
  if (sampleVariance === 0) {
    return meanDifference === 0
      ? { meanDifference, t: 0, degreesOfFreedom, pValue: 1 }
      : { meanDifference, t: Math.sign(meanDifference) * Infinity, degreesOfFreedom, pValue: 0 };
  }
  const t = meanDifference / Math.sqrt(varianceFactor * sampleVariance);
  return { meanDifference, t, degreesOfFreedom, pValue: twoSidedPValue(t, degreesOfFreedom) };
}

/**
 * Paired t-test of `values` − `reference` (the same folds, in the same order). On cross-validation
 * folds it is too eager, because the folds share training data: see {@link correctedResampledTTest}.
 */
export function pairedTTest(values: number[], reference: number[]): PairedTest {
  if (values.length !== reference.length || values.length < 2) {
    throw new Error(`a paired test needs two equally long lists of ≥ 2 values, got ${values.length} and ${reference.length}`);
  }
  const differences = values.map((value, index) => value - reference[index]);
  return tTestOfDifferences(differences, 1 / differences.length);
}

export interface CorrectedTest extends PairedTest {
  /** Number of train/test splits, r · k. */
  n: number;
  /** The plain (uncorrected, too eager) paired t-test on the same differences, for comparison. */
  naive: { t: number; pValue: number };
}

/**
 * Corrected resampled t-test (Nadeau & Bengio 2003, "Inference for the generalization error"), in
 * the form of Bouckaert & Frank (2004) for r repetitions of k-fold cross-validation. Folds share
 * most of their training data, so their differences are correlated and the plain paired t-test
 * underestimates the variance; the correction inflates it:
 * t = d̄ / sqrt((1/n + n_test/n_train) · s²), n = r · k differences, n − 1 degrees of freedom.
 *
 * @param differences score(A) − score(B) per split, over all repetitions and folds.
 * @param testTrainRatio n_test / n_train of one split: 1/4 for 5-fold, 1/(k − 1) for k-fold.
 */
export function correctedResampledTTest(differences: number[], testTrainRatio: number): CorrectedTest {
  if (differences.length < 2) {
    throw new Error(`a corrected resampled t-test needs ≥ 2 differences, got ${differences.length}`);
  }
  if (!(testTrainRatio > 0) || !Number.isFinite(testTrainRatio)) {
    throw new Error(`testTrainRatio must be a positive number (n_test / n_train, 1/4 for 5-fold), got ${testTrainRatio}`);
  }
  const n = differences.length;
  const corrected = tTestOfDifferences(differences, 1 / n + testTrainRatio);
  const naive = tTestOfDifferences(differences, 1 / n);
  return { ...corrected, n, naive: { t: naive.t, pValue: naive.pValue } };
}

/**
 * Holm–Bonferroni adjusted p-values (Holm 1979), in the order of the input: controls the
 * family-wise error rate over m comparisons, uniformly more powerful than Bonferroni. Sorting
 * p(1) ≤ … ≤ p(m), p̃(i) = max over j ≤ i of min(1, (m − j + 1) · p(j)).
 */
export function holm(pValues: number[]): number[] {
  pValues.forEach((pValue) => {
    if (!(pValue >= 0 && pValue <= 1)) throw new Error(`holm: p-values must lie in [0, 1], got ${pValue}`);
  });
  const m = pValues.length;
  const ascendingIndices = pValues.map((_, index) => index).sort((left, right) => pValues[left] - pValues[right]);
  const adjusted = new Array<number>(m);
  let runningMaximum = 0;
  ascendingIndices.forEach((originalIndex, rank) => {
    runningMaximum = Math.max(runningMaximum, Math.min(1, (m - rank) * pValues[originalIndex]));
    adjusted[originalIndex] = runningMaximum;
  });
  return adjusted;
}

/**
 * δ(x) for x = 1 … 15, where the series below is not yet accurate to machine precision (computed
 * with mpmath at 40 digits; the same values as R's nmath stirlerr.c).
 */
const STIRLING_ERRORS_UP_TO_15 = [
  Number.NaN, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093,
  0.016644691189821193, 0.013876128823070748, 0.01189670994589177, 0.010411265261972096,
  0.009255462182712733, 0.00833056343336287, 0.007573675487951841, 0.00694284010720953,
  0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
];

/**
 * Stirling-series error δ(x) = log x! − [(x + ½) log x − x + ½ log 2π] for integer x ≥ 1
 * (Loader 2000, "Fast and accurate computation of binomial probabilities"). Small and computed
 * without cancellation, so binomial probabilities stay accurate at large n.
 */
function stirlingError(x: number): number {
  if (x <= 15) return STIRLING_ERRORS_UP_TO_15[x];
  const inverseSquare = 1 / (x * x);
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - inverseSquare / 1188) * inverseSquare) * inverseSquare) * inverseSquare) / x;
}

/**
 * Deviance term x · log(x / mu) + mu − x (Loader 2000, "bd0"), by a series when x is close to mu
 * so that the cancellation in the direct formula does not lose precision.
 */
function binomialDeviance(x: number, mu: number): number {
  if (Math.abs(x - mu) >= 0.1 * (x + mu)) return x * Math.log(x / mu) + mu - x;
  const ratio = (x - mu) / (x + mu);
  let sum = (x - mu) * ratio;
  let term = 2 * x * ratio;
  for (let j = 1; j < 1000; j += 1) {
    term *= ratio * ratio;
    const next = sum + term / (2 * j + 1);
    if (next === sum) break;
    sum = next;
  }
  return sum;
}

/** log P[Binomial(n, ½) = k], by Loader's (2000) saddle-point form: accurate to ~1e-15 for any n. */
function logBinomialHalfProbability(k: number, n: number): number {
  if (k === 0 || k === n) return -n * Math.LN2;
  const logRatio = stirlingError(n) - stirlingError(k) - stirlingError(n - k)
    - binomialDeviance(k, n / 2) - binomialDeviance(n - k, n / 2);
  return logRatio + 0.5 * Math.log(n / (2 * Math.PI * k * (n - k)));
}

/**
 * P[Binomial(n, ½) ≤ k] for k ≤ n/2. The summands grow with i up to k, so the sum is taken relative
 * to the largest one, P[X = k], walking down with P[X = i − 1] / P[X = i] = i / (n − i + 1):
 * no overflow, no underflow, and every added term is positive.
 */
function binomialHalfLowerTail(k: number, n: number): number {
  let relativeTerm = 1;
  let relativeSum = 1;
  for (let i = k; i > 0; i -= 1) {
    relativeTerm *= i / (n - i + 1);
    relativeSum += relativeTerm;
    if (relativeTerm < 1e-17 * relativeSum) break;
  }
  return Math.exp(logBinomialHalfProbability(k, n) + Math.log(relativeSum));
}

export interface McNemarTest {
  /** Items only classifier A gets right. */
  b: number;
  /** Items only classifier B gets right. */
  c: number;
  /** Discordant pairs, b + c. */
  n: number;
  pValue: number;
}

/**
 * McNemar's exact test (Dietterich 1998 recommends McNemar for two classifiers on one test set):
 * under H0 the b + c discordant items split as Binomial(b + c, ½), so the two-sided
 * p = min(1, 2 · P[Binomial(b + c, ½) ≤ min(b, c)]), and p = 1 without discordant items.
 */
export function mcnemarExact(b: number, c: number): McNemarTest {
  [b, c].forEach((count) => {
    if (!Number.isInteger(count) || count < 0) throw new Error(`McNemar counts must be non-negative integers, got b = ${b}, c = ${c}`);
  });
  const n = b + c;
  const pValue = n === 0 ? 1 : Math.min(1, 2 * binomialHalfLowerTail(Math.min(b, c), n));
  return { b, c, n, pValue };
}

/** {@link mcnemarExact} from the labels and two classifiers' predictions on the same items. */
export function mcnemarFromPredictions(
  labels: ArrayLike<number>, predictionsA: ArrayLike<number>, predictionsB: ArrayLike<number>,
): McNemarTest {
  if (predictionsA.length !== labels.length || predictionsB.length !== labels.length) {
    throw new Error(`McNemar needs predictions for every label: ${labels.length} labels, ${predictionsA.length} and ${predictionsB.length} predictions`);
  }
  let onlyACorrect = 0;
  let onlyBCorrect = 0;
  for (let index = 0; index < labels.length; index += 1) {
    const aCorrect = predictionsA[index] === labels[index];
    const bCorrect = predictionsB[index] === labels[index];
    if (aCorrect && !bCorrect) onlyACorrect += 1;
    if (bCorrect && !aCorrect) onlyBCorrect += 1;
  }
  return mcnemarExact(onlyACorrect, onlyBCorrect);
}

export interface ProportionInterval {
  estimate: number;
  lower: number;
  upper: number;
}

/** Two-sided 95 % standard normal quantile, Φ⁻¹(0.975). */
const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for an accuracy (Wilson 1927): unlike the normal ("Wald") interval it stays
 * inside [0, 1] and keeps its coverage near 0 and 1.
 * (p̂ + z²/2n ± z·sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), here multiplied through by n.
 */
export function wilsonInterval(correct: number, total: number, z = Z_95): ProportionInterval {
  if (!(total > 0)) throw new Error(`wilsonInterval needs total > 0, got ${total}`);
  if (!(correct >= 0 && correct <= total)) throw new Error(`wilsonInterval needs 0 ≤ correct ≤ total, got ${correct} of ${total}`);
  const zSquared = z * z;
  const denominator = total + zSquared;
  const centre = (correct + zSquared / 2) / denominator;
  const halfWidth = (z * Math.sqrt((correct * (total - correct)) / total + zSquared / 4)) / denominator;
  return {
    estimate: correct / total,
    lower: correct === 0 ? 0 : Math.max(0, centre - halfWidth),
    upper: correct === total ? 1 : Math.min(1, centre + halfWidth),
  };
}

export interface SeedSpread {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  min: number;
  max: number;
  n: number;
}

/**
 * Mean ± sample standard deviation and range over seeds (REVIEW.md: "report mean ± sample
 * standard deviation over seeds, and the range"), to compare a difference with seed noise.
 */
export function seedSpread(values: number[]): SeedSpread {
  const { mean: average, std: spread } = meanAndSpread(values);
  return { mean: average, std: spread, min: Number(min(values)), max: Number(max(values)), n: values.length };
}

/** Two proportions from independent samples of size n each (e.g. two models' accuracies on test sets): pooled z-test, two-sided. */
export function twoProportionTest(first: number, second: number, n: number): { z: number; pValue: number } {
  const pooled = (first + second) / 2;
  const z = (first - second) / Math.sqrt((pooled * (1 - pooled) * 2) / n);
  // Student's t with very many degrees of freedom is the standard normal to far below the digits shown.
  return { z, pValue: twoSidedPValue(z, 1e9) };
}

/**
 * Whether one new value (e.g. the original's 5-fold mean) is consistent with a small sample of ours
 * (e.g. our seeds' 5-fold means): the prediction-interval t statistic
 * t = (value − mean)/(s·√(1 + 1/n)) with n − 1 degrees of freedom, two-sided. With 3 values the 95 %
 * interval is about ±5 sample standard deviations wide: little power, false alarms still at 5 %.
 */
export function predictionTest(value: number, sample: number[]): { t: number; degreesOfFreedom: number; pValue: number } {
  if (sample.length < 2) throw new Error(`a prediction test needs ≥ 2 values, got ${sample.length}`);
  const { mean, std } = meanAndSpread(sample);
  const t = (value - mean) / (std * Math.sqrt(1 + 1 / sample.length));
  return { t, degreesOfFreedom: sample.length - 1, pValue: twoSidedPValue(t, sample.length - 1) };
}

/**
 * The quantile t > 0 of Student's t distribution with `degreesOfFreedom` that a two-sided test
 * leaves `twoSidedP` beyond: twoSidedPValue(t, degreesOfFreedom) = twoSidedP (bisection, to 1e-10
 * relative). 3.2905 for p = 0.001 and many degrees of freedom; 4.5869 with 10; 8.6103 with 4.
 * @throws Error unless 0 < twoSidedP < 1 and degreesOfFreedom > 0
 */
export function twoSidedTQuantile(twoSidedP: number, degreesOfFreedom: number): number {
  if (!(twoSidedP > 0 && twoSidedP < 1)) throw new Error(`twoSidedTQuantile needs 0 < p < 1, got ${twoSidedP}`);
  if (!(degreesOfFreedom > 0)) throw new Error(`twoSidedTQuantile needs degrees of freedom > 0, got ${degreesOfFreedom}`);
  let low = 0;
  let high = 1;
  while (twoSidedPValue(high, degreesOfFreedom) > twoSidedP) high *= 2;
  while (high - low > 1e-10 * high) {
    const middle = (low + high) / 2;
    if (twoSidedPValue(middle, degreesOfFreedom) > twoSidedP) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/**
 * The half-width of the two-sided prediction interval for one new value drawn like `sample`:
 * t(1 − alpha/2, n − 1) · s · √(1 + 1/n), so predictionTest rejects at `alpha` exactly when the value
 * lies farther than this from the sample's mean.
 * @throws Error with fewer than 2 values
 */
export function predictionHalfWidth(sample: number[], alpha = 0.05): number {
  if (sample.length < 2) throw new Error(`a prediction interval needs ≥ 2 values, got ${sample.length}`);
  return twoSidedTQuantile(alpha, sample.length - 1) * meanAndSpread(sample).std * Math.sqrt(1 + 1 / sample.length);
}
