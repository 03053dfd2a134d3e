/**
 * Training independent runs (folds, variants) at the same time in worker processes, so both cores
 * work. Each worker trains one run with its own TensorFlow threads and writes its own cache entry;
 * the parent shows one combined progress line. A worker that dies loses only its own run: the
 * others go on, and the next call resumes that run from its last checkpoint.
 */
import { fork } from 'node:child_process';
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
  | { kind: 'done'; key: string };

export interface WorkerPoolOptions {
  workers: number;
  dataDirectory: string;
  runsDirectory?: string;
  reporter?: ProgressReporter;
}

export interface WorkerFailure {
  spec: RunSpec;
  reason: string;
}

export class WorkerPoolError extends Error {
  constructor(readonly failures: WorkerFailure[]) {
    super(`${failures.length} run(s) failed in workers: ${failures.map((f) => `${describeRun(f.spec)} (${f.reason})`).join('; ')}; ` +
      'finished runs are cached, and calling again resumes the failed ones from their last checkpoint');
    this.name = 'WorkerPoolError';
  }
}

const WORKER_SCRIPT = join(__dirname, 'cli', 'run-worker.js');

/** Trains every spec, at most `workers` at a time; resolves when all are done, rejects if any failed. */
export async function runInWorkers(specs: RunSpec[], options: WorkerPoolOptions): Promise<void> {
  const reporter = options.reporter ?? silentReporter;
  const queue = [...specs];
  const statuses = new Map<number, string>();
  const failures: WorkerFailure[] = [];
  reporter.log(`training ${specs.length} run(s) in ${Math.min(options.workers, specs.length)} worker processes`);
  const showStatus = () => reporter.update([...statuses.values()].join('  |  '));

  const startWorker = (slot: number): Promise<void> => {
    const spec = queue.shift();
    if (!spec) return Promise.resolve();
    const task: WorkerTask = { spec, dataDirectory: options.dataDirectory, runsDirectory: options.runsDirectory };
    return new Promise<void>((resolve) => {
      const child = fork(WORKER_SCRIPT, [JSON.stringify(task)], {
        // The parent's environment holds its pinned TensorFlow settings (lib/tensorflow): workers train alike.
        env: process.env,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        // Lets the worker free the data's staging arrays right after loading (see studyData).
        execArgv: [...process.execArgv, '--expose-gc'],
      });
      let stderr = '';
      let finished = false;
      child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
      child.on('message', (message: WorkerMessage) => {
        if (message.kind === 'progress') { statuses.set(slot, message.status); showStatus(); }
        if (message.kind === 'log') reporter.log(message.line);
        if (message.kind === 'done') finished = true;
      });
      child.on('exit', (code, signal) => {
        statuses.delete(slot);
        if (!finished) {
          const lastLine = stderr.trim().split('\n').filter((line) => !/^(WARNING|I0000|To enable)/.test(line)).pop() ?? '';
          failures.push({ spec, reason: signal ? `killed by ${signal}` : `exit code ${code}${lastLine ? `: ${lastLine}` : ''}` });
          reporter.log(`${describeRun(spec)}: worker failed (${failures[failures.length - 1].reason})`);
        }
        resolve(startWorker(slot));
      });
    });
  };

  await Promise.all(Array.from({ length: Math.min(options.workers, specs.length) }, (_, slot) => startWorker(slot)));
  if (failures.length > 0) throw new WorkerPoolError(failures);
}
