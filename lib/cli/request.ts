/**
 * What a `study` command line asks for, once read and checked (lib/cli/study.ts reads it,
 * lib/cli/study-commands.ts carries it out). Loads nothing: help and usage errors need no TensorFlow.
 */
import type { SampleRequest } from '../study/verify-sample';

export const COMMANDS = ['kfold', 'select', 'decay', 'all', 'plan', 'run', 'repair', 'tensorboard', 'verify'] as const;
export type Command = (typeof COMMANDS)[number];

/** The command line, read and checked; nothing loaded or trained yet. */
export interface Request {
  command: Command;
  variant: string | null;
  /** The JSON spec of `run`. */
  spec: string | null;
  profile: string | null;
  k: number | null;
  epochs: number | null;
  seed: number | null;
  limit: number | null;
  dataDirectory: string | null;
  runsDirectory: string | null;
  workers: number;
  oversubscribe: boolean;
  json: string | null;
  /**
   * `verify`: which committed runs to retrain (null: the default sample), the sample's seed (null: the
   * default), and whether only to list them.
   */
  verify: { sample: SampleRequest | null; sampleSeed: number | null; listOnly: boolean };
  /**
   * `plan`: the files to write the plan into for a scheduler (a Slurm array script, a Kubernetes
   * manifest; null: none), and the container image the manifest names (null: the default).
   */
  engines: { slurm: string | null; kubernetes: string | null; image: string | null };
}

