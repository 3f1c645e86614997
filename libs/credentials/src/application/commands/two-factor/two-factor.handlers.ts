import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { Database } from '@app/shared';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { TWO_FACTOR_DECIDER } from '../../../domain/two-factor/two-factor.decider.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { Totp } from '../../../infrastructure/two-factor/totp.js';
import { ConfirmTwoFactorEnrolment, DisableTwoFactor, StartTwoFactorEnrolment } from './two-factor.commands.js';

@CommandHandler(StartTwoFactorEnrolment)
export class StartTwoFactorEnrolmentHandler implements ICommandHandler<StartTwoFactorEnrolment> {
  constructor(
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly totp: Totp,
  ) {}

  async execute({ userId, metadata }: StartTwoFactorEnrolment): Promise<{ secret: string; provisioning_uri: string }> {
    const owner = await this.owners.existing(userId);
    const { secret, uri } = this.totp.newSecret(owner.username);
    await this.commands.handle(
      credentialsStreamId(owner.id),
      TWO_FACTOR_DECIDER,
      { kind: 'start_enrolment', userId: owner.id, username: owner.username },
      { metadata, alsoInTransaction: (tx) => this.totp.store(tx, owner.id, secret) },
    );
    return { secret, provisioning_uri: uri };
  }
}

@CommandHandler(ConfirmTwoFactorEnrolment)
export class ConfirmTwoFactorEnrolmentHandler implements ICommandHandler<ConfirmTwoFactorEnrolment> {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly totp: Totp,
  ) {}

  async execute({ userId, code, metadata }: ConfirmTwoFactorEnrolment): Promise<string[]> {
    const owner = await this.owners.existing(userId);
    const recovery = this.totp.newRecoveryCodes();
    await this.commands.handle(
      credentialsStreamId(owner.id),
      TWO_FACTOR_DECIDER,
      async () => ({ kind: 'confirm_enrolment' as const, userId: owner.id, username: owner.username, codeValid: await this.totp.verify(this.db, owner.id, code) }),
      { metadata, alsoInTransaction: (tx) => this.totp.storeRecoveryCodes(tx, owner.id, recovery.digests) },
    );
    return recovery.codes;
  }
}

@CommandHandler(DisableTwoFactor)
export class DisableTwoFactorHandler implements ICommandHandler<DisableTwoFactor> {
  constructor(
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly totp: Totp,
  ) {}

  async execute({ userId, metadata }: DisableTwoFactor): Promise<void> {
    const owner = await this.owners.existing(userId);
    await this.commands.handle(
      credentialsStreamId(owner.id),
      TWO_FACTOR_DECIDER,
      { kind: 'disable', userId: owner.id, username: owner.username, targetIsAdmin: owner.admin, byAdmin: true },
      { metadata, alsoInTransaction: (tx) => this.totp.forget(tx, owner.id) },
    );
  }
}
