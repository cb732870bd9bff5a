import { Module, type DynamicModule } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerModule } from '@nestjs/throttler';

/**
 * With REDIS_URL, the demo's ThrottlerModule counts in Redis, and AuthModule uses the host's
 * ThrottlerStorage: every instance shares one budget per client. The store is a provider, so Nest
 * closes its connection when the app closes.
 */
export function sharedRateLimitImports(redisUrl: string | undefined): DynamicModule[] {
  if (!redisUrl) return [];
  @Module({
    providers: [
      { provide: ThrottlerStorageRedisService, useFactory: () => new ThrottlerStorageRedisService(redisUrl) },
    ],
    exports: [ThrottlerStorageRedisService],
  })
  class DemoRedisModule {}
  return [
    ThrottlerModule.forRootAsync({
      imports: [DemoRedisModule],
      inject: [ThrottlerStorageRedisService],
      useFactory: (storage: ThrottlerStorageRedisService) => ({ throttlers: [], storage }),
    }),
  ];
}
