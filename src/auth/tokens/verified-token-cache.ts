import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import type { AccessTokenClaims } from './access-token.service.js';

type VerifiedClaims = Pick<AccessTokenClaims, 'sub' | 'sid' | 'jti'>;

interface Entry {
  claims: VerifiedClaims;
  /** The token's `exp`, in ms: the entry is not used from then on. */
  expiresAtMs: number;
}

/**
 * Access tokens this instance has verified (signature, algorithm, `iss`, `aud`, `exp`, `nbf`, `typ`, the claims),
 * keyed by the whole token: a repeated token skips parsing and the signature check, while its session is still checked
 * on every request. Nothing a later check could refuse is skipped: what only time changes (`exp`) ends the entry
 * before the token would be refused, and `nbf` or `iat` can only have become acceptable. Bounded (least recently used
 * first out); none with `verifiedTokenCache: false`.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, Entry> | null;

  constructor(@Inject(AUTH_OPTIONS) options: ResolvedAuthOptions) {
    const settings = options.verifiedTokenCache;
    this.entries = settings ? new LRUCache<string, Entry>({ max: settings.maxEntries }) : null;
  }

  /** The claims of a token verified before and not yet expired, or undefined. */
  get(token: string): VerifiedClaims | undefined {
    const entry = this.entries?.get(token);
    if (!entry) return undefined;
    if (Date.now() < entry.expiresAtMs) return entry.claims;
    this.entries!.delete(token);
    return undefined;
  }

  /** After a full verification: `exp` is the token's, in seconds. */
  remember(token: string, claims: VerifiedClaims, exp: number): void {
    if (this.entries && exp * 1000 > Date.now()) this.entries.set(token, { claims, expiresAtMs: exp * 1000 });
  }
}
