/**
 * The selection rule at every gap limit of a sweep, on our cross-validation and on the original's
 * numbers: does its choice depend on the limit, and does it reproduce the original's choice?
 */
import { VARIANTS } from '../model/network';
import { KFoldResult, selectBestTwo, selectByRule, Selection } from '../study/study';
import { ORIGINAL_BEST_FOLD, ORIGINAL_VALIDATION } from './original-study';

/** Gap limits above the median gap, from 0 to 5 points in steps of half a point. */
export const SWEEP_LIMITS = Array.from({ length: 11 }, (_, index) => index * 0.005);

/** The original's numbers as the rule reads them: its mean validation accuracy and its best-fold gap (the only gap it gives). */
export function originalSelection(limit: number): Selection {
  return selectByRule(VARIANTS.map((variant) => ({
    variant, validationAccuracy: ORIGINAL_VALIDATION[variant].accuracy,
    gap: ORIGINAL_BEST_FOLD[variant].train - ORIGINAL_BEST_FOLD[variant].validation,
  })), limit);
}

export function selectionSweep(results: KFoldResult[], limits = SWEEP_LIMITS): { threshold: number; ours: Selection; original: Selection }[] {
  return limits.map((limit) => ({ threshold: limit, ours: selectBestTwo(results, limit), original: originalSelection(limit) }));
}
