/**
 * Notebook 13: does the rate of the original's undocumented fifth dropout layer (after Flatten)
 * explain why our Dropout does not reproduce its validation accuracy? Each reading is a variant
 * declared as data (lib/study/dropout-question.ts, or a reader's own with defineVariant),
 * cross-validated like the five and compared with our Dropout on the same folds and with the
 * original's value by the prediction-interval t-test.
 */
import { DROPOUT_POSITIONS, variantDesign, variantTitle } from '../model/network';
import { flattenReading } from '../study/dropout-question';
import { designsEvidence, DesignsEvidence } from '../study/evidence';
import { predictionHalfWidth, predictionTest, seedSpread } from '../study/statistics';
import type { StudyOptions } from '../study/study';
import { setFigureExports, showFigure } from './display';
import { dotPlotFigure, trainingCurvesFigure } from './figures';
import { dropoutReadingFindings } from './findings-dropout';
import { ORIGINAL_VALIDATION } from './original-study';
import { points, pValue, signed } from './rows';
import { meanPlusMinus, Row, showMarkdown, showTable } from './tables';

/** Our Dropout, the study's reference for every reading. */
export const REFERENCE = 'dropout';

/**
 * The variants of the readings: one per rate after Flatten (null: no layer there), plus any declared
 * in the notebook. Designs of the reader's own turn figure exports off (they are not the committed study).
 */
export function readings(flattenRates: (number | null)[], ownDesigns: string[] = []): string[] {
  if (ownDesigns.length > 0) setFigureExports(false);
  return [...new Set([...flattenRates.map(flattenReading), ...ownDesigns])].filter((variant) => variant !== REFERENCE);
}

/** Each design as a row: where its dropout layers are and at which rate. */
export function showDesigns(variants: string[]): void {
  const rows: Row[] = [REFERENCE, ...variants].map((variant) => {
    const design = variantDesign(variant);
    const rates = design.dropoutRates ?? DROPOUT_POSITIONS.map(() => null);
    return {
      variant: variantTitle(variant), activation: design.activation, pooling: design.pooling,
      ...Object.fromEntries(DROPOUT_POSITIONS.map((position, index) => [`dropout after ${position}`, rates[index] ?? '–'])),
      'dropout layers': rates.filter((rate) => rate !== null).length,
    };
  });
  showTable(rows, { caption: 'The designs: our Dropout (the study\'s reading of the original\'s table) and the other readings' });
}

export const gather = (options: StudyOptions, variants: string[]): Promise<DesignsEvidence> => designsEvidence(options, variants, REFERENCE);

const shown = (evidence: DesignsEvidence) => Object.keys(evidence.bySeed);

export async function showSeeds(evidence: DesignsEvidence): Promise<void> {
  const original = ORIGINAL_VALIDATION.dropout.accuracy;
  await showFigure(dotPlotFigure([
    ...shown(evidence).map((variant) => ({
      name: variantTitle(variant), key: variant,
      dots: evidence.bySeed[variant].map((result) => ({ category: `seed ${result.seed}`, value: result.finalValidation.accuracy.mean,
        low: result.finalValidation.accuracy.mean - result.finalValidation.accuracy.std, high: result.finalValidation.accuracy.mean + result.finalValidation.accuracy.std })),
    })),
    { name: 'the original\'s Dropout', symbol: 'diamond-open', colorOf: variantTitle(REFERENCE), dots: [{ category: 'original', value: original, low: original, high: original }] },
  ], 'Validation accuracy per cross-validation seed: mean ± std over its folds', 'final validation accuracy'), { name: '13-dropout-readings-seeds', height: 440 });
}

export async function showCurves(evidence: DesignsEvidence): Promise<void> {
  const seed = evidence.bySeed[REFERENCE][0].seed;
  await showFigure(trainingCurvesFigure(shown(evidence).map((variant) => ({ name: variantTitle(variant), key: variant, history: evidence.bySeed[variant][0].averagedHistory })),
    `Dropout readings: learning curves, mean over folds (seed ${seed})`), { name: '13-dropout-readings-curves', width: 1000, height: 760 });
}

export function showComparisons(evidence: DesignsEvidence): void {
  showTable(evidence.comparisons.map((entry) => ({
    comparison: `${variantTitle(entry.variant)} − ${variantTitle(entry.reference)}`,
    'seeds × folds': `${entry.seeds.length} × ${entry.differences.length / entry.seeds.length}`,
    'mean difference (validation accuracy)': points(entry.test.meanDifference),
    'corrected t': signed(entry.test.t), df: entry.test.degreesOfFreedom, 'p (corrected)': pValue(entry.test.pValue),
    [`p (Holm over ${evidence.comparisons.length})`]: pValue(entry.holmPValue),
  })), { caption: 'Each reading against our Dropout on the same folds: corrected resampled t-test over every seed\'s folds' });
}

/** A design's k-fold means over seeds against the original's value: the 95 % prediction interval for one more k-fold mean, and the test. */
export function againstOriginal(evidence: DesignsEvidence, variant: string) {
  const means = evidence.bySeed[variant].map((result) => result.finalValidation.accuracy.mean);
  const spread = seedSpread(means);
  const halfWidth = predictionHalfWidth(means);
  const original = ORIGINAL_VALIDATION.dropout.accuracy;
  return { variant, means, spread, interval: [spread.mean - halfWidth, spread.mean + halfWidth] as const, original, pValue: predictionTest(original, means).pValue };
}

export function showAgainstOriginal(evidence: DesignsEvidence): void {
  showTable(shown(evidence).map((variant) => {
    const entry = againstOriginal(evidence, variant);
    return {
      variant: variantTitle(variant), [`${entry.means.length} seeds' 5-fold means`]: entry.means.map((mean) => mean.toFixed(4)).join(', '),
      'mean ± std over seeds': meanPlusMinus(entry.spread.mean, entry.spread.std),
      '95 % prediction interval (one more 5-fold mean)': `[${entry.interval[0].toFixed(4)}, ${entry.interval[1].toFixed(4)}]`,
      'original − ours': points(entry.original - entry.spread.mean), 'p (prediction-interval t-test)': pValue(entry.pValue),
    };
  }), { caption: `Each design against the original's Dropout (${ORIGINAL_VALIDATION.dropout.accuracy.toFixed(4)}, its 5-fold mean validation accuracy)` });
}

export function showFindings(evidence: DesignsEvidence): void {
  showMarkdown(dropoutReadingFindings(evidence, shown(evidence).map((variant) => againstOriginal(evidence, variant))));
}
