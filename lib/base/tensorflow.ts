/**
 * The project's one door to TensorFlow: it pins the settings that change TensorFlow's numbers or
 * speed (lib/base/tensorflow-settings.ts), then loads tfjs-node. TensorFlow reads those settings once,
 * when its library loads, so every module imports `tf` from here and never from
 * '@tensorflow/tfjs-node' directly. It refuses an unsupported Node.js first (lib/base/node-version.ts),
 * with one message, for every entry point: tfjs-node itself would load and fail at the first op.
 */
import { assertSupportedNode } from './node-version';
import { PINNED_SETTINGS, pinSettings, SettingsError } from './tensorflow-settings';

const TFJS_NODE = '@tensorflow/tfjs-node';

/** The settings this process trains with (checked; pinned where the caller left them unset). */
export const SETTINGS = (() => {
  assertSupportedNode();
  const before = { ...process.env };
  const settings = pinSettings(process.env);
  const loadedEarlier = require.cache[require.resolve(TFJS_NODE)] !== undefined;
  const changed = Object.keys(PINNED_SETTINGS).some((name) => process.env[name] !== before[name]);
  if (loadedEarlier && changed) {
    throw new SettingsError(`${TFJS_NODE} was loaded before lib/tensorflow pinned TensorFlow's settings: import tf from lib/tensorflow, or set TF_ENABLE_ONEDNN_OPTS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 before starting`);
  }
  return settings;
})();

export * from '@tensorflow/tfjs-node';
