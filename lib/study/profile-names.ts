/**
 * The names of the study's profiles and how STUDY_PROFILE (or `study --profile`) is read. Loads no
 * TensorFlow, so the command line refuses a bad name at once, before anything heavy loads
 * (lib/study/profiles.ts says what each profile holds).
 */
export const PROFILES = ['full', 'fast'] as const;
export type Profile = (typeof PROFILES)[number];

/** An unknown profile name: the message lists the known ones. */
export class ProfileError extends Error {
  constructor(value: string, source: string) {
    super(`${source} must be one of ${PROFILES.join(', ')}, got "${value}"`);
    this.name = 'ProfileError';
  }
}

/** The profile named by STUDY_PROFILE (empty or unset: full). @throws ProfileError */
export function currentProfile(environment: Record<string, string | undefined> = process.env): Profile {
  return parseProfile(environment.STUDY_PROFILE || 'full', 'STUDY_PROFILE');
}

/** `value` as a profile; `source` names where it came from in the message. @throws ProfileError */
export function parseProfile(value: string, source: string): Profile {
  if (!(PROFILES as readonly string[]).includes(value)) throw new ProfileError(value, source);
  return value as Profile;
}
