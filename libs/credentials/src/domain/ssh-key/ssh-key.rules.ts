import { SSH_KEY_TYPES, type SshKeyRestrictions, type SshKeyType } from '@app/kernel';

/** The algorithm names a stored key may start with, and the type each one is. */
export const SSH_KEY_ALGORITHMS: Readonly<Record<string, SshKeyType>> = {
  'ssh-rsa': 'rsa',
  'ssh-dss': 'dsa',
  'ecdsa-sha2-nistp256': 'ecdsa',
  'ecdsa-sha2-nistp384': 'ecdsa',
  'ecdsa-sha2-nistp521': 'ecdsa',
  'ssh-ed25519': 'ed25519',
  'sk-ecdsa-sha2-nistp256@openssh.com': 'ecdsa_sk',
  'sk-ssh-ed25519@openssh.com': 'ed25519_sk',
};

export const SSH_KEY_MAX_LENGTH = 5000;
export const SSH_KEY_TITLE_MAX_LENGTH = 255;

/** What parsing a submitted key found; every field is null when the text is not a key. */
export interface SshKeyFacts {
  /** The text as it will be stored (GitLab's normalisation), or the submitted text, stripped, when nothing parses. */
  text: string;
  type: SshKeyType | null;
  bits: number | null;
  fingerprintMd5: string | null;
  fingerprintSha256: string | null;
}

/** `"A, B, or C"` / `"A or B"`, as Rails' `to_sentence(last_word_connector: ', or ')`. */
function sentence(words: string[]): string {
  if (words.length <= 1) return words.join('');
  if (words.length === 2) return `${words[0]} or ${words[1]}`;
  return `${words.slice(0, -1).join(', ')}, or ${words[words.length - 1]}`;
}

/** GitLab's messages on `key` for the type and size rules (ssh_key_validator). */
export function keyRestrictionProblems(facts: SshKeyFacts, restrictions: SshKeyRestrictions): string[] {
  const restriction = facts.type ? restrictions[facts.type] : -1;
  if (restriction === -1) {
    const allowed = SSH_KEY_TYPES.filter((type) => restrictions[type] !== -1).map((type) => type.toUpperCase());
    return [`type is forbidden. Must be ${sentence(allowed)}`];
  }
  if (restriction > 0 && (facts.bits ?? 0) < restriction) return [`must be at least ${restriction} bits`];
  return [];
}

/** The stored key must begin with a supported algorithm name (GitLab's format rule). */
export function startsWithSupportedAlgorithm(text: string): boolean {
  const first = text.split(/\s+/, 1)[0];
  return Object.prototype.hasOwnProperty.call(SSH_KEY_ALGORITHMS, first);
}
