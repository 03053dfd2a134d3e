/**
 * Progress inside a notebook: one output holding the kept lines and a live status line, updated
 * in place (the study layer's ProgressReporter, drawn through the kernel's display channel).
 */
import type { ProgressReporter } from '../study/progress';
import { displayBundle } from './display-channel';

let displayCounter = 0;
/** Kept lines shown above the status: the latest ones (a long training would otherwise fill the notebook). */
const KEPT_LINES = 12;

/** Inside a tslab kernel: one output updated in place, plus kept lines above it. */
export function notebookReporter(): ProgressReporter {
  const displayId = `progress-${process.pid}-${Date.now()}-${displayCounter++}`;
  const kept: string[] = [];
  let created = false;
  const render = (status: string) => {
    const text = [...kept, status].filter(Boolean).join('\n');
    displayBundle({ 'text/plain': text }, displayId, created);
    created = true;
  };
  return {
    update: (message) => render(message),
    log: (message) => {
      kept.push(message);
      if (kept.length > KEPT_LINES) kept.splice(0, kept.length - KEPT_LINES);
      render('');
    },
  };
}

