/**
 * Whether `id` can name a stored row. Ids are PostgreSQL bigints handled as JS numbers: one above
 * Number.MAX_SAFE_INTEGER (2^53 - 1, below bigint's 2^63 - 1) was rounded on its way in and no
 * sequence here comes near it, and PostgreSQL refuses one past bigint (a 500 if it got there). So a
 * lookup by an id from the URL (route ids, `sudo`) answers "not found" for it, as GitLab's
 * `find_by(id:)` returns nil for an out-of-range id. Integer filters (`entity_id`) are refused
 * earlier, as "is invalid", by the integer coercion.
 */
export function isRecordId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 0;
}
