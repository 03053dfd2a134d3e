/**
 * A run's cache key: the hash of its declared inputs and of nothing else (Bazel's and DVC's rule).
 *
 *   spec        variant (a reader's: its whole design, not its name), protocol (epochs, batch size,
 *               learning rate, decay), seed, split, data slice
 *   data        the SHA-256 digests of the four data files
 *   arithmetic  what the code that loads, splits, trains and evaluates computes, measured by the
 *               arithmetic probe (lib/study/arithmetic-probe.ts), not read from its text
 *   libraries   the tfjs-node and libtensorflow versions
 *   settings    the pinned TensorFlow settings: oneDNN, intra- and inter-op threads
 *
 * A comment, a rename or a moved file keeps every key; a change of arithmetic, of the data split, of
 * a library version or of a setting changes it (test/run-key.test.ts proves both directions).
 */
import { createHash } from 'node:crypto';
import { SETTINGS } from '../base/tensorflow';
import { checkArithmetic, designFingerprint } from './arithmetic-probe';
import { canonicalDesign, variantDesign } from '../model/network';
import { dataFingerprint } from '../data/fashion-mnist';
import { libraryVersions } from '../model/native/ops';
import type { RunSpec } from './run-spec';

/** The spec as plain values in a fixed order, so the key does not depend on how the code spells it. */
export function specIdentity(spec: RunSpec): unknown[] {
  const { protocol, split } = spec;
  // The five keep their committed keys (their name stands for their design); a reader's variant is
  // keyed by its whole design, so two designs never share a key and a renamed design keeps its runs.
  const design = spec.design ? canonicalDesign(spec.design) : null;
  return [
    design ? ['design', design.activation, design.pooling, design.dropoutRates] : spec.variant,
    [protocol.epochs, protocol.batchSize, protocol.learningRate, protocol.decay ? [protocol.decay.factor, protocol.decay.everyEpochs] : null],
    spec.seed,
    split.kind === 'fold' ? ['fold', split.k, split.index] : ['full'],
    spec.limit,
  ];
}

/** The run's key: 16 hex digits of SHA-256 over its declared inputs. */
export async function runKey(spec: RunSpec): Promise<string> {
  const { tfjsNode, tensorflow } = libraryVersions();
  const identity = JSON.stringify([
    specIdentity(spec),
    dataFingerprint(),
    designFingerprint(await checkArithmetic(), spec.design ?? variantDesign(spec.variant)),
    [tfjsNode, tensorflow],
    [SETTINGS.oneDNN, SETTINGS.intraOpThreads, SETTINGS.interOpThreads],
  ]);
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}
