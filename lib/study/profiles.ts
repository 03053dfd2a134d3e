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

export const PROFILES = ['full', 'fast'] as const;
export type Profile = (typeof PROFILES)[number];

/** An unknown profile name: the message lists the known ones. */
export class ProfileError extends Error {
  constructor(value: string, source: string) {
    super(`${source} must be one of ${PROFILES.join(', ')}, got "${value}"`);
    this.name = 'ProfileError';
  }
}

/** The profile named by STUDY_PROFILE (empty or unset: full). */
export function currentProfile(environment: Record<string, string | undefined> = process.env): Profile {
  return parseProfile(environment.STUDY_PROFILE || 'full', 'STUDY_PROFILE');
}

export function parseProfile(value: string, source: string): Profile {
  if (!(PROFILES as readonly string[]).includes(value)) throw new ProfileError(value, source);
  return value as Profile;
}

export function profileOptions(profile: Profile = currentProfile()): StudyOptions {
  return profile === 'fast'
    ? studyOptions({ limit: 2000, protocol: { ...STUDY_PROTOCOL, epochs: 2 }, cvSeeds: [42, 43], finalSeeds: [42, 43], batchSizes: [32, 64] })
    : studyOptions();
}
