import { EMAIL_REGEX, type Decider } from '@app/kernel';
import { EmailInvalidError, EmailNotFoundError, PrimaryEmailNotDeletableError } from './email.errors.js';
import { EMAIL_ADDED, EMAIL_CONFIRMED, EMAIL_DELETED, type EmailEvent } from './email.events.js';

export const EMAIL_MAX_LENGTH = 255;

export interface EmailsState {
  /** The user's secondary addresses by id. */
  emails: Readonly<Record<string, { email: string; confirmed: boolean }>>;
}

export interface AddEmailCommand {
  kind: 'add_email';
  id: number;
  userId: number;
  username: string;
  /** As submitted; the decider normalises it. */
  email: string;
  /** The user's primary address (lower-case). */
  primaryEmail: string | null;
  /** Another user has this address, primary or secondary (read first; the constraint settles a race). */
  takenElsewhere: boolean;
  skipConfirmation: boolean;
  /** The digest of the token the handler will mail; ignored when confirmation is skipped. */
  confirmationTokenDigest: string;
}

export interface ConfirmEmailCommand {
  kind: 'confirm_email';
  userId: number;
  username: string;
  emailId: number;
}

export interface DeleteEmailCommand {
  kind: 'delete_email';
  userId: number;
  username: string;
  emailId: number;
  primaryEmail: string | null;
}

export type EmailCommand = AddEmailCommand | ConfirmEmailCommand | DeleteEmailCommand;

/** GitLab strips and lower-cases an address before validating it. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function addEvents(command: AddEmailCommand, state: EmailsState, now: Date): EmailEvent[] {
  const email = normaliseEmail(command.email);
  const messages: string[] = [];
  if (email === '') messages.push("can't be blank");
  else {
    const mine = Object.values(state.emails).some((known) => known.email === email) || email === command.primaryEmail;
    if (command.takenElsewhere || mine) messages.push('has already been taken');
    if (!EMAIL_REGEX.test(email) || email.length > EMAIL_MAX_LENGTH) messages.push('is invalid');
  }
  if (messages.length > 0) throw new EmailInvalidError({ email: messages });
  const at = now.toISOString();
  return [
    {
      type: EMAIL_ADDED,
      schemaVersion: 1,
      data: {
        id: command.id,
        user_id: command.userId,
        username: command.username,
        email,
        confirmed_at: command.skipConfirmation ? at : null,
        confirmation_token_digest: command.skipConfirmation ? null : command.confirmationTokenDigest,
        created_at: at,
      },
    },
  ];
}

export function decideEmail(command: EmailCommand, state: EmailsState, now: Date): EmailEvent[] {
  if (command.kind === 'add_email') return addEvents(command, state, now);
  const known = state.emails[String(command.emailId)];
  if (!known) throw new EmailNotFoundError();
  const base = { id: command.emailId, user_id: command.userId, username: command.username, email: known.email };
  if (command.kind === 'confirm_email') {
    return known.confirmed ? [] : [{ type: EMAIL_CONFIRMED, schemaVersion: 1, data: { ...base, confirmed_at: now.toISOString() } }];
  }
  if (known.email === command.primaryEmail) throw new PrimaryEmailNotDeletableError();
  return [{ type: EMAIL_DELETED, schemaVersion: 1, data: { ...base, deleted_at: now.toISOString() } }];
}

export function evolveEmails(state: EmailsState, event: { type: string; data: unknown }): EmailsState {
  switch (event.type) {
    case EMAIL_ADDED: {
      const data = event.data as { id: number; email: string; confirmed_at: string | null };
      return { emails: { ...state.emails, [String(data.id)]: { email: data.email, confirmed: data.confirmed_at !== null } } };
    }
    case EMAIL_CONFIRMED: {
      const id = String((event.data as { id: number }).id);
      const known = state.emails[id];
      return known ? { emails: { ...state.emails, [id]: { ...known, confirmed: true } } } : state;
    }
    case EMAIL_DELETED: {
      const { [String((event.data as { id: number }).id)]: _gone, ...rest } = state.emails;
      return { emails: rest };
    }
    default:
      return state;
  }
}

/** A user's secondary e-mail addresses, on the user's credentials stream. */
export const EMAILS_DECIDER: Decider<EmailCommand, EmailsState, EmailEvent> = {
  initialState: { emails: {} },
  evolve: evolveEmails,
  decide: decideEmail,
};
