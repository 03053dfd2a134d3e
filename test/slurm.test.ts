/**
 * The README's Slurm recipe, run for real: a single-node Slurm cluster started on this machine
 * (scripts/slurm-cluster.sh: munged, slurmctld, slurmd, all in a scratch folder), the fast
 * profile's plan written as an array by `study plan --slurm` and submitted with sbatch, round
 * after round until the plan is empty, must end with exactly the runs `study all` trains into
 * another fresh folder. The daemons are stopped whatever happens.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_DIRECTORY } from './paths';
import { assertSameRuns, clusterToolsProblem, studyAllResults, studyPlan } from './plan-runs';

const SETTINGS = ['--profile', 'fast'];
const CLUSTER = join(PROJECT_DIRECTORY, 'scripts/slurm-cluster.sh');
/** A round of the fast plan takes minutes on 2 cores; this only stops a test that hangs. */
const ROUND_TIMEOUT_MS = 40 * 60 * 1000;

const skip = clusterToolsProblem() ?? false;
const clusterDirectory = mkdtempSync(join(tmpdir(), 'slurm-'));
let started = false;
// Slurm's commands find the cluster by SLURM_CONF; `node` on the PATH of every task.
const environment = { ...process.env, SLURM_CONF: join(clusterDirectory, 'slurm.conf'), PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
const slurm = (command: string, argv: string[]) => spawnSync(command, argv, { encoding: 'utf8', env: environment });

after(() => {
  if (started) spawnSync('bash', [CLUSTER, 'stop', clusterDirectory], { stdio: 'inherit' });
});

/** Submits the array script and waits until no task of it is queued or running. @returns the job id */
async function runArray(script: string, logs: string): Promise<string> {
  const submit = slurm('sbatch', ['--parsable', `--output=${logs}/%A_%a.out`, script]);
  assert.equal(submit.status, 0, submit.stderr);
  const job = submit.stdout.trim().split(';')[0];
  const deadline = Date.now() + ROUND_TIMEOUT_MS;
  for (;;) {
    const queue = slurm('squeue', ['--noheader', '--jobs', job, '--format', '%i %T']);
    assert.equal(queue.status, 0, queue.stderr);
    if (queue.stdout.trim() === '') return job;
    assert.ok(Date.now() < deadline, `Slurm job ${job} still queued or running after ${ROUND_TIMEOUT_MS / 60000} min:\n${queue.stdout}`);
    await sleep(2000);
  }
}

/** Every task of the job completed with exit code 0 (Slurm keeps finished jobs for MinJobAge). */
function assertCompleted(job: string, tasks: number, logs: string): void {
  const show = slurm('scontrol', ['--oneliner', 'show', 'job', job]);
  assert.equal(show.status, 0, show.stderr);
  const records = show.stdout.trim().split('\n');
  const failed = records.filter((record) => !/JobState=COMPLETED/.test(record) || !/ ExitCode=0:0/.test(record));
  const logText = () => readdirSync(logs).map((name) => `${name}:\n${readFileSync(join(logs, name), 'utf8').slice(-1500)}`).join('\n');
  assert.deepEqual(failed, [], `tasks of Slurm job ${job} failed; their logs:\n${logText()}`);
  assert.equal(records.length, tasks, `${records.length} tasks reported for an array of ${tasks}`);
}

test('the fast profile\'s plan, submitted as the Slurm array `study plan --slurm` writes, gives the results of study all', { skip }, async () => {
  const start = spawnSync('bash', [CLUSTER, 'start', clusterDirectory], { encoding: 'utf8' });
  started = true;
  assert.equal(start.status, 0, start.stderr);

  const slurmRuns = mkdtempSync(join(tmpdir(), 'runs-slurm-'));
  const work = mkdtempSync(join(tmpdir(), 'slurm-plan-'));
  const rounds: number[] = [];
  for (;;) {
    const script = join(work, `round-${rounds.length + 1}.sbatch`);
    const plan = studyPlan([...SETTINGS, '--runs-dir', slurmRuns, '--slurm', script]);
    assert.equal(plan.status, 0, plan.stderr);
    if (plan.lines.length === 0) break;
    assert.match(readFileSync(script, 'utf8'), new RegExp(`^#SBATCH --array=1-${plan.lines.length}$`, 'm'));
    const logs = mkdtempSync(join(work, 'logs-'));
    const job = await runArray(script, logs);
    assertCompleted(job, plan.lines.length, logs);
    rounds.push(plan.lines.length);
  }
  // The cross-validation, then the final retrainings it chose.
  assert.equal(rounds.length, 2, `rounds of ${rounds.join(', ')} runs`);

  const expected = studyAllResults([...SETTINGS, '--workers', '2'], mkdtempSync(join(tmpdir(), 'runs-all-')));
  assertSameRuns(slurmRuns, expected);
});
