/**
 * The README's multi-host recipe, run: GNU parallel with two sshlogins, this machine (`:`) and this
 * machine again as a second host reached over ssh (an sshd the test starts on 127.0.0.1, on a free
 * high port, with keys it generates and its own configuration, nothing system-wide), both sharing
 * the project folder and the runs folder. Some jobs must really run over ssh (parallel's job log
 * names the host of each), and the runs must be exactly those of `study all`.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_DIRECTORY } from './paths';
import { assertSameRuns, clusterToolsProblem, STUDY_CLI, studyAllResults, studyPlan } from './plan-runs';

const SETTINGS = ['--profile', 'fast', '--limit', '300', '--epochs', '1', '--k', '2'];
const skip = clusterToolsProblem() ?? false;
let sshd: ChildProcess | null = null;

after(() => {
  sshd?.kill();
});

/** A TCP port free on 127.0.0.1 now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts sshd on 127.0.0.1:port taking only the generated key. @returns the ssh command that logs in */
async function startSshd(folder: string): Promise<string> {
  const keygen = (file: string) => spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(folder, file)], { encoding: 'utf8' });
  for (const file of ['host_key', 'client_key']) assert.equal(keygen(file).status, 0);
  writeFileSync(join(folder, 'authorized_keys'), readFileSync(join(folder, 'client_key.pub')));
  const port = await freePort();
  writeFileSync(join(folder, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(folder, 'host_key')}`, `PidFile ${join(folder, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(folder, 'authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'MaxStartups 100', 'MaxSessions 100', '',
  ].join('\n'));
  // sshd's privilege separation needs its empty folder (Debian's service would create it).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(folder, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  sshd.stderr!.on('data', (chunk) => { log += chunk; });
  const ssh = `ssh -i ${join(folder, 'client_key')} -p ${port} -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`;
  // Up to 60 s for sshd to take a login.
  for (let attempt = 0; attempt < 120; attempt += 1) {
    if (spawnSync('sh', ['-c', `${ssh} 127.0.0.1 true`]).status === 0) return ssh;
    assert.equal(sshd.exitCode, null, `sshd exited: ${log}`);
    await sleep(500);
  }
  assert.fail(`no login through sshd on port ${port} after 60 s: ${log}`);
}

test('a plan run by GNU parallel on this machine and over ssh on a second host gives the results of study all', { skip }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sshd-'));
  const ssh = await startSshd(folder);
  const sshRuns = mkdtempSync(join(tmpdir(), 'runs-ssh-'));
  const hosts = new Set<string>();
  let rounds = 0;
  for (;;) {
    const plan = studyPlan([...SETTINGS, '--runs-dir', sshRuns]);
    assert.equal(plan.status, 0, plan.stderr);
    if (plan.lines.length === 0) break;
    rounds += 1;
    const jobLog = join(folder, `jobs-${rounds}.tsv`);
    const run = spawnSync('parallel', [
      '-j', '1', '--sshlogin', ':,127.0.0.1', '--ssh', ssh, '--workdir', PROJECT_DIRECTORY, '--joblog', jobLog, '--halt', 'now,fail=1',
      process.execPath, STUDY_CLI, 'run', '{}', '--runs-dir', sshRuns,
    ], { input: `${plan.lines.join('\n')}\n`, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr.slice(-3000));
    for (const line of readFileSync(jobLog, 'utf8').trim().split('\n').slice(1)) hosts.add(line.split('\t')[1]);
  }
  assert.equal(rounds, 2);
  assert.deepEqual([...hosts].sort(), ['127.0.0.1', ':'], 'jobs on both hosts (: is this machine)');

  const expected = studyAllResults(SETTINGS, mkdtempSync(join(tmpdir(), 'runs-all-')));
  assertSameRuns(sshRuns, expected);
});
