import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RevocationHealthIndicator } from '../../auth/index.js';

/** The longest a database ping may take before /health reports the database down. */
export const DATABASE_PING_TIMEOUT_MS = 1000;

/** `GET /health`: terminus's body, 200 when every indicator is up, 503 otherwise. No guard, no rate limit. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly revocations: RevocationHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS),
      () => this.revocations.check('revocationListener'),
    ]);
  }
}
