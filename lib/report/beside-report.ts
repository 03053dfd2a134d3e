/**
 * "Your parameters beside the committed study", for the notebooks that read the whole study
 * (00, 08–12): with a reader's values, each quantity the notebook rests on — every variant's
 * cross-validation accuracy, the final retrainings' test accuracy, the batch-size study's runs —
 * beside the committed study's, with the test that fits (robustness.againstCommitted for k-folds;
 * the prediction-interval t-test for test accuracies over seeds). With the committed values it says
 * how to change them. The committed study's runs come from the run cache.
 */
import { variantTitle } from '../model/network';
import { batchSizeEvidence, crossValidationEvidence, testSetEvidence } from '../study/evidence';
import { againstCommitted, AgainstCommitted, TestedRun } from '../study/robustness';
import { predictionTest, seedSpread } from '../study/statistics';
import type { KFoldResult, StudyOptions } from '../study/study';
import { committedOptions, HOW_TO_CHANGE, isCommittedStudy } from './parameters';
import { points, pValue } from './rows';
import { meanPlusMinus, Row, showMarkdown, showTable } from './tables';

/** What a notebook rests on: its cross-validation, its test set, its batch-size study. */
export type StudyPart = 'cross-validation' | 'test set' | 'batch size';

const seedMeans = (results: KFoldResult<string>[]) => seedSpread(results.map((result) => result.finalValidation.accuracy.mean));

function testWords(comparison: AgainstCommitted): string {
  if (comparison.kind === 'same folds') return `${points(comparison.test.meanDifference)} on the same folds, corrected resampled t-test p = ${pValue(comparison.test.pValue)}`;
  return `${points(comparison.difference)}, other folds: prediction-interval t-test p = ${Number.isNaN(comparison.pValue) ? 'n/a' : pValue(comparison.pValue)}`;
}

function kfoldRow(name: string, reader: KFoldResult<string>[], committed: KFoldResult<string>[]): Row {
  const yours = seedMeans(reader);
  const theirs = seedMeans(committed);
  return {
    quantity: name, yours: `${meanPlusMinus(yours.mean, yours.std)} (${reader.length} seed${reader.length > 1 ? 's' : ''})`,
    'committed study': `${meanPlusMinus(theirs.mean, theirs.std)} (${committed.length} seeds)`, 'yours − committed': testWords(againstCommitted(reader, committed)),
  };
}

function testRow(name: string, reader: TestedRun[], committed: TestedRun[]): Row {
  const yours = seedSpread(reader.map((run) => run.accuracy));
  const theirs = committed.map((run) => run.accuracy);
  const tested = theirs.length >= 2 ? `, prediction-interval t-test p = ${pValue(predictionTest(yours.mean, theirs).pValue)}` : '';
  return {
    quantity: name, yours: `${meanPlusMinus(yours.mean, yours.std)} (${reader.length} seeds)`, 'committed study': `${meanPlusMinus(seedSpread(theirs).mean, seedSpread(theirs).std)} (${theirs.length} seeds)`,
    'yours − committed': `${points(yours.mean - seedSpread(theirs).mean)}${tested}`,
  };
}

async function crossValidationRows(options: StudyOptions, committed: StudyOptions): Promise<Row[]> {
  const [yours, theirs] = [await crossValidationEvidence(options), await crossValidationEvidence(committed)];
  return Object.keys(yours.bySeed).map((variant) => kfoldRow(`${variantTitle(variant)}: validation accuracy`,
    yours.bySeed[variant as keyof typeof yours.bySeed], theirs.bySeed[variant as keyof typeof theirs.bySeed]));
}

async function testSetRows(options: StudyOptions, committed: StudyOptions): Promise<Row[]> {
  const [yours, theirs] = [await testSetEvidence(options), await testSetEvidence(committed)];
  const rows = yours.finals.chosen.filter((variant) => theirs.finals.constant[variant])
    .map((variant) => testRow(`${variantTitle(variant)}: test accuracy`, yours.finals.constant[variant], theirs.finals.constant[variant]));
  if (yours.finals.chosen[0] === theirs.finals.chosen[0]) rows.push(testRow(`${variantTitle(yours.finals.chosen[0])}, LR decay: test accuracy`, yours.finals.decay, theirs.finals.decay));
  return rows;
}

async function batchSizeRows(options: StudyOptions, committed: StudyOptions): Promise<Row[]> {
  const [yours, theirs] = [await batchSizeEvidence(options), await batchSizeEvidence(committed)];
  return yours.flatMap((entry) => {
    const match = theirs.find((other) => other.variant === entry.variant && other.batchSize === entry.batchSize);
    return match ? [kfoldRow(`${variantTitle(entry.variant)}, batch ${entry.batchSize}: validation accuracy`, [entry.result], [match.result])] : [];
  });
}

const ROWS: Record<StudyPart, (options: StudyOptions, committed: StudyOptions) => Promise<Row[]>> = {
  'cross-validation': crossValidationRows, 'test set': testSetRows, 'batch size': batchSizeRows,
};

/** With a reader's values, the notebook's parts beside the committed study's; with the committed values, how to change them. */
export async function showBesideCommitted(options: StudyOptions, parts: StudyPart[]): Promise<void> {
  if (isCommittedStudy(options)) {
    showMarkdown(HOW_TO_CHANGE);
    return;
  }
  const committed = committedOptions(options);
  const rows: Row[] = [];
  for (const part of parts) rows.push(...(await ROWS[part](options, committed)));
  showTable(rows, { caption: 'Your parameters against the committed study (mean ± std over seeds; where the runs share folds, the test pairs them)' });
}
