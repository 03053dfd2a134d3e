/**
 * Progress of long steps, shown where the user is: a live line that updates in place inside a
 * notebook (one output, rewritten), a progress line in a terminal. Training calls it every few
 * hundred batches without reading any tensor, so reporting costs nothing.
 */
import { displayBundle, kernelDisplayChannel } from './display-channel';

export interface ProgressReporter {
  /** A transient status (overwritten by the next one). */
  update(message: string): void;
  /** A line worth keeping (an epoch's metrics, a finished run). */
  log(message: string): void;
}

let displayCounter = 0;

/** Inside a tslab kernel: one output updated in place, plus kept lines above it. */
function notebookReporter(): ProgressReporter {
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
    log: (message) => { kept.push(message); render(''); },
  };
}

/** In a terminal: a carriage-return status line on a TTY, and plain lines for the log. */
function terminalReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  let statusShown = false;
  return {
    update: (message) => {
      if (!stream.isTTY) return;
      stream.write(`\r\x1b[2K${message}`);
      statusShown = true;
    },
    log: (message) => {
      if (statusShown) stream.write('\r\x1b[2K');
      statusShown = false;
      stream.write(`${message}\n`);
    },
  };
}

export const silentReporter: ProgressReporter = { update: () => undefined, log: () => undefined };

/** The reporter that fits where this code runs. */
export function createProgressReporter(): ProgressReporter {
  return kernelDisplayChannel() ? notebookReporter() : terminalReporter();
}

