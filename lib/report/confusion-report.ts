/**
 * Notebook 10: the best model's test confusion matrix, its most frequent confusions with examples,
 * the share of errors among the upper-body garments and the per-class metrics, over seeds.
 */
import { confusionExamples, imagePixels, misclassified } from '../data/analysis';
import type { DataSplit } from '../data/fashion-mnist';
import { CLASS_NAMES } from '../data/idx-files';
import { topConfusions } from '../model/metrics';
import { VARIANT_TITLES, variantTitle } from '../model/network';
import { testSetEvidence, TestSetEvidence } from '../study/evidence';
import { seedSpread } from '../study/statistics';
import { StudyOptions, studyData } from '../study/study';
import { showFigure } from './display';
import { errataRows } from './errata';
import { confusionFigure, dotPlotFigure, galleryFigure } from './figures';
import { confusionFindings, UPPER_BODY, upperBodyShare } from './findings-confusion';
import { ORIGINAL_CONFUSIONS } from './original-study';
import { showMarkdown, showTable } from './tables';

export const testSet = (options: StudyOptions): Promise<TestSetEvidence> => testSetEvidence(options);

/** The test images (the same loaded set the retrainings were tested on). */
export const testImages = (options: StudyOptions): DataSplit => studyData(options).test;

/** The constant-rate retrainings of the best model, the study's seed first. */
const bestRuns = (test: TestSetEvidence) => test.finals.constant[test.finals.chosen[0]];

export async function showMatrices(test: TestSetEvidence): Promise<void> {
  const run = bestRuns(test)[0].run;
  const name = `${variantTitle(run.spec.variant)} (seed ${run.spec.seed})`;
  await showFigure(confusionFigure(run.test!.confusion, CLASS_NAMES, `${name}: test confusion matrix (counts)`, false), { name: '10-confusion-counts', width: 820, height: 720 });
  await showFigure(confusionFigure(run.test!.confusion, CLASS_NAMES, `${name}: test confusion matrix (row shares)`, true), { name: '10-confusion-normalised', width: 820, height: 720 });
}

export function showTopConfusions(test: TestSetEvidence): void {
  const runs = bestRuns(test);
  const top = topConfusions(runs[0].run.test!.confusion, CLASS_NAMES, 8);
  showTable(top.map((cell) => {
    const counts = seedSpread(runs.map((run) => run.run.test!.confusion[cell.actualIndex][cell.predictedIndex]));
    return {
      actual: cell.actual, predicted: cell.predicted, [`test images, seed ${runs[0].run.spec.seed}`]: cell.count,
      [`over ${runs.length} seeds: mean (range)`]: `${counts.mean.toFixed(1)} (${counts.min}–${counts.max})`,
      'the original (ReLU)': ORIGINAL_CONFUSIONS.find((entry) => entry.actual === cell.actual && entry.predicted === cell.predicted)?.count ?? null,
    };
  }), { caption: 'The most frequent confusions on the test set' });
}

export async function showConfusionExamples(test: TestSetEvidence, images: DataSplit): Promise<void> {
  const run = bestRuns(test)[0].run;
  const examples = topConfusions(run.test!.confusion, CLASS_NAMES, 3).flatMap((cell) => confusionExamples(images.labels, run.test!.predictions, cell.actualIndex, cell.predictedIndex, 6)
    .map((index) => ({ pixels: imagePixels(images.images, index), caption: `${cell.actual} → ${cell.predicted}` })));
  await showFigure(await galleryFigure(examples, 6, 'Test images of the most frequent confusions (actual → predicted)'), { name: '10-confusion-examples', width: 900, height: 520 });
}

export function showUpperBody(test: TestSetEvidence): void {
  showTable(bestRuns(test).map((run) => ({
    seed: run.run.spec.seed, 'test errors': Math.round((1 - run.accuracy) * run.run.test!.predictions.length),
    [`share among ${UPPER_BODY.join(', ')}`]: upperBodyShare(run.run.test!.confusion),
  })), { caption: 'Errors that confuse one upper-body garment with another' });
}

export async function showPerClass(test: TestSetEvidence): Promise<void> {
  const runs = bestRuns(test);
  const dots = (pick: (perClass: { precision: number[]; recall: number[] }, index: number) => number) => CLASS_NAMES.map((name, index) => {
    const spread = seedSpread(runs.map((run) => pick(run.run.test!.perClass, index)));
    return { category: name, value: spread.mean, low: spread.min, high: spread.max };
  });
  await showFigure(dotPlotFigure([
    { name: 'precision', dots: dots((perClass, index) => perClass.precision[index]) },
    { name: 'recall', dots: dots((perClass, index) => perClass.recall[index]) },
  ], `${VARIANT_TITLES[test.finals.chosen[0]]}: per-class precision and recall on the test set (mean and range over ${runs.length} seeds)`, 'per-class value (from the confusion matrix)'),
  { name: '10-per-class', height: 520 });
}

export async function showMisclassified(test: TestSetEvidence, images: DataSplit): Promise<void> {
  const run = bestRuns(test)[0].run;
  const mistakes = misclassified(images.labels, run.test!.predictions, 24);
  await showFigure(await galleryFigure(mistakes.map((index) => ({
    pixels: imagePixels(images.images, index), caption: `${CLASS_NAMES[images.labels[index]]} → ${CLASS_NAMES[run.test!.predictions[index]]}`,
  })), 6, 'Misclassified test images (actual → predicted)'), { name: '10-misclassified', width: 900, height: 640 });
}

export function showErrata(): void {
  const rows = errataRows('10-confusion-matrix');
  if (rows.length === 0) showMarkdown('The errata table (README) has no entry for this notebook.');
  else showTable(rows, { caption: 'Where the original contradicts itself on the confusion matrix' });
}

export function showFindings(test: TestSetEvidence): void {
  showMarkdown(confusionFindings(test));
}
