/**
 * What every command line of the project checks first, and how it reports an expected failure:
 * one line `<program>: <what happened, what to do>` and a non-zero exit, never a stack trace.
 * (Stack traces are kept for what is not expected: a bug.)
 */
import { nodeVersionProblem } from '../base/node-version';
import { DataFileError } from '../data/idx-files';

export { nodeVersionProblem, SUPPORTED_NODE } from '../base/node-version';

/** Errors the user can act on, by class name (checked by name so this module loads no TensorFlow). */
const EXPECTED_ERRORS = new Set([
  'UsageError', 'SettingsError', 'ProfileError', 'DataFileError', 'WorkerPoolError', 'CorruptRunError', 'DivergedRunError',
  'NativeInternalsError', 'FoldError', 'SpecError', 'OutputFileError', 'TrainingInterrupted', 'VariantDesignError',
  'VerifySampleError', 'NotReproducedError', 'NodeVersionError',
]);

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device', EACCES: 'permission denied', EPERM: 'operation not permitted',
  EROFS: 'read-only file system', ENOTDIR: 'a part of the path is not a folder', EISDIR: 'is a folder',
  ENOENT: 'no such file or folder', EDQUOT: 'disk quota exceeded', EMFILE: 'too many open files',
};

/** The one-line message of an expected error, or null for an unexpected one (a bug). */
export function expectedErrorMessage(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  if (error instanceof DataFileError) return `${error.message} (run \`make data\` to fetch and verify the data files)`;
  if (EXPECTED_ERRORS.has(error.name)) return error.message;
  if (/tfjs_binding\.node|libtensorflow/.test(error.message)) {
    return `tfjs-node's native TensorFlow is missing or broken (${error.message.split('\n')[0]}): run \`make native\` (or \`make setup\`)`;
  }
  const code = (error as NodeJS.ErrnoException).code;
  const path = (error as NodeJS.ErrnoException).path;
  if (code && ERRNO_TEXT[code]) return `${path ? `${path}: ` : ''}${ERRNO_TEXT[code]} (${error.message.split('\n')[0]})`;
  return null;
}

/**
 * Runs a command line's main function: Node's version first, then `main`; an expected error ends
 * in one line and exit code 1 (`usageExitCode` for a usage error).
 */
export function runCommandLine(program: string, main: () => Promise<void>, usageExitCode = 2): void {
  const problem = nodeVersionProblem();
  if (problem) {
    console.error(`${program}: ${problem}`);
    process.exitCode = 1;
    return;
  }
  main().catch((error: unknown) => {
    const message = expectedErrorMessage(error);
    if (message === null) throw error;
    console.error(`${program}: ${message}`);
    process.exitCode = (error as Error).name === 'UsageError' ? usageExitCode : 1;
  });
}
