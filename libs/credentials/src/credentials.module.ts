import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionRegistry } from '@app/eventstore';
import { IdentityCoreModule } from '@app/identity';
import { PersonalAccessTokensController } from './api/personal-access-tokens.controller.js';
import { CreatePersonalAccessTokenHandler } from './application/commands/create-personal-access-token/create-personal-access-token.handler.js';
import { PersonalAccessTokensProjection } from './infrastructure/personal-access-tokens.projection.js';
import { TokenLookup } from './infrastructure/token-lookup.js';
import { TokenOwnersProjection } from './infrastructure/token-owners.projection.js';

@Module({
  imports: [CqrsModule, IdentityCoreModule],
  providers: [CreatePersonalAccessTokenHandler, PersonalAccessTokensProjection, TokenOwnersProjection, TokenLookup],
  exports: [TokenLookup],
})
export class CredentialsCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly tokens: PersonalAccessTokensProjection,
    private readonly owners: TokenOwnersProjection,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.tokens);
    this.registry.register(this.owners);
  }
}

@Module({
  imports: [CredentialsCoreModule],
  controllers: [PersonalAccessTokensController],
  exports: [CredentialsCoreModule],
})
export class CredentialsModule {}
