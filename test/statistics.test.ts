/**
 * Tests of lib/study/statistics.ts against independently computed reference values.
 *
 * Reference values come from Python 3.11.7 with scipy 1.17.1, statsmodels 0.15.0, numpy 2.4.6 and
 * mpmath 1.4.1 (50 digits), in a throwaway venv outside the project; the exact calls are named next
 * to each number. Where a closed form exists, a hand-computed case is checked as well.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  correctedResampledTTest, holm, mcnemarExact, mcnemarFromPredictions, meanAndSpread, pairedTTest,
  seedSpread, twoSidedPValue, wilsonInterval,
  twoProportionTest,
  predictionHalfWidth, predictionTest,
} from '../lib/study/statistics';

/** |actual − expected| ≤ relative · |expected| (or ≤ relative when expected is 0). */
function assertClose(actual: number, expected: number, relative = 1e-10, label = ''): void {
  const tolerance = relative * Math.max(Math.abs(expected), expected === 0 ? 1 : 0);
  assert.ok(Math.abs(actual - expected) <= tolerance,
    `${label} expected ${expected}, got ${actual} (difference ${Math.abs(actual - expected)}, tolerance ${tolerance})`);
}

function assertAllClose(actual: number[], expected: number[], relative = 1e-10): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, index) => assertClose(value, expected[index], relative, `[${index}]`));
}

// ---------------------------------------------------------------------------------------------
// twoSidedPValue (existing): scipy 2 * scipy.stats.t.sf(abs(t), df); mpmath
// betainc(df/2, 1/2, 0, df/(df + t²), regularized=True) agrees to ≥ 15 digits on every case.
// ---------------------------------------------------------------------------------------------
test('twoSidedPValue matches scipy.stats.t.sf for small and large t, df = 1 … 29', () => {
  const cases: Array<[t: number, degreesOfFreedom: number, expected: number]> = [
    [2.776445105197793, 4, 0.05000000000000008],
    [1.0, 4, 0.37390096630005887],
    [10.0, 4, 0.000562003622715991],
    [60.0, 4, 4.621068727635128e-07],
    [2.5, 14, 0.025466664614062162],
    [0.3, 14, 0.7685853831490059],
    [-3.2, 14, 0.006420541165424651],
    [25.0, 14, 5.125329904885749e-13],
    [8.0, 2, 0.01526807216533814],
    [1.7, 1, 0.3385060546606654],
    [40.0, 29, 6.346877329729342e-27],
  ];
  for (const [t, degreesOfFreedom, expected] of cases) {
    assertClose(twoSidedPValue(t, degreesOfFreedom), expected, 1e-10, `t = ${t}, df = ${degreesOfFreedom}:`);
  }
  // Hand: with 2 degrees of freedom the two-sided p is 1 − |t| / sqrt(t² + 2).
  assertClose(twoSidedPValue(8, 2), 1 - 8 / Math.sqrt(66), 1e-12);
  assert.equal(twoSidedPValue(0, 4), 1);
});

// ---------------------------------------------------------------------------------------------
// Corrected resampled t-test. Reference (scipy 1.17.1 / numpy 2.4.6):
//   naive   = scipy.stats.ttest_rel(d, np.zeros(n))            → statistic, pvalue
//   t       = d.mean() / math.sqrt((1/n + ratio) * d.var(ddof=1))
//   p       = 2 * scipy.stats.t.sf(abs(t), n - 1)
// ---------------------------------------------------------------------------------------------
/** A corrected test against scipy's values: n, df = n − 1, the mean difference, t and p, corrected and naive. */
function assertMatchesScipy(result: ReturnType<typeof correctedResampledTTest>, expected: { n: number; mean: number; t: number; p: number; naiveT: number; naiveP: number }): void {
  assert.equal(result.n, expected.n);
  assert.equal(result.degreesOfFreedom, expected.n - 1);
  assertClose(result.meanDifference, expected.mean, 1e-12);
  assertClose(result.t, expected.t);
  assertClose(result.pValue, expected.p);
  assertClose(result.naive.t, expected.naiveT);
  assertClose(result.naive.pValue, expected.naiveP);
}

test('corrected resampled t-test, 5-fold (ratio 1/4): matches scipy and is more cautious than the naive test', () => {
  const differences = [0.012, 0.008, 0.015, 0.004, 0.011];
  const result = correctedResampledTTest(differences, 1 / 4);
  assertMatchesScipy(result, { n: 5, mean: 0.01, t: 3.5634832254989917, p: 0.02351253157413696, naiveT: 5.345224838248488, naiveP: 0.005904533321184468 });
  // Hand: s² = (4 + 4 + 25 + 36 + 1)·1e-6 / 4 = 17.5e-6, so t = 0.01 / sqrt(0.45 · 17.5e-6).
  assertClose(result.t, 0.01 / Math.sqrt(0.45 * 17.5e-6), 1e-12);
  assert.ok(result.pValue > result.naive.pValue);
  // The naive part is the plain paired t-test.
  const plain = pairedTTest(differences, [0, 0, 0, 0, 0]);
  assertClose(result.naive.t, plain.t, 1e-12);
  assertClose(result.naive.pValue, plain.pValue, 1e-12);
});

test('corrected resampled t-test, 3 × 5-fold (n = 15, df = 14): matches scipy; naive p is ~270× smaller', () => {
  const differences = [
    0.006, 0.011, -0.002, 0.009, 0.004,
    0.008, 0.003, 0.012, 0.001, 0.007,
    0.010, -0.001, 0.005, 0.009, 0.006,
  ];
  const result = correctedResampledTTest(differences, 1 / 4);
  assertMatchesScipy(result, { n: 15, mean: 0.005866666666666668, t: 2.4585774409211205, p: 0.02758467474510112, naiveT: 5.358345304922003, naiveP: 0.00010091998916467546 });
  assert.ok(result.pValue > 100 * result.naive.pValue);
});

test('corrected resampled t-test, hand case: d = [1, 2, 3], ratio 1/2 → t = 2 / sqrt(5/6), df = 2', () => {
  const result = correctedResampledTTest([1, 2, 3], 1 / 2);
  const t = 2 / Math.sqrt(5 / 6);
  assertClose(result.t, t, 1e-12);
  assertClose(result.pValue, 1 - t / Math.sqrt(t * t + 2), 1e-12); // df = 2 closed form
  assertClose(result.pValue, 0.15983194958319408); // scipy
  assertClose(result.naive.t, 2 * Math.sqrt(3), 1e-12);
  assertClose(result.naive.pValue, 0.07417990022744854); // scipy.stats.ttest_rel
});

test('corrected resampled t-test with tied differences (zero variance)', () => {
  const allZero = correctedResampledTTest([0, 0, 0, 0, 0], 1 / 4);
  assert.deepEqual([allZero.t, allZero.pValue, allZero.naive.t, allZero.naive.pValue], [0, 1, 0, 1]);
  const allPositive = correctedResampledTTest([0.003, 0.003, 0.003], 1 / 4); // mean of these is not exactly 0.003 in floats
  assert.equal(allPositive.meanDifference, 0.003);
  assert.deepEqual([allPositive.t, allPositive.pValue, allPositive.naive.t, allPositive.naive.pValue], [Infinity, 0, Infinity, 0]);
  const allNegative = correctedResampledTTest([-0.01, -0.01], 1 / 4);
  assert.deepEqual([allNegative.t, allNegative.pValue], [-Infinity, 0]);
});

test('corrected resampled t-test rejects fewer than 2 differences and non-positive ratios', () => {
  assert.throws(() => correctedResampledTTest([0.01], 1 / 4), /≥ 2 differences/);
  assert.throws(() => correctedResampledTTest([], 1 / 4), /≥ 2 differences/);
  assert.throws(() => correctedResampledTTest([0.01, 0.02], 0), /testTrainRatio/);
  assert.throws(() => correctedResampledTTest([0.01, 0.02], -0.25), /testTrainRatio/);
  assert.throws(() => correctedResampledTTest([0.01, 0.02], Number.NaN), /testTrainRatio/);
});

// ---------------------------------------------------------------------------------------------
// Holm: statsmodels 0.15.0 statsmodels.stats.multitest.multipletests(p, method='holm')[1]
// ---------------------------------------------------------------------------------------------
test('holm matches statsmodels multipletests(method="holm"), in input order', () => {
  // Hand: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.04·1, 0.06) = 0.06.
  assertAllClose(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02]);
});

test('holm with tied p-values', () => {
  assertAllClose(holm([0.02, 0.01, 0.02, 0.04, 0.01]), [0.06, 0.05, 0.06, 0.06, 0.05]);
});

test('holm caps adjusted p-values at 1', () => {
  assertAllClose(holm([0.3, 0.6, 0.01, 0.2, 0.9]), [0.8999999999999999, 1.0, 0.05, 0.8, 1.0]);
});

test('holm edge cases: empty, single value, invalid input', () => {
  assert.deepEqual(holm([]), []);
  assert.deepEqual(holm([0.2]), [0.2]);
  assert.throws(() => holm([0.1, 1.5]), /\[0, 1\]/);
  assert.throws(() => holm([Number.NaN]), /\[0, 1\]/);
});

// ---------------------------------------------------------------------------------------------
// McNemar exact: scipy 1.17.1 scipy.stats.binomtest(k=min(b, c), n=b + c, p=0.5).pvalue.
// Cross-check: the formula min(1, 2·Σ_{i≤min(b,c)} C(n, i) / 2^n) in mpmath (50 digits) agrees with
// binomtest to ≤ 2.5e-14 relative on every case below (binomtest's own rounding).
// ---------------------------------------------------------------------------------------------
test('mcnemarExact: hand-computed small cases', () => {
  // b = 1, c = 4: 2·(C(5,0) + C(5,1)) / 2⁵ = 2·6/32 = 0.375 (binomtest: 0.375).
  const oneAndFour = mcnemarExact(1, 4);
  assert.deepEqual([oneAndFour.b, oneAndFour.c, oneAndFour.n], [1, 4, 5]);
  assertClose(oneAndFour.pValue, 0.375, 1e-13);
  // b = 3, c = 9: 2·(1 + 12 + 66 + 220) / 4096 = 598/4096.
  assertClose(mcnemarExact(3, 9).pValue, 598 / 4096, 1e-13);
  assertClose(mcnemarExact(3, 9).pValue, 0.14599609375, 1e-13); // binomtest
  // b = 0, c = 7: 2 / 2⁷.
  assertClose(mcnemarExact(0, 7).pValue, 0.015625, 1e-13);
  assertClose(mcnemarExact(7, 0).pValue, 0.015625, 1e-13);
});

test('mcnemarExact matches scipy.stats.binomtest for medium and large counts', () => {
  const cases: Array<[b: number, c: number, expected: number]> = [
    [120, 95, 0.10145232764870649],
    [95, 120, 0.10145232764870649],
    [2400, 2300, 0.14871332246415242],
    [2600, 2400, 0.004883649737517494],
    [1000, 1300, 4.28740900211522e-10],
  ];
  for (const [b, c, expected] of cases) {
    const result = mcnemarExact(b, c);
    assert.equal(result.n, b + c);
    assertClose(result.pValue, expected, 1e-10, `b = ${b}, c = ${c}:`);
  }
});

test('mcnemarExact: b = c gives p = 1, and no discordant pairs gives p = 1', () => {
  assert.equal(mcnemarExact(50, 50).pValue, 1);
  assert.equal(mcnemarExact(2500, 2500).pValue, 1);
  assert.equal(mcnemarExact(1, 1).pValue, 1);
  assert.deepEqual(mcnemarExact(0, 0), { b: 0, c: 0, n: 0, pValue: 1 });
});

test('mcnemarExact rejects negative or fractional counts', () => {
  assert.throws(() => mcnemarExact(-1, 3), /non-negative integers/);
  assert.throws(() => mcnemarExact(2.5, 3), /non-negative integers/);
});

test('mcnemarFromPredictions counts the discordant items', () => {
  const labels = [0, 1, 2, 3, 4, 5, 6, 7];
  const predictionsA = [0, 1, 2, 3, 9, 9, 9, 7]; // right on 0, 1, 2, 3, 7
  const predictionsB = new Int32Array([0, 9, 9, 9, 4, 9, 9, 7]); // right on 0, 4, 7
  const result = mcnemarFromPredictions(labels, predictionsA, predictionsB);
  assert.deepEqual(result, mcnemarExact(3, 1));
  assert.deepEqual([result.b, result.c, result.n], [3, 1, 4]);
  assert.throws(() => mcnemarFromPredictions(labels, predictionsA, [0, 1]), /predictions for every label/);
  assert.throws(() => mcnemarFromPredictions(labels, [0], predictionsB), /predictions for every label/);
});

// ---------------------------------------------------------------------------------------------
// Wilson: statsmodels 0.15.0 statsmodels.stats.proportion.proportion_confint(correct, total,
// alpha=0.05, method='wilson')
// ---------------------------------------------------------------------------------------------
test('wilsonInterval matches statsmodels proportion_confint(method="wilson")', () => {
  const cases: Array<[correct: number, total: number, lower: number, upper: number]> = [
    [3, 1000, 0.0010207838811386195, 0.008783014053503176],
    [500, 1000, 0.4690696003681042, 0.5309303996318958],
    [9987, 10000, 0.9977769118976668, 0.9992400881274203],
    [8, 10, 0.49016247153664183, 0.9433178485456247],
    [0, 60, 0.0, 0.060171852142089886],
    [60, 60, 0.9398281478579099, 0.9999999999999999],
    [1, 1, 0.2065493143772374, 1.0],
  ];
  for (const [correct, total, lower, upper] of cases) {
    const interval = wilsonInterval(correct, total);
    assert.equal(interval.estimate, correct / total);
    assertClose(interval.lower, lower, 1e-10, `${correct}/${total} lower:`);
    assertClose(interval.upper, upper, 1e-10, `${correct}/${total} upper:`);
  }
});

test('wilsonInterval: 0/n starts at exactly 0 and n/n ends at exactly 1', () => {
  assert.equal(wilsonInterval(0, 60).lower, 0);
  assert.equal(wilsonInterval(60, 60).upper, 1);
  assert.equal(wilsonInterval(0, 1).lower, 0);
});

test('wilsonInterval, hand case: 50/100 at z = 2 → 0.5 ± 2·sqrt(0.0026)/1.04', () => {
  const interval = wilsonInterval(50, 100, 2);
  const halfWidth = (2 * Math.sqrt(0.25 / 100 + 4 / (4 * 100 * 100))) / (1 + 4 / 100);
  assertClose(halfWidth, 0.09805806756909201, 1e-12);
  assertClose(interval.lower, 0.5 - halfWidth, 1e-12);
  assertClose(interval.upper, 0.5 + halfWidth, 1e-12);
});

test('wilsonInterval rejects an empty sample and impossible counts', () => {
  assert.throws(() => wilsonInterval(0, 0), /total > 0/);
  assert.throws(() => wilsonInterval(-1, 10), /0 ≤ correct ≤ total/);
  assert.throws(() => wilsonInterval(11, 10), /0 ≤ correct ≤ total/);
});

// ---------------------------------------------------------------------------------------------
// Seed spread: numpy 2.4.6 np.mean(x), np.std(x, ddof=1), min(x), max(x)
// ---------------------------------------------------------------------------------------------
test('seedSpread gives mean ± sample std and the range', () => {
  const values = [0.8912, 0.8945, 0.8899, 0.8931];
  const spread = seedSpread(values);
  assertClose(spread.mean, 0.8921749999999999, 1e-12);
  assertClose(spread.std, 0.002032035104683622, 1e-10);
  assert.deepEqual([spread.min, spread.max, spread.n], [0.8899, 0.8945, 4]);
  assert.deepEqual(seedSpread([0.9]), { mean: 0.9, std: 0, min: 0.9, max: 0.9, n: 1 });
  assert.throws(() => seedSpread([]), /no values/);
  // Consistent with meanAndSpread, which other modules use.
  const summary = meanAndSpread(values);
  assert.deepEqual([summary.mean, summary.std], [spread.mean, spread.std]);
});

test('two-proportion z-test: hand cases (z = 1.96 gives p = 0.05; equal proportions give p = 1)', () => {
  // p1 = 0.55, p2 = 0.45, n = 200: pooled 0.5, z = 0.1 / sqrt(0.25·2/200) = 2; p = 2·(1 − Φ(2)) = 0.0455002638963584.
  const test = twoProportionTest(0.55, 0.45, 200);
  assert.ok(Math.abs(test.z - 2) < 1e-12);
  // The normal tail comes from Student's t at 1e9 degrees of freedom: within 1e-6 relative, far below the digits shown.
  assert.ok(Math.abs(test.pValue - 0.0455002638963584) < 1e-6 * 0.0455, String(test.pValue));
  assert.equal(twoProportionTest(0.9, 0.9, 1000).pValue, 1);
});

test('prediction test of one value against a sample: at the 95 % edge of the interval p = 0.05 (hand: t₀.₉₇₅ with 2 df)', () => {
  // [1, 2, 3]: mean 2, s = 1; the interval's half-width is t₀.₉₇₅,₂ · s · √(1 + 1/3), t₀.₉₇₅,₂ = 4.302652729911275 (scipy.stats.t.ppf).
  const edge = 2 + 4.302652729911275 * Math.sqrt(4 / 3);
  const test = predictionTest(edge, [1, 2, 3]);
  assertClose(test.t, 4.302652729911275, 1e-12, 't');
  assert.equal(test.degreesOfFreedom, 2);
  assertClose(test.pValue, 0.05, 1e-9, 'p');
  assert.equal(predictionTest(2, [1, 2, 3]).pValue, 1);
  assert.throws(() => predictionTest(1, [1]), /≥ 2 values/);
});

test('the prediction interval\'s half-width is where the prediction-interval t-test reaches its level', () => {
  const sample = [0.8843, 0.8824, 0.8821];
  const halfWidth = predictionHalfWidth(sample);
  const mean = sample.reduce((sum, value) => sum + value, 0) / sample.length;
  assert.ok(Math.abs(predictionTest(mean + halfWidth, sample).pValue - 0.05) < 1e-8);
  assert.ok(Math.abs(predictionTest(mean - halfWidth, sample).pValue - 0.05) < 1e-8);
  assert.throws(() => predictionHalfWidth([0.9]), /≥ 2 values/);
});
