/**
 * `npm run study -- <command> [options]`: the study headless, on the same cache as the notebooks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { VARIANTS, VariantName } from '../models';
import { RunRecord } from '../runs';
import {
  compareWithBaseline, finalTestSpec, KFoldResult, parseVariant, prefetchRuns, runAllKFolds, runFinalTest, runKFold,
  selectBestTwo, studyOptions, StudyOptions, trainPlan,
} from '../study';
import { createProgressReporter } from '../progress';
import { STUDY_PROTOCOL } from '../train';

const HELP = `Usage: npm run study -- <command> [options]

Commands:
  kfold --variant NAME   stratified k-fold training of one variant (${VARIANTS.join(', ')})
  select                 k-fold of all five variants, pick the best two, retrain them on all
                         training images and test them
  decay                  as select, then retrain the best one with the LR halved every 5 epochs
  all                    everything above

Options:
  --k N            folds (integer ≥ 2, default 5)
  --epochs N       epochs per run (integer ≥ 1, default 15)
  --seed N         seed of weights, folds, shuffles and dropout (default 42)
  --limit N        use only the first N training and N test images (quick runs; default: all)
  --data-dir DIR   verified Fashion-MNIST files (default: data/)
  --runs-dir DIR   run cache (default: runs/)
  --workers N      train missing runs in N worker processes at once (integer ≥ 1, default 1;
                   2 keeps both cores of a 2-core machine busy)
  --json FILE      also write the JSON summary to FILE (it always goes to stdout)
  --help           this text

Every run is cached: asking again reads it back; an interrupted run resumes at its last epoch.`;

class UsageError extends Error {}

interface Arguments {
  command: 'kfold' | 'select' | 'decay' | 'all';
  variant: VariantName | null;
  options: StudyOptions;
  json: string | null;
}

function positiveInteger(flag: string, value: string | undefined, minimum: number): number {
  const number = Number(value);
  if (value === undefined || !Number.isInteger(number) || number < minimum) {
    throw new UsageError(`${flag} needs an integer ≥ ${minimum}, got ${value === undefined ? 'nothing' : `"${value}"`}`);
  }
  return number;
}

export function parseArguments(argv: string[]): Arguments | 'help' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, ...rest] = argv;
  if (!['kfold', 'select', 'decay', 'all'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  let variant: VariantName | null = null;
  let json: string | null = null;
  const overrides: Partial<StudyOptions> = {};
  let epochs = STUDY_PROTOCOL.epochs;
  for (let index = 0; index < rest.length; index += 1) {
    const flag = rest[index];
    const value = rest[index + 1];
    index += 1;
    switch (flag) {
      case '--variant':
        try { variant = parseVariant(value ?? ''); } catch (error) { throw new UsageError((error as Error).message); }
        break;
      case '--k': overrides.k = positiveInteger('--k', value, 2); break;
      case '--epochs': epochs = positiveInteger('--epochs', value, 1); break;
      case '--seed': overrides.seed = positiveInteger('--seed', value, 0); break;
      case '--limit': overrides.limit = positiveInteger('--limit', value, 10); break;
      case '--data-dir': overrides.dataDirectory = resolve(value ?? '.'); break;
      case '--runs-dir': overrides.runsDirectory = resolve(value ?? '.'); break;
      case '--workers': overrides.workers = positiveInteger('--workers', value, 1); break;
      case '--json': json = value ?? null; break;
      default: throw new UsageError(`unknown option "${flag}"`);
    }
  }
  if (command === 'kfold' && !variant) throw new UsageError('kfold needs --variant NAME');
  const options = studyOptions({ ...overrides, protocol: { ...STUDY_PROTOCOL, epochs } });
  return { command: command as Arguments['command'], variant, options, json };
}

function kfoldSummary(result: KFoldResult) {
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
  return { variant: run.spec.variant, key: run.key, protocol: run.spec.protocol, history: run.history, test, trainingSeconds: run.trainingSeconds };
}

/**
 * When the protocol's runs were trained, from the run records themselves: the span from the first
 * run's start to the last run's end (wall time, whatever ran concurrently), the summed training
 * time, and the largest peak memory of a process that trained one of them.
 */
function protocolTime(runs: RunRecord[]) {
  const starts = runs.map((run) => Date.parse(run.startedAt));
  const ends = runs.map((run) => Date.parse(run.finishedAt));
  const first = Math.min(...starts);
  const last = Math.max(...ends);

  return {
    runs: runs.length, firstStart: new Date(first).toISOString(), lastEnd: new Date(last).toISOString(),
    wallMinutes: (last - first) / 60000, summedTrainingMinutes: runs.reduce((sum, run) => sum + run.trainingSeconds, 0) / 60,
    largestPeakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB)),
  };
}

async function main(): Promise<void> {
  let parsed: Arguments | 'help';
  try {
    parsed = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`study: ${error.message}\nRun \`npm run study -- --help\` for usage.`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (parsed === 'help') {
    console.log(HELP);
    return;
  }
  const { command, variant, options } = parsed;
  const started = performance.now();
  const summary: Record<string, unknown> = {
    command, options: { k: options.k, seed: options.seed, limit: options.limit, protocol: options.protocol },
  };
  if (command === 'kfold') {
    const result = await runKFold(variant!, options);
    summary.kfold = [kfoldSummary(result)];
    summary.protocolTime = protocolTime(result.runs);
  } else {
    if (command === 'all') await trainPlan(options);
    const results = await runAllKFolds(options);
    const baseline = results.find((result) => result.variant === 'baseline')!;
    const selection = selectBestTwo(results);
    summary.kfold = results.map(kfoldSummary);
    summary.pairedWithBaseline = results.filter((r) => r !== baseline).map((r) => ({ variant: r.variant, ...compareWithBaseline(r, baseline) }));
    summary.selection = selection;
    // The retrainings are independent: with workers, all of them (and the decay run) train at once.
    const withDecay = command === 'decay' || command === 'all';
    const finalSpecs = selection.chosen.map((name) => finalTestSpec(name, options));
    if (withDecay) finalSpecs.push(finalTestSpec(selection.chosen[0], options, true));
    await prefetchRuns(finalSpecs, options, createProgressReporter());
    const tests: RunRecord[] = [];
    for (const name of selection.chosen) tests.push(await runFinalTest(name, options));
    summary.test = tests.map(testSummary);
    const decayRun = withDecay ? await runFinalTest(selection.chosen[0], options, true) : null;
    if (decayRun) summary.decay = testSummary(decayRun);
    summary.protocolTime = protocolTime([...results.flatMap((result) => result.runs), ...tests, ...(decayRun ? [decayRun] : [])]);
  }
  summary.wallSeconds = (performance.now() - started) / 1000;
  summary.machine = { cpus: require('node:os').cpus().length, cpu: require('node:os').cpus()[0]?.model, node: process.version };
  const text = JSON.stringify(summary, null, 2);
  console.log(text);
  if (parsed.json) {
    mkdirSync(dirname(resolve(parsed.json)), { recursive: true });
    writeFileSync(parsed.json, `${text}\n`);
  }
}

if (require.main === module) void main();
