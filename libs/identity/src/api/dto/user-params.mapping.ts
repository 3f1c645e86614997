import type { UserProfile } from '../../domain/user/user.events.js';
import { ParamsInvalidError, type ParsedParams } from '@app/shared';
import type { AvatarFile } from '../../infrastructure/avatar-store.js';
import type { CreateUserParams } from './create-user.params.js';
import type { UpdateUserParams } from './update-user.params.js';

/** Text columns GitLab stores as "" rather than null. */
const BLANKABLE = new Set(['bio', 'location', 'skype', 'linkedin', 'twitter', 'discord', 'website_url', 'organization', 'job_title']);

const PROFILE_PARAMS = [
  'email', 'name', 'username', 'skype', 'linkedin', 'twitter', 'discord', 'website_url', 'organization', 'projects_limit',
  'bio', 'location', 'pronouns', 'public_email', 'commit_email', 'admin', 'can_create_group', 'external', 'theme_id',
  'color_scheme_id', 'private_profile', 'note', 'view_diffs_file_by_file',
] as const;

/** On create GitLab's build service drops `pronouns` and `commit_email` (declared, but not in its allow-list). */
const IGNORED_ON_CREATE = new Set(['pronouns', 'commit_email']);

/** The profile attributes that were sent, with GitLab's null handling. */
export function profileChanges(params: ParsedParams<UpdateUserParams | CreateUserParams>, ignore: ReadonlySet<string> = new Set()): Partial<UserProfile> {
  const changes: Record<string, unknown> = {};
  for (const key of PROFILE_PARAMS) {
    if (!params.__present.has(key) || ignore.has(key)) continue;
    const value = (params as unknown as Record<string, unknown>)[key];
    if (value === null && BLANKABLE.has(key)) changes[key] = '';
    else if (value === null && ['admin', 'can_create_group', 'external', 'view_diffs_file_by_file', 'projects_limit', 'theme_id', 'color_scheme_id', 'email', 'name', 'username'].includes(key)) {
      continue;
    } else changes[key] = value;
  }
  return changes as Partial<UserProfile>;
}

export function profileFromCreate(params: ParsedParams<CreateUserParams>): Pick<UserProfile, 'username' | 'email' | 'name'> & Partial<UserProfile> {
  return { ...profileChanges(params, IGNORED_ON_CREATE), username: params.username, email: params.email, name: params.name };
}

/** A file multer parsed from a multipart body. */
interface MultipartFile {
  originalname: string;
  buffer: Buffer;
}

function isMultipartFile(value: unknown): value is MultipartFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as MultipartFile).buffer) && typeof (value as MultipartFile).originalname === 'string';
}

/**
 * The `avatar` upload (Grape `type: File`): only a multipart file part is one; anything else
 * that was sent (a JSON or form string, a number, …) is `400 {"error":"avatar is invalid"}`.
 */
export function avatarFromParams(params: ParsedParams<UpdateUserParams | CreateUserParams>): AvatarFile | null {
  const value = params.avatar;
  if (value === undefined || value === null) return null;
  if (!isMultipartFile(value)) throw new ParamsInvalidError(['avatar is invalid']);
  return { originalName: value.originalname, bytes: value.buffer };
}
