import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { DemoConfig } from './demo.config.js';
import { DemoUsersService } from './users/demo-users.service.js';

/** Makes sure the demo user of the configuration exists, with its configured password. */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    private readonly users: DemoUsersService,
    private readonly config: ConfigService<DemoConfig, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.get('demoUserEmail', { infer: true });
    await this.users.upsertUser(email, this.config.get('demoUserPassword', { infer: true }));
    this.logger.log(`Demo user ready: ${email}`);
  }
}
