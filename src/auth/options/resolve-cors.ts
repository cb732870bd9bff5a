import type { AuthModuleOptions } from './auth-options.interface.js';
import type { ResolvedCorsOptions } from './resolve-options.js';

/** Origins as browsers serialise them in `Origin`: scheme, host and port only, lower case. */
export function resolveOrigins(origins: unknown, field: string): string[] {
  if (!Array.isArray(origins)) throw new Error(`AuthModule: ${field} must be an array of origins`);
  return origins.map((origin) => {
    let url: URL | undefined;
    try {
      url = new URL(String(origin));
    } catch {
      // Reported below.
    }
    if (!url || url.origin === 'null' || url.origin !== String(origin).toLowerCase())
      throw new Error(
        `AuthModule: ${field} entries must be origins like https://app.example.com ` +
          `(got ${JSON.stringify(origin)})`,
      );
    return url.origin;
  });
}

/** A header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Firefox keeps a preflight at most a day (Chromium two hours): a longer time would only mislead. */
const MAX_PREFLIGHT_AGE_SECONDS = 86_400;

/** The `cors` option, checked; `moduleHeaders` (what the routes read) are always allowed. Null when off. */
export function resolveCors(
  option: AuthModuleOptions['cors'],
  defaults: { credentials: boolean; maxAgeSeconds: number; allowedHeaders: readonly string[] },
  moduleHeaders: readonly string[],
): ResolvedCorsOptions | null {
  if (option === undefined || option === false) return null;
  if (typeof option !== 'object' || option === null)
    throw new Error('AuthModule: cors must be false or { origins, credentials?, maxAgeSeconds?, allowedHeaders? }');
  const origins = resolveOrigins(option.origins, 'cors.origins');
  if (!origins.length) throw new Error('AuthModule: cors.origins must list at least one origin');
  const cors = { ...defaults, ...option };
  if (typeof cors.credentials !== 'boolean') throw new Error('AuthModule: cors.credentials must be true or false');
  if (!Number.isInteger(cors.maxAgeSeconds) || cors.maxAgeSeconds < 0 || cors.maxAgeSeconds > MAX_PREFLIGHT_AGE_SECONDS)
    throw new Error(`AuthModule: cors.maxAgeSeconds must be an integer from 0 to ${MAX_PREFLIGHT_AGE_SECONDS}`);
  if (!Array.isArray(cors.allowedHeaders) || cors.allowedHeaders.some((name) => !HEADER_NAME.test(String(name))))
    throw new Error('AuthModule: cors.allowedHeaders must be an array of header names');
  const headers = new Map([...moduleHeaders, ...cors.allowedHeaders].map((name) => [name.toLowerCase(), name]));
  return {
    origins: [...new Set(origins)],
    credentials: cors.credentials,
    maxAgeSeconds: cors.maxAgeSeconds,
    allowedHeaders: [...headers.values()],
  };
}
