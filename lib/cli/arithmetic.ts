/**
 * `node dist/lib/cli/arithmetic.js [--write [--keep-fingerprint]]`: runs the arithmetic probe
 * (lib/arithmetic-probe.ts) and compares it with lib/arithmetic.lock.json.
 *
 *   (no option)          prints the comparison; exits 1 when the probe differs from the lock
 *   --write              writes the probe into the lock with a new fingerprint: every run key
 *                        changes, so every run retrains (for a deliberate change of arithmetic)
 *   --keep-fingerprint   with --write: keeps the lock's fingerprint (for a change of the probe
 *                        itself, when the arithmetic of the runs did not change)
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ARITHMETIC_LOCK, ArithmeticLock, checkArithmetic, fingerprintOf, readLock } from '../arithmetic-probe';

async function main(): Promise<void> {
  const write = process.argv.includes('--write');
  const keep = process.argv.includes('--keep-fingerprint');
  const check = await checkArithmetic();
  const lockName = relative(process.cwd(), ARITHMETIC_LOCK);
  if (!write) {
    if (check.differences.length === 0) {
      console.log(`arithmetic: the probe matches ${lockName} (fingerprint ${check.fingerprint})`);
      return;
    }
    console.error(`arithmetic: the probe differs from ${lockName}:\n  ${check.differences.join('\n  ')}\n` +
      `Every run key changes (fingerprint ${check.fingerprint}). If the arithmetic was changed on purpose, run with --write and retrain.`);
    process.exitCode = 1;
    return;
  }
  const previous = readLock();
  const fingerprint = keep && previous ? previous.fingerprint : fingerprintOf(check.probe);
  const lock: ArithmeticLock = { fingerprint, ...check.probe };
  writeFileSync(ARITHMETIC_LOCK, `${JSON.stringify(lock, null, 1)}\n`);
  console.log(`arithmetic: wrote ${lockName} (fingerprint ${fingerprint}${keep ? ', kept' : ''})`);
}

void main();
