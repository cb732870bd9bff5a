/** The library's internals that tests reach into; everything else comes from the public barrel. */
export { RevocationCache } from '../../src/auth/revocation/revocation-cache.js';
export { LISTENER_APPLICATION_NAME, REVOCATION_CHANNEL } from '../../src/auth/revocation/revocation-protocol.js';
export { SESSION_CLEANUP_JOB, SessionCleanupService } from '../../src/auth/sessions/session-cleanup.service.js';
export { sessionSql } from '../../src/auth/sessions/session.sql.js';
