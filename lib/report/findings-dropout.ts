/**
 * Notebook 13's findings: does the rate of the original's fifth dropout layer (after Flatten)
 * explain why our Dropout does not reproduce its validation accuracy? Every verdict is chosen by
 * the numbers: the prediction-interval t-test of the original's 5-fold mean against each design's
 * seed means (with 3 seeds it detects only large departures: a non-rejection is worded as one), and
 * the corrected resampled t-test of each reading against our Dropout on the same folds.
 */
import type { DesignsEvidence } from '../study/evidence';
import { DROPOUT_POSITIONS, VARIANT_DESIGNS, variantTitle } from '../model/network';
import { pEquals, points } from './rows';
import { SIGNIFICANCE } from './findings';
import { meanPlusMinus } from './tables';
import { aboveOrBelow, bullets, f4, list } from './wording';

/** One design against the original's value (dropout-report.againstOriginal). */
export interface AgainstOriginal {
  variant: string;
  means: number[];
  spread: { mean: number; std: number };
  interval: readonly [number, number];
  original: number;
  pValue: number;
}

const rejected = (entry: AgainstOriginal) => entry.pValue < SIGNIFICANCE;
const interval = (entry: AgainstOriginal) => `[${f4(entry.interval[0])}, ${f4(entry.interval[1])}]`;

function readingLine(evidence: DesignsEvidence, entry: AgainstOriginal): string {
  const comparison = evidence.comparisons.find((item) => item.variant === entry.variant)!;
  const detected = comparison.holmPValue < SIGNIFICANCE;
  return `**${variantTitle(entry.variant)}:** ${meanPlusMinus(entry.spread.mean, entry.spread.std)} over ${entry.means.length} seeds' 5-fold means, ` +
    `${points(comparison.test.meanDifference)} against our Dropout on the same folds (corrected resampled t-test over ${comparison.differences.length} folds: ${pEquals(comparison.test.pValue)}, Holm ${pEquals(comparison.holmPValue)}: ${detected ? 'a difference beyond fold noise' : 'no difference detected'}); ` +
    `the original's ${f4(entry.original)} lies ${aboveOrBelow(entry.original - entry.spread.mean)} its mean, ${entry.original >= entry.interval[0] && entry.original <= entry.interval[1] ? 'inside' : 'outside'} its 95 % prediction interval ${interval(entry)} ` +
    `(${pEquals(entry.pValue)}: ${rejected(entry) ? 'rejected' : 'not rejected'}).`;
}

function verdict(reference: AgainstOriginal, readings: AgainstOriginal[]): string {
  const notRejected = readings.filter((entry) => !rejected(entry));
  if (!rejected(reference)) return `**Not needed:** the original's ${f4(reference.original)} is not rejected even for our Dropout (${pEquals(reference.pValue)}).`;
  if (notRejected.length === 0) {
    return `**No:** no reading brings the original's ${f4(reference.original)} within what our seeds give — it is rejected for our Dropout (${pEquals(reference.pValue)}) and for ${list(readings.map((entry) => `${variantTitle(entry.variant)} (${pEquals(entry.pValue)})`))}.`;
  }
  return `**Possibly, for ${list(notRejected.map((entry) => variantTitle(entry.variant)))}:** the original's ${f4(reference.original)}, rejected for our Dropout (${pEquals(reference.pValue)}), is not rejected for ${list(notRejected.map((entry) => `${variantTitle(entry.variant)} (${pEquals(entry.pValue)})`))}. ` +
    `With ${reference.means.length} seeds the test detects only large departures: this is a failure to reject, not a demonstrated reproduction.`;
}

/** The findings, from each design's standing against the original (the reference, our Dropout, first among `entries`). */
export function dropoutReadingFindings(evidence: DesignsEvidence, entries: AgainstOriginal[]): string {
  const reference = entries.find((entry) => entry.variant === evidence.reference)!;
  const readings = entries.filter((entry) => entry !== reference);
  const closest = [...entries].sort((a, b) => Math.abs(a.original - a.spread.mean) - Math.abs(b.original - b.spread.mean))[0];
  return bullets([
    verdict(reference, readings),
    `**Our Dropout** (${VARIANT_DESIGNS.dropout.dropoutRates![DROPOUT_POSITIONS.indexOf('flatten')]} after Flatten): ${meanPlusMinus(reference.spread.mean, reference.spread.std)} over ${reference.means.length} seeds' 5-fold means; the original lies ${aboveOrBelow(reference.original - reference.spread.mean)} it, ` +
      `${reference.original >= reference.interval[0] && reference.original <= reference.interval[1] ? 'inside' : 'outside'} its 95 % prediction interval ${interval(reference)}.`,
    ...readings.map((entry) => readingLine(evidence, entry)),
    `Closest to the original: **${variantTitle(closest.variant)}**, ${points(closest.spread.mean - closest.original)} from it${closest.variant === reference.variant ? ' — no reading moves our Dropout towards the original' : ''}.`,
  ]);
}

/**
 * The summary's sentence on notebook 13: does any reading of the original's dropout layers bring our
 * Dropout to the original's value? `entries`: our Dropout first, then the readings.
 */
export function dropoutReadingsSentence(entries: AgainstOriginal[]): string {
  const [reference, ...readings] = entries;
  const notRejected = readings.filter((entry) => !rejected(entry));
  const each = list(readings.map((entry) => `${variantTitle(entry.variant)} ${meanPlusMinus(entry.spread.mean, entry.spread.std)}, the original ${points(entry.original - entry.spread.mean)} from it (${pEquals(entry.pValue)})`));
  return `**Dropout's gap from the original (${points(reference.original - reference.spread.mean)}, ${pEquals(reference.pValue)})** ` +
    `${notRejected.length === 0 ? 'is not explained by the rate of its undocumented fifth layer' : `may be explained by its fifth layer: not rejected for ${list(notRejected.map((entry) => variantTitle(entry.variant)))}`}: ${each} (notebook 13).`;
}
