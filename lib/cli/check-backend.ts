/**
 * `node dist/lib/cli/check-backend.js [--quiet]`: exits 0 when tfjs-node runs on native
 * libtensorflow and agrees with the reference CPU backend; otherwise explains and exits 1.
 */
import { BACKEND_TOLERANCE, checkNativeBackend } from '../model/native/check';

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  let check;
  try {
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
    `max|native-reference|=${check.maxAbsoluteDifference.toExponential(2)} (tolerance ${BACKEND_TOLERANCE})`;
  if (check.passed) {
    if (!quiet) console.log(`native backend check passed: ${summary}`);
  } else {
    if (!quiet) console.error(`native backend check FAILED: ${summary}`);
    process.exitCode = 1;
  }
}

void main();
