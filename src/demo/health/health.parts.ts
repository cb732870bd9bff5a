import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';

/**
 * `GET /health`, added to the demo's root module, which imports AuthModule (whose
 * RevocationHealthIndicator it injects). Terminus logs each failed check as one JSON line.
 */
export const healthParts = {
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
};
