/**
 * The study's summaries, computed from the run cache: what `study all --json` writes to
 * results/study.json and what the README's headline is generated from.
 */
import { cpus } from 'node:os';
import { finalMetrics, RunRecord } from './runs';
import { compareWithBaseline, KFoldResult, runAllKFolds, runFinalTest, selectBestTwo, StudyOptions } from './study';

export function kfoldSummary(result: KFoldResult) {
  const { runs, ...aggregate } = result;
  return {
    ...aggregate,
    folds: runs.map((run) => ({
      key: run.key, fold: run.spec.split.kind === 'fold' ? run.spec.split.index : null,
      final: run.history[run.history.length - 1], macroPrecision: run.validation?.perClass.macroPrecision,
      macroRecall: run.validation?.perClass.macroRecall, trainingSeconds: run.trainingSeconds,
    })),
  };
}

function testSummary(run: RunRecord) {
  const { predictions: _predictions, ...test } = run.test!;
  return {
    variant: run.spec.variant, key: run.key, seed: run.spec.seed, protocol: run.spec.protocol, history: run.history,
    test: { metrics: finalMetrics(run).evaluated, ...test }, trainingSeconds: run.trainingSeconds,
  };
}

/**
 * When runs were trained, from their records: the span from the first run's start to the last
 * run's end (wall time, whatever ran at once), the summed training time, and the largest peak
 * memory of a process that trained one of them.
 */
export function protocolTime(runs: RunRecord[]) {
  const first = Math.min(...runs.map((run) => Date.parse(run.startedAt)));
  const last = Math.max(...runs.map((run) => Date.parse(run.finishedAt)));
  return {
    runs: runs.length, firstStart: new Date(first).toISOString(), lastEnd: new Date(last).toISOString(),
    wallMinutes: (last - first) / 60000, summedTrainingMinutes: runs.reduce((sum, run) => sum + run.trainingSeconds, 0) / 60,
    largestPeakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB)),
    cpus: [...new Set(runs.map((run) => run.environment.cpu))],
  };
}

/** The reproduction: every variant's cross-validation, the selection, the chosen two tested, the LR-decay run. */
export async function studySummary(options: StudyOptions, what: { decay: boolean }): Promise<Record<string, unknown>> {
  const results = await runAllKFolds(options);
  const baseline = results.find((result) => result.variant === 'baseline')!;
  const selection = selectBestTwo(results);
  const tests: RunRecord[] = [];
  for (const variant of selection.chosen) tests.push(await runFinalTest(variant, options));
  const decay = what.decay ? await runFinalTest(selection.chosen[0], options, true) : null;
  return {
    options: { k: options.k, seed: options.seed, limit: options.limit, protocol: options.protocol },
    kfold: results.map(kfoldSummary),
    pairedWithBaseline: results.filter((result) => result !== baseline).map((result) => ({ variant: result.variant, ...compareWithBaseline(result, baseline) })),
    selection,
    test: tests.map(testSummary),
    ...(decay ? { decay: testSummary(decay) } : {}),
    protocolTime: protocolTime([...results.flatMap((result) => result.runs), ...tests, ...(decay ? [decay] : [])]),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model },
  };
}
