import { parseCookie } from 'cookie';
import { MalformedTokenError } from '../errors/auth.errors.js';

/** What the extractors read of a request. */
export interface TokenSource {
  headers: Record<string, unknown>;
}

/** How a route takes its access token. */
export interface ExtractionRules {
  /** The bare token in `Authorization`, without `Bearer `, is accepted too. */
  allowRawAuthorization: boolean;
  /** Without an `Authorization` header, the token may come in this cookie. Null: no cookie. */
  cookieName: string | null;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const BARE_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/**
 * An extractor (passport-jwt's `jwtFromRequest`) following the rules. Null means no token was sent: no
 * `Authorization` header (and no cookie). A header that is there but holds no token in an accepted form
 * (`Basic ...`, `Bearer` alone, two tokens, a bare token where only `Bearer` is allowed) throws
 * MalformedTokenError: the client did send credentials, and they are refused like a bad token.
 */
export function accessTokenExtractor(rules: ExtractionRules): (request: TokenSource) => string | null {
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return rules.cookieName ? accessTokenFromCookie(request, rules.cookieName) : null;
    if (typeof header === 'string') {
      const bearer = BEARER.exec(header);
      if (bearer) return bearer[1];
      const bare = header.trim();
      if (rules.allowRawAuthorization && BARE_TOKEN.test(bare)) return bare;
    }
    throw new MalformedTokenError('The Authorization header holds no access token');
  };
}

/** The access token in a request's cookie of that name. */
function accessTokenFromCookie(request: TokenSource, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  const value = parseCookie(header)[name];
  return value ? value : null;
}
