/**
 * What reviewers of reproductions expect first (ML Reproducibility Challenge, ReScience, the NeurIPS
 * checklist): a reproducibility summary — the original's claims, each with its verdict and the
 * notebook that tests it; methodology; results; what was easy and what was difficult — and a
 * reproducibility checklist. Both are computed from the evidence and the run records: every
 * verdict is chosen by the numbers, every count and version read from the runs.
 */
import { CLASS_NAMES, FASHION_MNIST_FILES } from '../data/idx-files';
import { VARIANTS, VariantName } from '../model/network';
import type { BatchSizeResult, FoldComparison } from '../study/robustness';
import type { CrossValidationEvidence, DesignsEvidence, TestSetEvidence } from '../study/evidence';
import type { StudyOptions } from '../study/study';
import { comparePairs, finalGaps } from '../study/robustness';
import type { RunRecord } from '../study/runs';
import { ERRATA, UNVERIFIABLE } from './errata';
import { pairedOverSeeds, SIGNIFICANCE } from './findings';
import { pairBySeed } from './findings-selection';
import { testReproduction } from './findings-test';
import { ORIGINAL_CONFUSIONS, ORIGINAL_SELECTION, ORIGINAL_VALIDATION } from './original-study';
import { pEquals, points } from './rows';
import { bullets, count, list, title } from './wording';

/** Everything notebook 00 states, gathered once (summary-report.gather). */
export interface SummaryEvidence {
  options: StudyOptions;
  cv: CrossValidationEvidence;
  test: TestSetEvidence;
  batch: BatchSizeResult[];
  /** Notebook 13: our Dropout and the readings of the original's dropout layers. */
  readings: DesignsEvidence;
}

export type Verdict = 'reproduced' | 'in direction only' | 'in part' | 'not reproduced' | 'contradicted' | 'not tested';

export interface Claim {
  /** The original's claim, in our words (its quotations are in the errata and notebooks). */
  claim: string;
  notebook: string;
  verdict: Verdict;
  /** The numbers the verdict rests on. */
  because: string;
}

const comparison = (evidence: SummaryEvidence, variant: VariantName, reference: VariantName): FoldComparison =>
  evidence.cv.repeatedComparisons.find((entry) => entry.variant === variant && entry.reference === reference)!;

/**
 * A "variant is better than reference" claim (or, with `worse`, "worse than") read from the
 * corrected resampled t-test over every seed's folds.
 */
function betterThan(entry: FoldComparison, worse = false): { verdict: Verdict; because: string } {
  const ahead = worse ? entry.test.meanDifference < 0 : entry.test.meanDifference > 0;
  const verdict: Verdict = entry.holmPValue < SIGNIFICANCE ? (ahead ? 'reproduced' : 'contradicted') : ahead ? 'in direction only' : 'not reproduced';
  return { verdict, because: `${points(entry.test.meanDifference)} over ${entry.seeds.length} seeds × ${entry.differences.length / entry.seeds.length} folds, Holm-adjusted ${pEquals(entry.holmPValue)}` };
}

/** The claims notebooks 02–07 test: the padding and each variant in cross-validation. */
function crossValidationClaims(evidence: SummaryEvidence): Claim[] {
  const { cv } = evidence;
  const originalFirst = [...VARIANTS].sort((a, b) => ORIGINAL_VALIDATION[b].accuracy - ORIGINAL_VALIDATION[a].accuracy)[0];
  const firstIn = cv.selectionsBySeed.filter(({ selection }) => selection.ranking[0].variant === originalFirst).length;
  const seeds = cv.selectionsBySeed.length;
  const gapTests = comparePairs(cv.bySeed, VARIANTS.filter((variant) => variant !== 'maxpooling').map((variant): [VariantName, VariantName] => ['maxpooling', variant]), finalGaps);
  const largerGap = gapTests.filter((entry) => entry.holmPValue < SIGNIFICANCE && entry.test.meanDifference > 0).length;
  const padding = ERRATA.find((erratum) => erratum.id === 'padding-loses-no-pixel')!;
  return [
    { claim: 'Padding the 28×28 images by 2 is needed so that a 5×5 kernel misses no border information', notebook: '02-padding-study', verdict: 'contradicted', because: padding.evidence.split(':')[0] },
    { claim: 'ReLU generalises better than the tanh baseline', notebook: '04-relu', ...betterThan(comparison(evidence, 'relu', 'baseline')) },
    {
      claim: 'MaxPooling is the most accurate variant in validation', notebook: '05-maxpooling',
      verdict: firstIn === seeds ? 'reproduced' : firstIn === 0 ? 'not reproduced' : 'in part', because: `first in ${count(firstIn, seeds, 'cross-validation seeds')}`,
    },
    {
      claim: 'MaxPooling overfits the most of the five', notebook: '05-maxpooling',
      verdict: largerGap === gapTests.length ? 'reproduced' : largerGap > 0 ? 'in part' : 'not reproduced',
      because: `its training − validation gap larger than ${count(largerGap, gapTests.length, 'other variants\'')} beyond fold noise (Holm)`,
    },
    { claim: `Dropout after every layer costs accuracy in ${evidence.options.protocol.epochs} epochs`, notebook: '06-dropout', ...betterThan(comparison(evidence, 'dropout', 'baseline'), true) },
    { claim: 'LeakyReLU beats the baseline', notebook: '07-leakyrelu', ...betterThan(comparison(evidence, 'leakyrelu', 'baseline')) },
  ];
}

/** The claims notebook 08 tests: the selection, the finalists' order and the test-set results, MaxPooling on the test set. */
function selectionClaims(evidence: SummaryEvidence): Claim[] {
  const { cv, test } = evidence;
  const seeds = cv.selectionsBySeed.length;
  const pairs = pairBySeed(cv);
  const byRule = pairs.filter((entry) => entry.ruleOriginal).length;
  const byAccuracy = pairs.filter((entry) => entry.accuracyOriginal).length;
  const reluLeaky = comparison(evidence, 'relu', 'leakyrelu');
  const finalistsTest = pairedOverSeeds(test.finalists);
  const reproduction = testReproduction(test, cv);
  const rejected = reproduction.filter((row) => row.pValue < SIGNIFICANCE);
  const maxPoolingTest = test.referencesAgainstChosen.filter((entry) => entry.variant === 'maxpooling');
  const significant = (entry: (typeof maxPoolingTest)[number]) => pairedOverSeeds(entry.paired).overSeeds < SIGNIFICANCE;
  const worseOnTest = maxPoolingTest.filter((entry) => significant(entry) && entry.paired.difference.mean < 0).length;
  const betterOnTest = maxPoolingTest.filter((entry) => significant(entry) && entry.paired.difference.mean > 0).length;
  return [
    {
      claim: `The best two are ${list(ORIGINAL_SELECTION.map(title))}`, notebook: '08-best-models-test',
      verdict: byAccuracy === seeds ? 'reproduced' : byAccuracy > 0 ? 'in part' : 'not reproduced',
      because: `the two most accurate in ${count(byAccuracy, seeds, 'seeds')}; chosen by the rule, whose gap limit was tuned to the original, in ${byRule}`,
    },
    {
      claim: 'ReLU is better than LeakyReLU in validation and on the test set', notebook: '08-best-models-test',
      verdict: reluLeaky.holmPValue < SIGNIFICANCE && finalistsTest.overSeeds < SIGNIFICANCE && reluLeaky.test.meanDifference > 0 && test.finalists.difference.mean > 0 ? 'reproduced'
        : reluLeaky.test.meanDifference > 0 && test.finalists.difference.mean > 0 ? 'in direction only' : 'not reproduced',
      because: `validation ${points(reluLeaky.test.meanDifference)} (Holm-adjusted ${pEquals(reluLeaky.holmPValue)}); test ${points(test.finalists.difference.mean)} (paired t-test over seeds ${pEquals(finalistsTest.overSeeds)})`,
    },
    {
      claim: `Its test accuracies of ${list(reproduction.map((row) => `${title(row.variant)} (${row.original.toFixed(4)})`))}`, notebook: '08-best-models-test',
      verdict: rejected.length === 0 ? 'reproduced' : rejected.length === reproduction.length ? 'not reproduced' : 'in part',
      because: `prediction-interval t-test against our ${test.finals.seeds.length} seeds: ${list(reproduction.map((row) => `${title(row.variant)} ${points(row.difference)}, ${pEquals(row.pValue)}`))}`,
    },
    {
      claim: 'MaxPooling\'s overfitting "would have been surely an issue in the testing phase" (untested there)', notebook: '08-best-models-test',
      verdict: worseOnTest === maxPoolingTest.length ? 'reproduced' : betterOnTest > 0 ? 'contradicted' : 'not reproduced',
      because: `worse on the test set than ${count(worseOnTest, maxPoolingTest.length, 'chosen variants')} beyond seed noise, better than ${betterOnTest} (paired t-test over ${test.finals.seeds.length} seeds)`,
    },
  ];
}

/** The claims notebooks 09 and 10 test: the decay and the confusion. */
function bestModelClaims(evidence: SummaryEvidence): Claim[] {
  const { test } = evidence;
  const decay = test.decayAgainstConstant;
  const decayP = pairedOverSeeds(decay).overSeeds;
  const epochs = test.finals.decay[0].run.history.length;
  const decayEvery = test.finals.decay[0].run.spec.protocol.decay!.everyEpochs;
  const best = test.finals.constant[test.finals.chosen[0]];
  const [main] = ORIGINAL_CONFUSIONS;
  const largestCell = best.filter((run) => {
    const cells = run.run.test!.confusion.flatMap((row, actual) => row.map((value, predicted) => ({ actual, predicted, value }))).filter((cell) => cell.actual !== cell.predicted);
    const largest = cells.reduce((a, b) => (b.value > a.value ? b : a));
    return CLASS_NAMES[largest.actual] === main.actual && CLASS_NAMES[largest.predicted] === main.predicted;
  }).length;
  return [
    {
      claim: 'Halving the learning rate every 5 epochs improves the best model on the test set', notebook: '09-lr-decay',
      verdict: epochs <= decayEvery ? 'not tested' : decayP < SIGNIFICANCE ? (decay.difference.mean > 0 ? 'reproduced' : 'contradicted') : decay.difference.mean > 0 ? 'in direction only' : 'not reproduced',
      because: `decayed − constant ${points(decay.difference.mean)} over ${decay.seeds.length} seeds, paired t-test ${pEquals(decayP)}`,
    },
    {
      claim: `${main.actual} taken for ${main.predicted} is the most frequent confusion`, notebook: '10-confusion-matrix',
      verdict: largestCell === best.length ? 'reproduced' : largestCell > 0 ? 'in part' : 'not reproduced',
      because: `the largest off-diagonal cell of ${title(test.finals.chosen[0])}'s test confusion matrix in ${count(largestCell, best.length, 'seeds')}`,
    },
  ];
}

/** Every claim of the original that the study tests, in the order of the notebooks that test them. */
export function claims(evidence: SummaryEvidence): Claim[] {
  return [...crossValidationClaims(evidence), ...selectionClaims(evidence), ...bestModelClaims(evidence)];
}

export function claimRows(evidence: SummaryEvidence): Record<string, string>[] {
  return claims(evidence).map((entry) => ({ 'the original\'s claim': entry.claim, verdict: entry.verdict, 'because': entry.because, notebook: entry.notebook }));
}

/** Methodology, results, what was easy and what was difficult: the summary's prose, from the claims and the study's options. */
export function summaryMarkdown(evidence: SummaryEvidence): string {
  const all = claims(evidence);
  const held = all.filter((entry) => entry.verdict === 'reproduced');
  const notHeld = all.filter((entry) => entry.verdict !== 'reproduced');
  const { options } = evidence;
  const runs = allRuns(evidence).length;
  return bullets([
    `**Scope:** ${all.length} claims of the original, listed below with their verdicts: ${count(held.length, all.length, 'reproduced')}, ${list((['in direction only', 'in part', 'not reproduced', 'contradicted', 'not tested'] as Verdict[]).filter((verdict) => all.some((entry) => entry.verdict === verdict)).map((verdict) => `${all.filter((entry) => entry.verdict === verdict).length} ${verdict}`))}.`,
    `**Methodology:** the original's protocol rebuilt in TypeScript on tfjs-node (native TensorFlow ${allRuns(evidence)[0].environment?.tensorflow ?? ''}), its architecture checked layer by layer against its tables; stratified ${options.k}-fold cross-validation repeated with ${options.cvSeeds.length} seeds, final retrainings with ${options.finalSeeds.length} seeds, every comparison tested as its resampling allows (corrected resampled t-test with Holm on folds, paired t-test and McNemar on the test set, prediction-interval t-test against the original's single values); ${runs} runs in all.`,
    `**Results:** reproduced — ${held.length > 0 ? held.map((entry) => entry.claim).join('; ') : 'none'}. Not as the original states — ${notHeld.map((entry) => `${entry.claim} (${entry.verdict})`).join('; ')}.`,
    `**What was easy:** the architecture (its model tables give every layer's shape and parameter count) and the optimiser and loss, which its text names with their settings; the data, which has a public, versioned release.`,
    `**What was difficult:** ${ERRATA.length} places where the text contradicts itself or its tables and ${UNVERIFIABLE.length} claims whose figures it does not show (errata below); settings it leaves unstated — the batch size (notebook 12 tries ${list(options.batchSizes.map(String))}), the rate of the dropout layer its table adds (notebook 13 tries the readings), the seed behind its one run per result, and the rule that passed over MaxPooling (notebook 08 makes it explicit).`,
  ]);
}

/** Every run the report rests on, each once (the summary's parts). */
function allRuns(evidence: SummaryEvidence): RunRecord[] {
  const seen = new Map<string, RunRecord>();
  const add = (run: RunRecord) => seen.set(run.key, run);
  VARIANTS.forEach((variant) => evidence.cv.bySeed[variant].forEach((result) => result.runs.forEach(add)));
  Object.values(evidence.test.finals.constant).flat().forEach((tested) => add(tested.run));
  evidence.test.finals.decay.forEach((tested) => add(tested.run));
  evidence.batch.forEach((entry) => entry.result.runs.forEach(add));
  Object.values(evidence.readings.bySeed).forEach((results) => results.forEach((result) => result.runs.forEach(add)));
  return [...seen.values()];
}

const distinct = (values: string[]) => [...new Set(values)].sort();

/** The reproducibility checklist, filled from the run records and the study's options. */
export function checklistRows(evidence: SummaryEvidence): Record<string, string>[] {
  const runs = allRuns(evidence);
  const { options } = evidence;
  const environments = runs.map((run) => run.environment);
  const minutes = runs.reduce((sum, run) => sum + run.trainingSeconds, 0) / 60;
  const cpus = distinct(environments.map((environment) => environment?.cpu ?? 'not recorded'));
  const versions = (field: 'tensorflow' | 'tfjsNode' | 'node') => distinct(environments.map((environment) => environment?.[field] ?? 'not recorded')).join(', ');
  return [
    { item: 'seeds per result', answer: `cross-validation: ${options.cvSeeds.length} seeds (${options.cvSeeds.join(', ')}) × ${options.k} folds per variant; test set: ${options.finalSeeds.length} seeds (${options.finalSeeds.join(', ')}) per retrained variant; batch-size study: seed ${options.seed} only; dropout readings: ${options.cvSeeds.length} seeds × ${options.k} folds` },
    { item: 'error bars and intervals', answer: '± is the sample standard deviation (n − 1) over folds or seeds, as each caption says; test accuracies carry 95 % Wilson intervals for one run; the original\'s single values are tested with the 95 % prediction interval of one more seed\'s value, mean ± t(0.975, n − 1) · s · √(1 + 1/n)' },
    { item: 'statistical tests', answer: `corrected resampled t-test (Nadeau & Bengio; Bouckaert & Frank for repeated k-fold) with Holm's adjustment for comparisons on folds; paired t-test over seeds and McNemar's exact test per seed (Holm) on the test set; level ${SIGNIFICANCE}` },
    { item: 'compute', answer: `${runs.length} runs, every run trained counted once (including those no table uses), ${(minutes / 60).toFixed(1)} hours of training summed over runs; per part in the cost table at the end of this notebook` },
    { item: 'hardware', answer: `CPU only: ${cpus.join('; ')}; TensorFlow pinned to oneDNN on, 1 intra-op and 1 inter-op thread per process, 2 processes at once` },
    { item: 'software', answer: `TensorFlow ${versions('tensorflow')} through tfjs-node ${versions('tfjsNode')} on Node.js ${versions('node')}; versions of everything else in package-lock.json, requirements.txt and notebook 14` },
    { item: 'data', answer: `Fashion-MNIST (Zalando Research, MIT licence), the ${FASHION_MNIST_FILES.length} IDX files of its public release, verified by the SHA-256 of their decompressed content (${FASHION_MNIST_FILES.map((file) => `${file.fileName} ${file.decompressedSha256.slice(0, 12)}…`).join(', ')}); ${CLASS_NAMES.length} classes` },
    { item: 'hyperparameters', answer: `the original's where it states them: Adam with learning rate ${options.protocol.learningRate}, categorical cross-entropy, ${options.protocol.epochs} epochs, stratified ${options.k}-fold, the layers of its tables, the learning rate halved every ${options.decay.everyEpochs} epochs; ours where it is silent: batch ${options.protocol.batchSize} (Keras' default), Keras' default initialisers and Adam settings, dropout 0.25 on the layer its table adds after Flatten; nothing was tuned on the test set` },
    { item: 'code and results', answer: 'every number in these notebooks is computed from the committed run records in runs/ (one run.json per run, keyed by its spec); `make figures` re-executes every notebook from them, `make verify` retrains a sample and compares every epoch' },
  ];
}
