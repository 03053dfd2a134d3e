/**
 * The report of `study verify` as text for the terminal: the machine, the recorded machine(s), one
 * line per retrained run (variant, split, seed, key, largest deviation, verdict) and the overall
 * verdict. (The same report as JSON is VerificationReport itself.)
 */
import type { RunEnvironment } from './environment';
import type { Deviation, RunVerification, Verdict } from './verify-compare';
import type { VerificationReport } from './verify';
import { duration } from './workers';

/** "AMD EPYC · avx avx2 … · oneDNN on, 1 intra-op and 1 inter-op thread · tfjs-node 4.22.0, libtensorflow 2.21.0". */
export function describeMachine(environment: RunEnvironment): string {
  const { settings } = environment;
  const extensions = environment.vectorExtensions?.length ? environment.vectorExtensions.join(' ') : 'no vector extensions recorded';
  return `${environment.cpu} · ${extensions} · oneDNN ${settings.oneDNN ? 'on' : 'off'}, ${settings.intraOpThreads} intra-op and ` +
    `${settings.interOpThreads} inter-op thread(s) · tfjs-node ${environment.tfjsNode}, libtensorflow ${environment.tensorflow}`;
}

/** A number short enough for a table, exact zeros kept as 0. */
const short = (value: number) => (value === 0 ? '0' : Math.abs(value) >= 1e-3 ? value.toFixed(4) : value.toExponential(1));

/**
 * "validation accuracy, epoch 12: 0.0012 of 0.0150 allowed (0.08)", or "none: bit for bit"; on the
 * record's kind of machine, where nothing is allowed, the deviation alone.
 */
export function describeDeviation(largest: Deviation | null, sameKind: boolean): string {
  if (!largest || largest.deviation === 0) return 'none: bit for bit';
  const where = `${largest.set} ${largest.metric}, epoch ${largest.epoch}: ${short(largest.deviation)}`;
  if (sameKind) return where;
  return largest.allowed === null ? `${where} (no tolerance for this kind of run)` : `${where} of ${short(largest.allowed)} allowed (${largest.share!.toFixed(2)})`;
}

/** The lines of one run: what it is, its largest deviation and verdict, and what to know about its key or machine. */
function runLines(run: RunVerification): string[] {
  const sameKind = run.machineDifferences.length === 0;
  const lines = [`  ${run.verdict.padEnd(14)} ${run.variant} · ${run.split} · seed ${run.seed} · ${run.key}`,
    `                 largest deviation: ${describeDeviation(run.largest, sameKind)}`];
  if (sameKind) lines.push('                 machine of the record\'s kind: bit for bit required');
  else lines.push(`                 machine differs from the record in: ${run.machineDifferences.join(', ')}`);
  if (run.tolerance && !sameKind) {
    lines.push(`                 tolerance: q = ${run.tolerance.quantile.toFixed(2)}, σ̂ across ${BASIS[run.tolerance.basis]} (${run.tolerance.degreesOfFreedom} df)`);
  }
  if (run.retrainedKey !== run.key) lines.push(`                 key here ${run.retrainedKey}: the arithmetic probe, data files or libraries differ from the record's`);
  return lines;
}

const BASIS = { seeds: 'seeds at the same split position', folds: 'the folds of one seed', borrowed: 'every group of its split kind' };

const count = (runs: RunVerification[], verdict: Verdict) => runs.filter((run) => run.verdict === verdict).length;

/** The whole report, line by line. */
export function reportLines(report: VerificationReport): string[] {
  const { sample, runs } = report;
  return [
    `Verification of ${sample.runs} of ${sample.of} committed run(s) in ${report.runsDirectory} (sample seed ${sample.sampleSeed})`,
    '',
    `This machine: ${describeMachine(report.machine)}`,
    ...report.recordedMachines.map(({ environment, runs: recorded }) => `Recorded on:  ${describeMachine(environment)} (${recorded} committed run(s))`),
    '',
    ...runs.flatMap(runLines),
    '',
    `Rule: ${report.tolerance.rule} (two-sided tail ${report.tolerance.tailProbability} per comparison; docs/verify.md).`,
    `Retrained in ${duration(report.wallSeconds)} (estimated ${duration(sample.estimatedSeconds)}, ${sample.workers} worker(s)).`,
    `Overall: ${report.verdict} (${count(runs, 'identical')} identical, ${count(runs, 'within noise')} within noise, ` +
      `${count(runs, 'not reproduced')} not reproduced)`,
  ];
}
