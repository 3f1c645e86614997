import { describe, expect, it } from '@jest/globals';
import { GPG_KEYS_DECIDER, type AddGpgKeyCommand, type GpgKeysState } from './gpg-key.decider.js';
import { GpgKeyInvalidError, GpgKeyNotFoundError } from './gpg-key.errors.js';
import { GPG_KEY_ADDED, GPG_KEY_DELETED, GPG_KEY_REVOKED, type GpgKeyEvent } from './gpg-key.events.js';
import { GPG_KEY_INVALID, GPG_PUBLIC_KEY_BEGIN, GPG_PUBLIC_KEY_END, type GpgKeyFacts } from './gpg-key.rules.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const BLOCK = `${GPG_PUBLIC_KEY_BEGIN}\n\nxjMEaxQ0CxYJKwYB\n${GPG_PUBLIC_KEY_END}`;
const KEY: GpgKeyFacts = {
  text: BLOCK,
  textSha256: 'sha-of-text',
  fingerprint: 'A20935E223A5E6B83AE80BB499E5BB7D8E3E04C6',
  primaryKeyId: '99E5BB7D8E3E04C6',
  emails: ['ada@example.org'],
  subkeys: [{ keyid: 'E0F441AA50AA1A45', fingerprint: 'CA05E9040005DF2B8E01884BE0F441AA50AA1A45' }],
};
const UNREADABLE: GpgKeyFacts = { ...KEY, fingerprint: null, primaryKeyId: null, emails: [], subkeys: [] };

const given = (...events: GpgKeyEvent[]): GpgKeysState => events.reduce(GPG_KEYS_DECIDER.evolve, GPG_KEYS_DECIDER.initialState);
const add = (overrides: Partial<AddGpgKeyCommand> = {}): AddGpgKeyCommand => ({
  kind: 'add_gpg_key', id: 3, userId: 7, username: 'ada', facts: KEY, textTakenElsewhere: false, fingerprintTakenElsewhere: false, ...overrides,
});
const added = (facts: GpgKeyFacts = KEY, id = 3): GpgKeyEvent => GPG_KEYS_DECIDER.decide(add({ id, facts }), given(), NOW)[0];

function refusal(command: AddGpgKeyCommand, state: GpgKeysState = given()): Record<string, string[]> {
  try {
    GPG_KEYS_DECIDER.decide(command, state, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(GpgKeyInvalidError);
    return (error as GpgKeyInvalidError).errors;
  }
  throw new Error('expected the key to be refused');
}

describe('GPG keys decider', () => {
  it('given no keys, when a readable key is added, then gpg_key_added with its fingerprint, key id, e-mails and subkeys', () => {
    expect(GPG_KEYS_DECIDER.decide(add(), given(), NOW)).toEqual([
      {
        type: GPG_KEY_ADDED,
        schemaVersion: 1,
        data: {
          id: 3, user_id: 7, username: 'ada', key: BLOCK, key_sha256: 'sha-of-text', fingerprint: KEY.fingerprint, primary_keyid: KEY.primaryKeyId,
          emails: ['ada@example.org'], subkeys: KEY.subkeys, created_at: NOW.toISOString(),
        },
      },
    ]);
  });

  it('when the key is blank, then only "can\'t be blank"', () => {
    expect(refusal(add({ facts: { ...UNREADABLE, text: '' } }))).toEqual({ key: ["can't be blank"] });
  });

  it('when the text is not one public key block, then the format message, and the parsed fields are not checked', () => {
    for (const text of ['hello', `${BLOCK}\n${BLOCK}`, BLOCK.replace(/PUBLIC/g, 'PRIVATE'), `x${BLOCK}`]) {
      expect(refusal(add({ facts: { ...UNREADABLE, text } }))).toEqual({ key: [GPG_KEY_INVALID] });
    }
  });

  it('when a well-framed block does not import, then fingerprint and primary_keyid are blank', () => {
    expect(refusal(add({ facts: UNREADABLE }))).toEqual({ fingerprint: ["can't be blank"], primary_keyid: ["can't be blank"] });
  });

  it('when the exact text is someone\'s, then key is taken; when the same key is armored otherwise, then fingerprint and primary_keyid are', () => {
    expect(refusal(add({ textTakenElsewhere: true }))).toEqual({ key: ['has already been taken'] });
    expect(refusal(add({ id: 4 }), given(added()))).toEqual({ key: ['has already been taken'] });
    expect(refusal(add({ fingerprintTakenElsewhere: true }))).toEqual({ fingerprint: ['has already been taken'], primary_keyid: ['has already been taken'] });
    expect(refusal(add({ id: 4, facts: { ...KEY, textSha256: 'other-armor' } }), given(added()))).toEqual({ fingerprint: ['has already been taken'], primary_keyid: ['has already been taken'] });
  });

  it('given a key, when it is revoked or deleted, then the matching event, and it is gone from the state', () => {
    const state = given(added());
    for (const [kind, type] of [['revoke_gpg_key', GPG_KEY_REVOKED], ['delete_gpg_key', GPG_KEY_DELETED]] as const) {
      const events = GPG_KEYS_DECIDER.decide({ kind, userId: 7, username: 'ada', keyId: 3 }, state, NOW);
      expect(events).toEqual([{ type, schemaVersion: 1, data: { id: 3, user_id: 7, username: 'ada', fingerprint: KEY.fingerprint, primary_keyid: KEY.primaryKeyId, removed_at: NOW.toISOString() } }]);
      expect(GPG_KEYS_DECIDER.evolve(state, events[0]).keys).toEqual({});
    }
  });

  it("when a key that is not the user's is revoked, then 404 GPG Key Not Found", () => {
    expect(() => GPG_KEYS_DECIDER.decide({ kind: 'revoke_gpg_key', userId: 7, username: 'ada', keyId: 9 }, given(added()), NOW)).toThrow(GpgKeyNotFoundError);
  });
});
