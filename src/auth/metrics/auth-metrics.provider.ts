import { Logger, type Provider } from '@nestjs/common';
import { AUTH_MOUNTED_ROUTES } from '../http/mounted-routes.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import type { MountedRoute } from '../routes/route-table.js';
import { AuthMetrics, NOOP_AUTH_METRICS } from './auth-metrics.js';
import { promAuthMetrics, type PromClientModule } from './prom-auth-metrics.js';

/** Loads prom-client; a provider, so a test can make it fail as a missing package does. */
export const PROM_CLIENT_LOADER = Symbol('PROM_CLIENT_LOADER');

export type PromClientLoader = () => Promise<PromClientModule>;

/**
 * prom-client is an optional peer: it is imported only when `metrics` is on, with `import()` (the package is ESM-only,
 * and `import()` of a missing package rejects where a static import would fail the whole module's loading).
 */
export const loadPromClient: PromClientLoader = () => import('prom-client');

/** The module's AuthMetrics: prom-client's when `metrics` is on and the package loads, else the no-op. */
async function createAuthMetrics(
  options: ResolvedAuthOptions,
  routes: MountedRoute[],
  load: PromClientLoader,
): Promise<AuthMetrics> {
  if (!options.metrics) return NOOP_AUTH_METRICS;
  let prom: PromClientModule;
  try {
    prom = await load();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    new Logger('AuthMetrics').warn(
      `The metrics option is set but prom-client cannot be loaded (${reason}); no metrics are registered. ` +
        'Install prom-client 15 to have them',
    );
    return NOOP_AUTH_METRICS;
  }
  return promAuthMetrics(prom, options.metrics, routes);
}

export const authMetricsProviders: Provider[] = [
  { provide: PROM_CLIENT_LOADER, useValue: loadPromClient },
  {
    provide: AuthMetrics,
    useFactory: createAuthMetrics,
    inject: [AUTH_OPTIONS, AUTH_MOUNTED_ROUTES, PROM_CLIENT_LOADER],
  },
];
