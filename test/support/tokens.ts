import { createHmac, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TEST_SECRET } from './constants.js';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface ForgeOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  secret?: string;
  algorithm?: 'HS256' | 'HS384' | 'HS512';
}

/** Decodes a JWT without verifying it. */
export function decodeToken(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') throw new Error('not a JWT');
  return {
    header: decoded.header as unknown as Record<string, unknown>,
    payload: decoded.payload as Record<string, unknown>,
  };
}

/** Signs a token like ours (or deliberately unlike it) for attack and edge cases. */
export function forgeToken(base: { sub: string; sid: string }, options: ForgeOptions = {}): string {
  const claims = { ...ourClaims(base), ...options.claims };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  const algorithm = options.algorithm ?? 'HS256';
  const header: Record<string, unknown> = { alg: algorithm, typ: 'at+jwt', ...options.header };
  for (const [key, value] of Object.entries(header)) if (value === undefined) delete header[key];
  return signHmac(header, claims, options.secret ?? TEST_SECRET);
}

/** HMAC-signs any header and payload as given, without jsonwebtoken's checks on claim types. */
export function signHmac(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string): string {
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[String(header.alg)] ?? 'sha256';
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

/** An unsigned token (`alg: none` spelled as given). */
export function unsignedToken(base: { sub: string; sid: string }, alg = 'none'): string {
  return `${encode({ alg, typ: 'at+jwt' })}.${encode(ourClaims(base))}.`;
}

/** The claims our own tokens carry, issued now for ten minutes. */
function ourClaims(base: { sub: string; sid: string }): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: base.sub,
    sid: base.sid,
    jti: randomUUID(),
    iat: now,
    exp: now + 600,
    iss: 'nest-signout',
    aud: 'nest-signout-api',
  };
}
