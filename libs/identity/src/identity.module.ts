import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditMappingRegistry, ProjectionRegistry, UpcasterRegistry } from '@app/eventstore';
import { CreateUserHandler } from './application/commands/create-user/create-user.handler.js';
import { DeleteIdentityHandler } from './application/commands/delete-identity/delete-identity.handler.js';
import { DeleteUserHandler } from './application/commands/delete-user/delete-user.handler.js';
import { UpdateUserHandler } from './application/commands/update-user/update-user.handler.js';
import { GetUserBasicsHandler } from './application/queries/get-user-basics/get-user-basics.handler.js';
import { GetUserHandler } from './application/queries/get-user/get-user.handler.js';
import { ListUsersHandler } from './application/queries/list-users/list-users.handler.js';
import { IdentitiesController } from './api/identities.controller.js';
import { IDENTITY_AUDIT_MAPPING } from './audit/identity.audit-mapping.js';
import { USER_UPDATED_V1_UPCASTER } from './domain/user/user-updated-v1.upcaster.js';
import { UsersController } from './api/users.controller.js';
import { AVATAR_CONTROLLERS, AvatarsCoreModule } from './avatars.module.js';
import { PasswordHasher } from './infrastructure/password-hasher.js';
import { UserLookup } from './infrastructure/user-lookup.js';
import { UsersProjection } from './infrastructure/users.projection.js';
import { UsersReadRepository } from './infrastructure/users-read.repository.js';
import { CUSTOM_ATTRIBUTES_PREFERENCES_CONTROLLERS, CustomAttributesPreferencesCoreModule } from './custom-attributes-preferences.module.js';

const handlers = [CreateUserHandler, UpdateUserHandler, DeleteUserHandler, GetUserHandler, GetUserBasicsHandler, ListUsersHandler, DeleteIdentityHandler];

/** Identity without HTTP: commands, queries and the users projection (the worker uses this). */
@Module({
  imports: [CqrsModule, AvatarsCoreModule, CustomAttributesPreferencesCoreModule],
  providers: [...handlers, UsersProjection, UsersReadRepository, PasswordHasher, UserLookup],
  exports: [AvatarsCoreModule, UserLookup, UsersProjection],
})
export class IdentityCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly projection: UsersProjection,
    private readonly upcasters: UpcasterRegistry,
    private readonly auditMappings: AuditMappingRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.projection);
    // Streams written before identity's update event was split still load, project and audit.
    this.upcasters.register(USER_UPDATED_V1_UPCASTER);
    this.auditMappings.register(IDENTITY_AUDIT_MAPPING);
  }
}

/** Identity with its HTTP API. */
@Module({
  imports: [IdentityCoreModule, CqrsModule],
  controllers: [...AVATAR_CONTROLLERS, ...CUSTOM_ATTRIBUTES_PREFERENCES_CONTROLLERS, UsersController, IdentitiesController],
  exports: [IdentityCoreModule],
})
export class IdentityModule {}
