import type { Type } from '@nestjs/common';
import type * as PromClient from 'prom-client';
import type { AuthRouteName } from '../auth.constants.js';
import type { MountedRoute } from '../routes/route-table.js';
import type { AuthMetrics, CacheLookupResult, GuardDecisionReason } from './auth-metrics.js';
import type { MetricsOptions } from './metrics-options.interface.js';

/** prom-client's module, as `import('prom-client')` gives it. */
export type PromClientModule = typeof PromClient;

/** Every metric name starts with this unless `metrics.prefix` says otherwise. */
export const DEFAULT_METRICS_PREFIX = 'nest_signout_';

/** The reasons the guard refuses for, labelled up front so each series exists (at 0) from the start. */
const GUARD_REASONS: readonly GuardDecisionReason[] = [
  'none',
  'missing_token',
  'malformed_token',
  'token_signature',
  'invalid_token',
  'token_expired',
  'session_not_found',
  'session_revoked',
  'session_expired',
  'user_not_found',
  'user_disabled',
  'database_unavailable',
];

/** A child shows in the output only once incremented: at 0 from the start, a rate over it is defined from the start. */
function labelled(child: PromClient.Counter.Internal): PromClient.Counter.Internal {
  child.inc(0);
  return child;
}

/** Until a revocation cache watches it, no listener is open. */
const notListening = (): boolean => false;

const SECONDS_BUCKETS = {
  /** A notification crosses one PostgreSQL server: milliseconds, seconds when something is wrong. */
  delivery: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  /** A primary-key read to a few statements in a transaction, up to the `databaseTimeoutMs` default of 5 s. */
  database: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
};

/**
 * The module's metrics in prom-client. A metric already in the registry under the same name (a second AuthModule of
 * the process given the same registry) is shared, not registered twice (prom-client would throw).
 * Route labels are the route table's names; a host route guarded by AuthRateLimitGuard is `Controller.handler`.
 */
export function promAuthMetrics(
  prom: PromClientModule,
  options: MetricsOptions,
  routes: readonly MountedRoute[],
): AuthMetrics {
  const registry = (options.registry ?? prom.register) as PromClient.Registry;
  const prefix = options.prefix ?? DEFAULT_METRICS_PREFIX;
  const routeNames = new Map<Type, AuthRouteName>(routes.map((route) => [route.controller, route.name]));
  const routeOf = (controller: Type, handler?: { name: string }): string =>
    routeNames.get(controller) ?? `${controller.name}.${handler?.name ?? ''}`;
  const shared = <M>(name: string, create: (name: string) => M): M =>
    (registry.getSingleMetric(prefix + name) as M | undefined) ?? create(prefix + name);
  const registers = [registry];

  const decisions = shared(
    'guard_decisions_total',
    (name) =>
      new prom.Counter({
        name,
        help: 'Access-token checks of the guard, by outcome and by the domain error kind that refused (none: allowed)',
        labelNames: ['outcome', 'reason'] as const,
        registers,
      }),
  );
  const decisionChildren = new Map(
    GUARD_REASONS.map((reason) => [
      reason,
      labelled(decisions.labels({ outcome: reason === 'none' ? 'allowed' : 'refused', reason })),
    ]),
  );
  const cacheLookups = shared(
    'revocation_cache_lookups_total',
    (name) =>
      new prom.Counter({
        name,
        help: 'Lookups of the revocation cache (cached mode): hit, miss, or unavailable (delivery not proven)',
        labelNames: ['result'] as const,
        registers,
      }),
  );
  const lookupChildren: Record<CacheLookupResult, PromClient.Counter.Internal> = {
    hit: labelled(cacheLookups.labels({ result: 'hit' })),
    miss: labelled(cacheLookups.labels({ result: 'miss' })),
    unavailable: labelled(cacheLookups.labels({ result: 'unavailable' })),
  };
  let listening = notListening;
  shared(
    'revocation_listener_up',
    (name) =>
      new prom.Gauge({
        name,
        help: 'Whether the revocation listener is proven to deliver (1) or not (0; none opened counts as 0)',
        registers,
        collect() {
          this.set(listening() ? 1 : 0);
        },
      }),
  );
  const delivery = shared(
    'revocation_delivery_seconds',
    (name) =>
      new prom.Histogram({
        name,
        help: "From the end of the revoking statement (database clock) to the notification's arrival (this clock)",
        buckets: SECONDS_BUCKETS.delivery,
        registers,
      }),
  );
  const revocations = shared(
    'revocations_total',
    (name) =>
      new prom.Counter({
        name,
        help: 'Sessions ended by this instance, by revoke reason',
        labelNames: ['reason'] as const,
        registers,
      }),
  );
  const guardDatabase = shared(
    'guard_database_seconds',
    (name) =>
      new prom.Histogram({
        name,
        help: 'Time a guard check that read PostgreSQL waited for it (connection and statements)',
        buckets: SECONDS_BUCKETS.database,
        registers,
      }),
  );
  const routeDatabase = shared(
    'route_database_seconds',
    (name) =>
      new prom.Histogram({
        name,
        help: "Time a module route's handler waited for PostgreSQL after its guard, by route",
        labelNames: ['route'] as const,
        buckets: SECONDS_BUCKETS.database,
        registers,
      }),
  );
  const rateLimited = shared(
    'rate_limited_total',
    (name) =>
      new prom.Counter({
        name,
        help: 'Requests refused by the rate limit (429), by route',
        labelNames: ['route'] as const,
        registers,
      }),
  );
  const readBatches = shared(
    'read_batch_size',
    (name) =>
      new prom.Histogram({
        name,
        help: 'Keys per batched read statement (batchReads), by what it reads',
        labelNames: ['kind'] as const,
        buckets: [1, 2, 4, 8, 16, 32, 64, 128],
        registers,
      }),
  );

  return {
    enabled: true,
    guardDecision: (reason) => (decisionChildren.get(reason) ?? decisions.labels('refused', reason)).inc(),
    cacheLookup: (result) => lookupChildren[result].inc(),
    watchListener: (isListening) => {
      listening = isListening;
    },
    // A clock of this instance behind the database's would make it negative: that is skew, not delivery.
    revocationDelivered: (seconds) => delivery.observe(Math.max(0, seconds)),
    sessionsRevoked: (reason, count) => {
      if (count > 0) revocations.inc({ reason }, count);
    },
    guardDatabaseWait: (seconds) => guardDatabase.observe(seconds),
    routeDatabaseWait: (controller, seconds) => routeDatabase.observe({ route: routeOf(controller) }, seconds),
    rateLimited: (controller, handler) => rateLimited.inc({ route: routeOf(controller, handler) }),
    readBatch: (kind, size) => readBatches.observe({ kind }, size),
  };
}
