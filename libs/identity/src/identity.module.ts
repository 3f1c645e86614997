import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionRegistry } from '@app/eventstore';
import { CreateUserHandler } from './application/commands/create-user/create-user.handler.js';
import { DeleteUserHandler } from './application/commands/delete-user/delete-user.handler.js';
import { UpdateUserHandler } from './application/commands/update-user/update-user.handler.js';
import { GetUserHandler } from './application/queries/get-user/get-user.handler.js';
import { ListUsersHandler } from './application/queries/list-users/list-users.handler.js';
import { UsersController } from './api/users.controller.js';
import { PasswordHasher } from './infrastructure/password-hasher.js';
import { UserLookup } from './infrastructure/user-lookup.js';
import { UserStreamRepository } from './infrastructure/user-stream.repository.js';
import { UsersProjection } from './infrastructure/users.projection.js';
import { UsersReadRepository } from './infrastructure/users-read.repository.js';

const handlers = [CreateUserHandler, UpdateUserHandler, DeleteUserHandler, GetUserHandler, ListUsersHandler];

/** Identity without HTTP: commands, queries and the users projection (the worker uses this). */
@Module({
  imports: [CqrsModule],
  providers: [...handlers, UsersProjection, UserStreamRepository, UsersReadRepository, PasswordHasher, UserLookup],
  exports: [UserLookup, UsersProjection],
})
export class IdentityCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly projection: UsersProjection,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.projection);
  }
}

/** Identity with its HTTP API. */
@Module({
  imports: [IdentityCoreModule, CqrsModule],
  controllers: [UsersController],
  exports: [IdentityCoreModule],
})
export class IdentityModule {}
