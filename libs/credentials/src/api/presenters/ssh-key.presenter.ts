import type { SshKeyRow } from '../../infrastructure/ssh/ssh-keys.repository.js';

/**
 * GitLab's `SSHKey` entity. `key` is the published key: the stored algorithm and blob with the
 * comment replaced by the owner's display name and this instance's host, so a key's original
 * comment (often a workstation's name) is never shown.
 */
export function presentSshKey(row: SshKeyRow, host: string): Record<string, unknown> {
  const [algorithm, blob] = row.key.split(/\s+/);
  return {
    id: Number(row.id),
    title: row.title,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    key: `${algorithm} ${blob} ${row.owner_name} (${host})`,
    usage_type: row.usage_type,
  };
}
