import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AUTH_OPTIONS, RevocationCache, type ResolvedAuthOptions } from '../../auth/index.js';

/**
 * Up while the `cached` revocation mode listens for revocations. Down, this instance still refuses
 * revoked tokens (its guard reads PostgreSQL on every request) but has lost what makes it fast and
 * hears nothing from the other instances, so it reports 503. `strict` mode has no listener: always up.
 */
@Injectable()
export class RevocationListenerHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly cache: RevocationCache,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  check<const Key extends string>(key: Key) {
    const indicator = this.health.check(key);
    if (this.options.revocation.mode === 'strict')
      return indicator.up({ mode: 'strict', note: 'no listener in strict mode: every request reads PostgreSQL' });
    if (this.cache.listening) return indicator.up({ mode: 'cached', listening: true });
    return indicator.down({
      mode: 'cached',
      listening: false,
      message: 'not listening for revocations: the guard reads PostgreSQL on every request until it listens again',
    });
  }
}
