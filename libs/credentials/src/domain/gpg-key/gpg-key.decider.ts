import type { Decider } from '@app/kernel';
import { GpgKeyInvalidError, GpgKeyNotFoundError } from './gpg-key.errors.js';
import { GPG_KEY_ADDED, GPG_KEY_DELETED, GPG_KEY_REVOKED, type GpgKeyEvent } from './gpg-key.events.js';
import { GPG_KEY_INVALID, isOnePublicKeyBlock, type GpgKeyFacts } from './gpg-key.rules.js';

interface KnownGpgKey {
  fingerprint: string;
  primary_keyid: string;
  key_sha256: string;
}

export interface GpgKeysState {
  keys: Readonly<Record<string, KnownGpgKey>>;
}

export interface AddGpgKeyCommand {
  kind: 'add_gpg_key';
  id: number;
  userId: number;
  username: string;
  facts: GpgKeyFacts;
  /** Another user has this exact text / this fingerprint (read before the append; unique indexes settle a race). */
  textTakenElsewhere: boolean;
  fingerprintTakenElsewhere: boolean;
}

export interface RemoveGpgKeyCommand {
  kind: 'revoke_gpg_key' | 'delete_gpg_key';
  userId: number;
  username: string;
  keyId: number;
}

export type GpgKeyCommand = AddGpgKeyCommand | RemoveGpgKeyCommand;

const TAKEN = 'has already been taken';

/** GitLab's order: the key's own rules first; the parsed fields are only checked when the key passed them. */
function validate(command: AddGpgKeyCommand, state: GpgKeysState): Record<string, string[]> {
  const { facts } = command;
  const mine = Object.values(state.keys);
  if (facts.text === '') return { key: ["can't be blank"] };
  const keyErrors: string[] = [];
  if (command.textTakenElsewhere || mine.some((key) => key.key_sha256 === facts.textSha256)) keyErrors.push(TAKEN);
  if (!isOnePublicKeyBlock(facts.text)) keyErrors.push(GPG_KEY_INVALID);
  if (keyErrors.length > 0) return { key: keyErrors };
  if (facts.fingerprint === null || facts.primaryKeyId === null) return { fingerprint: ["can't be blank"], primary_keyid: ["can't be blank"] };
  if (command.fingerprintTakenElsewhere || mine.some((key) => key.fingerprint === facts.fingerprint || key.primary_keyid === facts.primaryKeyId)) {
    return { fingerprint: [TAKEN], primary_keyid: [TAKEN] };
  }
  return {};
}

export function decideGpgKey(command: GpgKeyCommand, state: GpgKeysState, now: Date): GpgKeyEvent[] {
  if (command.kind !== 'add_gpg_key') {
    const key = state.keys[String(command.keyId)];
    if (!key) throw new GpgKeyNotFoundError();
    return [
      {
        type: command.kind === 'revoke_gpg_key' ? GPG_KEY_REVOKED : GPG_KEY_DELETED,
        schemaVersion: 1,
        data: { id: command.keyId, user_id: command.userId, username: command.username, fingerprint: key.fingerprint, primary_keyid: key.primary_keyid, removed_at: now.toISOString() },
      },
    ];
  }
  const errors = validate(command, state);
  if (Object.keys(errors).length > 0) throw new GpgKeyInvalidError(errors);
  const { facts } = command;
  return [
    {
      type: GPG_KEY_ADDED,
      schemaVersion: 1,
      data: {
        id: command.id,
        user_id: command.userId,
        username: command.username,
        key: facts.text,
        key_sha256: facts.textSha256,
        fingerprint: facts.fingerprint!,
        primary_keyid: facts.primaryKeyId!,
        emails: facts.emails,
        subkeys: facts.subkeys,
        created_at: now.toISOString(),
      },
    },
  ];
}

export function evolveGpgKeys(state: GpgKeysState, event: { type: string; data: unknown }): GpgKeysState {
  if (event.type === GPG_KEY_ADDED) {
    const data = event.data as { id: number; fingerprint: string; primary_keyid: string; key_sha256: string };
    return { keys: { ...state.keys, [String(data.id)]: { fingerprint: data.fingerprint, primary_keyid: data.primary_keyid, key_sha256: data.key_sha256 } } };
  }
  if (event.type === GPG_KEY_REVOKED || event.type === GPG_KEY_DELETED) {
    const { [String((event.data as { id: number }).id)]: _gone, ...rest } = state.keys;
    return { keys: rest };
  }
  return state;
}

/** A user's GPG keys, on the user's credentials stream. */
export const GPG_KEYS_DECIDER: Decider<GpgKeyCommand, GpgKeysState, GpgKeyEvent> = {
  initialState: { keys: {} },
  evolve: evolveGpgKeys,
  decide: decideGpgKey,
};
