/**
 * `node dist/lib/cli/readme.js [--check]`: the README's generated sections, from the committed
 * results (results/study.json, results/bench.md) and the errata, so that every number in the README traces to a
 * results file. Each section sits between `<!-- generated: NAME -->` and `<!-- end: NAME -->`;
 * without --check the README is rewritten in place (make readme), with --check it fails when a
 * section differs from what the results give (the tests run it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIRECTORY } from '../base/paths';
import { VARIANT_TITLES, VARIANTS, VariantName } from '../model/network';
import { errataMarkdown } from '../report/errata';
import { STEP_DECAY } from '../study/protocol';
import { seedSpread } from '../study/statistics';
import { ORIGINAL_DECAY, ORIGINAL_TEST, ORIGINAL_VALIDATION } from '../report/original-study';
import { writeFileAtomically } from '../study/run-files';
import { runCommandLine } from './guard';

interface Spread { mean: number; std: number; min: number; max: number; n: number }
interface Tested { variant: VariantName; seed: number; decay: boolean; key: string; accuracy: number }
interface Summary {
  options: { k: number; seed: number; cvSeeds: number[]; finalSeeds: number[] };
  reproduction: { variant: VariantName; finalValidation: { accuracy: { mean: number; std: number } }; generalizationGap: number }[];
  repeated: { variant: VariantName; overFolds: Spread; seedMeans: { seed: number; mean: number }[] }[];
  selection: { chosen: VariantName[] };
  finals: { chosen: VariantName[]; constant: Tested[]; decay: Tested[] };
  protocolTime: { runs: number; wallMinutes: number; summedTrainingMinutes: number; mostAtOnce: number; largestPeakRssMiB: number; cpus: string[]; firstStart: string; lastEnd: string };
}

const f4 = (value: number) => value.toFixed(4);
/** Mean ± sample standard deviation over seeds, and the range (REVIEW.md's seed spread). */
const spread = (values: number[]) => {
  const { mean, std, min, max } = seedSpread(values);
  return `${f4(mean)} ± ${f4(std)} (${f4(min)}–${f4(max)})`;
};

function headline(summary: Summary): string {
  const { options } = summary;
  const lines = [
    `| variant | validation, seed ${options.seed} (${options.k} folds) | validation, ${options.cvSeeds.length} seeds' ${options.k}-fold means | original | test, ${options.finalSeeds.length} seeds | original |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const variant of VARIANTS) {
    const reproduction = summary.reproduction.find((entry) => entry.variant === variant)!.finalValidation.accuracy;
    const repeated = summary.repeated.find((entry) => entry.variant === variant)!.seedMeans.map((entry) => entry.mean);
    const tested = summary.finals.constant.filter((run) => run.variant === variant);
    lines.push(`| ${VARIANT_TITLES[variant]}${summary.selection.chosen.includes(variant) ? ' (chosen)' : ''} | ${f4(reproduction.mean)} ± ${f4(reproduction.std)} | ${spread(repeated)} | ${f4(ORIGINAL_VALIDATION[variant].accuracy)} | ` +
      `${tested.length > 0 ? spread(tested.map((run) => run.accuracy)) : '–'} | ${ORIGINAL_TEST[variant] ? f4(ORIGINAL_TEST[variant]!.accuracy) : '–'} |`);
  }
  const best = summary.finals.chosen[0];
  lines.push(`| ${VARIANT_TITLES[best]}, LR halved every ${STEP_DECAY.everyEpochs} epochs | | | | ${spread(summary.finals.decay.map((run) => run.accuracy))} | ${ORIGINAL_DECAY.variant === best ? f4(ORIGINAL_DECAY.metrics.accuracy) : '–'} |`);
  const time = summary.protocolTime;
  lines.push('', `Each cell: mean ± sample standard deviation (the seed ${options.seed} column over its ${options.k} folds, the others over seeds), with the range over seeds in brackets.`);
  lines.push('', `The ${time.runs} runs were trained between ${time.firstStart} and ${time.lastEnd} on ${time.cpus.join(', ')}: ${time.wallMinutes.toFixed(1)} min of wall time while any of them trained ` +
    `with at most ${time.mostAtOnce} runs at once, ${time.summedTrainingMinutes.toFixed(1)} min of summed training time; the largest peak memory of a process that trained one was ${time.largestPeakRssMiB} MiB.`);
  lines.push('', `Weights of the final models of seed ${options.seed} (tfjs layers-model format with the input contract in its metadata; load with \`tf.loadLayersModel\`, or \`make keras-export\` for Keras):`);
  for (const run of [...summary.finals.constant, ...summary.finals.decay].filter((entry) => entry.seed === options.seed)) {
    lines.push(`- ${VARIANT_TITLES[run.variant]}${run.decay ? `, LR halved every ${STEP_DECAY.everyEpochs} epochs` : ''}: [runs/${run.variant}/${run.key}/model/](runs/${run.variant}/${run.key}/model/model.json)`);
  }
  return lines.join('\n');
}

/** The summary lines of the last `make bench` (results/bench.md): the machine, the ratios, the workers' memory; and of the last `make bench-notebooks` (its last section), the warm `make figures`. */
function performance(bench: string): string {
  const wanted = /^(machine:|Every configuration|tfjs-node native \/ Keras|native step \/ model\.fit|study with|study workers peak RSS|Arithmetic probe|Whole protocol|Warm make figures)/;
  const lines = bench.split('\n').filter((line) => wanted.test(line));
  if (lines.length === 0) throw new Error('results/bench.md has no summary lines: run `make bench`');
  return ['From [results/bench.md](results/bench.md):', '', ...lines.map((line) => `- ${line}`)].join('\n');
}

export function sections(summary: Summary, bench: string): Record<string, string> {
  return { headline: headline(summary), errata: errataMarkdown(), performance: performance(bench) };
}

/** The README with every generated section replaced by its current content. */
export function regenerate(readme: string, generated: Record<string, string>): string {
  return readme.replace(/<!-- generated: ([a-z-]+) -->\n[\s\S]*?<!-- end: \1 -->/g, (_block, name: string) => {
    if (!(name in generated)) throw new Error(`README has a generated section "${name}" that nothing generates`);
    return `<!-- generated: ${name} -->\n${generated[name]}\n<!-- end: ${name} -->`;
  });
}

async function main(): Promise<void> {
  const unknown = process.argv.slice(2).find((argument) => argument !== '--check');
  if (unknown) throw Object.assign(new Error(`unknown argument "${unknown}" (the one option is --check)`), { name: 'UsageError' });
  const path = join(PROJECT_DIRECTORY, 'README.md');
  const summary = JSON.parse(readFileSync(join(PROJECT_DIRECTORY, 'results', 'study.json'), 'utf8')) as Summary;
  const readme = readFileSync(path, 'utf8');
  const bench = readFileSync(join(PROJECT_DIRECTORY, 'results', 'bench.md'), 'utf8');
  const updated = regenerate(readme, sections(summary, bench));
  if (process.argv.includes('--check')) {
    if (updated !== readme) throw Object.assign(new Error('README.md\'s generated sections differ from results/study.json, results/bench.md and the errata: run `make readme`'), { name: 'UsageError' });
    return;
  }
  writeFileAtomically(path, updated);
}

if (require.main === module) runCommandLine('readme', main, 1);
