import { SetMetadata } from '@nestjs/common';

/** Route metadata: the `Authorization` header may hold the bare token, without `Bearer `. */
export const RAW_AUTHORIZATION_ALLOWED = 'auth:raw-authorization-allowed';
/** Marks a route whose clients may send the access token without the `Bearer ` scheme. */
export const AllowRawAuthorization = () => SetMetadata(RAW_AUTHORIZATION_ALLOWED, true);

/** Where JwtGuard tells the extractor that the route allows a bare token. */
export const RAW_AUTHORIZATION_FLAG = Symbol('rawAuthorizationAllowed');

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const BARE_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** The access token of a request: `Bearer <token>`, or the bare token where the route allows it. */
export function extractAccessToken(request: {
  headers: Record<string, unknown>;
  [RAW_AUTHORIZATION_FLAG]?: boolean;
}): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const bearer = BEARER.exec(header);
  if (bearer) return bearer[1];
  const bare = header.trim();
  return request[RAW_AUTHORIZATION_FLAG] && BARE_TOKEN.test(bare) ? bare : null;
}
