import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { AUTH_DATA_SOURCE } from '../auth.constants.js';
import { TooManyRequestsError } from '../errors/auth.errors.js';
import { driverErrorCode, isDatabaseUnavailable, SessionStoreError } from '../errors/session-store.errors.js';
import { clientKey } from '../http/client-key.js';
import {
  AUTH_OPTIONS,
  type ResolvedAuthOptions,
  type ResolvedSignInThrottleOptions,
} from '../options/resolve-options.js';
import { dataSourceSchema, SIGN_IN_ATTEMPTS_TABLE } from '../sessions/db-schema.js';
import { accountKey, signInBackoffSeconds } from './sign-in-backoff.js';

/** What the throttle reads of a request: the client address, as the HTTP adapter's trust-proxy setting gives it. */
export interface SignInRequest {
  ip?: string;
  socket?: { remoteAddress?: string };
}

/** The three counters, each a rate-limiter-flexible limiter on the module's table. */
interface Counters {
  /** Attempts at an account since its last success (a refused one is given back), forgotten in forgetAfterSeconds. */
  accountFailures: RateLimiterPostgres;
  /** An account in back-off, or with one attempt past its free ones under way (one point: one attempt at a time). */
  accountWait: RateLimiterPostgres;
  /** Failures of a client address across accounts, per window. */
  clientFailures: RateLimiterPostgres;
}

/** The store's statement, by name, when it fails: the name only, never the key. */
const STORE_STATEMENT = 'SIGN_IN_THROTTLE';

/** How often an instance deletes expired counters (failures are what add rows, so they trigger it). */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** rate-limiter-flexible's purge of rows expired before `expire` (epoch ms); it never rejects. */
type Purgeable = { clearExpired(expire: number): Promise<void> };

/**
 * Failed sign-ins, limited per account and per client address, for the host's login route:
 *
 *     await throttle.assertMayTry(email, request);
 *     const user = await verify(email, password);
 *     if (!user) { await throttle.recordFailure(email, request); throw ... }
 *     await throttle.recordSuccess(email);
 *
 * An account's first `freeFailures` failures cost nothing; then each attempt must wait for the back-off of the
 * failures before it (`signInBackoffSeconds`), whatever address it comes from, so rotating addresses does not buy
 * guesses. A client address that has failed `perClient.failures` times in a window is refused at every account, so
 * one address cannot push every account into back-off either. Refusals are TooManyRequestsError with
 * `retryAfterSeconds`: the module's filters answer 429 with `Retry-After`, the right password included (no oracle).
 *
 * The counters live in the module's table on the host's database (rate-limiter-flexible's Postgres store on the
 * data source's pg pool), so every instance shares them. A store that fails fails the sign-in closed: the error
 * leaves as a SessionStoreError, as SessionService's do, never as a free attempt. The sign-in needs that database to
 * open its session anyway, so failing closed costs no availability.
 */
@Injectable()
export class SignInThrottle {
  private counters?: Counters;
  private lastPurgeMs = 0;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTH_DATA_SOURCE) private readonly db: DataSource,
  ) {}

  /**
   * Refuses the attempt while the account is in back-off or the client address has failed too often. Otherwise it
   * counts against the account at once (until `recordSuccess`), so attempts sent in parallel cannot all pass as free
   * ones, and from the account's last free attempt on only one attempt at a time runs.
   */
  async assertMayTry(account: string, request: SignInRequest): Promise<void> {
    const config = this.options.signInThrottle;
    if (!config) return;
    const refusedForMs = await this.store(async (counters) => {
      const client = await counters.clientFailures.get(clientOf(request));
      if (client && client.consumedPoints >= config.perClient.failures) return client.msBeforeNext;
      const key = accountKey(account);
      const attempt = (await counters.accountFailures.penalty(key)).consumedPoints;
      // From the last free attempt on, one attempt at a time: parallel ones cannot all pass before a failure counts.
      if (attempt < config.freeFailures) return null;
      try {
        // The slot this attempt holds lasts as long as the back-off it earns if it fails.
        await counters.accountWait.consume(key, 1, { customDuration: signInBackoffSeconds(attempt, config) });
        return null;
      } catch (refused) {
        if (!(refused instanceof RateLimiterRes)) throw refused;
        await counters.accountFailures.reward(key);
        return refused.msBeforeNext;
      }
    });
    if (refusedForMs !== null) {
      throw new TooManyRequestsError('Too many failed sign-ins', Math.max(1, Math.ceil(refusedForMs / 1000)));
    }
  }

  /**
   * A wrong password or an unknown account, after `assertMayTry` (which counted the attempt): starts the account's
   * back-off and counts against the client address. The address's count is read before an attempt and written after
   * it, so a burst from one address can pass its cap by the attempts it has in flight; the account's cannot.
   */
  async recordFailure(account: string, request: SignInRequest): Promise<void> {
    const config = this.options.signInThrottle;
    if (!config) return;
    await this.store(async (counters) => {
      const key = accountKey(account);
      const failures = (await counters.accountFailures.get(key))?.consumedPoints ?? 0;
      const backoff = signInBackoffSeconds(failures, config);
      if (backoff > 0) await counters.accountWait.block(key, backoff);
      await counters.clientFailures.penalty(clientOf(request));
      if (Date.now() - this.lastPurgeMs > PURGE_INTERVAL_MS) {
        this.lastPurgeMs = Date.now();
        await (counters.accountFailures as unknown as Purgeable).clearExpired(Date.now());
      }
    });
  }

  /** The right password: the account's failures and back-off are forgotten. */
  async recordSuccess(account: string): Promise<void> {
    if (!this.options.signInThrottle) return;
    await this.store(async (counters) => {
      const key = accountKey(account);
      await counters.accountFailures.delete(key);
      await counters.accountWait.delete(key);
    });
  }

  /** Runs `work` on the counters; a failure of the store leaves as a SessionStoreError, which refuses the sign-in. */
  private async store<T>(work: (counters: Counters) => Promise<T>): Promise<T> {
    try {
      return await work((this.counters ??= this.createCounters(this.options.signInThrottle!)));
    } catch (error) {
      throw new SessionStoreError(STORE_STATEMENT, driverErrorCode(error), isDatabaseUnavailable(error));
    }
  }

  private createCounters(config: ResolvedSignInThrottleOptions): Counters {
    const driver = this.db.driver;
    if (!(driver instanceof PostgresDriver) || !driver.master) {
      throw new Error('AuthModule: the data source is not a connected PostgreSQL data source');
    }
    const pool: pg.Pool = driver.master;
    // rate-limiter-flexible names every statement it sends; without the host's consent the names are dropped (see
    // AuthModuleOptions.preparedStatements). Its 'pool' store only ever calls `query`.
    const storeClient = this.options.preparedStatements
      ? pool
      : { query: ({ text, values }: pg.QueryConfig) => pool.query({ text, values }) };
    const limiter = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterPostgres({
        storeClient,
        storeType: 'pool',
        tableName: SIGN_IN_ATTEMPTS_TABLE,
        schemaName: dataSourceSchema(this.db),
        // The module's migration creates the table; recordFailure purges expired rows, without a timer to stop.
        tableCreated: true,
        clearExpiredByTimeout: false,
        keyPrefix,
        points,
        duration,
      });
    return {
      accountFailures: limiter('account', 1, config.forgetAfterSeconds),
      accountWait: limiter('account-wait', 1, config.baseDelaySeconds),
      clientFailures: limiter('client', config.perClient.failures, config.perClient.windowSeconds),
    };
  }
}

function clientOf(request: SignInRequest): string {
  return clientKey(request.ip ?? request.socket?.remoteAddress);
}
