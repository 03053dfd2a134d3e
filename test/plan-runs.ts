/**
 * What the tests of plans on other executors (GNU parallel here and over ssh, a Slurm array) share:
 * the plan of a runs folder, and a folder's results to compare with those of `study all`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIRECTORY } from './paths';

export const STUDY_CLI = join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js');

/** Every stored run of a cache: key → its history without timings, and its evaluations. */
export function storedResults(runsDirectory: string): Map<string, unknown> {
  const runs = new Map<string, unknown>();
  for (const variant of readdirSync(runsDirectory)) {
    for (const key of readdirSync(join(runsDirectory, variant))) {
      const record = JSON.parse(readFileSync(join(runsDirectory, variant, key, 'run.json'), 'utf8'));
      runs.set(key, { history: record.history.map(({ seconds: _seconds, ...epoch }: { seconds: number }) => epoch), validation: record.validation, test: record.test });
    }
  }
  return runs;
}

/** Files a finished plan must not leave behind: temporary files, locks, checkpoints, damaged runs. */
export function leftovers(runsDirectory: string): string[] {
  return readdirSync(runsDirectory, { recursive: true }).map(String).filter((name) => /tmp|lock|epoch-|damaged/.test(name));
}

/** `study plan` with these arguments: its lines (the runs missing), and its status and stderr. */
export function studyPlan(argv: string[]): { lines: string[]; status: number | null; stderr: string } {
  const plan = spawnSync(process.execPath, [STUDY_CLI, 'plan', ...argv], { encoding: 'utf8' });
  return { lines: plan.stdout.trim().split('\n').filter(Boolean), status: plan.status, stderr: plan.stderr };
}

/** `study all` with these arguments into a fresh folder: @returns its results. @throws on failure */
export function studyAllResults(argv: string[], runsDirectory: string): Map<string, unknown> {
  const all = spawnSync(process.execPath, [STUDY_CLI, 'all', ...argv, '--runs-dir', runsDirectory], { encoding: 'utf8' });
  if (all.status !== 0) throw new Error(`study all failed: ${all.stderr.slice(-3000)}`);
  return storedResults(runsDirectory);
}

/** The runs of a folder are exactly `expected` (same keys, same histories and evaluations), and it is clean. */
export function assertSameRuns(runsDirectory: string, expected: Map<string, unknown>): void {
  const actual = storedResults(runsDirectory);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [key, value] of expected) assert.deepEqual(actual.get(key), value, `run ${key} differs`);
  assert.deepEqual(leftovers(runsDirectory), []);
}

/**
 * Why the scale-out tests cannot run on this machine, or null: they install Slurm, munge and
 * OpenSSH's server with the project's own script (scripts/install-cluster-packages.sh), which says
 * in one line (exit 3) when it cannot (no apt-get, not root and no sudo); they also need root to
 * start the daemons. Any other failure of the script fails the test instead of skipping it.
 */
export function clusterToolsProblem(): string | null {
  // Minutes to tens of minutes each: `make test-scale-out` runs them, `make test` (CI) does not.
  if (process.env.SCALE_OUT_TESTS !== '1') return 'a scale-out test: run it with make test-scale-out (SCALE_OUT_TESTS=1); results/scale-out.md has its transcript';
  if (process.getuid?.() !== 0) return 'needs root: the test starts its own daemons (slurmd runs jobs as their submitter; sshd takes logins)';
  const install = spawnSync('bash', [join(PROJECT_DIRECTORY, 'scripts/install-cluster-packages.sh')], { encoding: 'utf8' });
  if (install.status === 3) return install.stderr.trim();
  if (install.status !== 0) throw new Error(`scripts/install-cluster-packages.sh failed: ${install.stderr.slice(-2000)}`);
  return null;
}
