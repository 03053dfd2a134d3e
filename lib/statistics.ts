/**
 * Summary statistics over folds (mathjs) and the paired t-test that makes "better than the
 * baseline" a measured statement.
 */
import { mean, std } from 'mathjs';

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

/** Paired t-test of `values` − `reference` (the same folds, in the same order). */
export function pairedTTest(values: number[], reference: number[]): PairedTest {
  if (values.length !== reference.length || values.length < 2) {
    throw new Error(`a paired test needs two equally long lists of ≥ 2 values, got ${values.length} and ${reference.length}`);
  }
  const differences = values.map((value, index) => value - reference[index]);
  const { mean: meanDifference, std: spread } = meanAndSpread(differences);
  const degreesOfFreedom = differences.length - 1;
  if (spread === 0) {
    return { meanDifference, t: meanDifference === 0 ? 0 : Math.sign(meanDifference) * Infinity, degreesOfFreedom, pValue: meanDifference === 0 ? 1 : 0 };
  }
  const t = meanDifference / (spread / Math.sqrt(differences.length));
  return { meanDifference, t, degreesOfFreedom, pValue: twoSidedPValue(t, degreesOfFreedom) };
}
