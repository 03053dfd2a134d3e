/**
 * Study profiles, chosen by STUDY_PROFILE (or `study --profile`), the same for notebooks and the
 * command line, so both ask for the same runs and hit the same cache keys:
 *
 *   full (default)  the original's protocol on all 60,000 + 10,000 images, repeated over seeds and
 *                   batch sizes; read from the committed run cache in runs/, so re-executing costs
 *                   seconds; anything missing is trained
 *   fast            the first 2,000 training and test images, 2 epochs, fewer seeds and batch
 *                   sizes: a quick end-to-end check (what CI executes)
 */
import { studyOptions, StudyOptions } from './study';
import { STUDY_PROTOCOL } from './protocol';
import { currentProfile, Profile } from './profile-names';

export { currentProfile, parseProfile, PROFILES, ProfileError } from './profile-names';
export type { Profile } from './profile-names';

export function profileOptions(profile: Profile = currentProfile()): StudyOptions {
  return profile === 'fast'
    ? studyOptions({ limit: 2000, protocol: { ...STUDY_PROTOCOL, epochs: 2 }, cvSeeds: [42, 43], finalSeeds: [42, 43], batchSizes: [32, 64] })
    : studyOptions();
}
