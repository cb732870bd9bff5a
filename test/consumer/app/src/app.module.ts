import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, authMigrations, runMigrationsLocked } from 'nest-signout';
import { DataSource } from 'typeorm';
import { AccountsModule } from './accounts/accounts.module.js';
import { AccountsService } from './accounts/accounts.service.js';
import { CreateAccounts1800000000000 } from './accounts/create-accounts.migration.js';
import { AppController } from './app.controller.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        type: 'postgres',
        url: config.getOrThrow<string>('DATABASE_URL'),
        autoLoadEntities: true,
        migrations: [CreateAccounts1800000000000, ...authMigrations],
      }),
      // Instances that start together migrate one after the other, under an advisory lock.
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        // A failed start is retried with a new data source: this one's pool must not stay open.
        await runMigrationsLocked(dataSource).catch(async (error: unknown) => {
          await dataSource.destroy();
          throw error;
        });
        return dataSource;
      },
    }),
    AccountsModule,
    AuthModule.forRootAsync({
      imports: [AccountsModule],
      inject: [ConfigService, AccountsService],
      useFactory: (config: ConfigService, accounts: AccountsService) => ({
        signing: { algorithm: 'HS256', secret: config.getOrThrow<string>('JWT_SECRET') },
        userStore: accounts,
      }),
    }),
  ],
  controllers: [AppController],
})
export class AppModule {}
