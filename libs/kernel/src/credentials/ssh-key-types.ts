/** The SSH key technologies GitLab accepts, in the order its "type is forbidden" message lists them. */
export const SSH_KEY_TYPES = ['rsa', 'dsa', 'ecdsa', 'ed25519', 'ecdsa_sk', 'ed25519_sk'] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

/** Per type: -1 forbidden, 0 any size, N the smallest size allowed in bits (GitLab's `<type>_key_restriction`). */
export type SshKeyRestrictions = Readonly<Record<SshKeyType, number>>;

/**
 * DSA is forbidden (as GitLab's documentation states for new instances); RSA needs at least
 * 1024 bits, the smallest size GitLab lists for RSA (shorter moduli are factorable); the other
 * types have fixed sizes.
 */
export const DEFAULT_SSH_KEY_RESTRICTIONS: SshKeyRestrictions = { rsa: 1024, dsa: -1, ecdsa: 0, ed25519: 0, ecdsa_sk: 0, ed25519_sk: 0 };

/** `rsa=2048,dsa=-1`: the listed types change, the others keep their default. */
export function parseSshKeyRestrictions(raw: string | undefined): SshKeyRestrictions {
  const restrictions: Record<SshKeyType, number> = { ...DEFAULT_SSH_KEY_RESTRICTIONS };
  for (const entry of (raw ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^([a-z0-9_]+)\s*=\s*(-1|\d+)$/.exec(entry);
    const type = match?.[1] as SshKeyType | undefined;
    if (!match || !type || !SSH_KEY_TYPES.includes(type)) {
      throw new Error(`SSH_KEY_RESTRICTIONS: "${entry}" is not <type>=<bits>; types are ${SSH_KEY_TYPES.join(', ')}, bits -1 (forbidden), 0 (any size) or a minimum`);
    }
    restrictions[type] = Number(match[2]);
  }
  return restrictions;
}
