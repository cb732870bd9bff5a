import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, authMigrations } from 'nest-signout';
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
        migrationsRun: true,
      }),
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
