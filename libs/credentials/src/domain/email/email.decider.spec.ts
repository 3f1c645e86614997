import { describe, expect, it } from '@jest/globals';
import { EMAILS_DECIDER, normaliseEmail, type AddEmailCommand, type EmailsState } from './email.decider.js';
import { EmailInvalidError, EmailNotFoundError, PrimaryEmailNotDeletableError } from './email.errors.js';
import { EMAIL_ADDED, EMAIL_CONFIRMED, EMAIL_DELETED, type EmailEvent } from './email.events.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const given = (...events: EmailEvent[]): EmailsState => events.reduce(EMAILS_DECIDER.evolve, EMAILS_DECIDER.initialState);
const add = (overrides: Partial<AddEmailCommand> = {}): AddEmailCommand => ({
  kind: 'add_email', id: 4, userId: 7, username: 'ada', email: 'ada@work.example', primaryEmail: 'ada@example.org',
  takenElsewhere: false, skipConfirmation: false, confirmationTokenDigest: 'digest', ...overrides,
});
// A secondary that later became the primary address was added while another address was primary.
const added = (email = 'ada@work.example', id = 4, skipConfirmation = false): EmailEvent => EMAILS_DECIDER.decide(add({ id, email, skipConfirmation, primaryEmail: null }), given(), NOW)[0];
const refusal = (command: AddEmailCommand, state = given()) => {
  try {
    EMAILS_DECIDER.decide(command, state, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(EmailInvalidError);
    return (error as EmailInvalidError).errors;
  }
  throw new Error('expected the address to be refused');
};

describe('e-mails decider', () => {
  it('given no addresses, when one is added, then email_added, normalised, unconfirmed, with the token digest', () => {
    expect(EMAILS_DECIDER.decide(add({ email: '  Ada@Work.EXAMPLE ' }), given(), NOW)).toEqual([
      {
        type: EMAIL_ADDED,
        schemaVersion: 1,
        data: { id: 4, user_id: 7, username: 'ada', email: 'ada@work.example', confirmed_at: null, confirmation_token_digest: 'digest', created_at: NOW.toISOString() },
      },
    ]);
  });

  it('when an admin skips confirmation, then it is confirmed now and no token is kept', () => {
    expect(EMAILS_DECIDER.decide(add({ skipConfirmation: true }), given(), NOW)[0].data).toMatchObject({ confirmed_at: NOW.toISOString(), confirmation_token_digest: null });
  });

  it('when the address is blank, invalid, or taken (elsewhere, the own primary, an own secondary), then GitLab\'s messages', () => {
    expect(refusal(add({ email: ' ' }))).toEqual({ email: ["can't be blank"] });
    expect(refusal(add({ email: 'not-an-address' }))).toEqual({ email: ['is invalid'] });
    expect(refusal(add({ email: `${'a'.repeat(250)}@x.org` }))).toEqual({ email: ['is invalid'] });
    expect(refusal(add({ takenElsewhere: true }))).toEqual({ email: ['has already been taken'] });
    expect(refusal(add({ email: 'ADA@example.org' }))).toEqual({ email: ['has already been taken'] });
    expect(refusal(add({ id: 5 }), given(added()))).toEqual({ email: ['has already been taken'] });
  });

  it('given an unconfirmed address, when it is confirmed, then email_confirmed once; confirming again changes nothing', () => {
    const state = given(added());
    const events = EMAILS_DECIDER.decide({ kind: 'confirm_email', userId: 7, username: 'ada', emailId: 4 }, state, NOW);
    expect(events).toEqual([{ type: EMAIL_CONFIRMED, schemaVersion: 1, data: { id: 4, user_id: 7, username: 'ada', email: 'ada@work.example', confirmed_at: NOW.toISOString() } }]);
    expect(EMAILS_DECIDER.decide({ kind: 'confirm_email', userId: 7, username: 'ada', emailId: 4 }, given(added(), ...events), NOW)).toEqual([]);
  });

  it('given an address, when it is deleted, then email_deleted; the primary address cannot be deleted; an unknown one is 404', () => {
    const state = given(added(), added('ada@example.org', 5, true));
    expect(EMAILS_DECIDER.decide({ kind: 'delete_email', userId: 7, username: 'ada', emailId: 4, primaryEmail: 'ada@example.org' }, state, NOW)).toEqual([
      { type: EMAIL_DELETED, schemaVersion: 1, data: { id: 4, user_id: 7, username: 'ada', email: 'ada@work.example', deleted_at: NOW.toISOString() } },
    ]);
    expect(() => EMAILS_DECIDER.decide({ kind: 'delete_email', userId: 7, username: 'ada', emailId: 5, primaryEmail: 'ada@example.org' }, state, NOW)).toThrow(PrimaryEmailNotDeletableError);
    expect(() => EMAILS_DECIDER.decide({ kind: 'delete_email', userId: 7, username: 'ada', emailId: 9, primaryEmail: null }, state, NOW)).toThrow(EmailNotFoundError);
  });

  it('normalises by stripping and lower-casing', () => {
    expect(normaliseEmail('  A.B@Example.ORG\n')).toBe('a.b@example.org');
  });
});
