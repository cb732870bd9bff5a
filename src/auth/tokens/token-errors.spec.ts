import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import {
  InvalidTokenError,
  MalformedTokenError,
  MissingTokenError,
  SessionRevokedError,
  TokenExpiredError,
  TokenSignatureError,
} from '../errors/auth.errors.js';
import { tokenErrorFrom } from './token-errors.js';

const secret = 'k'.repeat(32);
const verifyError = (token: string, options: jwt.VerifyOptions = { algorithms: ['HS256'] }): unknown => {
  try {
    jwt.verify(token, secret, options);
  } catch (error) {
    return error;
  }
  throw new Error('token verified');
};

describe('tokenErrorFrom', () => {
  it('maps what passport-jwt reports to domain errors', () => {
    expect(tokenErrorFrom(new Error('No auth token'))).toBeInstanceOf(MissingTokenError);
    expect(tokenErrorFrom(undefined)).toBeInstanceOf(MissingTokenError);
    const revoked = new SessionRevokedError();
    expect(tokenErrorFrom(revoked)).toBe(revoked);
  });

  it('maps what jsonwebtoken reports to domain errors', () => {
    const good = jwt.sign({ sub: 'u' }, secret, { algorithm: 'HS256' });
    expect(tokenErrorFrom(verifyError('garbage'))).toBeInstanceOf(MalformedTokenError);
    expect(tokenErrorFrom(verifyError('a.b.c'))).toBeInstanceOf(MalformedTokenError);
    expect(tokenErrorFrom(verifyError(`${good.slice(0, -2)}xx`))).toBeInstanceOf(TokenSignatureError);
    expect(tokenErrorFrom(verifyError(jwt.sign({ sub: 'u' }, secret, { algorithm: 'HS384' })))).toBeInstanceOf(
      TokenSignatureError,
    );
    expect(tokenErrorFrom(verifyError(jwt.sign({ sub: 'u', exp: 1 }, secret)))).toBeInstanceOf(TokenExpiredError);
    expect(tokenErrorFrom(verifyError(good, { algorithms: ['HS256'], issuer: 'x' }))).toBeInstanceOf(InvalidTokenError);
  });
});
