/**
 * The plan written for schedulers (lib/study/engine-plans.ts, `study plan --slurm/--kubernetes`):
 * the Slurm script's array and the Job's completions are the plan's number of lines, each task
 * runs exactly its own line, the manifest is valid against the Kubernetes API's schemas (checked
 * offline by kubernetes-validate, installed into .venv by make kernel from requirements.txt), and an
 * empty plan writes no file. The Slurm script is run for real in test/slurm.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kubernetesManifest, planName, slurmScript } from '../lib/study/engine-plans';
import { PROJECT_DIRECTORY } from './paths';
import { studyPlan } from './plan-runs';

const VENV_BIN = join(PROJECT_DIRECTORY, '.venv/bin');
const scratch = () => mkdtempSync(join(tmpdir(), 'engine-plan-'));
const LINES = ['{"variant":"relu","n":1}', '{"variant":"relu","quote":"it\'s","n":2}', '{"variant":"baseline","n":3}'];

/** A folder with a stub `node` that prints its arguments, one per line. */
function stubNode(): string {
  const bin = join(scratch(), 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
  chmodSync(join(bin, 'node'), 0o755);
  return bin;
}

test('the Slurm script is an array of one task per line, and task i runs line i into the runs folder', () => {
  const project = join(scratch(), "a project's folder");
  mkdirSync(project);
  const script = slurmScript(LINES, { projectDirectory: project, runsDirectory: '/shared/runs', image: 'unused' });
  assert.match(script, /^#SBATCH --array=1-3$/m);
  assert.match(script, /^#SBATCH --cpus-per-task=1$/m);
  const file = join(scratch(), 'plan.sbatch');
  writeFileSync(file, script);
  const bin = stubNode();
  LINES.forEach((line, index) => {
    const task = spawnSync('bash', [file], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SLURM_ARRAY_TASK_ID: String(index + 1) } });
    assert.equal(task.status, 0, task.stderr);
    assert.deepEqual(task.stdout.trim().split('\n'), ['dist/lib/cli/study.js', 'run', line, '--runs-dir', '/shared/runs']);
  });
});

test('the Kubernetes manifest: a ConfigMap with the plan and an Indexed Job of one completion per line, named by the plan', () => {
  const manifest = kubernetesManifest(LINES, { projectDirectory: '/unused', runsDirectory: '/unused', image: 'registry.invalid/lenet5:1' });
  assert.match(manifest, /^ {2}completions: 3$/m);
  assert.match(manifest, /^ {2}completionMode: Indexed$/m);
  assert.match(manifest, /image: "registry.invalid\/lenet5:1"/);
  assert.equal(planName(LINES), planName([...LINES]));
  assert.notEqual(planName(LINES), planName(LINES.slice(1)));
  assert.throws(() => kubernetesManifest([], { projectDirectory: '/', runsDirectory: '/', image: 'x' }), /empty plan/);
});

/** The manifest's documents as JSON, read by PyYAML (kubernetes-validate's own YAML reader). */
function documents(file: string): { kind: string; spec?: any; data?: Record<string, string> }[] {
  const read = spawnSync(join(VENV_BIN, 'python'), ['-c', 'import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))', file], { encoding: 'utf8' });
  assert.equal(read.status, 0, read.stderr);
  return JSON.parse(read.stdout);
}

test('study plan --kubernetes writes a manifest valid against the Kubernetes API schemas, whose pods run their own line', () => {
  const validator = join(VENV_BIN, 'kubernetes-validate');
  assert.ok(existsSync(validator), `${validator} is missing: run make kernel (requirements.txt)`);
  const folder = scratch();
  const file = join(folder, 'plan.yaml');
  const plan = studyPlan(['--profile', 'fast', '--runs-dir', join(folder, 'runs'), '--kubernetes', file]);
  assert.equal(plan.status, 0, plan.stderr);
  assert.ok(plan.lines.length > 10);
  // The newest schemas bundled, and an older release that has Indexed Jobs (stable since 1.24).
  for (const version of ['1.37.0', '1.29.0']) {
    const validation = spawnSync(validator, ['--strict', '--kubernetes-version', version, file], { encoding: 'utf8' });
    assert.equal(validation.status, 0, `${validation.stdout}${validation.stderr}`);
    assert.match(validation.stdout, /passed for resource job\//);
    assert.match(validation.stdout, /passed for resource configmap\//);
  }

  const [configMap, job] = documents(file);
  assert.equal(configMap.kind, 'ConfigMap');
  assert.equal(configMap.data!['plan.jsonl'], `${plan.lines.join('\n')}\n`);
  assert.equal(job.kind, 'Job');
  assert.equal(job.spec.completions, plan.lines.length);
  // The pod's command, run with its index and the plan where the ConfigMap would be mounted.
  const [shell, flag, command] = job.spec.template.spec.containers[0].command;
  const planFile = join(folder, 'plan.jsonl');
  writeFileSync(planFile, configMap.data!['plan.jsonl']);
  const bin = stubNode();
  for (const index of [0, plan.lines.length - 1]) {
    const pod = spawnSync(shell, [flag, command.replace('/plan/plan.jsonl', planFile)], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, JOB_COMPLETION_INDEX: String(index) } });
    assert.equal(pod.status, 0, pod.stderr);
    assert.deepEqual(pod.stdout.trim().split('\n'), ['dist/lib/cli/study.js', 'run', plan.lines[index], '--runs-dir', '/runs']);
  }
});

test('an empty plan (the committed study against the committed runs) writes no script, and says so', () => {
  const folder = scratch();
  const [script, manifest] = [join(folder, 'plan.sbatch'), join(folder, 'plan.yaml')];
  const plan = studyPlan(['--runs-dir', join(PROJECT_DIRECTORY, 'runs'), '--slurm', script, '--kubernetes', manifest]);
  assert.equal(plan.status, 0, plan.stderr);
  assert.deepEqual(plan.lines, []);
  assert.match(plan.stderr, /--slurm .*plan\.sbatch not written: the plan is empty/);
  assert.match(plan.stderr, /--kubernetes .*plan\.yaml not written: the plan is empty/);
  assert.equal(existsSync(script) || existsSync(manifest), false);
});
