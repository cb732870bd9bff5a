import { SetMetadata } from '@nestjs/common';

/** Route metadata read by JwtGuard: the longest time, in seconds, since the session's user proved their credentials. */
export const FRESH_SESSION_MAX_AGE = 'auth:fresh-session-max-age';

/**
 * For sensitive routes (change the e-mail, delete the account, see recovery codes): JwtGuard also refuses a session
 * whose user signed in or re-authenticated (`SessionService.reauthenticate`) more than `maxAgeSeconds` ago, with
 * SessionNotFreshError: the generic 401 `SESSION_NOT_FRESH` and an RFC 9470 step-up challenge
 * (`WWW-Authenticate: Bearer error="insufficient_user_authentication", max_age=...`).
 */
export const RequireFreshSession = (maxAgeSeconds: number) => {
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0)
    throw new Error('RequireFreshSession: maxAgeSeconds must be a positive integer');
  return SetMetadata(FRESH_SESSION_MAX_AGE, maxAgeSeconds);
};
