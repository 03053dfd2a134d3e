/**
 * What every notebook does first: say which versions and which backend run it, and which study
 * profile it reproduces.
 *
 * Profiles (environment variable STUDY_PROFILE):
 *   full (default)  the seed's protocol on all 60,000 + 10,000 images; read from the committed run
 *                   cache in runs/, so re-executing costs seconds; anything missing is trained
 *   fast            the first 2,000 training and test images, 2 epochs: a quick end-to-end check (CI)
 */
import * as tf from './tensorflow';
import { showTable } from './tables';
import { studyOptions, StudyOptions } from './study';
import { STUDY_PROTOCOL } from './train';

export type Profile = 'full' | 'fast';

export function currentProfile(): Profile {
  const profile = process.env.STUDY_PROFILE ?? 'full';
  if (profile !== 'full' && profile !== 'fast') {
    throw new Error(`STUDY_PROFILE must be "full" or "fast", got "${profile}"`);
  }
  return profile;
}

export function profileOptions(profile: Profile = currentProfile()): StudyOptions {
  return profile === 'fast'
    ? studyOptions({ limit: 2000, protocol: { ...STUDY_PROTOCOL, epochs: 2 } })
    : studyOptions();
}

/** Shows versions, backend and profile; returns the study options of the profile. */
export function setUpNotebook(): StudyOptions {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tslab = require('tslab') as { versions: { tslab: string; typescript: string; node: string } };
  const options = profileOptions();
  showTable([
    { component: 'TensorFlow.js', version: tf.version.tfjs },
    { component: 'backend', version: tf.getBackend() },
    { component: 'tslab', version: tslab.versions.tslab },
    { component: 'TypeScript (tslab)', version: tslab.versions.typescript },
    { component: 'Node.js', version: process.version },
    { component: 'study profile', version: `${currentProfile()} · ${options.limit ?? 'all'} images · ${options.protocol.epochs} epochs · k = ${options.k} · seed ${options.seed}` },
  ], { caption: 'Environment' });
  return options;
}
