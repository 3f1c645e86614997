import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditMappingRegistry, ProjectionRegistry, UpcasterRegistry } from '@app/eventstore';
import { Mailer, SecondaryEmails, TokenUsage } from '@app/shared';
import { IdentityCoreModule } from '@app/identity';
import { PersonalAccessTokensController } from './api/personal-access-tokens.controller.js';
import { CREDENTIALS_AUDIT_MAPPING } from './audit/credentials.audit-mapping.js';
import { PERSONAL_ACCESS_TOKEN_CREATED_V1_UPCASTER } from './domain/personal-access-token/personal-access-token-created-v1.upcaster.js';
import { CreatePersonalAccessTokenHandler } from './application/commands/create-personal-access-token/create-personal-access-token.handler.js';
import { PersonalAccessTokensProjection } from './infrastructure/personal-access-tokens.projection.js';
import { TokenLookup } from './infrastructure/token-lookup.js';
import { TokenOwnersProjection } from './infrastructure/token-owners.projection.js';
import { UserTwoFactorProjection } from './infrastructure/user-two-factor.projection.js';
import { SshKeysController } from './api/ssh-keys.controller.js';
import { AddSshKeyHandler } from './application/commands/add-ssh-key/add-ssh-key.handler.js';
import { DeleteSshKeyHandler } from './application/commands/delete-ssh-key/delete-ssh-key.handler.js';
import { CredentialOwners } from './infrastructure/credential-owners.js';
import { SshKeysProjection } from './infrastructure/ssh/ssh-keys.projection.js';
import { SshKeysRepository } from './infrastructure/ssh/ssh-keys.repository.js';
import { GpgKeysController } from './api/gpg-keys.controller.js';
import { AddGpgKeyHandler } from './application/commands/add-gpg-key/add-gpg-key.handler.js';
import { RemoveGpgKeyHandler } from './application/commands/remove-gpg-key/remove-gpg-key.handler.js';
import { GpgKeysProjection } from './infrastructure/gpg/gpg-keys.projection.js';
import { GpgKeysRepository } from './infrastructure/gpg/gpg-keys.repository.js';
import { EmailsController } from './api/emails.controller.js';
import { AddEmailHandler } from './application/commands/add-email/add-email.handler.js';
import { ConfirmEmailHandler } from './application/commands/confirm-email/confirm-email.handler.js';
import { DeleteEmailHandler } from './application/commands/delete-email/delete-email.handler.js';
import { EmailConfirmationWorker } from './application/workers/email-confirmation.worker.js';
import { ConfirmationTokens } from './infrastructure/email/confirmation-tokens.js';
import { UserEmailsProjection } from './infrastructure/email/user-emails.projection.js';
import { UserEmailsRepository } from './infrastructure/email/user-emails.repository.js';
import { AccessTokensController } from './api/access-tokens.controller.js';
import { ImpersonationTokensController } from './api/impersonation-tokens.controller.js';
import { RevokeAccessTokenHandler } from './application/commands/revoke-access-token/revoke-access-token.handler.js';
import { RotateAccessTokenHandler } from './application/commands/rotate-access-token/rotate-access-token.handler.js';
import { AccessTokensRepository } from './infrastructure/access-tokens.repository.js';
import { TokenUsageTracker, TokenUsageWorker } from './application/workers/token-usage.js';
import { TwoFactorController } from './api/two-factor.controller.js';
import { ConfirmTwoFactorEnrolmentHandler, DisableTwoFactorHandler, StartTwoFactorEnrolmentHandler } from './application/commands/two-factor/two-factor.handlers.js';
import { InstanceSecrets } from './infrastructure/instance-secrets.js';
import { Totp } from './infrastructure/two-factor/totp.js';
import { RunnersController } from './api/runners.controller.js';
import { CreateRunnerHandler } from './application/commands/create-runner/create-runner.handler.js';
import { RunnersProjection } from './infrastructure/runners.projection.js';

/**
 * What identity asks of credentials through a port of the shared kernel (identity cannot import
 * credentials, which depends on it): global, so identity's handlers find it when it is loaded.
 */
@Global()
@Module({
  providers: [UserEmailsRepository, { provide: SecondaryEmails, useExisting: UserEmailsRepository }, TokenUsageTracker, { provide: TokenUsage, useExisting: TokenUsageTracker }],
  exports: [UserEmailsRepository, SecondaryEmails, TokenUsage],
})
export class CredentialsPortsModule {}

@Module({
  imports: [CqrsModule, IdentityCoreModule, CredentialsPortsModule],
  providers: [
    CreatePersonalAccessTokenHandler,
    AddSshKeyHandler,
    DeleteSshKeyHandler,
    AddGpgKeyHandler,
    RemoveGpgKeyHandler,
    GpgKeysProjection,
    GpgKeysRepository,
    AddEmailHandler,
    ConfirmEmailHandler,
    DeleteEmailHandler,
    UserEmailsProjection,
    ConfirmationTokens,
    EmailConfirmationWorker,
    Mailer,
    RevokeAccessTokenHandler,
    RotateAccessTokenHandler,
    AccessTokensRepository,
    TokenUsageWorker,
    InstanceSecrets,
    Totp,
    StartTwoFactorEnrolmentHandler,
    ConfirmTwoFactorEnrolmentHandler,
    DisableTwoFactorHandler,
    CreateRunnerHandler,
    RunnersProjection,
    PersonalAccessTokensProjection,
    TokenOwnersProjection,
    UserTwoFactorProjection,
    SshKeysProjection,
    TokenLookup,
    CredentialOwners,
    SshKeysRepository,
  ],
  exports: [TokenLookup, CredentialOwners, SshKeysRepository, GpgKeysRepository, AccessTokensRepository, CredentialsPortsModule],
})
export class CredentialsCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly tokens: PersonalAccessTokensProjection,
    private readonly owners: TokenOwnersProjection,
    private readonly twoFactor: UserTwoFactorProjection,
    private readonly sshKeys: SshKeysProjection,
    private readonly gpgKeys: GpgKeysProjection,
    private readonly userEmails: UserEmailsProjection,
    private readonly runners: RunnersProjection,
    private readonly upcasters: UpcasterRegistry,
    private readonly auditMappings: AuditMappingRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.tokens);
    this.registry.register(this.owners);
    this.registry.register(this.twoFactor);
    this.registry.register(this.sshKeys);
    this.registry.register(this.gpgKeys);
    this.registry.register(this.userEmails);
    this.registry.register(this.runners);
    this.upcasters.register(PERSONAL_ACCESS_TOKEN_CREATED_V1_UPCASTER);
    this.auditMappings.register(CREDENTIALS_AUDIT_MAPPING);
  }
}

@Module({
  imports: [CredentialsCoreModule],
  controllers: [TwoFactorController, RunnersController, PersonalAccessTokensController, AccessTokensController, ImpersonationTokensController, SshKeysController, GpgKeysController, EmailsController],
  exports: [CredentialsCoreModule],
})
export class CredentialsModule {}
