import type { GpgKeyRow } from '../../infrastructure/gpg/gpg-keys.repository.js';

/** GitLab's `GpgKey` entity: the armored text as stored; nothing parsed from it is shown. */
export function presentGpgKey(row: GpgKeyRow): Record<string, unknown> {
  return { id: Number(row.id), key: row.key, created_at: row.created_at.toISOString() };
}
