import { CommandBus, CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { GetUser, UpdateUser } from '@app/identity';
import { checkUnmodifiedSince } from '@app/shared';
import { EMAILS_DECIDER } from '../../../domain/email/email.decider.js';
import { EmailNotFoundError } from '../../../domain/email/email.errors.js';
import { credentialsStreamId } from '../../../domain/personal-access-token/personal-access-token.events.js';
import { CredentialOwners } from '../../../infrastructure/credential-owners.js';
import { UserEmailsRepository } from '../../../infrastructure/email/user-emails.repository.js';
import { DeleteEmail } from './delete-email.command.js';

@CommandHandler(DeleteEmail)
export class DeleteEmailHandler implements ICommandHandler<DeleteEmail> {
  constructor(
    private readonly commands: CommandPath,
    private readonly bus: CommandBus,
    private readonly queries: QueryBus,
    private readonly owners: CredentialOwners,
    private readonly emails: UserEmailsRepository,
  ) {}

  async execute({ input, metadata }: DeleteEmail): Promise<void> {
    const owner = await this.owners.existing(input.userId);
    const { events } = await this.commands.handle(
      credentialsStreamId(owner.id),
      EMAILS_DECIDER,
      async (state) => {
        if (input.unmodifiedSince && state.emails[String(input.emailId)]) {
          const row = await this.emails.find(owner.id, input.emailId);
          if (!row) throw new EmailNotFoundError();
          // An address changes only when confirmed: that is its last modification.
          checkUnmodifiedSince(input.unmodifiedSince, row.confirmed_at ?? row.created_at);
        }
        return { kind: 'delete_email' as const, userId: owner.id, username: owner.username, emailId: input.emailId, primaryEmail: await this.emails.primaryOf(owner.id) };
      },
      { metadata },
    );
    if (events.length > 0) await this.forgetAddress(owner.id, events[0].data.email, metadata);
  }

  /**
   * As GitLab's service does after deleting an address: a public or commit email that was this
   * address falls back to none (identity's own command, after credentials' append).
   */
  private async forgetAddress(userId: number, email: string, metadata: DeleteEmail['metadata']): Promise<void> {
    const user = await this.queries.execute(new GetUser(userId));
    if (!user) return;
    const changes: { public_email?: null; commit_email?: null } = {};
    if (user.public_email?.toLowerCase() === email) changes.public_email = null;
    if (user.commit_email?.toLowerCase() === email) changes.commit_email = null;
    if (Object.keys(changes).length === 0) return;
    await this.bus.execute(
      new UpdateUser({ userId, actorId: metadata.actor_id ?? userId, changes, password: null, skipReconfirmation: true, identity: null }, metadata),
    );
  }
}
