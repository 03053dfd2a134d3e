/**
 * Fault injection for the tests of crash safety. With STUDY_INJECT_FAULT="<point>:<epoch>", a
 * process that reaches that point of that epoch kills itself with SIGKILL, exactly as a crash or
 * `kill -9` would: a test stops a run at a chosen moment instead of racing it with a timer.
 *
 *   checkpoint-written       after epoch N's checkpoint is in place
 *   checkpoint-half-written  while epoch N's checkpoint is being written (its files half there)
 *
 * And one fault of arithmetic, for the tests of `study verify`: with
 * STUDY_INJECT_FAULT="learning-rate-scale:<factor>", every training step of a run of the cache uses
 * the learning rate times <factor>, while the spec, the learning rate recorded per epoch and the run
 * key stay as they were (the arithmetic probe trains without it): numbers that differ under the same
 * name, as a silent change of arithmetic, or another CPU's kernels, would give.
 *
 * And one fault of the file system: with STUDY_INJECT_FAULT="disk-full:<file name>", writing a file of
 * that name fails as on a full disk (ENOSPC), before any byte of it is written.
 */
import { basename } from 'node:path';

export type FaultPoint = 'checkpoint-written' | 'checkpoint-half-written';

export function faultPoint(point: FaultPoint, epoch: number): void {
  if (process.env.STUDY_INJECT_FAULT === `${point}:${epoch}`) process.kill(process.pid, 'SIGKILL');
}

const LEARNING_RATE_SCALE = /^learning-rate-scale:(.*)$/;

/**
 * The factor STUDY_INJECT_FAULT="learning-rate-scale:<factor>" asks for, or 1 when no such fault is set.
 * @throws Error when the factor is not a positive finite number
 */
export function learningRateScale(): number {
  const match = LEARNING_RATE_SCALE.exec(process.env.STUDY_INJECT_FAULT ?? '');
  if (!match) return 1;
  const factor = Number(match[1]);
  if (match[1].trim() === '' || !Number.isFinite(factor) || factor <= 0) {
    throw new Error(`STUDY_INJECT_FAULT=learning-rate-scale:<factor> needs a positive number, got "${match[1]}"`);
  }
  return factor;
}

/** Throws ENOSPC, as a full disk would, when STUDY_INJECT_FAULT="disk-full:<the file's name>". */
export function injectedWriteFailure(path: string): void {
  if (process.env.STUDY_INJECT_FAULT !== `disk-full:${basename(path)}`) return;
  const error: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write (injected by STUDY_INJECT_FAULT)');
  error.code = 'ENOSPC';
  throw error;
}
