/**
 * One process trains a run at a time: `runs/<variant>/<key>.lock` is created exclusively (O_EXCL)
 * by the process that trains the run, and removed when it is done. Another process that asks for
 * the same run meanwhile waits, then reads the stored result. The lock works across processes of
 * one machine and across machines sharing the run folder (NFS, GNU parallel over ssh, a Slurm
 * array), so overlapping jobs never train a run twice or corrupt it.
 *
 * A lock whose owner died is taken over: on the same machine when its process no longer exists,
 * on any machine when it has not been refreshed for STALE_AFTER_MS (its owner refreshes it every
 * epoch and every HEARTBEAT_MS).
 */
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { processIsAlive } from './run-files';
import type { ProgressReporter } from './progress';

export const HEARTBEAT_MS = 30_000;
export const STALE_AFTER_MS = 10 * 60_000;
/** How often a waiting process looks at the lock again. */
const WAIT_POLL_MS = 1_000;

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return null; // gone meanwhile, or being written: look again
  }
}

function isStale(path: string, owner: LockOwner | null): boolean {
  try {
    if (owner && owner.host === hostname() && !processIsAlive(owner.pid)) return true;
    return Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS;
  } catch {
    return false; // the lock was released meanwhile
  }
}

function tryAcquire(path: string): boolean {
  try {
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * Runs `work` holding the lock of the run in `runFolder` (waiting while another process holds it).
 * `work` gets a heartbeat to call while it makes progress.
 */
export async function withRunLock<T>(runFolder: string, context: { label: string; reporter: ProgressReporter },
  work: (heartbeat: () => void) => Promise<T>): Promise<T> {
  const path = `${runFolder}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  let announced = false;
  while (!tryAcquire(path)) {
    const owner = readOwner(path);
    if (isStale(path, owner)) {
      context.reporter.log(`${context.label}: taking over the lock of process ${owner?.pid ?? '?'} on ${owner?.host ?? '?'}, which no longer runs`);
      rmSync(path, { force: true });
      continue;
    }
    if (!announced) context.reporter.log(`${context.label}: process ${owner?.pid ?? '?'} on ${owner?.host ?? '?'} is training this run; waiting for it`);
    announced = true;
    await sleep(WAIT_POLL_MS);
  }
  const heartbeat = () => { try { const now = new Date(); utimesSync(path, now, now); } catch { /* released */ } };
  const timer = setInterval(heartbeat, HEARTBEAT_MS);
  timer.unref();
  try {
    return await work(heartbeat);
  } finally {
    clearInterval(timer);
    if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
  }
}
