/**
 * `node dist/lib/cli/arithmetic.js [--write [--keep-fingerprint]]`: runs the arithmetic probe
 * (lib/study/arithmetic-probe.ts) and compares it with lib/study/arithmetic.lock.json.
 *
 *   (no option)          prints the comparison and the largest deviation from the lock as a
 *                        share of the tolerance; exits 1 when the probe differs from the lock
 *   --write              writes the probe into the lock; each variant whose arithmetic differs
 *                        gets a new fingerprint, so its run keys change and its runs retrain
 *                        (for a deliberate change of arithmetic)
 *   --keep-fingerprint   with --write: keeps every fingerprint (for a change of the probe itself,
 *                        when the arithmetic of the runs did not change)
 */
import { relative } from 'node:path';
import type { ArithmeticLock } from '../study/arithmetic-probe';
import { VARIANTS } from '../model/network';
import { runCommandLine } from './guard';

/** The options, checked before the probe (and TensorFlow) loads. @throws UsageError */
function readOptions(argv: string[]): { write: boolean; keep: boolean } {
  const usage = (problem: string) => Object.assign(new Error(`${problem} (usage: arithmetic.js [--write [--keep-fingerprint]])`), { name: 'UsageError' });
  const unknown = argv.find((argument) => argument !== '--write' && argument !== '--keep-fingerprint');
  if (unknown) throw usage(`unknown argument "${unknown}"`);
  if (argv.includes('--keep-fingerprint') && !argv.includes('--write')) throw usage('--keep-fingerprint applies only with --write');
  return { write: argv.includes('--write'), keep: argv.includes('--keep-fingerprint') };
}

async function main(): Promise<void> {
  const { write, keep } = readOptions(process.argv.slice(2));
  // Loaded only now (they load TensorFlow, which takes seconds): the options are checked first.
  const { ARITHMETIC_LOCK, checkArithmetic, fingerprintOf, partsFor, probeMargin, readLock } = await import('../study/arithmetic-probe');
  const { writeFileAtomically } = await import('../study/run-files');
  const check = await checkArithmetic();
  const lockName = relative(process.cwd(), ARITHMETIC_LOCK);
  const changed = VARIANTS.filter((variant) => check.differences[variant].length > 0);
  if (!write) {
    const lock = readLock();
    const margin = lock ? `; largest deviation ${probeMargin(check.probe, lock).toFixed(4)} of the tolerance` : '';
    if (changed.length === 0) {
      console.log(`arithmetic: the probe matches ${lockName}${margin}`);
      return;
    }
    for (const variant of changed) console.error(`arithmetic: ${variant} differs from ${lockName}:\n  ${check.differences[variant].join('\n  ')}`);
    console.error(`The run keys of ${changed.join(', ')} change. If the arithmetic was changed on purpose, run with --write and retrain.`);
    process.exitCode = 1;
    return;
  }
  const previous = readLock();
  // Unchanged variants keep their fingerprint (and their runs); changed ones get the probe's, unless told to keep it.
  const fingerprints = Object.fromEntries(VARIANTS.map((variant) => [variant,
    previous && (keep || !changed.includes(variant)) ? previous.fingerprints[variant] : fingerprintOf(partsFor(check.probe, variant))]));
  const lock: ArithmeticLock = { fingerprints: fingerprints as ArithmeticLock['fingerprints'], ...check.probe };
  writeFileAtomically(ARITHMETIC_LOCK, `${JSON.stringify(lock, null, 1)}\n`);
  console.log(`arithmetic: wrote ${lockName}; ${keep || changed.length === 0 ? 'no run key changed' : `the run keys of ${changed.join(', ')} changed`}`);
}

if (require.main === module) runCommandLine('arithmetic', main);
