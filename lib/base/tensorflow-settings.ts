/**
 * The TensorFlow settings that change the numbers or the speed of training, pinned by the project
 * instead of left to TensorFlow's per-CPU defaults.
 *
 * TensorFlow turns its oneDNN kernels on by default only on some CPUs (those with AVX-512
 * VNNI-class features) and picks its thread counts from the machine. Both change results in their
 * last digits (other kernels, other summation orders), and oneDNN roughly halves the time of a step
 * on AVX2-only CPUs. TensorFlow reads these variables once, when its library loads, so they are set
 * here before anything loads tfjs-node (lib/base/tensorflow.ts imports this module first).
 *
 * A value the caller sets explicitly is kept (and recorded with every run, and part of its cache
 * key); an empty value counts as unset; anything else than the forms below is refused.
 */

/** The settings every committed run was trained with. */
export const PINNED_SETTINGS = {
  /** oneDNN kernels on, whatever the CPU. */
  TF_ENABLE_ONEDNN_OPTS: '1',
  /** One thread per TensorFlow op: fastest at batch 32 here, and bit-reproducible (README). */
  TF_NUM_INTRAOP_THREADS: '1',
  TF_NUM_INTEROP_THREADS: '1',
} as const;

/** TensorFlow's start-up log is quiet unless asked for (warnings and errors still show). */
const QUIET_LOG_LEVEL = '2';

export interface TensorFlowSettings {
  oneDNN: boolean;
  intraOpThreads: number;
  interOpThreads: number;
}

/** A setting outside the accepted forms: the message names the variable, the value and the fix. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

type Environment = Record<string, string | undefined>;

function positiveInteger(environment: Environment, name: string): number {
  const value = environment[name]!;
  if (!/^[1-9][0-9]*$/.test(value)) {
    throw new SettingsError(`${name} must be a positive integer, got "${value}" (unset it to use ${PINNED_SETTINGS[name as keyof typeof PINNED_SETTINGS]})`);
  }
  return Number(value);
}

/** Reads and checks the settings as they stand in `environment` (after pinning). */
export function readSettings(environment: Environment = process.env): TensorFlowSettings {
  const oneDNN = environment.TF_ENABLE_ONEDNN_OPTS;
  if (oneDNN !== '0' && oneDNN !== '1') {
    throw new SettingsError(`TF_ENABLE_ONEDNN_OPTS must be 0 or 1, got "${oneDNN}" (unset it to use ${PINNED_SETTINGS.TF_ENABLE_ONEDNN_OPTS})`);
  }
  return {
    oneDNN: oneDNN === '1',
    intraOpThreads: positiveInteger(environment, 'TF_NUM_INTRAOP_THREADS'),
    interOpThreads: positiveInteger(environment, 'TF_NUM_INTEROP_THREADS'),
  };
}

/**
 * Fills in the pinned value of every setting the caller left unset (or empty), then checks them.
 * @returns the settings TensorFlow will load with
 * @throws SettingsError on a malformed value
 */
export function pinSettings(environment: Environment = process.env): TensorFlowSettings {
  for (const [name, value] of Object.entries(PINNED_SETTINGS)) {
    if (!environment[name]) environment[name] = value;
  }
  if (!environment.TF_CPP_MIN_LOG_LEVEL) environment.TF_CPP_MIN_LOG_LEVEL = QUIET_LOG_LEVEL;
  return readSettings(environment);
}
