import { Controller, Get, Inject, Module, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';

/** The demo's own prom-client registry, one per app: two apps in one process (the tests) never share a metric. */
export const DEMO_METRICS_REGISTRY = Symbol('DEMO_METRICS_REGISTRY');

/** `GET /metrics`: the registry in Prometheus' text format; for scrapers, not in the API's document. */
@Controller()
@ApiExcludeController()
export class DemoMetricsController {
  constructor(
    @Inject(DEMO_METRICS_REGISTRY) private readonly registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('metrics')
  async metrics(@Res({ passthrough: true }) response: object): Promise<string> {
    this.adapterHost.httpAdapter.setHeader(response, 'Content-Type', this.registry.contentType);
    return this.registry.metrics();
  }
}

/** The registry (AuthModule's `metrics.registry`) and the route that shows it; imported only with METRICS=true. */
@Module({
  providers: [{ provide: DEMO_METRICS_REGISTRY, useFactory: () => new Registry() }],
  controllers: [DemoMetricsController],
  exports: [DEMO_METRICS_REGISTRY],
})
export class DemoMetricsModule {}
