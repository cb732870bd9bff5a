import { parseCookie } from 'cookie';

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

/** An extractor (passport-jwt's `jwtFromRequest`) following the rules. */
export function accessTokenExtractor(rules: ExtractionRules): (request: TokenSource) => string | null {
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined && rules.cookieName) return accessTokenFromCookie(request, rules.cookieName);
    if (typeof header !== 'string') return null;
    const bearer = BEARER.exec(header);
    if (bearer) return bearer[1];
    const bare = header.trim();
    return rules.allowRawAuthorization && BARE_TOKEN.test(bare) ? bare : null;
  };
}

/** The access token in a request's cookie of that name. */
function accessTokenFromCookie(request: TokenSource, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  const value = parseCookie(header)[name];
  return value ? value : null;
}
