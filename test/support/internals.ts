/**
 * What tests use of src/auth beyond the package's public API (the names src/auth/index.ts keeps for
 * users). Every such import goes through this file, so that a change of the module's insides is mended
 * here, once.
 */
export { RevocationCache } from '../../src/auth/revocation/revocation-cache.js';
export {
  LISTENER_APPLICATION_NAME,
  PAYLOAD,
  REVOCATION_CHANNEL,
  encodeRevocation,
} from '../../src/auth/revocation/revocation-protocol.js';
export { SessionRepository } from '../../src/auth/sessions/session.repository.js';
export { SESSION_CLEANUP_JOB } from '../../src/auth/sessions/session-cleanup.service.js';
export { sessionSql } from '../../src/auth/sessions/session.sql.js';
export { PROM_CLIENT_LOADER } from '../../src/auth/metrics/auth-metrics.provider.js';
export { AUTH_MOUNTED_ROUTES } from '../../src/auth/http/mounted-routes.js';
export { defaultRoutePath, type MountedRoute } from '../../src/auth/routes/route-table.js';
