import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { SigningOptions } from '../options/auth-options.interface.js';

/** A new opaque refresh token: 256 random bits. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database keeps of a refresh token. Only the hash is stored, so a
 * leaked table cannot be replayed as tokens. A plain SHA-256 suffices (no salt,
 * no slow hash) because the token is 256 random bits, not a guessable password;
 * and the lookup is by hash, so no secret is ever compared byte by byte in
 * application code, which leaves no timing signal to measure.
 */
export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The key successors are derived with, from the signing secret (or private key), so that nobody without it can tell a
 * token's successor from the token.
 */
export function refreshSuccessorKey(signing: SigningOptions): Buffer {
  const material = signing.algorithm === 'HS256' ? signing.secret : signing.privateKey;
  return Buffer.from(hkdfSync('sha256', material, '', 'nest-signout refresh token successor', 32));
}

/**
 * The token that replaces `token` when it is traded: derived, not random, so that the same token presented again
 * within `refreshReuseIntervalSeconds` (a second tab, a retry) is answered with the same successor, which the
 * database keeps only as a hash. As unguessable as a random one to anyone without the key.
 */
export function successorRefreshToken(token: string, key: Buffer): string {
  return createHmac('sha256', key).update(token, 'utf8').digest('base64url');
}
