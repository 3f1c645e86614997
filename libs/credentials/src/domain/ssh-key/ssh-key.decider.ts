import type { Decider, SshKeyRestrictions } from '@app/kernel';
import { SshKeyInvalidError, SshKeyNotFoundError } from './ssh-key.errors.js';
import { SSH_KEY_ADDED, SSH_KEY_DELETED, type SshKeyEvent, type SshKeyUsageType } from './ssh-key.events.js';
import { keyRestrictionProblems, SSH_KEY_MAX_LENGTH, SSH_KEY_TITLE_MAX_LENGTH, startsWithSupportedAlgorithm, type SshKeyFacts } from './ssh-key.rules.js';

export interface SshKeysState {
  /** The user's keys by id: what a delete needs to record, and the fingerprints a repeat add meets. */
  keys: Readonly<Record<string, { title: string; fingerprint_sha256: string }>>;
}

export interface AddSshKeyCommand {
  kind: 'add_ssh_key';
  id: number;
  userId: number;
  username: string;
  title: string;
  facts: SshKeyFacts;
  usageType: SshKeyUsageType;
  /** ISO-8601, or null for a key that never expires. */
  expiresAt: string | null;
  restrictions: SshKeyRestrictions;
  /** Another user holds this fingerprint (read before the append; the unique index settles a race). */
  takenByOtherUser: boolean;
}

export interface DeleteSshKeyCommand {
  kind: 'delete_ssh_key';
  userId: number;
  username: string;
  keyId: number;
}

export type SshKeyCommand = AddSshKeyCommand | DeleteSshKeyCommand;

const TAKEN = 'has already been taken';

/** GitLab's Key model validations, every failing attribute at once. */
function validate(command: AddSshKeyCommand, state: SshKeysState, now: Date): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (attribute: string, message: string) => (errors[attribute] ??= []).push(message);
  const { facts } = command;
  if (command.title.trim() === '') add('title', "can't be blank");
  else if (command.title.length > SSH_KEY_TITLE_MAX_LENGTH) add('title', `is too long (maximum is ${SSH_KEY_TITLE_MAX_LENGTH} characters)`);
  if (facts.text === '') add('key', "can't be blank");
  else {
    for (const problem of keyRestrictionProblems(facts, command.restrictions)) add('key', problem);
    if (facts.text.length > SSH_KEY_MAX_LENGTH) add('key', `is too long (maximum is ${SSH_KEY_MAX_LENGTH} characters)`);
    if (!startsWithSupportedAlgorithm(facts.text)) add('key', 'is invalid');
  }
  if (command.expiresAt !== null && new Date(command.expiresAt).getTime() <= now.getTime()) add('key', 'has expired');
  if (facts.fingerprintSha256 === null) add('fingerprint_sha256', 'cannot be generated');
  else if (command.takenByOtherUser || Object.values(state.keys).some((key) => key.fingerprint_sha256 === facts.fingerprintSha256)) {
    add('fingerprint', TAKEN);
    add('fingerprint_sha256', TAKEN);
    add('key', TAKEN);
  }
  return errors;
}

export function decideSshKey(command: SshKeyCommand, state: SshKeysState, now: Date): SshKeyEvent[] {
  if (command.kind === 'delete_ssh_key') {
    const key = state.keys[String(command.keyId)];
    if (!key) throw new SshKeyNotFoundError();
    return [
      {
        type: SSH_KEY_DELETED,
        schemaVersion: 1,
        data: { id: command.keyId, user_id: command.userId, username: command.username, title: key.title, fingerprint_sha256: key.fingerprint_sha256, deleted_at: now.toISOString() },
      },
    ];
  }
  const errors = validate(command, state, now);
  if (Object.keys(errors).length > 0) throw new SshKeyInvalidError(errors);
  const { facts } = command;
  return [
    {
      type: SSH_KEY_ADDED,
      schemaVersion: 1,
      data: {
        id: command.id,
        user_id: command.userId,
        username: command.username,
        title: command.title,
        key: facts.text,
        key_type: facts.type!,
        bits: facts.bits!,
        fingerprint_md5: facts.fingerprintMd5!,
        fingerprint_sha256: facts.fingerprintSha256!,
        usage_type: command.usageType,
        expires_at: command.expiresAt,
        created_at: now.toISOString(),
      },
    },
  ];
}

export function evolveSshKeys(state: SshKeysState, event: { type: string; data: unknown }): SshKeysState {
  if (event.type === SSH_KEY_ADDED) {
    const data = event.data as SshKeyEvent['data'] & { title: string; fingerprint_sha256: string };
    return { keys: { ...state.keys, [String(data.id)]: { title: data.title, fingerprint_sha256: data.fingerprint_sha256 } } };
  }
  if (event.type === SSH_KEY_DELETED) {
    const { [String((event.data as { id: number }).id)]: _gone, ...rest } = state.keys;
    return { keys: rest };
  }
  return state;
}

/** A user's SSH keys, on the user's credentials stream (other credential events pass through `evolve` unchanged). */
export const SSH_KEYS_DECIDER: Decider<SshKeyCommand, SshKeysState, SshKeyEvent> = {
  initialState: { keys: {} },
  evolve: evolveSshKeys,
  decide: decideSshKey,
};
