import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { Database, EMAIL_ADDRESS_OWNER_CONSTRAINT, uniqueViolationConstraint } from '@app/shared';
import { EMAILS_DECIDER, normaliseEmail } from '../../../domain/email/email.decider.js';
import { EmailTakenError } from '../../../domain/email/email.errors.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { ConfirmationTokens } from '../../../infrastructure/email/confirmation-tokens.js';
import { UserEmailsRepository } from '../../../infrastructure/email/user-emails.repository.js';
import { AddEmail } from './add-email.command.js';

/** Two users adding one address at once, or a user created with it meanwhile: the table's one-owner rule refuses the later append. */
function mapTakenAddress(error: unknown): never {
  const constraint = uniqueViolationConstraint(error);
  if (constraint === EMAIL_ADDRESS_OWNER_CONSTRAINT || constraint === 'user_emails_secondary_key') throw new EmailTakenError();
  throw error;
}

@CommandHandler(AddEmail)
export class AddEmailHandler implements ICommandHandler<AddEmail> {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandPath,
    private readonly owners: CredentialOwners,
    private readonly emails: UserEmailsRepository,
    private readonly tokens: ConfirmationTokens,
  ) {}

  async execute({ input, metadata }: AddEmail): Promise<number> {
    const owner = await this.owners.existing(input.userId);
    const email = normaliseEmail(input.email);
    const [takenElsewhere, primaryEmail, [{ id }]] = await Promise.all([
      email === '' ? false : this.emails.heldByAnotherUser(email, owner.id),
      this.emails.primaryOf(owner.id),
      this.db.query<{ id: string }>("SELECT nextval('credentials.emails_id_seq') AS id"),
    ]);
    const emailId = Number(id);
    await this.commands.handle(
      credentialsStreamId(owner.id),
      EMAILS_DECIDER,
      {
        kind: 'add_email',
        id: emailId,
        userId: owner.id,
        username: owner.username,
        email: input.email,
        primaryEmail,
        takenElsewhere,
        skipConfirmation: input.skipConfirmation,
        confirmationTokenDigest: this.tokens.digest(await this.tokens.tokenFor(emailId)),
      },
      { metadata, onAppendError: mapTakenAddress },
    );
    return emailId;
  }
}
