/**
 * Notebook 11: the cross-validation repeated with other seeds: the ranking, the choice, the fold
 * data aggregated by danfojs, and the comparisons tested over every seed's folds.
 */
import { VARIANT_TITLES, VARIANTS, VariantName } from '../model/network';
import { crossValidationEvidence, CrossValidationEvidence } from '../study/evidence';
import { foldFrame, rowsOf, summarizeBy } from '../study/frames';
import { rankCounts } from '../study/robustness';
import type { StudyOptions } from '../study/study';
import { showFigure } from './display';
import { dotPlotFigure } from './figures';
import { seedFindings } from './findings';
import { RANKING_WINDOW, rankingRows, rankingWindowFindings } from './findings-ranking';
import { ORIGINAL_VALIDATION } from './original-study';
import { foldComparisonRows, seedRows } from './rows';
import { showMarkdown, showTable } from './tables';

export const crossValidation = (options: StudyOptions): Promise<CrossValidationEvidence> => crossValidationEvidence(options);

export function showSeedTable(cv: CrossValidationEvidence): void {
  showTable(seedRows(cv.bySeed, cv.selectionsBySeed), { caption: 'Final validation accuracy per variant and cross-validation seed (mean ± std over its folds)' });
}

export async function showSeedDots(cv: CrossValidationEvidence): Promise<void> {
  await showFigure(dotPlotFigure([
    ...cv.selectionsBySeed.map(({ seed }, index) => ({
      name: `seed ${seed}`, dots: VARIANTS.map((variant) => {
        const accuracy = cv.bySeed[variant][index].finalValidation.accuracy;
        return { category: VARIANT_TITLES[variant], value: accuracy.mean, low: accuracy.mean - accuracy.std, high: accuracy.mean + accuracy.std };
      }),
    })),
    { name: 'the original', key: 'original', symbol: 'diamond-open', dots: VARIANTS.map((variant) => ({ category: VARIANT_TITLES[variant], value: ORIGINAL_VALIDATION[variant].accuracy, low: ORIGINAL_VALIDATION[variant].accuracy, high: ORIGINAL_VALIDATION[variant].accuracy })) },
  ], 'Validation accuracy per seed: mean ± std over its folds', 'final validation accuracy'), { name: '11-seeds', height: 480 });
}

export function showRankCounts(cv: CrossValidationEvidence): void {
  showTable(rankCounts(cv.selectionsBySeed).map((entry) => ({
    variant: VARIANT_TITLES[entry.variant],
    ...Object.fromEntries(entry.ranks.map((times, rank) => [`rank ${rank + 1}`, times])),
    'in the top two by accuracy alone': `${entry.ranks.slice(0, 2).reduce((sum, times) => sum + times, 0)} of ${cv.selectionsBySeed.length}`,
    'chosen by the rule (with the gap limit)': `${entry.chosen} of ${cv.selectionsBySeed.length}`,
  })), { caption: 'Seeds in which each variant takes each rank (by mean validation accuracy); the gap limit was chosen to reproduce the original\'s choice (notebook 08)' });
}

const AGGREGATED: Record<string, string> = { validation_accuracy: 'validation accuracy', train_accuracy: 'training accuracy', gap: 'train − validation gap' };

/** A danfojs aggregate as report rows: variants by their titles, columns by their names. */
function readable(rows: Record<string, string | number | boolean | null>[]) {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([column, value]) => {
    if (column === 'variant') return ['variant', VARIANT_TITLES[value as VariantName]];
    const match = /^(.*)_(mean|std|count)$/.exec(column);
    const label = match ? `${AGGREGATED[match[1]] ?? match[1]}: ${{ mean: 'mean', std: 'std', count: 'folds' }[match[2]]}` : column;
    return [label, value];
  })));
}

/** The fold runs as a danfojs frame, grouped by variant and seed, then by variant. */
export function showAggregates(cv: CrossValidationEvidence): void {
  const frame = foldFrame(VARIANTS.flatMap((variant) => cv.bySeed[variant].flatMap((result) => result.runs)));
  const columns = Object.keys(AGGREGATED);
  showTable(readable(rowsOf(summarizeBy(frame, ['variant', 'seed'], columns))), { caption: 'By variant and seed (over folds; danfojs groupby)' });
  showTable(readable(rowsOf(summarizeBy(frame, ['variant'], columns))), { caption: 'By variant (over every fold of every seed)' });
}

export function showComparisons(cv: CrossValidationEvidence): void {
  showTable(foldComparisonRows(cv.repeatedComparisons), { caption: `Every seed's folds together: corrected resampled t-test, Holm over ${cv.repeatedComparisons.length} comparisons` });
  showTable(foldComparisonRows(cv.reproductionComparisons), { caption: 'The reproduction\'s folds alone (one seed), for comparison' });
}

/** Each seed's ranking after the last epoch and over the last epochs. */
export function showRankingWindow(cv: CrossValidationEvidence): void {
  showTable(rankingRows(cv), { caption: `The ranking by mean validation accuracy over folds, read after the last epoch and averaged over the last ${RANKING_WINDOW} epochs` });
}

export function showFindings(cv: CrossValidationEvidence): void {
  showMarkdown([seedFindings(cv), rankingWindowFindings(cv)].join('\n'));
}
