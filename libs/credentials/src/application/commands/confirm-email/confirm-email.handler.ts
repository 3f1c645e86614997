import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { EMAILS_DECIDER } from '../../../domain/email/email.decider.js';
import { ConfirmationTokenNotFoundError } from '../../../domain/email/email.errors.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { ConfirmationTokens } from '../../../infrastructure/email/confirmation-tokens.js';
import { UserEmailsRepository } from '../../../infrastructure/email/user-emails.repository.js';
import { ConfirmEmail } from './confirm-email.command.js';

@CommandHandler(ConfirmEmail)
export class ConfirmEmailHandler implements ICommandHandler<ConfirmEmail> {
  constructor(
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly emails: UserEmailsRepository,
    private readonly tokens: ConfirmationTokens,
  ) {}

  async execute({ token, metadata }: ConfirmEmail): Promise<{ userId: number; emailId: number }> {
    const found = await this.emails.byConfirmationDigest(this.tokens.digest(token));
    if (!found) throw new ConfirmationTokenNotFoundError();
    const owner = await this.owners.byId(found.userId);
    if (!owner) throw new ConfirmationTokenNotFoundError();
    const { events } = await this.commands.handle(
      credentialsStreamId(owner.id),
      EMAILS_DECIDER,
      { kind: 'confirm_email', userId: owner.id, username: owner.username, emailId: found.id },
      { metadata },
    );
    // A token used twice at once: the second found the address confirmed by the first.
    if (events.length === 0) throw new ConfirmationTokenNotFoundError();
    return { userId: owner.id, emailId: found.id };
  }
}
