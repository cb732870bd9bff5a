import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { RevocationListenerHealthIndicator } from './revocation-listener.health.js';

/**
 * `GET /health`, added to the demo's root module: its indicator needs AuthModule's `RevocationCache`,
 * which only the module that imports AuthModule can inject. Terminus logs each failed check as one JSON line.
 */
export const healthParts = {
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [RevocationListenerHealthIndicator],
};
