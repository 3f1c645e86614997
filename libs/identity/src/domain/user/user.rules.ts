import { EMAIL_REGEX } from '@app/kernel';
import type { Identity, UserProfile } from './user.events.js';

/** GitLab's model validations for users, as pure functions returning `{attr: [messages]}`. */

export type Errors = Record<string, string[]>;

// lib/gitlab/path_regex.rb TOP_LEVEL_ROUTES: names a user cannot take.
const RESERVED_NAMES = new Set([
  '-', '.well-known', '404.html', '422.html', '500.html', '502.html', '503.html', 'admin', 'api',
  'apple-touch-icon.png', 'assets', 'dashboard', 'deploy.html', 'explore', 'favicon.ico', 'favicon.png',
  'files', 'groups', 'health_check', 'help', 'import', 'jwt', 'login', 'oauth', 'profile', 'projects',
  'public', 'robots.txt', 's', 'search', 'sitemap', 'sitemap.xml', 'sitemap.xml.gz',
  'slash-command-logo.png', 'snippets', 'unsubscribes', 'uploads', 'users', 'v2',
]);
const RESERVED_EXTENSIONS = ['json', 'xml', 'html', 'atom', 'rss', 'csv', 'ics', 'js', 'css', 'txt', 'png', 'jpg', 'jpeg', 'gif', 'svg'];

export const USERNAME_PATH_MESSAGE =
  "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'.";
export const USERNAME_OCI_MESSAGE =
  "can only include non-accented letters, digits, '_', '-' and '.'. It must not start with '-', '_', or '.', nor end with '-', '_', '.', '.git', or '.atom'.";
export const WEAK_PASSWORD_MESSAGE = 'must not contain commonly used combinations of words and letters';

const PATH_REGEX = /^(?:[a-zA-Z0-9_.][a-zA-Z0-9_\-.]*[a-zA-Z0-9_-]|[a-zA-Z0-9_])$/;
const OCI_REGEX = /^[a-zA-Z0-9]+(?:[._-][a-zA-Z0-9]+)*$/;

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
export const VALID_THEME_IDS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
export const VALID_COLOR_SCHEME_IDS = new Set([1, 2, 3, 4, 5, 6]);

// A short excerpt of the common-password lists GitLab refuses; see WeakPasswords.
const COMMON_PASSWORDS = new Set([
  'password', 'password1', 'password12', 'password123', 'passw0rd', 'p@ssw0rd', '12345678', '123456789',
  '1234567890', 'qwertyuiop', 'qwerty123', 'qwerty12', '1q2w3e4r', '1q2w3e4r5t', 'iloveyou', 'sunshine',
  'football', 'baseball', 'princess', 'welcome1', 'welcome123', 'letmein1', 'trustno1', 'superman',
  'abc12345', 'abcd1234', 'aa123456', 'administrator', 'changeme', 'starwars', 'whatever', 'dragon12',
  '11111111', '00000000', '88888888', '87654321', 'asdfghjkl', 'zxcvbnm1', 'monkey12', 'master12',
]);
const FORBIDDEN_WORDS = ['gitlab', 'devops'];

const tooLong = (max: number) => `is too long (maximum is ${max} characters)`;

function add(errors: Errors, attr: string, message: string): void {
  (errors[attr] ??= []).push(message);
}

export function usernameErrors(username: string): string[] {
  const messages: string[] = [];
  if (username.length === 0) return ["can't be blank"];
  if (username.length < 2) messages.push('is too short (minimum is 2 characters)');
  if (username.length > 255) messages.push(tooLong(255));
  const lower = username.toLowerCase();
  if (!PATH_REGEX.test(username) || lower.endsWith('.git') || lower.endsWith('.atom')) messages.push(USERNAME_PATH_MESSAGE);
  if (!OCI_REGEX.test(username) || lower.endsWith('.git') || lower.endsWith('.atom')) messages.push(USERNAME_OCI_MESSAGE);
  if (RESERVED_NAMES.has(lower)) messages.push(`${username} is a reserved name`);
  else if (RESERVED_EXTENSIONS.some((ext) => lower.endsWith(`.${ext}`))) messages.push('ending with a reserved file extension is not allowed.');
  return messages;
}

export function passwordErrors(password: string, profile: Pick<UserProfile, 'username' | 'name' | 'email'>): string[] {
  // Devise: presence first; the length rule allows blanks, so a blank password has only this message.
  if (password.trim() === '') return ["can't be blank"];
  if (password.length < MIN_PASSWORD_LENGTH) return [`is too short (minimum is ${MIN_PASSWORD_LENGTH} characters)`];
  if (password.length > MAX_PASSWORD_LENGTH) return [tooLong(MAX_PASSWORD_LENGTH)];
  return isWeakPassword(password, profile) ? [WEAK_PASSWORD_MESSAGE] : [];
}

/** Common passwords, and passwords built from the user's own name, username or email. */
export function isWeakPassword(password: string, profile: Pick<UserProfile, 'username' | 'name' | 'email'>): boolean {
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return true;
  if (FORBIDDEN_WORDS.some((word) => lower.includes(word))) return true;
  const personal = [profile.username, ...profile.name.split(/\s+/), profile.email.split('@')[0]]
    .map((word) => word.toLowerCase())
    .filter((word) => word.length >= 4);
  return personal.some((word) => lower.includes(word));
}

/** GitLab replaces anything that looks like an HTML tag in a name. */
export function sanitizeName(name: string): string {
  return name.replace(/<[^>]*>/g, '-');
}

export function profileErrors(profile: UserProfile): Errors {
  const errors: Errors = {};
  if (profile.name.trim() === '') add(errors, 'name', "can't be blank");
  else if (profile.name.length > 255) add(errors, 'name', tooLong(255));
  for (const message of usernameErrors(profile.username)) add(errors, 'username', message);
  if (profile.email.trim() === '') add(errors, 'email', "can't be blank");
  else if (!EMAIL_REGEX.test(profile.email) || profile.email.length > 255) add(errors, 'email', 'is invalid');
  if (profile.public_email && !EMAIL_REGEX.test(profile.public_email)) add(errors, 'public_email', 'is invalid');
  if (profile.commit_email && profile.commit_email !== '_private' && !EMAIL_REGEX.test(profile.commit_email)) {
    add(errors, 'commit_email', 'is invalid');
  }
  if (profile.projects_limit < 0) add(errors, 'projects_limit', 'must be greater than or equal to 0');
  else if (profile.projects_limit > 2_147_483_647) add(errors, 'projects_limit', 'must be less than or equal to 2147483647');
  if (profile.bio.length > 255) add(errors, 'bio', tooLong(255));
  for (const attr of ['linkedin', 'twitter', 'skype', 'location', 'organization', 'website_url'] as const) {
    if (profile[attr].length > 500) add(errors, attr, tooLong(500));
  }
  if (profile.job_title.length > 200) add(errors, 'job_title', tooLong(200));
  if (profile.pronouns !== null && profile.pronouns.length > 50) add(errors, 'pronouns', tooLong(50));
  if (profile.discord !== '' && !/^\d{17,20}$/.test(profile.discord)) add(errors, 'discord', 'must contain only a discord user ID.');
  if (profile.note !== null && profile.note.length > 10_000) add(errors, 'note', tooLong(10_000));
  if (!VALID_THEME_IDS.has(profile.theme_id)) add(errors, 'theme_id', `${profile.theme_id} is not a valid theme`);
  if (!VALID_COLOR_SCHEME_IDS.has(profile.color_scheme_id)) {
    add(errors, 'color_scheme_id', `${profile.color_scheme_id} is not a valid color scheme`);
  }
  return errors;
}

/**
 * GitLab 18 (`app/models/user.rb` `public_email_verified` / `commit_email_verified`): a public or
 * commit email must be one of the user's verified addresses. Older GitLab said "is not an email you own".
 */
export const UNVERIFIED_EMAIL_MESSAGE = 'must be an email you have verified';
export const PRIVATE_COMMIT_EMAIL = '_private';

/**
 * The addresses a user has verified: the primary email once confirmed, and the confirmed
 * secondary addresses (lower-cased, read from credentials). The private commit address
 * (`_private`) is always verified.
 */
export function verifiedEmails(profile: Pick<UserProfile, 'email' | 'confirmed_at'>, confirmedSecondary: readonly string[] = []): string[] {
  return [...(profile.confirmed_at !== null ? [profile.email.toLowerCase()] : []), ...confirmedSecondary];
}

/** Validates public_email and commit_email against the verified addresses, only when they change. */
export function ownedEmailErrors(profile: UserProfile, changed: { public_email: boolean; commit_email: boolean }, confirmedSecondary: readonly string[] = []): Errors {
  const errors: Errors = {};
  const verified = verifiedEmails(profile, confirmedSecondary);
  if (changed.public_email && profile.public_email && !verified.includes(profile.public_email.toLowerCase())) {
    add(errors, 'public_email', UNVERIFIED_EMAIL_MESSAGE);
  }
  const commit = profile.commit_email;
  if (changed.commit_email && commit && commit !== PRIVATE_COMMIT_EMAIL && !verified.includes(commit.toLowerCase())) {
    add(errors, 'commit_email', UNVERIFIED_EMAIL_MESSAGE);
  }
  return errors;
}

/**
 * The longest `provider` and `extern_uid` an identity may have. GitLab sets no limit, but PostgreSQL
 * refuses a btree index entry over 2704 bytes (a 500 in GitLab and here before this rule): the unique
 * index on (provider, lower(extern_uid)) holds at most 3 bytes of UTF-8 per UTF-16 unit, so 255 + 500
 * units stay under 2,300 bytes. 500 leaves room for long LDAP distinguished names.
 */
export const MAX_PROVIDER_LENGTH = 255;
export const MAX_EXTERN_UID_LENGTH = 500;

export function identityErrors(identity: Identity | null): Errors {
  const errors: Errors = {};
  if (identity && identity.provider.length > MAX_PROVIDER_LENGTH) add(errors, 'provider', tooLong(MAX_PROVIDER_LENGTH));
  if (identity && identity.extern_uid.length > MAX_EXTERN_UID_LENGTH) add(errors, 'extern_uid', tooLong(MAX_EXTERN_UID_LENGTH));
  return errors;
}

/** `UploaderHelper::SAFE_IMAGE_EXT`, the extensions GitLab accepts for avatars. */
export const AVATAR_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'tiff', 'ico', 'webp'] as const;
/** `Avatarable::MAXIMUM_FILE_SIZE` (200 KiB). */
export const AVATAR_MAX_BYTES = 200 * 1024;
export const AVATAR_FORMAT_MESSAGE = `file format is not supported. Please try one of the following supported formats: ${AVATAR_EXTENSIONS.join(', ')}`;
export const AVATAR_SIZE_MESSAGE = 'is too big (should be at most 200 KiB)';

const AVATAR_CONTENT_TYPES: Record<(typeof AVATAR_EXTENSIONS)[number], string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  ico: 'image/vnd.microsoft.icon',
  webp: 'image/webp',
};

/** The lower-case extension of a file name ('' when it has none). */
export function fileExtension(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot <= 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

/** CarrierWave's sanitizing: path parts dropped, anything but letters, digits, '.', '-', '+' and '_' becomes '_'. */
export function sanitizeAvatarFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^a-zA-Z0-9.\-+_]/g, '_').replace(/^\.+/, '_');
  return cleaned === '' ? 'avatar' : cleaned;
}

/** The content type an avatar is served with, from its (validated) extension. */
export function avatarContentType(filename: string): string {
  return AVATAR_CONTENT_TYPES[fileExtension(filename) as keyof typeof AVATAR_CONTENT_TYPES] ?? 'application/octet-stream';
}

export function avatarErrors(avatar: { filename: string; size: number }): string[] {
  const messages: string[] = [];
  if (!(AVATAR_EXTENSIONS as readonly string[]).includes(fileExtension(avatar.filename))) messages.push(AVATAR_FORMAT_MESSAGE);
  if (avatar.size > AVATAR_MAX_BYTES) messages.push(AVATAR_SIZE_MESSAGE);
  return messages;
}

/** Where an uploaded avatar is served (`AvatarUploader` store dir `user/avatar/<id>`). */
export function avatarPath(userId: number, filename: string): string {
  return `/uploads/-/system/user/avatar/${userId}/${filename}`;
}
