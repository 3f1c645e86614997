import type { Queryable } from '@app/eventstore';
import { EMAIL_ADDRESS_OWNER_CONSTRAINT, uniqueViolationConstraint } from '@app/shared';
import type { AvatarUpload } from '../domain/user/user.commands.js';
import { EmailTakenError, ExternUidTakenError, UsernameTakenError } from '../domain/user/user.errors.js';
import { USER_AVATAR_CHANGED, USER_CREATED, type UserEvent } from '../domain/user/user.events.js';
import { avatarContentType } from '../domain/user/user.rules.js';
import { AvatarStore, sha256Hex, type AvatarFile } from './avatar-store.js';

/* What the create and update handlers share when they write a user. */

/** Turns a unique-index refusal from the users projection into GitLab's 409 (or its 400 for an identity). */
export function mapUniqueViolation(error: unknown): never {
  const constraint = uniqueViolationConstraint(error);
  if (constraint === 'users_email_lower_key' || constraint === EMAIL_ADDRESS_OWNER_CONSTRAINT) throw new EmailTakenError();
  if (constraint === 'users_username_lower_key') throw new UsernameTakenError();
  if (constraint === 'user_identities_provider_extern_uid_key') throw new ExternUidTakenError();
  throw error;
}

/** The digest and size the decider validates, with the bytes kept back for the store. */
export function avatarUpload(file: AvatarFile | null | undefined): { meta: AvatarUpload; bytes: Buffer } | null {
  if (!file) return null;
  return { meta: { filename: file.originalName, size: file.bytes.length, sha256: sha256Hex(file.bytes) }, bytes: file.bytes };
}

/** Stores the bytes of the avatar an event recorded, in the append's transaction. */
export async function saveAvatar(store: AvatarStore, tx: Queryable, userId: number, events: UserEvent[], bytes: Buffer | undefined): Promise<void> {
  const avatar = events
    .map((event) => (event.type === USER_CREATED || event.type === USER_AVATAR_CHANGED ? event.data.avatar : undefined))
    .find((ref) => ref !== undefined);
  if (!avatar || !bytes) return;
  await store.save(tx, userId, { filename: avatar.filename, contentType: avatarContentType(avatar.filename), bytes, sha256: avatar.sha256 });
}

/** The password hash beside the log (events only say that a password changed). */
export async function storePasswordHash(tx: Queryable, userId: number, hash: string): Promise<void> {
  await tx.query(
    `INSERT INTO identity.user_password_hashes (user_id, password_hash, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
    [userId, hash],
  );
}
