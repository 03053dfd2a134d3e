/**
 * Progress of long steps, shown where the user is: a progress line in a terminal (here), a live
 * output updated in place inside a notebook (lib/report/notebook-progress.ts, which the notebooks
 * hand to the study as StudyOptions.progress). Training calls it every few hundred batches without
 * reading any tensor, so reporting costs nothing.
 */

export interface ProgressReporter {
  /** A transient status (overwritten by the next one). */
  update(message: string): void;
  /** A line worth keeping (an epoch's metrics, a finished run). */
  log(message: string): void;
  /**
   * A run read from the cache: a transient status in a terminal; a notebook shows none (nothing
   * was computed, and the line would stay in its saved output). Absent: not shown.
   */
  cacheHit?(message: string): void;
}

/** In a terminal: a carriage-return status line on a TTY, and plain lines for the log. */
export function terminalReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
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
    cacheHit: (message) => {
      if (!stream.isTTY) return;
      stream.write(`\r\x1b[2K${message}`);
      statusShown = true;
    },
  };
}

export const silentReporter: ProgressReporter = { update: () => undefined, log: () => undefined };



