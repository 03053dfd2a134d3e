/**
 * Seeded randomness in JavaScript (fold splits, epoch shuffles). tfjs' own shuffling uses the
 * unseeded Math.random, which would make every run different.
 */

/** mulberry32: a small, fast 32-bit generator; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes several integers into one seed (so epoch e of run r has its own stream). */
export function mixSeeds(...parts: number[]): number {
  let hash = 2166136261;
  for (const part of parts) {
    hash = Math.imul(hash ^ (part >>> 0), 16777619) >>> 0;
    hash = Math.imul(hash ^ (hash >>> 13), 0x5bd1e995) >>> 0;
  }
  return hash >>> 0;
}

/** Fisher–Yates shuffle of `values` in place with a seeded generator. */
export function shuffleInPlace<T>(values: T[] | Int32Array, seed: number): void {
  const random = seededRandom(seed);
  for (let index = values.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const kept = values[index];
    values[index] = values[other];
    values[other] = kept;
  }
}

/** A seeded permutation of 0..n-1. */
export function seededPermutation(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, index) => index);
  shuffleInPlace(order, seed);
  return order;
}
