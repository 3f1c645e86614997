import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EventStore, relayedEvent, type RelayedEventJob, type RelayRoute } from '@app/eventstore';
import { APP_CONFIG, JobHandler, JobName, Mailer, QueueName, type AppConfig } from '@app/shared';
import { EMAIL_ADDED, type EmailAddedData } from '../../domain/email/email.events.js';
import { ConfirmationTokens } from '../../infrastructure/email/confirmation-tokens.js';
import { UserEmailsRepository } from '../../infrastructure/email/user-emails.repository.js';

/** The relay sends each address added without confirmation to the mail queue. */
export const emailConfirmationRelayRoute: RelayRoute = {
  queue: QueueName.Mail,
  job: JobName.MailEmailConfirmation,
  accepts: (event) => event.type === EMAIL_ADDED && (event.data as EmailAddedData).confirmation_token_digest !== null,
};

/** Keeps the first 4 characters of a token: enough to tell two mails apart in a log, useless to confirm with. */
const withheld = (token: string) => `${token.slice(0, 4)}… (withheld)`;

/**
 * Mails the confirmation token of a new address. The token is derived again from the event (it
 * is stored nowhere); an address confirmed or deleted since needs no mail.
 */
@Injectable()
export class EmailConfirmationWorker {
  constructor(
    private readonly store: EventStore,
    private readonly emails: UserEmailsRepository,
    private readonly tokens: ConfirmationTokens,
    private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @JobHandler(QueueName.Mail, JobName.MailEmailConfirmation)
  async mailConfirmation(job: Job<RelayedEventJob>): Promise<string> {
    const event = await relayedEvent(this.store, job);
    const data = event.data as EmailAddedData;
    const token = await this.tokens.tokenFor(data.id);
    if (this.tokens.digest(token) !== data.confirmation_token_digest) {
      throw new Error(`the confirmation token of e-mail ${data.id} does not derive again: credentials.instance_secrets changed since it was added; add the address again`);
    }
    const pending = await this.emails.byConfirmationDigest(data.confirmation_token_digest);
    if (!pending) return 'not needed';
    const body = (shown: string) =>
      [
        `Hello ${data.username},`,
        '',
        `Someone added ${data.email} to your account on ${this.config.externalUrl}.`,
        `If it was you, confirm the address by sending this token (POST) to`,
        `${this.config.externalUrl}/api/v4/user/emails/confirmation:`,
        '',
        // On a line of its own, short enough that no mail encoding breaks it.
        `confirmation_token=${shown}`,
        '',
        'If it was not you, ignore this mail: the address stays unconfirmed.',
      ].join('\n');
    return this.mailer.send({ to: data.email, subject: 'Confirm your e-mail address', text: body(token), loggableText: body(withheld(token)) });
  }
}
