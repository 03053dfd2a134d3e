/**
 * Runs spread over any executor: `study plan` lists the runs the cache lacks as JSON lines and
 * `study run` trains exactly one; GNU parallel running the plan with several job slots — every
 * job given twice, so that overlapping jobs ask for the same run at once — ends with the very
 * results of `study all`, and a clean cache.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

const cli = join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js');
const SETTINGS = ['--profile', 'fast', '--limit', '300', '--epochs', '1', '--k', '2'];

/** Every stored run of a cache: key → its history without timings. */
function results(runsDirectory: string): Map<string, unknown> {
  const runs = new Map<string, unknown>();
  for (const variant of readdirSync(runsDirectory)) {
    for (const key of readdirSync(join(runsDirectory, variant))) {
      const record = JSON.parse(readFileSync(join(runsDirectory, variant, key, 'run.json'), 'utf8'));
      runs.set(key, { history: record.history.map(({ seconds: _seconds, ...epoch }: { seconds: number }) => epoch), validation: record.validation, test: record.test });
    }
  }
  return runs;
}

test('a plan run by GNU parallel with 3 job slots, every job twice, gives the results of study all', () => {
  const parallelRuns = mkdtempSync(join(tmpdir(), 'runs-parallel-'));
  let rounds = 0;
  for (;;) {
    const plan = spawnSync(process.execPath, [cli, 'plan', ...SETTINGS, '--runs-dir', parallelRuns], { encoding: 'utf8' });
    assert.equal(plan.status, 0, plan.stderr);
    const jobs = plan.stdout.trim().split('\n').filter(Boolean);
    if (jobs.length === 0) break;
    rounds += 1;
    const doubled = jobs.flatMap((job) => [job, job]).join('\n');
    const run = spawnSync('parallel', ['-j', '3', '--halt', 'now,fail=1', process.execPath, cli, 'run', '{}', '--runs-dir', parallelRuns], { input: `${doubled}\n`, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr.slice(-3000));
  }
  // The final retrainings are listed once the cross-validation they depend on is in the cache: two rounds.
  assert.equal(rounds, 2);

  const sequentialRuns = mkdtempSync(join(tmpdir(), 'runs-all-'));
  const all = spawnSync(process.execPath, [cli, 'all', ...SETTINGS, '--runs-dir', sequentialRuns], { encoding: 'utf8' });
  assert.equal(all.status, 0, all.stderr);
  const expected = results(sequentialRuns);
  const actual = results(parallelRuns);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [key, value] of expected) assert.deepEqual(actual.get(key), value, `run ${key} differs`);
  const leftovers = readdirSync(parallelRuns, { recursive: true }).map(String).filter((name) => /tmp|lock|epoch-|damaged/.test(name));
  assert.deepEqual(leftovers, []);
});
