/**
 * The study's machine-readable results, computed from the run cache: what `study all --json FILE`
 * writes (FILE, and the data frames as CSV beside it: results/ in `make study`), and what the
 * README's generated sections are made from.
 */
import { dirname, join } from 'node:path';
import { VARIANTS } from '../model/network';
import { batchSizeEvidence, crossValidationEvidence, testSetEvidence } from './evidence';
import { csvOf, finalFrame, foldFrame, historyFrame } from './frames';
import type { FoldComparison, PairedTestRuns, TestedRun } from './robustness';
import { writeFilesTogether } from './run-files';
import { finalMetrics, RunRecord } from './runs';
import { seedSpread } from './statistics';
import type { KFoldResult, StudyOptions } from './study';

export function kfoldSummary(result: KFoldResult<string>) {
  const { runs, averagedHistory: _curves, ...aggregate } = result;
  return {
    ...aggregate,
    folds: runs.map((run) => ({
      key: run.key, fold: run.spec.split.kind === 'fold' ? run.spec.split.index + 1 : null,
      final: run.history[run.history.length - 1], macroPrecision: run.validation?.perClass.macroPrecision,
      macroRecall: run.validation?.perClass.macroRecall, trainingSeconds: run.trainingSeconds,
    })),
  };
}

/**
 * Wall time during which at least one of the runs was training: the length of the union of their
 * [start, end] spans, so runs trained in several sessions days apart count only their hours.
 */
export function busyWallMinutes(runs: RunRecord[]): number {
  const spans = runs.map((run) => [Date.parse(run.startedAt), Date.parse(run.finishedAt)]).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = spans[0];
  for (const [start, end] of spans.slice(1)) {
    if (start > to) { total += to - from; [from, to] = [start, end]; } else to = Math.max(to, end);
  }
  return (total + to - from) / 60000;
}

/**
 * When runs were trained, from their records: the first run's start and the last run's end, the
 * wall time during which any of them trained (busyWallMinutes, whatever ran at once), the summed
 * training time, and the largest peak memory of a process that trained one of them.
 */
export function protocolTime(runs: RunRecord[]) {
  const first = Math.min(...runs.map((run) => Date.parse(run.startedAt)));
  const last = Math.max(...runs.map((run) => Date.parse(run.finishedAt)));
  return {
    runs: runs.length, firstStart: new Date(first).toISOString(), lastEnd: new Date(last).toISOString(),
    wallMinutes: busyWallMinutes(runs), summedTrainingMinutes: runs.reduce((sum, run) => sum + run.trainingSeconds, 0) / 60,
    mostAtOnce: mostAtOnce(runs),
    largestPeakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB)),
    cpus: [...new Set(runs.map((run) => run.environment.cpu))],
  };
}

/** The most runs that were training at the same moment (the workers that trained them). */
function mostAtOnce(runs: RunRecord[]): number {
  const events = runs.flatMap((run) => [[Date.parse(run.startedAt), 1], [Date.parse(run.finishedAt), -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let most = 0;
  for (const [, change] of events) { running += change; most = Math.max(most, running); }
  return most;
}

const comparisonSummary = (entry: FoldComparison) => ({
  variant: entry.variant, reference: entry.reference, seeds: entry.seeds, folds: entry.differences.length,
  meanDifference: entry.test.meanDifference, t: entry.test.t, degreesOfFreedom: entry.test.degreesOfFreedom,
  pCorrected: entry.test.pValue, pHolm: entry.holmPValue, pNaive: entry.test.naive.pValue,
});

const testedSummary = (tested: TestedRun) => ({
  variant: tested.run.spec.variant, seed: tested.run.spec.seed, decay: tested.run.spec.protocol.decay !== null, key: tested.run.key,
  accuracy: tested.accuracy, interval95: [tested.interval.lower, tested.interval.upper], metrics: finalMetrics(tested.run).evaluated,
  macroPrecision: tested.run.test!.perClass.macroPrecision, macroRecall: tested.run.test!.perClass.macroRecall,
});

const pairedSummary = (paired: PairedTestRuns) => ({
  seeds: paired.seeds, differences: paired.differences, difference: paired.difference, ahead: paired.ahead, level: paired.level, behind: paired.behind,
  mcnemar: paired.mcnemar,
});

/** Everything the study concludes, with its spread over seeds, and every run it rests on. */
export async function studySummary(options: StudyOptions): Promise<{ summary: Record<string, unknown>; runs: RunRecord[] }> {
  const cv = await crossValidationEvidence(options);
  const test = await testSetEvidence(options);
  const batch = await batchSizeEvidence(options);
  const cvRuns = VARIANTS.flatMap((variant) => cv.bySeed[variant].flatMap((result) => result.runs));
  const finalRuns = [...Object.values(test.finals.constant).flat(), ...test.finals.decay].map((tested) => tested.run);
  const batchRuns = batch.flatMap((entry) => entry.result.runs);
  const runs = [...new Map([...cvRuns, ...finalRuns, ...batchRuns].map((run) => [run.key, run])).values()];
  const summary = {
    options: { k: options.k, seed: options.seed, cvSeeds: options.cvSeeds, finalSeeds: options.finalSeeds, batchSizes: options.batchSizes, limit: options.limit, protocol: options.protocol },
    reproduction: VARIANTS.map((variant) => kfoldSummary(cv.reproduction[variant])),
    repeated: VARIANTS.map((variant) => ({
      variant, overFolds: seedSpread(cv.bySeed[variant].flatMap((result) => result.runs.map((run) => finalMetrics(run).evaluated.accuracy))),
      seedMeans: cv.bySeed[variant].map((result) => ({ seed: result.seed, mean: result.finalValidation.accuracy.mean, std: result.finalValidation.accuracy.std })),
    })),
    comparisons: { reproduction: cv.reproductionComparisons.map(comparisonSummary), repeated: cv.repeatedComparisons.map(comparisonSummary) },
    selection: cv.selection,
    selectionsBySeed: cv.selectionsBySeed.map(({ seed, selection }) => ({ seed, ranking: selection.ranking.map((entry) => entry.variant), chosen: selection.chosen })),
    finals: { chosen: test.finals.chosen, constant: Object.values(test.finals.constant).flat().map(testedSummary), decay: test.finals.decay.map(testedSummary) },
    finalists: pairedSummary(test.finalists),
    decayAgainstConstant: pairedSummary(test.decayAgainstConstant),
    batchSizes: batch.map((entry) => kfoldSummary(entry.result)),
    protocolTime: protocolTime(runs),
  };
  return { summary, runs };
}

/** The files of a results set: the summary at `path`, and the data frames as CSV beside it. */
export function resultFiles(path: string): string[] {
  const folder = dirname(path);
  return [path, join(folder, 'cv-folds.csv'), join(folder, 'final-runs.csv'), join(folder, 'histories.csv')];
}

/**
 * Writes the summary to `path` and the runs' data frames as CSV beside it (resultFiles), as one set:
 * all are written under temporary names first and renamed into place only once every one is written,
 * so a failure (a full disk) leaves the previous set whole.
 * @throws OutputFileError when a path holds something other than a regular file; the system's error naming the path when a write fails
 */
export function writeResults(path: string, summary: Record<string, unknown>, runs: RunRecord[]): string[] {
  const [json, folds, finals, histories] = resultFiles(path);
  const files: [string, string][] = [
    [json, `${JSON.stringify(summary, null, 2)}\n`],
    [folds, csvOf(foldFrame(runs))],
    [finals, csvOf(finalFrame(runs))],
    [histories, csvOf(historyFrame(runs))],
  ];
  writeFilesTogether(files);
  return files.map(([file]) => file);
}
