/**
 * Prints the study's stratified k-fold split of the training set as one JSON line, for programs
 * outside TypeScript that must use the very same folds (bench/keras_folds.py):
 * `{ "seed": 42, "k": 5, "foldOf": [f_0, …, f_59999] }`, where f_i is the 0-based fold whose
 * validation part holds training image i (lib/data/folds.ts, the labels of data/).
 * Usage: node dist/bench/fold-assignment.js [--seed 42] [--k 5]
 */
import { DEFAULT_DATA_DIRECTORY } from '../lib/base/paths';
import { loadLabels } from '../lib/data/fashion-mnist';
import { stratifiedKFold } from '../lib/data/folds';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`fold-assignment: --${name} needs a non-negative integer, got ${process.argv[at + 1]}`);
    process.exit(2);
  }
  return value;
}

const seed = option('seed', 42);
const k = option('k', 5);
const labels = loadLabels(DEFAULT_DATA_DIRECTORY, 'train');
const foldOf = new Array<number>(labels.length);
for (const fold of stratifiedKFold(labels, k, seed)) for (const index of fold.validation) foldOf[index] = fold.index;
console.log(JSON.stringify({ seed, k, foldOf }));
