import { createHash, randomBytes } from 'node:crypto';

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
