/**
 * A statement of the session store that failed. It names the statement and PostgreSQL's error code, never the
 * failure's text, query or parameters (user ids, IP addresses, user agents, token hashes) nor the database's
 * address: Nest's logger prints an error's own fields and its `cause`, so the driver's error is not kept.
 */
export class SessionStoreError extends Error {
  constructor(
    /** The statement's name in session.sql.ts, or what the module was doing (`transaction`, `pg_notify`). */
    readonly statement: string,
    /** SQLSTATE or the socket's error code (`ECONNREFUSED`), when the driver gave one. */
    readonly code: string | undefined,
    /** True when PostgreSQL could not be reached or dropped the connection, as opposed to a failing statement. */
    readonly unavailable: boolean,
  ) {
    super(
      `AuthModule: ${statement} failed: ${unavailable ? 'the database is unavailable' : 'PostgreSQL refused it'}` +
        (code ? ` (${code})` : ''),
    );
  }

  override get name(): string {
    return 'SessionStoreError';
  }
}

/**
 * Connection-level failures of pg (refused, reset, timed out, server shutting down), as opposed to a failing statement.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'Query read timeout',
    'Client has encountered a connection error',
    'Connection ended',
  ].join('|'),
  'i',
);

/** True when `error` (or the driver error or cause under it) says PostgreSQL could not be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    if (current instanceof SessionStoreError) return current.unavailable;
    const { code, message, driverError, cause } = current as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = driverError ?? cause;
  }
  return false;
}

/** The driver's error code (SQLSTATE or a socket's code), if it is a short code and nothing else. */
export function driverErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    const { code, driverError, cause } = current as { code?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code)) return code;
    current = driverError ?? cause;
  }
  return undefined;
}
