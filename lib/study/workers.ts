/**
 * Training independent runs (folds, variants) at the same time in worker processes, so both cores
 * work. Each worker trains one run with its own TensorFlow threads and writes its own cache entry;
 * the parent shows one combined progress line. A worker that dies loses only its own run: the
 * others go on, and the next call resumes that run from its last checkpoint.
 *
 * An interrupt (SIGINT: Ctrl-C in a terminal, Kernel → Interrupt in Jupyter) stops the pool: no
 * further run starts, the running workers stop (each keeps its last epoch's checkpoint), and the
 * call rejects with TrainingInterrupted, so the process that called it (a notebook's kernel) lives on.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { ProgressReporter, silentReporter } from './progress';
import { describeRun, RunSpec } from './run-spec';

/** One run for a worker, and where it reads data and writes the cache. */
export interface WorkerTask {
  spec: RunSpec;
  dataDirectory: string;
  runsDirectory?: string;
}

/** What a worker sends its parent. */
export type WorkerMessage =
  | { kind: 'progress'; status: string }
  | { kind: 'log'; line: string }
  | { kind: 'done'; key: string }
  /** The run failed: an error the user can act on (bad data, a damaged run: `expected`), or a bug. */
  | { kind: 'failed'; message: string; expected: boolean };

export interface WorkerPoolOptions {
  workers: number;
  dataDirectory: string;
  runsDirectory?: string;
  reporter?: ProgressReporter;
}

export interface WorkerFailure {
  spec: RunSpec;
  reason: string;
  /** A crash or a kill, not an error the worker could name: the run resumes when asked again. */
  crashed: boolean;
}

export class WorkerPoolError extends Error {
  constructor(readonly failures: WorkerFailure[]) {
    const crashes = failures.some((failure) => failure.crashed);
    super(`${failures.length} run(s) failed in workers: ${failures.map((f) => `${describeRun(f.spec)} (${f.reason})`).join('; ')}` +
      (crashes ? '; finished runs are cached, and calling again resumes the crashed ones from their last checkpoint' : ''));
    this.name = 'WorkerPoolError';
  }
}

/** The pool was interrupted: finished runs are cached, unfinished ones resume from their last checkpoint. */
export class TrainingInterrupted extends Error {
  constructor(readonly finished: number, readonly total: number) {
    super(`training interrupted after ${finished} of ${total} run(s): the finished ones are cached, and running again resumes the others from their last checkpoint`);
    this.name = 'TrainingInterrupted';
  }
}

const WORKER_SCRIPT = join(__dirname, '..', 'cli', 'run-worker.js');

/** "1 h 05 min", "4 min", "40 s". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

type Outcome = { finished: true } | { failed: string; expected: boolean } | { crashed: string };

/** Trains one spec in a new worker process; `onStatus` gets its progress lines. */
function trainInWorker(spec: RunSpec, options: WorkerPoolOptions, onStatus: (status: string) => void, running: Set<ChildProcess>): Promise<Outcome> {
  const reporter = options.reporter ?? silentReporter;
  const task: WorkerTask = { spec, dataDirectory: options.dataDirectory, runsDirectory: options.runsDirectory };
  const child = fork(WORKER_SCRIPT, [JSON.stringify(task)], {
    // The parent's environment holds its pinned TensorFlow settings (lib/base/tensorflow): workers train alike.
    env: process.env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // Lets the worker free the data's staging arrays right after loading (see studyData).
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stderr = '';
  let outcome: Outcome | null = null;
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
  child.on('message', (message: WorkerMessage) => {
    if (message.kind === 'progress') onStatus(message.status);
    if (message.kind === 'log') reporter.log(message.line);
    if (message.kind === 'done') outcome = { finished: true };
    if (message.kind === 'failed') outcome = { failed: message.message, expected: message.expected };
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => {
    const lastLine = stderr.trim().split('\n').filter((line) => !/^(WARNING|I0000|To enable)/.test(line)).pop() ?? '';
    resolve(outcome ?? { crashed: signal ? `killed by ${signal}` : `exit code ${code}${lastLine ? `: ${lastLine}` : ''}` });
  }));
}

/**
 * Trains every spec, at most `workers` at a time; resolves when all are done, rejects if any failed.
 * Progress: runs done of all, an ETA from the runs finished so far, and each worker's status. After
 * an error a worker can name (bad data, say), no further run is started: it would fail alike.
 */
export async function runInWorkers(specs: RunSpec[], options: WorkerPoolOptions): Promise<void> {
  const reporter = options.reporter ?? silentReporter;
  const queue = [...specs];
  const statuses = new Map<number, string>();
  const failures: WorkerFailure[] = [];
  const workers = Math.min(options.workers, specs.length);
  const started = performance.now();
  let done = 0;
  reporter.log(`training ${specs.length} run(s) in ${workers} worker processes`);
  const showStatus = () => {
    const elapsed = (performance.now() - started) / 1000;
    const eta = done > 0 ? ` · ETA ${duration((elapsed / done) * (specs.length - done))}` : '';
    reporter.update(`[${done}/${specs.length} runs${eta}] ${[...statuses.values()].join('  |  ')}`);
  };
  const running = new Set<ChildProcess>();
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    queue.length = 0;
    for (const child of running) child.kill('SIGTERM');
  };
  const next = async (slot: number): Promise<void> => {
    const spec = failures.some((failure) => !failure.crashed) ? undefined : queue.shift();
    if (!spec) return;
    const outcome = await trainInWorker(spec, options, (status) => { statuses.set(slot, status); showStatus(); }, running);
    statuses.delete(slot);
    if ('finished' in outcome) done += 1;
    else if (interrupted) return;
    else {
      const failure: WorkerFailure = 'failed' in outcome ? { spec, reason: outcome.failed, crashed: !outcome.expected } : { spec, reason: outcome.crashed, crashed: true };
      failures.push(failure);
      reporter.log(`${describeRun(spec)}: worker failed (${failure.reason})`);
    }
    showStatus();
    await next(slot);
  };
  process.on('SIGINT', interrupt);
  try {
    await Promise.all(Array.from({ length: workers }, (_, slot) => next(slot)));
  } finally {
    process.off('SIGINT', interrupt);
  }
  if (interrupted) {
    reporter.log(`interrupted: ${done} of ${specs.length} run(s) finished and cached; the others resume from their last checkpoint when asked again`);
    throw new TrainingInterrupted(done, specs.length);
  }
  if (failures.length > 0) throw new WorkerPoolError(failures);
}
