/**
 * Fault injection for the tests of crash safety. With STUDY_INJECT_FAULT="<point>:<epoch>", a
 * process that reaches that point of that epoch kills itself with SIGKILL, exactly as a crash or
 * `kill -9` would: a test stops a run at a chosen moment instead of racing it with a timer.
 *
 *   checkpoint-written       after epoch N's checkpoint is in place
 *   checkpoint-half-written  while epoch N's checkpoint is being written (its files half there)
 */
export type FaultPoint = 'checkpoint-written' | 'checkpoint-half-written';

export function faultPoint(point: FaultPoint, epoch: number): void {
  if (process.env.STUDY_INJECT_FAULT === `${point}:${epoch}`) process.kill(process.pid, 'SIGKILL');
}
