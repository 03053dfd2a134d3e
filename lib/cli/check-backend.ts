/**
 * `node dist/lib/cli/check-backend.js [--quiet]`: exits 0 when tfjs-node runs on native
 * libtensorflow and agrees with the reference CPU backend; otherwise explains and exits 1.
 * An unsupported Node.js is named as such (not as a missing native TensorFlow: `make native` would
 * not help).
 */
import { nodeVersionProblem } from '../base/node-version';

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  const unsupported = nodeVersionProblem();
  if (unsupported) {
    if (!quiet) console.error(`native backend check: ${unsupported}`);
    process.exitCode = 1;
    return;
  }
  let check;
  let tolerance;
  try {
    // Loaded here, not at the top: a binding that fails to load is reported, not thrown.
    const { BACKEND_TOLERANCE, checkNativeBackend } = await import('../model/native/check');
    tolerance = BACKEND_TOLERANCE;
    check = await checkNativeBackend();
  } catch (error) {
    if (!quiet) {
      console.error(`native backend check: tfjs-node did not load (${(error as Error).message.split('\n')[0]}).`);
      console.error('Run `make native` to provision libtensorflow and build the binding.');
    }
    process.exitCode = 1;
    return;
  }
  const summary =
    `backend=${check.backend} tfjs=${check.tfjsVersion} ` +
    `max|native-reference|=${check.maxAbsoluteDifference.toExponential(2)} (tolerance ${tolerance})`;
  if (check.passed) {
    if (!quiet) console.log(`native backend check passed: ${summary}`);
  } else {
    if (!quiet) console.error(`native backend check FAILED: ${summary}`);
    process.exitCode = 1;
  }
}

void main();
