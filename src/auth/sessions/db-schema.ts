import type { DataSource } from 'typeorm';

/**
 * The module's tables live in the schema of the host's data source (its `schema` option), like the
 * host's own entities. TypeORM qualifies entity queries with it but does not change `search_path`, so
 * the module's own SQL and migrations qualify their table names the same way. No `schema` option:
 * names stay unqualified and resolve through `search_path`, as before.
 */
export function schemaPrefix(schema: string | undefined): string {
  return schema ? `"${schema.replaceAll('"', '""')}".` : '';
}

/** The schema named by a data source's options, if any. */
export function dataSourceSchema(db: Pick<DataSource, 'options'>): string | undefined {
  return (db.options as { schema?: string }).schema;
}

/** The sign-in throttle's counters (migration 1763700000006; rate-limiter-flexible's Postgres layout). */
export const SIGN_IN_ATTEMPTS_TABLE = 'auth_sign_in_attempts';

/** The module's tables, qualified with `schema` when one is given. */
export function authTables(schema: string | undefined) {
  const prefix = schemaPrefix(schema);
  return {
    sessions: `${prefix}auth_sessions`,
    devices: `${prefix}auth_devices`,
    refreshTokens: `${prefix}auth_refresh_tokens`,
    signInAttempts: `${prefix}${SIGN_IN_ATTEMPTS_TABLE}`,
    /** The `jti` of every logout token taken, until it could no longer be accepted (migration 1763700000009). */
    logoutTokens: `${prefix}auth_logout_tokens`,
    /** The revocation trigger's function (migration 1763700000004). */
    notifyFunction: `${prefix}auth_sessions_notify_revoked`,
    /** The trigger function that clears the push token of a device whose last live session ended (1763700000005). */
    clearPushTokensFunction: `${prefix}auth_devices_clear_ended_push_tokens`,
    prefix,
  };
}
