/**
 * Notebook 10's findings: which classes the best model confuses (over seeds, as shares of each
 * class's test images, so that they compare with the original's counts), how many of its errors
 * stay among the upper-body garments, and which classes are easiest.
 */
import { CLASS_NAMES } from '../data/idx-files';
import type { TestSetEvidence } from '../study/evidence';
import { seedSpread } from '../study/statistics';
import { bullets, f4, list, ordinal, title } from './wording';
import { ORIGINAL_CONFUSIONS, ORIGINAL_EASY_CLASSES, ORIGINAL_TEST_IMAGES_PER_CLASS } from './original-study';

/** The upper-body garments LeNet-5 mixes up most. */
export const UPPER_BODY = ['T-shirt/top', 'Pullover', 'Coat', 'Shirt'];

const classIndex = (name: string) => CLASS_NAMES.indexOf(name as (typeof CLASS_NAMES)[number]);

/** Share of a confusion matrix's errors that confuse one upper-body garment with another (0 without errors). */
export function upperBodyShare(confusion: number[][]): number {
  const upper = UPPER_BODY.map(classIndex);
  let errors = 0;
  let within = 0;
  confusion.forEach((row, actual) => row.forEach((cell, predicted) => {
    if (actual === predicted) return;
    errors += cell;
    if (upper.includes(actual) && upper.includes(predicted)) within += cell;
  }));
  return errors === 0 ? 0 : within / errors;
}

/** A confusion as a share of the actual class's test images, per seed. */
function confusionShares(test: TestSetEvidence, actual: string, predicted: string): number[] {
  return test.finals.constant[test.finals.chosen[0]].map((run) => {
    const row = run.run.test!.confusion[classIndex(actual)];
    return row[classIndex(predicted)] / row.reduce((a, b) => a + b, 0);
  });
}

export function confusionFindings(test: TestSetEvidence): string {
  const best = test.finals.chosen[0];
  const runs = test.finals.constant[best];
  const shares = seedSpread(runs.map((run) => upperBodyShare(run.run.test!.confusion)));
  const classes = CLASS_NAMES.length;
  const chance = (UPPER_BODY.length * (UPPER_BODY.length - 1)) / (classes * (classes - 1));
  const recall = CLASS_NAMES.map((name, index) => ({ name: name as string, recall: seedSpread(runs.map((run) => run.run.test!.perClass.recall[index])).mean }))
    .sort((a, b) => b.recall - a.recall);
  const rankOf = (name: string) => recall.findIndex((entry) => entry.name === name) + 1;
  const confusions = ORIGINAL_CONFUSIONS.map((entry) => {
    const ours = seedSpread(confusionShares(test, entry.actual, entry.predicted));
    const original = entry.count / ORIGINAL_TEST_IMAGES_PER_CLASS;
    const inside = original >= ours.min && original <= ours.max;
    return `${entry.actual} → ${entry.predicted}: ${(100 * ours.mean).toFixed(1)} ± ${(100 * ours.std).toFixed(1)} % of the ${entry.actual} test images, range ${(100 * ours.min).toFixed(1)}–${(100 * ours.max).toFixed(1)} % ` +
      `(the original: ${(100 * original).toFixed(1)} %, ${inside ? 'inside' : 'outside'} our range)`;
  });
  return bullets([
    `**Mostly the upper-body garments:** confusions among ${list(UPPER_BODY)} make up ${(100 * shares.mean).toFixed(1)} ± ${(100 * shares.std).toFixed(1)} % of ${title(best)}'s test errors over ${runs.length} seeds (range ${(100 * shares.min).toFixed(1)}–${(100 * shares.max).toFixed(1)} %), ` +
      `where those ${UPPER_BODY.length * (UPPER_BODY.length - 1)} cells are ${(100 * chance).toFixed(1)} % of the matrix's off-diagonal cells.`,
    `The two confusions the original counted, for its ReLU on ${ORIGINAL_TEST_IMAGES_PER_CLASS.toLocaleString('en-US')} images per class, as shares for our ${title(best)}: ${confusions.join('; ')}.`,
    `**The easiest classes**, by recall averaged over the seeds: ${list(recall.slice(0, 3).map((entry) => `${entry.name} (${f4(entry.recall)})`))}. The original gave ${list(ORIGINAL_EASY_CLASSES.map((name) => `${name}s`))} as examples of high accuracy: ` +
      `they rank ${list(ORIGINAL_EASY_CLASSES.map((name) => `${ordinal(rankOf(name))} (${name})`))} of ${classes}. The hardest: ${list(recall.slice(-3).reverse().map((entry) => `${entry.name} (${f4(entry.recall)})`))}.`,
  ]);
}
