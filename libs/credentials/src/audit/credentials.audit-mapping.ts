import type { AuditEntry, AuditMapping, StoredEvent } from '@app/kernel';
import {
  IMPERSONATION_TOKEN_CREATED,
  PERSONAL_ACCESS_TOKEN_CREATED,
  PERSONAL_ACCESS_TOKEN_REVOKED,
  type ImpersonationTokenCreatedData,
  type PersonalAccessTokenCreatedData,
  type PersonalAccessTokenRevokedData,
} from '../domain/personal-access-token/personal-access-token.events.js';
import { EMAIL_ADDED, EMAIL_CONFIRMED, EMAIL_DELETED, type EmailAddedData, type EmailConfirmedData, type EmailDeletedData } from '../domain/email/email.events.js';
import { TWO_FACTOR_DISABLED, TWO_FACTOR_ENABLED, TWO_FACTOR_ENROLMENT_STARTED, type TwoFactorChangeData } from '../domain/two-factor/two-factor.events.js';
import { RUNNER_CREATED, type RunnerCreatedData } from '../domain/runner/runner.events.js';
import { GPG_KEY_ADDED, GPG_KEY_DELETED, GPG_KEY_REVOKED, type GpgKeyAddedData, type GpgKeyRemovedData } from '../domain/gpg-key/gpg-key.events.js';
import { SSH_KEY_ADDED, SSH_KEY_DELETED, type SshKeyAddedData, type SshKeyDeletedData } from '../domain/ssh-key/ssh-key.events.js';

/**
 * The audit rows credentials' events leave, named as GitLab names them. Credentials are recorded
 * by id, name and fingerprint, never by their secret (a token's digest) or their whole text (a
 * key). The target is the owner's username, or `user-<id>` for tokens whose event predates the
 * username being recorded.
 */
const ENTRIES: Record<string, (event: StoredEvent) => AuditEntry> = {
  [PERSONAL_ACCESS_TOKEN_CREATED]: (event) => {
    const data = event.data as PersonalAccessTokenCreatedData;
    return {
      entity_id: data.user_id,
      event_name: 'personal_access_token_created',
      target_details: data.username ?? `user-${data.user_id}`,
      details: {
        custom_message: `Created personal access token with id ${data.id}`,
        token_id: data.id,
        token_name: data.name,
        token_scopes: data.scopes,
        token_expires_at: data.expires_at,
      },
    };
  },
  [IMPERSONATION_TOKEN_CREATED]: (event) => {
    const data = event.data as ImpersonationTokenCreatedData;
    return {
      entity_id: data.user_id,
      event_name: 'impersonation_token_created',
      target_details: data.username ?? `user-${data.user_id}`,
      details: {
        custom_message: `Created impersonation token with id ${data.id} for ${data.username}, acting for admin ${data.impersonator_id}`,
        token_id: data.id,
        token_name: data.name,
        token_scopes: data.scopes,
        token_expires_at: data.expires_at,
        impersonator_id: data.impersonator_id,
      },
    };
  },
  [PERSONAL_ACCESS_TOKEN_REVOKED]: (event) => {
    const data = event.data as PersonalAccessTokenRevokedData;
    const kind = data.impersonation ? 'impersonation token' : 'personal access token';
    const how = data.reason === 'rotated' ? `Rotated ${kind} with id ${data.id} (replaced by ${data.replaced_by_id})` : `Revoked ${kind} with id ${data.id}`;
    return {
      entity_id: data.user_id,
      event_name: data.reason === 'rotated' ? 'personal_access_token_rotated' : 'personal_access_token_revoked',
      target_details: data.username,
      details: { custom_message: `${how} of ${data.username}`, token_id: data.id, token_name: data.name, replaced_by_id: data.replaced_by_id },
    };
  },
  [SSH_KEY_ADDED]: (event) => {
    const data = event.data as SshKeyAddedData;
    return {
      entity_id: data.user_id,
      event_name: 'add_ssh_key',
      target_details: data.username,
      details: {
        custom_message: `Added SSH key "${data.title}" (${data.key_type.toUpperCase()} ${data.bits} bits, SHA256:${data.fingerprint_sha256}) for ${data.username}`,
        key_id: data.id,
        key_title: data.title,
        fingerprint_sha256: data.fingerprint_sha256,
        usage_type: data.usage_type,
        expires_at: data.expires_at,
      },
    };
  },
  [SSH_KEY_DELETED]: (event) => {
    const data = event.data as SshKeyDeletedData;
    return {
      entity_id: data.user_id,
      event_name: 'remove_ssh_key',
      target_details: data.username,
      details: {
        custom_message: `Removed SSH key "${data.title}" (SHA256:${data.fingerprint_sha256}) of ${data.username}`,
        key_id: data.id,
        key_title: data.title,
        fingerprint_sha256: data.fingerprint_sha256,
      },
    };
  },
  [GPG_KEY_ADDED]: (event) => {
    const data = event.data as GpgKeyAddedData;
    return {
      entity_id: data.user_id,
      event_name: 'add_gpg_key',
      target_details: data.username,
      details: {
        custom_message: `Added GPG key ${data.fingerprint} (${data.emails.join(', ') || 'no e-mail'}) for ${data.username}`,
        key_id: data.id,
        fingerprint: data.fingerprint,
        primary_keyid: data.primary_keyid,
        emails: data.emails,
      },
    };
  },
  [EMAIL_ADDED]: (event) => {
    const data = event.data as EmailAddedData;
    const confirmation = data.confirmed_at === null ? 'awaiting confirmation' : 'confirmed by an admin';
    return emailEntry(data, 'add_email', `Added e-mail ${data.email} (${confirmation}) for ${data.username}`, { confirmed: data.confirmed_at !== null });
  },
  [EMAIL_CONFIRMED]: (event) => {
    const data = event.data as EmailConfirmedData;
    return emailEntry(data, 'confirm_email', `Confirmed e-mail ${data.email} of ${data.username}`, {});
  },
  [EMAIL_DELETED]: (event) => {
    const data = event.data as EmailDeletedData;
    return emailEntry(data, 'remove_email', `Removed e-mail ${data.email} of ${data.username}`, {});
  },
  [TWO_FACTOR_ENROLMENT_STARTED]: (event) => twoFactorEntry(event, 'user_two_factor_enrolment_started', 'Started two-factor enrolment of'),
  [TWO_FACTOR_ENABLED]: (event) => twoFactorEntry(event, 'user_enable_two_factor', 'Enabled two-factor authentication of'),
  [TWO_FACTOR_DISABLED]: (event) => twoFactorEntry(event, 'user_disable_two_factor', 'Disabled two-factor authentication of'),
  [RUNNER_CREATED]: (event) => {
    const data = event.data as RunnerCreatedData;
    return {
      entity_id: data.creator_id,
      event_name: 'ci_runner_created',
      target_details: data.creator_username,
      details: { custom_message: `Created ${data.runner_type.replace('_type', '')} runner ${data.id}`, runner_id: data.id, runner_type: data.runner_type, tag_list: data.tag_list },
    };
  },
  [GPG_KEY_REVOKED]: (event) => gpgKeyRemoved(event, 'revoke_gpg_key', 'Revoked'),
  [GPG_KEY_DELETED]: (event) => gpgKeyRemoved(event, 'remove_gpg_key', 'Removed'),
};

/** The secret and the recovery codes are never in the event, so never here. */
function twoFactorEntry(event: StoredEvent, eventName: string, verb: string): AuditEntry {
  const data = event.data as TwoFactorChangeData;
  return { entity_id: data.user_id, event_name: eventName, target_details: data.username, details: { custom_message: `${verb} ${data.username}` } };
}

/** An address is named as it is; the confirmation token's digest is never copied. */
function emailEntry(data: { id: number; user_id: number; username: string; email: string }, eventName: string, message: string, extra: Record<string, unknown>): AuditEntry {
  return {
    entity_id: data.user_id,
    event_name: eventName,
    target_details: data.username,
    details: { custom_message: message, email_id: data.id, email: data.email, ...extra },
  };
}

function gpgKeyRemoved(event: StoredEvent, eventName: string, verb: string): AuditEntry {
  const data = event.data as GpgKeyRemovedData;
  return {
    entity_id: data.user_id,
    event_name: eventName,
    target_details: data.username,
    details: { custom_message: `${verb} GPG key ${data.fingerprint} of ${data.username}`, key_id: data.id, fingerprint: data.fingerprint, primary_keyid: data.primary_keyid },
  };
}

export const CREDENTIALS_AUDIT_MAPPING: AuditMapping = {
  context: 'credentials',
  eventTypes: Object.keys(ENTRIES),
  entriesFor: (event) => {
    const entry = ENTRIES[event.type];
    return entry ? [entry(event)] : [];
  },
};
