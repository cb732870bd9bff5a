import * as prom from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MountedRoute } from '../routes/route-table.js';
import { promAuthMetrics } from './prom-auth-metrics.js';

class LogoutController {}
class HostSignInController {
  signIn(): void {}
}
const ROUTES = [{ name: 'authLogout', controller: LogoutController } as unknown as MountedRoute];

describe('promAuthMetrics', () => {
  it('names the routes of the route table by their name, and the host’s by Controller.handler', async () => {
    const registry = new prom.Registry();
    const metrics = promAuthMetrics(prom, { registry }, ROUTES);
    metrics.rateLimited(LogoutController, () => undefined);
    metrics.rateLimited(HostSignInController, HostSignInController.prototype.signIn);
    metrics.rateLimited(HostSignInController, HostSignInController.prototype.signIn);
    expect((await registry.getSingleMetric('nest_signout_rate_limited_total')!.get()).values).toEqual([
      { labels: { route: 'authLogout' }, value: 1 },
      { labels: { route: 'HostSignInController.signIn' }, value: 2 },
    ]);
  });

  it('shares the metrics of a second module given the same registry, under the prefix asked for', async () => {
    const registry = new prom.Registry();
    const first = promAuthMetrics(prom, { registry, prefix: 'app_' }, ROUTES);
    const second = promAuthMetrics(prom, { registry, prefix: 'app_' }, ROUTES);
    first.sessionsRevoked('logout', 2);
    second.sessionsRevoked('logout', 1);
    second.sessionsRevoked('admin', 0);
    expect((await registry.getSingleMetric('app_revocations_total')!.get()).values).toEqual([
      { labels: { reason: 'logout' }, value: 3 },
    ]);
    expect(registry.getSingleMetric('nest_signout_revocations_total')).toBeUndefined();
  });

  it('reads the listener at each scrape, and counts a negative delivery delay (clock skew) as 0', async () => {
    const registry = new prom.Registry();
    const metrics = promAuthMetrics(prom, { registry }, []);
    const gauge = () => registry.getSingleMetric('nest_signout_revocation_listener_up')!.get();
    expect((await gauge()).values).toEqual([{ labels: {}, value: 0 }]);
    let listening = true;
    metrics.watchListener(() => listening);
    expect((await gauge()).values).toEqual([{ labels: {}, value: 1 }]);
    listening = false;
    expect((await gauge()).values).toEqual([{ labels: {}, value: 0 }]);
    metrics.revocationDelivered(-0.3);
    const text = await registry.metrics();
    expect(text).toContain('nest_signout_revocation_delivery_seconds_sum 0\n');
    expect(text).toContain('nest_signout_revocation_delivery_seconds_bucket{le="0.001"} 1\n');
  });

  it('counts a guard refusal of a kind not labelled in advance', async () => {
    const registry = new prom.Registry();
    promAuthMetrics(prom, { registry }, []).guardDecision('session_conflict');
    const values = (await registry.getSingleMetric('nest_signout_guard_decisions_total')!.get()).values;
    expect(values.find((value) => value.labels.reason === 'session_conflict')).toEqual({
      labels: { outcome: 'refused', reason: 'session_conflict' },
      value: 1,
    });
    expect(values.filter((value) => value.value === 0)).toHaveLength(12);
  });
});
