import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { RevocationCache } from './revocation-cache.js';

/** A @nestjs/terminus indicator result: `{ [key]: { status, ...details } }`. */
export type RevocationHealth<Key extends string> = Record<
  Key,
  { status: 'up' | 'down'; mode: 'cached' | 'strict'; [detail: string]: unknown }
>;

/**
 * The revocation listener as a @nestjs/terminus health indicator (its result shape; terminus itself
 * is not needed): `health.check([() => indicator.check('revocationListener')])`. Up while the
 * `cached` mode listens for revocations. Down, this instance still refuses revoked tokens (its
 * guard reads PostgreSQL on every request) but has lost what makes it fast and hears nothing from
 * the other instances, so it reports down. `strict` mode has no listener: always up.
 */
@Injectable()
export class RevocationHealthIndicator {
  constructor(
    private readonly cache: RevocationCache,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  check<const Key extends string>(key: Key): RevocationHealth<Key> {
    const result = (details: RevocationHealth<Key>[Key]) => ({ [key]: details }) as RevocationHealth<Key>;
    if (this.options.revocation.mode === 'strict') {
      return result({
        status: 'up',
        mode: 'strict',
        note: 'no listener in strict mode: every request reads PostgreSQL',
      });
    }
    if (this.cache.listening) return result({ status: 'up', mode: 'cached', listening: true });
    return result({
      status: 'down',
      mode: 'cached',
      listening: false,
      message: 'not listening for revocations: the guard reads PostgreSQL on every request until it listens again',
    });
  }
}
