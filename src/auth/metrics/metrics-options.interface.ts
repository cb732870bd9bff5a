/**
 * What the module needs of a prom-client `Registry` (prom-client is an optional peer, so its types are not part of the
 * module's). A prom-client 15 `Registry` is one.
 */
export interface MetricsRegistry {
  getSingleMetric(name: string): unknown;
  registerMetric(...metric: never[]): void;
}

/** The `metrics` option: Prometheus metrics through prom-client, into the host's registry. */
export interface MetricsOptions {
  /** The registry the metrics go into. Default: prom-client's global `register`. */
  registry?: MetricsRegistry;
  /** Put before every metric name. Default `nest_signout_`. */
  prefix?: string;
}
