import { CreateAuthTables1763700000000 } from './1763700000000-CreateAuthTables.js';
import { CreateRefreshTokens1763700000002 } from './1763700000002-CreateRefreshTokens.js';
import { SessionCleanupIndexes1763700000003 } from './1763700000003-SessionCleanupIndexes.js';
import { RevocationNotify1763700000004 } from './1763700000004-RevocationNotify.js';
import { ClearEndedDevicePushTokens1763700000005 } from './1763700000005-ClearEndedDevicePushTokens.js';
import { CreateSignInAttempts1763700000006 } from './1763700000006-CreateSignInAttempts.js';
import { SessionPolicies1763700000007 } from './1763700000007-SessionPolicies.js';
import { RevocationNotifyDetails1763700000008 } from './1763700000008-RevocationNotifyDetails.js';
import { SessionIdentityProvider1763700000009 } from './1763700000009-SessionIdentityProvider.js';
import { SessionIdTokenHint1763700000010 } from './1763700000010-SessionIdTokenHint.js';
import { RevocationNotifyCommitTime1763700000011 } from './1763700000011-RevocationNotifyCommitTime.js';

/** The module's migrations, in order: add them to the host's TypeORM `migrations` list. */
export const authMigrations = [
  CreateAuthTables1763700000000,
  CreateRefreshTokens1763700000002,
  SessionCleanupIndexes1763700000003,
  RevocationNotify1763700000004,
  ClearEndedDevicePushTokens1763700000005,
  CreateSignInAttempts1763700000006,
  SessionPolicies1763700000007,
  RevocationNotifyDetails1763700000008,
  SessionIdentityProvider1763700000009,
  SessionIdTokenHint1763700000010,
  RevocationNotifyCommitTime1763700000011,
];
