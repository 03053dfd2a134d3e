/**
 * `npm run study -- <command> [options]`: the study headless, on the same run cache as the notebooks.
 * This file reads the command line; lib/cli/study-commands.ts carries the commands out.
 */
import { resolve } from 'node:path';
import { VARIANTS } from '../model/network';
import { runCommandLine } from './guard';
import { COMMANDS, Command, Request } from './request';

const HELP = `Usage: npm run study -- <command> [options]

Commands:
  kfold --variant NAME  stratified k-fold cross-validation of one variant (${VARIANTS.join(', ')})
  select, decay         the reproduction alone (the original's protocol with one seed): k-fold of
                        all five variants, the best two retrained on all training images and
                        tested, the best one again with the LR halved every 5 epochs
  all                   every run the report needs (the reproduction, its repetition with other
                        seeds, the batch-size study), then the summary (with --json: results/)
  plan                  the runs \`all\` still needs, one JSON spec per line (for GNU parallel,
                        a Slurm array, a Kubernetes Job: see README); the final retrainings are
                        listed once the cross-validation they depend on is in the cache
  run SPEC              train exactly one run, given as a JSON spec (a line of \`plan\`)
  repair [SPEC]         set aside damaged runs of the plan, or the one run SPEC, as
                        <key>.damaged-<time>, so that the next call retrains them
  tensorboard           write the TensorBoard event files that runs of the plan lack
                        (\`make tensorboard\` then serves them on 127.0.0.1)

Options:
  --profile NAME     full (default) or fast, as the notebooks' STUDY_PROFILE (which it overrides)
  --variant NAME     the variant of kfold
  --k N              folds (integer ≥ 2, default 5)
  --epochs N         epochs per run (integer ≥ 1; default: the profile's)
  --seed N           seed of weights, folds, shuffles and dropout (integer ≥ 0, default 42)
  --limit N          use only the first N training and N test images (default: the profile's)
  --data-dir DIR     verified Fashion-MNIST files (default: data/)
  --runs-dir DIR     run cache (default: runs/, or RUNS_DIRECTORY)
  --workers N        train missing runs in N worker processes at once (default 1); capped at the
                     number of runs and of CPU cores unless --oversubscribe is given
  --oversubscribe    allow more workers than CPU cores
  --json FILE        also write the JSON summary to FILE, atomically (checked writable first)
  --help             this text

Every run is cached: asking again reads it back; an interrupted run resumes at its last good
epoch; two processes asking for the same run at once train it once.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\nRun \`npm run study -- --help\` for usage.`);
    this.name = 'UsageError';
  }
}

function integer(flag: string, value: string | undefined, minimum: number): number {
  const number = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(number) || number < minimum) {
    throw new UsageError(`${flag} needs an integer ≥ ${minimum}, got ${value === undefined ? 'nothing' : `"${value}"`}`);
  }
  return number;
}

/** A value that must follow its option (and is not another option). */
function valueOf(flag: string, value: string | undefined): string {
  if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  return value;
}

const FLAGS_WITHOUT_VALUE = new Set(['--oversubscribe']);

/** Reads the arguments. @throws UsageError on anything it cannot take */
export function parseArguments(argv: string[]): Request | 'help' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, ...rest] = argv;
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"`);
  const request: Request = {
    command: command as Command, variant: null, spec: null, profile: null, k: null, epochs: null, seed: null, limit: null,
    dataDirectory: null, runsDirectory: null, workers: 1, oversubscribe: false, json: null,
  };
  if (command === 'run') request.spec = valueOf('run', rest.shift());
  if (command === 'repair' && rest.length > 0 && !rest[0].startsWith('--')) request.spec = rest.shift()!;
  for (let index = 0; index < rest.length; index += 1) {
    const flag = rest[index];
    if (FLAGS_WITHOUT_VALUE.has(flag)) { request.oversubscribe = true; continue; }
    const value = rest[index + 1];
    index += 1;
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
      default: throw new UsageError(`unknown option "${flag}"`);
    }
  }
  if (command === 'kfold' && !request.variant) throw new UsageError('kfold needs --variant NAME');
  if (request.variant !== null && !(VARIANTS as readonly string[]).includes(request.variant)) {
    throw new UsageError(`unknown variant "${request.variant}"; expected one of ${VARIANTS.join(', ')}`);
  }
  return request;
}

async function main(): Promise<void> {
  const request = parseArguments(process.argv.slice(2));
  if (request === 'help') {
    console.log(HELP);
    return;
  }
  // Loaded only now: TensorFlow's settings are checked when it loads, and reported like any error.
  const { runRequest } = await import('./study-commands');
  await runRequest(request);
}

if (require.main === module) runCommandLine('study', main);
