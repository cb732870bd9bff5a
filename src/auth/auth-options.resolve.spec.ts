import { describe, expect, it } from 'vitest';
import { resolveAuthOptions } from './auth-options.resolve.js';
import { mapGuardErrorToGeneric } from './generic/generic-error.mapper.js';

const signing = { algorithm: 'HS256', secret: 's'.repeat(32) } as const;
const guardErrorMapper = () => ({ status: 401, body: {} });

describe('resolveAuthOptions', () => {
  it('applies every default in one place', async () => {
    const resolved = resolveAuthOptions({ signing });
    expect(resolved.guardErrorMapper).toBe(mapGuardErrorToGeneric);
    expect({ ...resolved, userStore: undefined, guardErrorMapper: undefined }).toEqual({
      signing,
      issuer: 'nest-signout',
      audience: 'nest-signout-api',
      accessTokenTtlSeconds: 900,
      sessionTtlSeconds: 2_592_000,
      systemId: 'core',
      exposeErrorDetails: false,
      userStore: undefined,
      guardErrorMapper: undefined,
    });
    // Without a host store, every user exists and is enabled.
    await expect(resolved.userStore.findUser('u1')).resolves.toEqual({ id: 'u1', disabled: false });
  });

  it('keeps what the host sets', () => {
    const userStore = { findUser: async () => null };
    const set = { signing, issuer: 'i', audience: 'a', accessTokenTtlSeconds: 60, sessionTtlSeconds: 3600, systemId: 'x', exposeErrorDetails: true, userStore, guardErrorMapper };
    expect(resolveAuthOptions(set)).toEqual(set);
  });

  it.each([
    [{}, 'the `signing` option is required'],
    [{ signing: { algorithm: 'HS256', secret: '' } }, 'HS256 needs a secret'],
    [{ signing: { algorithm: 'RS256', privateKey: 'k', publicKey: '' } }, 'RS256 needs privateKey and publicKey'],
    [{ signing, accessTokenTtlSeconds: 0 }, 'accessTokenTtlSeconds must be a positive integer'],
    [{ signing, sessionTtlSeconds: 1.5 }, 'sessionTtlSeconds must be a positive integer'],
  ])('refuses %j', (options, message) => {
    expect(() => resolveAuthOptions(options as never)).toThrow(message);
  });
});
