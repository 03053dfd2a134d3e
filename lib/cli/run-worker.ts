/**
 * A worker process of lib/study/workers.ts: trains one run (argv[2] is a JSON WorkerTask) into the run
 * cache and reports progress, completion or failure to its parent over IPC.
 */
import type { ProgressReporter } from '../study/progress';
import { ensureRun } from '../study/runs';
import { loadRunData } from '../study/study';
import type { WorkerMessage, WorkerTask } from '../study/workers';
import { expectedErrorMessage } from './guard';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

let finishing = false;
// A worker whose parent is gone (killed, crashed) stops: its run resumes from its last checkpoint later.
process.on('disconnect', () => { if (!finishing) process.exit(1); });

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2]) as WorkerTask;
  const reporter: ProgressReporter = {
    update: (status) => send({ kind: 'progress', status }),
    log: (line) => send({ kind: 'log', line }),
  };
  const record = await ensureRun(task.spec, () => loadRunData(task.spec, task.dataDirectory), {
    runsDirectory: task.runsDirectory, reporter,
  });
  send({ kind: 'done', key: record.key });
}

main().catch((error: unknown) => {
  const expected = expectedErrorMessage(error);
  if (expected === null) console.error(error instanceof Error ? error.stack : String(error));
  send({ kind: 'failed', message: expected ?? (error instanceof Error ? error.message : String(error)), expected: expected !== null });
  process.exitCode = 1;
}).finally(() => {
  finishing = true;
  process.disconnect?.();
});
