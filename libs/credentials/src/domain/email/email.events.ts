/** Secondary e-mail events (stream `credentials.user-<id>`). Confirmation tokens appear only as their SHA-256 digest. */

export const EMAIL_ADDED = 'credentials.email_added';
export const EMAIL_CONFIRMED = 'credentials.email_confirmed';
export const EMAIL_DELETED = 'credentials.email_deleted';

export interface EmailAddedData {
  id: number;
  user_id: number;
  username: string;
  /** Lower-cased and stripped, as GitLab stores it. */
  email: string;
  /** Set when an admin skipped confirmation. */
  confirmed_at: string | null;
  /** SHA-256 (hex) of the token mailed for confirmation; null when confirmed already. */
  confirmation_token_digest: string | null;
  created_at: string;
}

export interface EmailConfirmedData {
  id: number;
  user_id: number;
  username: string;
  email: string;
  confirmed_at: string;
}

export interface EmailDeletedData {
  id: number;
  user_id: number;
  username: string;
  email: string;
  deleted_at: string;
}

export type EmailEvent =
  | { type: typeof EMAIL_ADDED; schemaVersion: 1; data: EmailAddedData }
  | { type: typeof EMAIL_CONFIRMED; schemaVersion: 1; data: EmailConfirmedData }
  | { type: typeof EMAIL_DELETED; schemaVersion: 1; data: EmailDeletedData };
