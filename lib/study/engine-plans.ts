/**
 * One plan, written for the engine that runs it: the JSON lines of `study plan` (GNU parallel), a
 * Slurm array script and a Kubernetes Indexed Job with its ConfigMap. Both carry the plan's lines
 * themselves, so the array size and the number of completions are the number of lines, never a
 * number typed by hand, and a script or manifest cannot drift from the plan it was written for.
 * Each task trains one line with `study run`, into a runs folder every task shares; the per-run
 * lock keeps overlapping tasks from training a run twice.
 */
import { createHash } from 'node:crypto';
import type { RunSpec } from './run-spec';

/** What a Slurm task or a pod needs to run its line. */
export interface EnginePlanOptions {
  /** The project's folder on every node (Slurm: the same path on each, e.g. on NFS). */
  projectDirectory: string;
  /** The shared runs folder the tasks train into (Slurm); Kubernetes mounts its volume at /runs. */
  runsDirectory: string;
  /** The container image of the project (Kubernetes). */
  image: string;
}

/** The image `make image` builds and tags; Kubernetes needs it pushed to a registry the cluster can pull from. */
export const DEFAULT_IMAGE = 'lenet5-fashion-mnist';
/** Memory a run may take: the largest worker peak measured is under 1 GiB, with room above it. */
const TASK_MEMORY_GIB = 2;
/** Where the image holds the project (Dockerfile's WORKDIR) and its user's numeric id. */
const IMAGE_PROJECT_DIRECTORY = '/home/node/project';
const IMAGE_USER_ID = 1000;
/** A ReadWriteMany claim every pod mounts at /runs (the runs folder the plan was made against, copied in). */
export const RUNS_CLAIM = 'lenet5-runs';

/** One JSON line per spec, as `study plan` prints them. */
export function planLines(specs: RunSpec[]): string[] {
  return specs.map((spec) => JSON.stringify(spec));
}

/** A word for a POSIX shell, single-quoted. */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A name for this plan's Job and ConfigMap: the same plan gives the same name, each round its own. */
export function planName(lines: string[]): string {
  return `lenet5-plan-${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 10)}`;
}

function requireLines(lines: string[]): void {
  if (lines.length === 0) throw new Error('an empty plan has no script: every run is in the cache');
  for (const line of lines) if (line.includes('\n') || line.trim() !== line || line === '') throw new Error(`not a plan line: ${line}`);
}

/**
 * A Slurm batch script for `sbatch`: an array of one task per line, each task training its line
 * (`SLURM_ARRAY_TASK_ID`, 1-based) with one CPU.
 */
export function slurmScript(lines: string[], options: EnginePlanOptions): string {
  requireLines(lines);
  return `#!/bin/bash
# A Slurm array for a plan of ${lines.length} runs, written by \`npm run study -- plan --slurm FILE\`.
# Submit it with \`sbatch FILE\` (options given to sbatch override the lines below, e.g.
# --array=1-${lines.length}%4 to run at most 4 tasks at once). Each task trains the line of the plan
# below that its SLURM_ARRAY_TASK_ID names, into the runs folder every node shares; when all are
# done, write the plan again: the final retrainings follow the cross-validation they depend on.
#SBATCH --job-name=lenet5-plan
#SBATCH --array=1-${lines.length}
#SBATCH --cpus-per-task=1
#SBATCH --mem=${TASK_MEMORY_GIB}G
set -euo pipefail
cd ${shellWord(options.projectDirectory)}
spec=$(sed -n "\${SLURM_ARRAY_TASK_ID}p" <<'PLAN'
${lines.join('\n')}
PLAN
)
exec node dist/lib/cli/study.js run "$spec" --runs-dir ${shellWord(options.runsDirectory)}
`;
}

/** A YAML scalar: a JSON string is a valid YAML double-quoted one. */
const scalar = (text: string) => JSON.stringify(text);

/** The ConfigMap that holds the plan, one line per run, as the file plan.jsonl. */
function configMapDocument(name: string, lines: string[]): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  labels: { app.kubernetes.io/name: lenet5-fashion-mnist }
data:
  plan.jsonl: |
${lines.map((line) => `    ${line}`).join('\n')}
`;
}

/** The Indexed Job: `completions` pods, each running line JOB_COMPLETION_INDEX + 1 of the ConfigMap's plan. */
function jobDocument(name: string, completions: number, image: string): string {
  const command = 'exec node dist/lib/cli/study.js run "$(sed -n "$((JOB_COMPLETION_INDEX + 1))p" /plan/plan.jsonl)" --runs-dir /runs';
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  labels: { app.kubernetes.io/name: lenet5-fashion-mnist }
spec:
  completionMode: Indexed
  completions: ${completions}
  parallelism: ${completions}
  backoffLimit: ${Math.max(6, completions)}
  template:
    metadata:
      labels: { app.kubernetes.io/name: lenet5-fashion-mnist }
    spec:
      restartPolicy: Never
      securityContext: { runAsUser: ${IMAGE_USER_ID}, runAsGroup: ${IMAGE_USER_ID}, fsGroup: ${IMAGE_USER_ID} }
      containers:
        - name: run
          image: ${scalar(image)}
          workingDir: ${IMAGE_PROJECT_DIRECTORY}
          command: [sh, -c, ${scalar(command)}]
          resources:
            requests: { cpu: "1", memory: ${TASK_MEMORY_GIB}Gi }
            limits: { memory: ${TASK_MEMORY_GIB}Gi }
          volumeMounts:
            - { name: plan, mountPath: /plan, readOnly: true }
            - { name: runs, mountPath: /runs }
      volumes:
        - name: plan
          configMap: { name: ${name} }
        - name: runs
          persistentVolumeClaim: { claimName: ${RUNS_CLAIM} }
`;
}

/**
 * A Kubernetes manifest for `kubectl apply -f`: a ConfigMap holding the plan and an Indexed Job of
 * one completion per line, each pod training line JOB_COMPLETION_INDEX + 1 into the claim at /runs.
 */
export function kubernetesManifest(lines: string[], options: EnginePlanOptions): string {
  requireLines(lines);
  const name = planName(lines);
  return `# A Kubernetes Indexed Job for a plan of ${lines.length} runs, written by \`npm run study -- plan --kubernetes FILE\`.
# Apply it with \`kubectl apply -f FILE\`. Every pod trains one line of the plan (its completion
# index + 1) into the ReadWriteMany claim ${RUNS_CLAIM}, mounted at /runs: give it a copy of the runs
# folder the plan was written against. When the Job completes, write the plan again against that
# folder: the final retrainings follow the cross-validation they depend on.
${configMapDocument(name, lines)}---
${jobDocument(name, lines.length, options.image)}`;
}
