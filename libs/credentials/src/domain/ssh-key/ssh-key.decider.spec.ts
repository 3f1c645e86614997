import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SSH_KEY_RESTRICTIONS, type SshKeyRestrictions } from '@app/kernel';
import { SSH_KEYS_DECIDER, type AddSshKeyCommand, type SshKeysState } from './ssh-key.decider.js';
import { SshKeyInvalidError, SshKeyNotFoundError } from './ssh-key.errors.js';
import { SSH_KEY_ADDED, SSH_KEY_DELETED, type SshKeyEvent } from './ssh-key.events.js';
import type { SshKeyFacts } from './ssh-key.rules.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const ED25519: SshKeyFacts = { text: 'ssh-ed25519 AAAAC3Nza me', type: 'ed25519', bits: 256, fingerprintMd5: 'aa:bb', fingerprintSha256: 'Sha256Ed' };
const RSA_1024: SshKeyFacts = { text: 'ssh-rsa AAAAB3Nza me', type: 'rsa', bits: 1024, fingerprintMd5: 'cc:dd', fingerprintSha256: 'Sha256Rsa' };
const DSA: SshKeyFacts = { text: 'ssh-dss AAAAB3NzaC1kc3M me', type: 'dsa', bits: 1024, fingerprintMd5: 'ee:ff', fingerprintSha256: 'Sha256Dsa' };
const GARBAGE: SshKeyFacts = { text: 'hello world', type: null, bits: null, fingerprintMd5: null, fingerprintSha256: null };

const given = (...events: SshKeyEvent[]): SshKeysState => events.reduce(SSH_KEYS_DECIDER.evolve, SSH_KEYS_DECIDER.initialState);
const add = (overrides: Partial<AddSshKeyCommand> = {}): AddSshKeyCommand => ({
  kind: 'add_ssh_key',
  id: 5,
  userId: 7,
  username: 'ada',
  title: 'laptop',
  facts: ED25519,
  usageType: 'auth_and_signing',
  expiresAt: null,
  restrictions: DEFAULT_SSH_KEY_RESTRICTIONS,
  takenByOtherUser: false,
  ...overrides,
});
const added = (id: number, facts: SshKeyFacts): SshKeyEvent => SSH_KEYS_DECIDER.decide(add({ id, facts }), given(), NOW)[0];

function refusal(command: AddSshKeyCommand, state: SshKeysState = given()): Record<string, string[]> {
  try {
    SSH_KEYS_DECIDER.decide(command, state, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(SshKeyInvalidError);
    return (error as SshKeyInvalidError).errors;
  }
  throw new Error('expected the key to be refused');
}

describe('SSH keys decider', () => {
  it('given no keys, when a valid key is added, then ssh_key_added with the normalised key, type, size and fingerprints', () => {
    expect(SSH_KEYS_DECIDER.decide(add({ expiresAt: '2027-01-01T00:00:00.000Z', usageType: 'auth' }), given(), NOW)).toEqual([
      {
        type: SSH_KEY_ADDED,
        schemaVersion: 1,
        data: {
          id: 5,
          user_id: 7,
          username: 'ada',
          title: 'laptop',
          key: 'ssh-ed25519 AAAAC3Nza me',
          key_type: 'ed25519',
          bits: 256,
          fingerprint_md5: 'aa:bb',
          fingerprint_sha256: 'Sha256Ed',
          usage_type: 'auth',
          expires_at: '2027-01-01T00:00:00.000Z',
          created_at: NOW.toISOString(),
        },
      },
    ]);
  });

  it('when the text is no key, then the type message, "is invalid" and no fingerprint, all at once', () => {
    expect(refusal(add({ facts: GARBAGE }))).toEqual({
      key: ['type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK', 'is invalid'],
      fingerprint_sha256: ['cannot be generated'],
    });
  });

  it('when a DSA key is added with the default restrictions, then its type is forbidden', () => {
    expect(refusal(add({ facts: DSA }))).toEqual({ key: ['type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK'] });
  });

  it('when only RSA and ED25519 are allowed, then the message lists those two with "or"', () => {
    const restrictions: SshKeyRestrictions = { rsa: 0, dsa: -1, ecdsa: -1, ed25519: 0, ecdsa_sk: -1, ed25519_sk: -1 };
    expect(refusal(add({ facts: DSA, restrictions }))).toEqual({ key: ['type is forbidden. Must be RSA or ED25519'] });
  });

  it('when RSA needs 2048 bits, then a 1024-bit key is too small and a 1024 minimum accepts it', () => {
    expect(refusal(add({ facts: RSA_1024, restrictions: { ...DEFAULT_SSH_KEY_RESTRICTIONS, rsa: 2048 } }))).toEqual({ key: ['must be at least 2048 bits'] });
    expect(SSH_KEYS_DECIDER.decide(add({ facts: RSA_1024 }), given(), NOW)).toHaveLength(1);
  });

  it('when the title is blank or too long, or the key too long, then those attributes', () => {
    expect(refusal(add({ title: ' ' }))).toEqual({ title: ["can't be blank"] });
    expect(refusal(add({ title: 'x'.repeat(256) }))).toEqual({ title: ['is too long (maximum is 255 characters)'] });
    expect(refusal(add({ facts: { ...ED25519, text: `${ED25519.text}${'x'.repeat(5000)}` } }))).toEqual({ key: ['is too long (maximum is 5000 characters)'] });
  });

  it('when a key starts with options, then "is invalid" even though it parsed', () => {
    expect(refusal(add({ facts: { ...ED25519, text: `no-pty ${ED25519.text}` } }))).toEqual({ key: ['is invalid'] });
  });

  it('when the expiry is now or past, then the key "has expired"; a future one is fine', () => {
    expect(refusal(add({ expiresAt: NOW.toISOString() }))).toEqual({ key: ['has expired'] });
    expect(SSH_KEYS_DECIDER.decide(add({ expiresAt: '2026-12-05T12:00:01.000Z' }), given(), NOW)).toHaveLength(1);
  });

  it('given the user has the key, or another user has it, when it is added, then fingerprint, fingerprint_sha256 and key are taken', () => {
    const taken = { fingerprint: ['has already been taken'], fingerprint_sha256: ['has already been taken'], key: ['has already been taken'] };
    expect(refusal(add({ id: 6 }), given(added(5, ED25519)))).toEqual(taken);
    expect(refusal(add({ takenByOtherUser: true }))).toEqual(taken);
  });

  it('given a key, when it is deleted, then ssh_key_deleted with its title and fingerprint, and it is gone from the state', () => {
    const state = given(added(5, ED25519), added(6, RSA_1024));
    const events = SSH_KEYS_DECIDER.decide({ kind: 'delete_ssh_key', userId: 7, username: 'ada', keyId: 5 }, state, NOW);
    expect(events).toEqual([
      { type: SSH_KEY_DELETED, schemaVersion: 1, data: { id: 5, user_id: 7, username: 'ada', title: 'laptop', fingerprint_sha256: 'Sha256Ed', deleted_at: NOW.toISOString() } },
    ]);
    expect(Object.keys(given(added(5, ED25519), added(6, RSA_1024), ...events).keys)).toEqual(['6']);
  });

  it("when a key that is not the user's is deleted, then 404 Key Not Found", () => {
    expect(() => SSH_KEYS_DECIDER.decide({ kind: 'delete_ssh_key', userId: 7, username: 'ada', keyId: 9 }, given(added(5, ED25519)), NOW)).toThrow(SshKeyNotFoundError);
  });

  it('other credential events leave the key state as it is', () => {
    const state = given(added(5, ED25519));
    expect(SSH_KEYS_DECIDER.evolve(state, { type: 'credentials.personal_access_token_created', data: { id: 1 } } as never)).toBe(state);
  });
});
