import type { ModuleMetadata } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, authMigrations } from '../../src/auth/index.js';
import { TEST_SECRET } from '../support/constants.js';
import { HostSignInController } from './host-sign-in.controller.js';

export const NAMED_CONNECTION = 'identity';
export const NAMED_CONNECTION_SCHEMA = 'identity_app';

/**
 * A host whose only connection is a named one, in a schema of its own: the module's migrations run
 * through the host's data source and create the tables there, and every route works on it.
 */
export const namedConnectionHost = (url: string): ModuleMetadata => ({
  imports: [
    TypeOrmModule.forRoot({
      name: NAMED_CONNECTION,
      type: 'postgres',
      url,
      schema: NAMED_CONNECTION_SCHEMA,
      autoLoadEntities: true,
      migrations: authMigrations,
      migrationsRun: true,
    }),
    AuthModule.forRoot({
      dataSource: NAMED_CONNECTION,
      signing: { algorithm: 'HS256', secret: TEST_SECRET },
      rateLimit: false,
    }),
  ],
  controllers: [HostSignInController],
});
