/**
 * Runs spread over any executor: `study plan` lists the runs the cache lacks as JSON lines and
 * `study run` trains exactly one; GNU parallel running the plan with several job slots — every
 * job given twice, so that overlapping jobs ask for the same run at once — ends with the very
 * results of `study all`, and a clean cache.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertSameRuns, STUDY_CLI as cli, studyAllResults, studyPlan } from './plan-runs';

const SETTINGS = ['--profile', 'fast', '--limit', '300', '--epochs', '1', '--k', '2'];

test('a plan run by GNU parallel with 3 job slots, every job twice, gives the results of study all', () => {
  const parallelRuns = mkdtempSync(join(tmpdir(), 'runs-parallel-'));
  let rounds = 0;
  for (;;) {
    const plan = studyPlan([...SETTINGS, '--runs-dir', parallelRuns]);
    assert.equal(plan.status, 0, plan.stderr);
    const jobs = plan.lines;
    if (jobs.length === 0) break;
    rounds += 1;
    const doubled = jobs.flatMap((job) => [job, job]).join('\n');
    const run = spawnSync('parallel', ['-j', '3', '--halt', 'now,fail=1', process.execPath, cli, 'run', '{}', '--runs-dir', parallelRuns], { input: `${doubled}\n`, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr.slice(-3000));
  }
  // The final retrainings are listed once the cross-validation they depend on is in the cache: two rounds.
  assert.equal(rounds, 2);

  const expected = studyAllResults(SETTINGS, mkdtempSync(join(tmpdir(), 'runs-all-')));
  assertSameRuns(parallelRuns, expected);
});
