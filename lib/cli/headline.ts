/**
 * `node dist/lib/cli/headline.js results/study.json`: the README's headline table (Markdown),
 * generated from the committed study summary so the README's numbers trace to a results file.
 */
import { readFileSync } from 'node:fs';
import { VARIANT_TITLES, VariantName } from '../model/tfjs-model';
import { ORIGINAL_DECAY, ORIGINAL_TEST, ORIGINAL_VALIDATION } from '../report/original-study';

interface Summary {
  kfold: { variant: VariantName; k: number; finalValidation: Record<string, { mean: number; std: number }>; generalizationGap: number }[];
  selection: { chosen: VariantName[] };
  test: { variant: VariantName; key: string; test: { metrics: Record<string, number> } }[];
  decay?: { variant: VariantName; key: string; test: { metrics: Record<string, number> } };
  wallSeconds: number;
  protocolTime: { runs: number; wallMinutes: number; summedTrainingMinutes: number; firstStart: string; lastEnd: string; largestPeakRssMiB: number | null };
}

const summary = JSON.parse(readFileSync(process.argv[2] ?? 'results/study.json', 'utf8')) as Summary;
const f = (value: number) => value.toFixed(4);
console.log(`| variant | validation accuracy, ours (mean ± std, ${summary.kfold[0].k} folds) | seed | train − validation gap | test accuracy, ours | seed |`);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const result of summary.kfold) {
  const accuracy = result.finalValidation.accuracy;
  const test = summary.test.find((entry) => entry.variant === result.variant);
  console.log(`| ${VARIANT_TITLES[result.variant]}${summary.selection.chosen.includes(result.variant) ? ' (chosen)' : ''} | ${f(accuracy.mean)} ± ${f(accuracy.std)} | ${f(ORIGINAL_VALIDATION[result.variant].accuracy)} | ${f(result.generalizationGap)} | ${test ? f(test.test.metrics.accuracy) : '–'} | ${ORIGINAL_TEST[result.variant] ? f(ORIGINAL_TEST[result.variant]!.accuracy) : '–'} |`);
}
if (summary.decay) {
  console.log(`| ${VARIANT_TITLES[summary.decay.variant]}, LR halved every 5 epochs | | | | ${f(summary.decay.test.metrics.accuracy)} | ${ORIGINAL_DECAY.variant === summary.decay.variant ? f(ORIGINAL_DECAY.metrics.accuracy) : '–'} |`);
}
const time = summary.protocolTime;
console.log(`\nThe ${time.runs} runs were trained between ${time.firstStart} and ${time.lastEnd}: ${time.wallMinutes.toFixed(1)} min of wall time, ${time.summedTrainingMinutes.toFixed(1)} min of summed training time` +
  (time.largestPeakRssMiB === null ? '.' : `; the largest peak memory of a process that trained one was ${time.largestPeakRssMiB} MiB.`));

console.log('\nWeights of the final models (tfjs layers-model format, load with `tf.loadLayersModel`):');
for (const run of [...summary.test, ...(summary.decay ? [summary.decay] : [])]) {
  const label = run === summary.decay ? `${VARIANT_TITLES[run.variant]}, LR halved every 5 epochs` : VARIANT_TITLES[run.variant];
  console.log(`- ${label}: [runs/${run.variant}/${run.key}/model/](runs/${run.variant}/${run.key}/model/model.json)`);
}
