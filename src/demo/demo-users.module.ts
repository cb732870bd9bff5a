import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoUser } from './users/demo-user.entity.js';
import { DemoUsersService } from './users/demo-users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DemoUser])],
  providers: [DemoUsersService],
  exports: [DemoUsersService],
})
export class DemoUsersModule {}
