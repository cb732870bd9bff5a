/**
 * What tests use of src/auth beyond the package's public API (the names src/auth/index.ts keeps for
 * users). Every such import goes through this file, so that a change of the module's insides is mended
 * here, once.
 */
export {
  LISTENER_APPLICATION_NAME,
  REVOCATION_CHANNEL,
  RevocationCache,
} from '../../src/auth/revocation-cache.service.js';
export { SESSION_CLEANUP_JOB, SessionCleanupService } from '../../src/auth/session-cleanup.service.js';
export { sessionSql } from '../../src/auth/session.sql.js';
