/**
 * The commands of `npm run study` (lib/cli/study.ts reads the command line).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_DIRECTORY } from '../base/paths';
import { VARIANTS } from '../model/network';
import { DEFAULT_IMAGE, kubernetesManifest, planLines, slurmScript } from '../study/engine-plans';
import { currentProfile, parseProfile, profileOptions } from '../study/profiles';
import { ProgressReporter, terminalReporter } from '../study/progress';
import { CorruptRunError, notARegularFile, OutputFileError, writeFileAtomically, writeFilesTogether } from '../study/run-files';
import { pruneSetAside, setAside, setAsideCheckpointNames } from '../study/run-checks';
import { parseSpec, RunSpec } from '../study/run-spec';
import type { Request } from './request';
import { cachedRun, damagedCheckpoints, DEFAULT_RUNS_DIRECTORY, ensureRun, labelledEpoch, runLocation } from '../study/runs';
import { crossValidationSpecs, loadRunData, runKFold, studyPlan, StudyOptions, trainPlan } from '../study/study';
import { hasTensorBoard, writeTensorBoard } from '../study/tensorboard';
import { kfoldSummary, resultFiles, studySummary, writeResults } from '../study/results';
import { NotReproducedError, sampleListing, verificationSample, verifyCommittedRuns } from '../study/verify';
import { reportLines } from '../study/verify-report';
import { DEFAULT_SAMPLE_SEED } from '../study/verify-sample';

/** Commands whose --json writes a results set (the summary and the CSV files beside it). */
const WRITES_RESULT_SET = ['all', 'select', 'decay'];

/** An output file (--json, --slurm, --kubernetes) that cannot be written, said before anything trains. */
const outputFileError = (path: string, problem: string, flag = '--json') =>
  new OutputFileError(`${flag} ${path}`, problem, 'choose another file or fix its folder\'s permissions (nothing was trained)');

/**
 * Checks that every file the command will write for --json (`path`, and for a results set the CSV
 * files beside it) can be created or replaced, before hours of training depend on it: its folder
 * exists and is writable, and the file is new or a regular file (never a link or device, which the
 * rename into place would replace with a regular file).
 * @throws OutputFileError
 */
function checkWritable(path: string, command: string, flag = '--json'): void {
  const folder = dirname(path);
  if (!existsSync(folder)) throw outputFileError(path, `its folder ${folder} does not exist`, flag);
  if (!statSync(folder).isDirectory()) throw outputFileError(path, `${folder} is not a folder`, flag);
  for (const file of flag === '--json' && WRITES_RESULT_SET.includes(command) ? resultFiles(path) : [path]) {
    const problem = notARegularFile(file);
    if (problem) throw outputFileError(path, file === path ? problem : `${file} (written beside it): ${problem}`, flag);
  }
  try {
    accessSync(folder, constants.W_OK);
    if (existsSync(path)) accessSync(path, constants.W_OK);
  } catch {
    throw outputFileError(path, 'permission denied', flag);
  }
}

/** Worker processes: as asked, but no more than CPU cores unless told to oversubscribe. */
export function workerCount(requested: number, oversubscribe: boolean, cores = cpus().length): number {
  return oversubscribe ? requested : Math.max(1, Math.min(requested, cores));
}

/** The one terminal line every step of a command reports to. */
const reporter: ProgressReporter = terminalReporter();

function optionsFor(request: Request): StudyOptions {
  const profile = request.profile === null ? currentProfile() : parseProfile(request.profile, '--profile');
  const base = profileOptions(profile);
  return {
    ...base,
    protocol: { ...base.protocol, epochs: request.epochs ?? base.protocol.epochs },
    k: request.k ?? base.k,
    seed: request.seed ?? base.seed,
    limit: request.limit ?? base.limit,
    dataDirectory: request.dataDirectory ?? base.dataDirectory,
    runsDirectory: request.runsDirectory ?? DEFAULT_RUNS_DIRECTORY,
    workers: workerCount(request.workers, request.oversubscribe),
    progress: () => reporter,
  };
}

/**
 * `plan`: the runs the cache lacks, one JSON spec per line; with --slurm and --kubernetes also as a
 * Slurm array script and a Kubernetes manifest made from the same lines (an empty plan writes none).
 */
async function plan(options: StudyOptions, engines: Request['engines']): Promise<void> {
  const { specs, complete } = await studyPlan(options);
  const missing = [];
  for (const spec of specs) if (!(await cachedRun(spec, options.runsDirectory))) missing.push(spec);
  const lines = planLines(missing);
  for (const line of lines) console.log(line);
  reporter.log(`${missing.length} of ${specs.length} runs missing` +
    (complete ? '' : '; the final retrainings follow once the cross-validation above is in the cache (run plan again then)'));
  const files = [[engines.slurm, '--slurm'], [engines.kubernetes, '--kubernetes']].filter(([path]) => path !== null) as [string, string][];
  if (lines.length === 0) {
    for (const [path, flag] of files) reporter.log(`${flag} ${path} not written: the plan is empty, every run is in the cache`);
    return;
  }
  const engineOptions = { projectDirectory: PROJECT_DIRECTORY, runsDirectory: options.runsDirectory ?? DEFAULT_RUNS_DIRECTORY, image: engines.image ?? DEFAULT_IMAGE };
  if (engines.slurm) {
    writeFileAtomically(engines.slurm, slurmScript(lines, engineOptions));
    reporter.log(`wrote ${engines.slurm}: a Slurm array of ${lines.length} tasks (submit: sbatch ${engines.slurm})`);
  }
  if (engines.kubernetes) {
    writeFileAtomically(engines.kubernetes, kubernetesManifest(lines, engineOptions));
    reporter.log(`wrote ${engines.kubernetes}: an Indexed Job of ${lines.length} completions and its ConfigMap (kubectl apply -f ${engines.kubernetes})`);
  }
}

/** `run`: one spec, trained into the cache (or read from it). */
async function runOne(text: string, options: StudyOptions): Promise<void> {
  const spec: RunSpec = parseSpec(text, VARIANTS);
  const record = await ensureRun(spec, () => loadRunData(spec, options.dataDirectory), { runsDirectory: options.runsDirectory, reporter });
  console.log(JSON.stringify({ key: record.key, variant: spec.variant, final: labelledEpoch(spec, record.history[record.history.length - 1]) }));
}

/**
 * `repair`: damaged runs and damaged checkpoints set aside (the plan's, or one spec's), so that the
 * next call retrains or resumes them; older set-aside copies removed (the newest of each is kept).
 * The cross-validation is repaired first: the rest of the plan (the final retrainings) is computed
 * from its runs.
 */
async function repair(options: StudyOptions, specText: string | null): Promise<void> {
  const runsDirectory = options.runsDirectory ?? DEFAULT_RUNS_DIRECTORY;
  const counts = { runs: 0, checkpoints: 0, removed: 0 };
  const repairAll = async (specs: RunSpec[]) => { for (const spec of specs) await repairRun(spec, runsDirectory, counts); };
  if (specText) {
    await repairAll([parseSpec(specText, VARIANTS)]);
  } else {
    const crossValidation = crossValidationSpecs(options);
    await repairAll(crossValidation);
    const done = new Set(crossValidation.map((spec) => JSON.stringify(spec)));
    await repairAll((await studyPlan(options)).specs.filter((spec) => !done.has(JSON.stringify(spec))));
  }
  reporter.log(`${counts.runs} damaged run(s) and ${counts.checkpoints} damaged checkpoint(s) set aside, ${counts.removed} older set-aside ` +
    'copies removed; the next call (study all or run, or a notebook) retrains or resumes them');
}

async function repairRun(spec: RunSpec, runsDirectory: string, counts: { runs: number; checkpoints: number; removed: number }): Promise<void> {
  const { folder } = await runLocation(spec, runsDirectory);
  try {
    await cachedRun(spec, runsDirectory);
  } catch (error) {
    if (!(error instanceof CorruptRunError)) throw error;
    reporter.log(`${error.path}: ${error.problem}: run set aside as ${setAside(folder)}`);
    counts.runs += 1;
  }
  for (const { checkpoint, error } of damagedCheckpoints(spec, folder)) {
    reporter.log(`${error.path}: ${error.problem}: checkpoint set aside as ${setAside(checkpoint)}`);
    counts.checkpoints += 1;
  }
  for (const copy of [folder, ...setAsideCheckpointNames(folder).map((name) => join(folder, name))].flatMap(pruneSetAside)) {
    reporter.log(`removed ${copy}, an older set-aside copy`);
    counts.removed += 1;
  }
}

/** `tensorboard`: event files for every run of the plan that lacks them or holds them incomplete. */
async function tensorBoard(options: StudyOptions): Promise<void> {
  const { specs } = await studyPlan(options);
  let written = 0;
  let absent = 0;
  for (const spec of specs) {
    const run = await cachedRun(spec, options.runsDirectory);
    const { folder } = await runLocation(spec, options.runsDirectory);
    if (!run) absent += 1;
    else if (!hasTensorBoard(run, folder)) {
      writeTensorBoard(run, folder);
      written += 1;
    }
  }
  reporter.log(`TensorBoard event files written for ${written} of ${specs.length} run(s) of the plan` +
    `${absent > 0 ? ` (${absent} not trained yet)` : ''}; \`make tensorboard\` serves ${options.runsDirectory} on 127.0.0.1`);
}

export async function runRequest(request: Request): Promise<void> {
  const options = optionsFor(request);
  if (request.json) checkWritable(request.json, request.command);
  if (request.engines.slurm) checkWritable(request.engines.slurm, request.command, '--slurm');
  if (request.engines.kubernetes) checkWritable(request.engines.kubernetes, request.command, '--kubernetes');
  switch (request.command) {
    case 'plan': return plan(options, request.engines);
    case 'run': return runOne(request.spec!, options);
    case 'repair': return repair(options, request.spec);
    case 'tensorboard': return tensorBoard(options);
    case 'verify': return verify(request, options);
    case 'kfold': return report({ command: 'kfold', kfold: [kfoldSummary(await runKFold(request.variant!, options))] }, [], request.json);
    case 'all': {
      await trainPlan(options);
      const { summary, runs } = await studySummary(options);
      return report({ command: 'all', ...summary }, runs, request.json);
    }
    default: {
      // select and decay: the reproduction's part of the study only.
      const reproduction = { ...options, cvSeeds: [options.seed], finalSeeds: [options.seed], batchSizes: [options.protocol.batchSize] };
      const { summary, runs } = await studySummary(reproduction);
      return report({ command: request.command, ...summary }, runs, request.json);
    }
  }
}

/**
 * `verify`: retrains a sample of the committed runs and compares them with their records; the report
 * to stdout (and with --json to its file, atomically), then a non-zero exit if any run is not reproduced;
 * with --list only the sample and its estimate, nothing retrained.
 * @throws NotReproducedError after the report, when a run is not reproduced
 */
async function verify(request: Request, options: StudyOptions): Promise<void> {
  const verifyOptions = {
    runsDirectory: options.runsDirectory ?? DEFAULT_RUNS_DIRECTORY, dataDirectory: options.dataDirectory, workers: options.workers ?? 1,
    request: request.verify.sample ?? { kind: 'default' as const }, sampleSeed: request.verify.sampleSeed ?? DEFAULT_SAMPLE_SEED, reporter,
  };
  if (request.verify.listOnly) {
    const { committed, sample } = verificationSample(verifyOptions);
    console.log(sampleListing(sample, committed.length).join('\n'));
    return;
  }
  const report = await verifyCommittedRuns(verifyOptions);
  console.log(reportLines(report).join('\n'));
  if (request.json) {
    writeFilesTogether([[request.json, `${JSON.stringify(report, null, 2)}\n`]]);
    reporter.log(`wrote the verification report to ${request.json}`);
  }
  if (report.verdict === 'not reproduced') throw new NotReproducedError(report);
}

/** The summary to stdout, and with --json to its file (the data frames as CSV beside it). */
function report(summary: Record<string, unknown>, runs: Parameters<typeof writeResults>[2], json: string | null): void {
  console.log(JSON.stringify(summary, null, 2));
  if (!json) return;
  const written = runs.length > 0 ? writeResults(json, summary, runs) : (writeFilesTogether([[json, `${JSON.stringify(summary, null, 2)}\n`]]), [json]);
  reporter.log(`wrote ${written.join(', ')}`);
}
