/**
 * What every notebook does first: say which versions and which backend run it, and which study
 * profile it reproduces.
 * Profiles: lib/study/profiles.ts (STUDY_PROFILE).
 */
import * as tf from '../base/tensorflow';
import { showTable } from './tables';
import { currentProfile, profileOptions } from '../study/profiles';
import { terminalReporter } from '../study/progress';
import { kernelDisplayChannel } from './display-channel';
import { notebookReporter } from './notebook-progress';
import type { StudyOptions } from '../study/study';

/** Shows versions, backend and profile; returns the study options of the profile. */
export function setUpNotebook(): StudyOptions {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tslab = require('tslab') as { versions: { tslab: string; typescript: string; node: string } };
  // Long steps show their progress in the notebook, one updating output each.
  const options: StudyOptions = { ...profileOptions(), progress: kernelDisplayChannel() ? notebookReporter : terminalReporter };
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
