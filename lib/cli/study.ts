/**
 * `npm run study -- <command> [options]`: the study headless, on the same run cache as the notebooks.
 * This file reads the command line; lib/cli/study-commands.ts carries the commands out.
 */
import { resolve } from 'node:path';
import { VARIANTS } from '../model/network';
import { pinSettings } from '../base/tensorflow-settings';
import { DROPOUT_READINGS } from '../study/dropout-question';
import { currentProfile, parseProfile } from '../study/profile-names';
import { parseSpec } from '../study/run-spec';
import { runCommandLine } from './guard';
import { COMMANDS, Command, Request } from './request';

/** What `kfold --variant` takes: the five, and the study's dropout readings (notebook 13). */
const KFOLD_VARIANTS = [...VARIANTS, ...DROPOUT_READINGS];

const HELP = `Usage: npm run study -- <command> [options]

Commands:
  kfold --variant NAME  stratified k-fold cross-validation of one variant (${KFOLD_VARIANTS.join(', ')})
  select, decay         the reproduction alone (the original's protocol with one seed): k-fold of
                        all five variants, the best two retrained on all training images and
                        tested, the best one again with the LR halved every 5 epochs
  all                   every run the report needs (the reproduction, its repetition with other
                        seeds, the batch-size study), then the summary (with --json: results/)
  plan                  the runs \`all\` still needs, one JSON spec per line (for GNU parallel);
                        with --slurm and --kubernetes also as a Slurm array script and a
                        Kubernetes Indexed Job (README, "Beyond one machine"); the final
                        retrainings are listed once the cross-validation they depend on is in
                        the cache
  run SPEC              train exactly one run, given as a JSON spec (a line of \`plan\`); the spec
                        fixes variant, protocol, seed, split and data slice (only --data-dir and
                        --runs-dir apply)
  repair [SPEC]         set aside damaged runs and damaged checkpoints of the plan (or of the one
                        run SPEC) as <name>.damaged-<time>, so that the next call retrains or
                        resumes them; keeps the newest set-aside copy of each and removes older ones
  tensorboard           write the TensorBoard event files that runs of the plan lack or hold
                        incomplete (\`make tensorboard\` then serves them on 127.0.0.1)
  verify                retrain a seeded sample of the committed runs (--runs-dir) into a
                        temporary folder, compare every epoch's metrics with the record and
                        print a report: bit for bit on the record's CPU kind and settings, within
                        the seeds' own spread on another CPU (docs/verify.md); exit 1 if a run is
                        not reproduced. Default sample (about 11 min with 2 workers): one fold run
                        of each variant at batch 32 (every layer type's arithmetic), one final
                        retraining with LR decay (full training set, test set, schedule) and one
                        fold run of the batch-size study (other batch shapes), each drawn at
                        random with the sample seed

Options:
  --profile NAME     full (default) or fast, as the notebooks' STUDY_PROFILE (which it overrides)
  --variant NAME     the variant of kfold
  --k N              folds (integer ≥ 2, default 5)
  --epochs N         epochs per run (integer ≥ 1; default: the profile's)
  --seed N           seed of weights, folds, shuffles and dropout (integer ≥ 0, default 42)
                     (every N is a decimal integer: 0x10 or 1e3 is refused)
  --limit N          use only the first N training and N test images (default: the profile's)
  --data-dir DIR     verified Fashion-MNIST files (default: data/)
  --runs-dir DIR     run cache (default: runs/, or RUNS_DIRECTORY)
  --workers N        train missing runs in N worker processes at once (default 1; verify: 2);
                     capped at the number of runs and of CPU cores unless --oversubscribe is given
  --oversubscribe    allow more workers than CPU cores
  --json FILE        also write the JSON summary (verify: its report) to FILE; all, select and
                     decay write the CSV files beside it, the set replaced as a whole; FILE and
                     each CSV must be new or a regular file (not a link or device), checked first
  --runs N           verify: a stratified random sample of N runs (every kind of run once, in a
                     seeded order, before any twice; a kind: variant, protocol, split, data slice)
  --minutes M        verify: as many runs of that order as fit M minutes, estimated from their
                     recorded training time and the workers
  --all              verify: every committed run
  --sample-seed S    verify: the seed of the sample (integer ≥ 0, default 1)
  --key KEY          verify: exactly the committed run of that key (repeatable)
  --list             verify: list the sample and its estimated time, retrain nothing
  --slurm FILE       plan: also write a Slurm batch script to FILE, an array of one task per
                     line of the plan (submit with \`sbatch FILE\`)
  --kubernetes FILE  plan: also write a Kubernetes manifest to FILE, a ConfigMap with the plan
                     and an Indexed Job of one completion per line (\`kubectl apply -f FILE\`)
  --image REF        plan --kubernetes: the project's image the pods run (default
                     lenet5-fashion-mnist, what \`make image\` tags; push it where the cluster
                     pulls from and name it here)
  --help             this text

An option a command does not use is refused, never ignored: kfold, select, decay and all take
the study's options (--profile --k --epochs --seed --limit) and the training ones (--data-dir
--runs-dir --workers --oversubscribe --json); plan, repair and tensorboard the study's options and
--runs-dir; run --data-dir and --runs-dir; verify the training ones and its own.

Every run is cached: asking again reads it back; an interrupted run resumes at its last good
epoch; two processes asking for the same run at once train it once.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\nRun \`npm run study -- --help\` for usage.`);
    this.name = 'UsageError';
  }
}

/** A decimal integer ≥ minimum (no sign, no hex, no exponent: "0x10" or "1e3" is refused, never read as 16 or 1000). */
function integer(flag: string, value: string | undefined, minimum: number): number {
  const number = Number(value);
  if (value === undefined || !/^[0-9]+$/.test(value) || !Number.isSafeInteger(number) || number < minimum) {
    throw new UsageError(`${flag} needs a decimal integer ≥ ${minimum}, got ${value === undefined ? 'nothing' : `"${value}"`}`);
  }
  return number;
}

/** A value that must follow its option (and is not another option). */
function valueOf(flag: string, value: string | undefined): string {
  if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  return value;
}

/** A run key: 16 hex digits. @throws UsageError */
function runKeyOption(flag: string, value: string | undefined): string {
  const key = valueOf(flag, value);
  if (!/^[0-9a-f]{16}$/.test(key)) throw new UsageError(`${flag} needs a run key of 16 hex digits (the folder name in runs/<variant>/), got "${key}"`);
  return key;
}

const keysSoFar = (request: Request) => (request.verify.sample?.kind === 'keys' ? request.verify.sample.keys : []);

/** Options only `verify` takes, and options it refuses: it retrains committed runs exactly as recorded. */
const VERIFY_ONLY = ['--runs', '--minutes', '--all', '--key', '--sample-seed', '--list'];
/** Options only \`plan\` takes: the files it writes for schedulers. */
const PLAN_ONLY = ['--slurm', '--kubernetes', '--image'];

/** A container image reference (registry/name:tag or @digest): no spaces, no quotes. @throws UsageError */
function imageOption(flag: string, value: string | undefined): string {
  const image = valueOf(flag, value);
  if (!/^[a-z0-9][a-z0-9._\-/:]*(@sha256:[0-9a-f]{64})?$/i.test(image)) {
    throw new UsageError(`${flag} needs an image reference such as REGISTRY/lenet5-fashion-mnist:TAG, got "${image}"`);
  }
  return image;
}

/** The options that decide which runs the study asks for. */
const STUDY_SHAPE = ['--profile', '--k', '--epochs', '--seed', '--limit'];
const TRAINING = ['--data-dir', '--runs-dir', '--workers', '--oversubscribe', '--json'];

/** The options each command takes; any other is refused, never ignored. */
const OPTIONS_OF: Record<Command, string[]> = {
  kfold: ['--variant', ...STUDY_SHAPE, ...TRAINING],
  select: [...STUDY_SHAPE, ...TRAINING],
  decay: [...STUDY_SHAPE, ...TRAINING],
  all: [...STUDY_SHAPE, ...TRAINING],
  plan: [...STUDY_SHAPE, '--runs-dir', ...PLAN_ONLY],
  run: ['--data-dir', '--runs-dir'],
  repair: [...STUDY_SHAPE, '--runs-dir'],
  tensorboard: [...STUDY_SHAPE, '--runs-dir'],
  verify: ['--data-dir', '--runs-dir', '--workers', '--oversubscribe', '--json', ...VERIFY_ONLY],
};

/** Why `flag` does not apply to `command`, in one sentence. */
function misplacedOption(command: Command, flag: string, withSpec: boolean): string {
  if (command === 'verify') return `verify retrains committed runs as recorded: ${flag} does not apply`;
  if (VERIFY_ONLY.includes(flag)) return `${flag} is an option of verify, not of ${command}`;
  if (withSpec && [...STUDY_SHAPE, '--variant'].includes(flag)) {
    return `${command} takes its run from the spec (variant, protocol, seed, split and data slice): ${flag} does not apply; change the spec instead`;
  }
  const owners = (Object.keys(OPTIONS_OF) as Command[]).filter((other) => OPTIONS_OF[other].includes(flag));
  return `${flag} does not apply to ${command}${owners.length > 0 ? ` (it is an option of ${owners.join(', ')})` : ''}`;
}

/** Options given to a command that does not take them, and verify's sample options given together. @throws UsageError */
function checkCommandOptions(command: Command, given: string[], withSpec: boolean): void {
  const allowed = command === 'repair' && withSpec ? ['--runs-dir'] : OPTIONS_OF[command];
  const misplaced = given.find((flag) => !allowed.includes(flag));
  if (misplaced) throw new UsageError(misplacedOption(command, misplaced, withSpec));
  const samples = [...new Set(given.filter((flag) => ['--runs', '--minutes', '--all', '--key'].includes(flag)))];
  if (samples.length > 1) throw new UsageError(`${samples.join(' and ')} exclude each other: give one of --runs N, --minutes M, --all, --key KEY`);
}

/** Sets one option that takes a value. @throws UsageError on an unknown option or a bad value */
function setOption(request: Request, flag: string, value: string | undefined): void {
  switch (flag) {
    case '--variant': request.variant = valueOf(flag, value); break;
    case '--profile': request.profile = valueOf(flag, value); break;
    case '--k': request.k = integer(flag, value, 2); break;
    case '--epochs': request.epochs = integer(flag, value, 1); break;
    case '--seed': request.seed = integer(flag, value, 0); break;
    case '--limit': request.limit = integer(flag, value, 10); break;
    case '--data-dir': request.dataDirectory = resolve(valueOf(flag, value)); break;
    case '--runs-dir': request.runsDirectory = resolve(valueOf(flag, value)); break;
    case '--workers': request.workers = integer(flag, value, 1); break;
    case '--json': request.json = resolve(valueOf(flag, value)); break;
    case '--runs': request.verify.sample = { kind: 'runs', count: integer(flag, value, 1) }; break;
    case '--minutes': request.verify.sample = { kind: 'minutes', minutes: integer(flag, value, 1) }; break;
    case '--sample-seed': request.verify.sampleSeed = integer(flag, value, 0); break;
    case '--key': request.verify.sample = { kind: 'keys', keys: [...keysSoFar(request), runKeyOption(flag, value)] }; break;
    case '--slurm': request.engines.slurm = resolve(valueOf(flag, value)); break;
    case '--kubernetes': request.engines.kubernetes = resolve(valueOf(flag, value)); break;
    case '--image': request.engines.image = imageOption(flag, value); break;
    default: throw new UsageError(`unknown option "${flag}"`);
  }
}

/** Every option of some command (an option's value is checked where it is set). */
const KNOWN_OPTIONS = new Set(Object.values(OPTIONS_OF).flat());

/** The scheduler files of `plan`: two different files, and an image only for a manifest. @throws UsageError */
function checkEngineFiles({ engines }: Request): void {
  if (engines.image !== null && engines.kubernetes === null) throw new UsageError('--image names the image of the Kubernetes manifest: give --kubernetes FILE too');
  if (engines.slurm !== null && engines.slurm === engines.kubernetes) throw new UsageError(`--slurm and --kubernetes name the same file ${engines.slurm}: give each its own`);
}

/** Reads the arguments. @throws UsageError on anything it cannot take */
export function parseArguments(argv: string[]): Request | 'help' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, ...rest] = argv;
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"`);
  const request: Request = {
    command: command as Command, variant: null, spec: null, profile: null, k: null, epochs: null, seed: null, limit: null,
    dataDirectory: null, runsDirectory: null, workers: command === 'verify' ? 2 : 1, oversubscribe: false, json: null,
    verify: { sample: null, sampleSeed: null, listOnly: false }, engines: { slurm: null, kubernetes: null, image: null },
  };
  if (command === 'run') request.spec = valueOf('run', rest.shift());
  if (command === 'repair' && rest.length > 0 && !rest[0].startsWith('--')) request.spec = rest.shift()!;
  const given: string[] = [];
  for (let index = 0; index < rest.length; index += 1) {
    const flag = rest[index];
    if (!KNOWN_OPTIONS.has(flag)) throw new UsageError(flag.startsWith('--') ? `unknown option "${flag}"` : `unexpected argument "${flag}"`);
    given.push(flag);
    if (flag === '--oversubscribe') request.oversubscribe = true;
    else if (flag === '--all') request.verify.sample = { kind: 'all' };
    else if (flag === '--list') request.verify.listOnly = true;
    else setOption(request, flag, rest[(index += 1)]);
  }
  checkCommandOptions(request.command, given, request.spec !== null);
  checkEngineFiles(request);
  if (command === 'kfold' && !request.variant) throw new UsageError('kfold needs --variant NAME');
  if (request.variant !== null && !KFOLD_VARIANTS.includes(request.variant)) {
    throw new UsageError(`unknown variant "${request.variant}"; expected one of ${KFOLD_VARIANTS.join(', ')}`);
  }
  return request;
}

/**
 * What can be checked without TensorFlow, checked before it loads (it takes seconds): the profile
 * (--profile or STUDY_PROFILE), TensorFlow's settings, a run's spec.
 * @throws ProfileError, SettingsError, SpecError
 */
export function checkBeforeLoading(request: Request, environment: Record<string, string | undefined> = process.env): void {
  if (request.profile !== null) parseProfile(request.profile, '--profile');
  else currentProfile(environment);
  pinSettings({ ...environment });
  if (request.spec !== null) parseSpec(request.spec, VARIANTS);
}

async function main(): Promise<void> {
  const request = parseArguments(process.argv.slice(2));
  if (request === 'help') {
    console.log(HELP);
    return;
  }
  checkBeforeLoading(request);
  // Loaded only now: TensorFlow takes seconds to load, and everything above needs none.
  const { runRequest } = await import('./study-commands');
  await runRequest(request);
}

if (require.main === module) runCommandLine('study', main);
