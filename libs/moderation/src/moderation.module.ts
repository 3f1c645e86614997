import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ActivityCoreModule } from '@app/activity';
import { AuditMappingRegistry, ProjectionRegistry } from '@app/eventstore';
import { IdentityCoreModule } from '@app/identity';
import { ModerationController } from './api/moderation.controller.js';
import { SignUpController } from './api/sign-up.controller.js';
import { ModerateUserHandler } from './application/commands/moderate-user/moderate-user.handler.js';
import { SignUpHandler } from './application/commands/sign-up/sign-up.handler.js';
import { ModeratorRecordWorker } from './application/workers/moderator-record.worker.js';
import { RejectedUserWorker } from './application/workers/rejected-user.worker.js';
import { MODERATION_AUDIT_MAPPING } from './audit/moderation.audit-mapping.js';
import { UserStatesProjection } from './infrastructure/user-states.projection.js';

/** Moderation without HTTP: the state machine's commands, its read model, its audit rows and its job. */
@Module({
  imports: [CqrsModule, IdentityCoreModule, ActivityCoreModule],
  providers: [UserStatesProjection, ModerateUserHandler, SignUpHandler, RejectedUserWorker, ModeratorRecordWorker],
})
export class ModerationCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly states: UserStatesProjection,
    private readonly auditMappings: AuditMappingRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.states);
    this.auditMappings.register(MODERATION_AUDIT_MAPPING);
  }
}

@Module({ imports: [ModerationCoreModule], controllers: [ModerationController, SignUpController], exports: [ModerationCoreModule] })
export class ModerationModule {}
