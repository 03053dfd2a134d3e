/**
 * Stratified k-fold split: every fold keeps each class's share of the data (within one sample),
 * as scikit-learn's StratifiedKFold did in the study. Seeded, so the same seed gives the same folds.
 */
import { mixSeeds, shuffleInPlace } from '../base/random';

export interface Fold {
  /** 0-based fold index. */
  index: number;
  train: Int32Array;
  validation: Int32Array;
}

/** Folds that cannot be made from these samples. */
export class FoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FoldError';
  }
}

/**
 * @param labels class index per sample
 * @param k number of folds (≥ 2)
 * @returns k folds; fold i validates on its own part and trains on the other k-1 parts
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new FoldError(`k-fold needs an integer k ≥ 2, got ${k}`);
  if (labels.length < k) throw new FoldError(`k-fold with k=${k} needs at least ${k} samples, got ${labels.length} (use a larger --limit or a smaller --k)`);
  const byClass = new Map<number, number[]>();
  for (let index = 0; index < labels.length; index += 1) {
    const members = byClass.get(labels[index]) ?? [];
    members.push(index);
    byClass.set(labels[index], members);
  }
  const foldOf = new Int32Array(labels.length);
  // Deal each class's shuffled members round-robin; carrying the dealer position from class to
  // class keeps fold sizes within one sample of each other too.
  let dealer = 0;
  for (const classIndex of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(classIndex)!;
    shuffleInPlace(members, mixSeeds(seed, classIndex));
    for (const member of members) {
      foldOf[member] = dealer;
      dealer = (dealer + 1) % k;
    }
  }
  return Array.from({ length: k }, (_, fold) => {
    const train: number[] = [];
    const validation: number[] = [];
    foldOf.forEach((assigned, index) => (assigned === fold ? validation : train).push(index));
    return { index: fold, train: Int32Array.from(train), validation: Int32Array.from(validation) };
  });
}
