import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { RevocationCache } from './revocation-cache.js';

/** A @nestjs/terminus indicator result: `{ [key]: { status, ...details } }`. */
export type RevocationHealth<Key extends string> = Record<
  Key,
  { status: 'up' | 'down'; mode: 'cached' | 'strict'; [detail: string]: unknown }
>;

const STRICT_NOTE = 'no listener in strict mode: every request reads PostgreSQL';
const NOT_LISTENING =
  'not listening for revocations: the guard reads PostgreSQL on every request until it listens again';

/**
 * The revocation listener as a @nestjs/terminus health indicator (its result shape; terminus itself
 * is not needed): `health.check([() => indicator.check('revocationListener')])`. Up while the
 * `cached` mode has proven delivery (its last marker came back in time). Down, with the reason, this
 * instance still refuses revoked tokens (its guard reads PostgreSQL on every request) but has lost what
 * makes it fast. `strict` mode has no listener: always up.
 *
 * `check` is for monitoring: down means degraded. `readiness` is for a readiness probe: the listener
 * never makes an instance unready, since it serves correctly without it, and a probe that took every
 * instance out when the listeners drop together (a database restart) would take the whole service out.
 */
@Injectable()
export class RevocationHealthIndicator {
  constructor(
    private readonly cache: RevocationCache,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  check<const Key extends string>(key: Key): RevocationHealth<Key> {
    const result = (details: RevocationHealth<Key>[Key]) => ({ [key]: details }) as RevocationHealth<Key>;
    if (this.options.revocation.mode === 'strict') return result({ status: 'up', mode: 'strict', note: STRICT_NOTE });
    const reason = this.cache.notListeningBecause;
    if (reason === undefined) return result({ status: 'up', mode: 'cached', listening: true });
    return result({ status: 'down', mode: 'cached', listening: false, reason, message: NOT_LISTENING });
  }

  /**
   * Always up; with the listener down, `degraded: true` and the reason: the instance serves in strict reads.
   */
  readiness<const Key extends string>(key: Key): RevocationHealth<Key> {
    const health = this.check(key);
    const details = health[key];
    if (details.status === 'down') health[key] = { ...details, status: 'up', degraded: true };
    return health;
  }
}
