import { createHash } from 'node:crypto';
import type { UserBasicRow, UserRow } from '../../infrastructure/user-row.js';

/** Who is looking; entity tiers and conditional fields depend on it. */
export interface Viewer {
  id: number;
  isAdmin: boolean;
}

export interface PresenterContext {
  externalUrl: string;
  now: Date;
}

type Json = Record<string, unknown>;

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);
const BLOCKED_STATES = new Set(['blocked', 'ldap_blocked', 'banned', 'blocked_pending_approval']);

export function avatarUrl(row: UserBasicRow, ctx: PresenterContext): string {
  if (row.avatar_path) return `${ctx.externalUrl}${row.avatar_path}`;
  const hash = createHash('sha256').update(row.email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`;
}

/** GitLab's `read_user_profile`: private, blocked and unconfirmed profiles hide from others. */
export function canReadProfile(row: UserRow, viewer: Viewer | null): boolean {
  if (viewer && (viewer.isAdmin || viewer.id === row.id)) return true;
  return !row.private_profile && !BLOCKED_STATES.has(row.state) && row.confirmed_at !== null;
}

/** `"<job_title> at <organization>"`, whichever is set, or null. */
export function workInformation(row: UserRow): string | null {
  if (row.job_title && row.organization) return `${row.job_title} at ${row.organization}`;
  return row.job_title || row.organization || null;
}

/** Current time in the user's zone as `"%-l:%M %p"`, or null without a zone. */
export function localTime(timezone: string | null, now: Date): string | null {
  if (!timezone) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone, hour: 'numeric', minute: '2-digit', hour12: true }).format(now);
  } catch {
    return null;
  }
}

export function commitEmail(row: UserRow, ctx: PresenterContext): string {
  if (row.commit_email === '_private') return `${row.id}-${row.username}@users.noreply.${new URL(ctx.externalUrl).hostname}`;
  return row.commit_email ?? row.email;
}

export function userBasic(row: UserBasicRow, ctx: PresenterContext): Json {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    state: row.state,
    locked: row.locked,
    avatar_url: avatarUrl(row, ctx),
    web_url: `${ctx.externalUrl}/${row.username}`,
  };
}

/** Entity `User`: what any signed-in caller sees of someone. */
export function userEntity(row: UserRow, viewer: Viewer | null, ctx: PresenterContext, isFollowed = false): Json {
  const readable = canReadProfile(row, viewer);
  const self = viewer?.id === row.id;
  // Follow counts need both sides to allow following; our rule shows them on your own record too.
  const showFollows = readable && row.enabled_following;
  return {
    ...userBasic(row, ctx),
    ...(readable ? { created_at: iso(row.created_at) } : {}),
    bio: row.bio,
    location: row.location,
    public_email: row.public_email,
    skype: row.skype,
    linkedin: row.linkedin,
    twitter: row.twitter,
    discord: row.discord,
    website_url: row.website_url,
    organization: row.organization,
    job_title: row.job_title,
    pronouns: row.pronouns,
    bot: row.user_type !== 'human' && row.user_type !== 'ghost',
    work_information: workInformation(row),
    ...(showFollows ? { followers: row.followers_count, following: row.following_count } : {}),
    ...(showFollows && viewer && !self ? { is_followed: isFollowed } : {}),
    local_time: localTime(row.timezone, ctx.now),
  };
}

/** Entity `UserPublic`: your own record. */
export function userPublic(row: UserRow, viewer: Viewer | null, ctx: PresenterContext): Json {
  return {
    ...userEntity(row, viewer, ctx),
    last_sign_in_at: iso(row.last_sign_in_at),
    confirmed_at: iso(row.confirmed_at),
    last_activity_on: row.last_activity_on,
    email: row.email,
    theme_id: row.theme_id,
    color_scheme_id: row.color_scheme_id,
    projects_limit: row.projects_limit,
    current_sign_in_at: iso(row.current_sign_in_at),
    identities: row.identities.map(({ provider, extern_uid }) => ({ provider, extern_uid })),
    can_create_group: row.can_create_group,
    can_create_project: row.projects_limit > 0,
    two_factor_enabled: row.two_factor_enabled,
    external: row.external,
    private_profile: row.private_profile,
    commit_email: commitEmail(row, ctx),
    preferred_language: row.preferred_language,
  };
}

/** Entity `UserWithAdmin`: lists and writes answered to admins. */
export function userWithAdmin(row: UserRow, viewer: Viewer | null, ctx: PresenterContext): Json {
  return {
    ...userPublic(row, viewer, ctx),
    is_admin: row.admin,
    note: row.note,
    namespace_id: row.namespace_id,
    created_by: row.created_by ? userBasic(row.created_by, ctx) : null,
    email_reset_offered_at: iso(row.email_reset_offered_at),
  };
}

/** Entity `UserDetailsWithAdmin`: a single user as an admin sees it. */
export function userDetailsWithAdmin(row: UserRow, viewer: Viewer | null, ctx: PresenterContext): Json {
  return {
    ...userWithAdmin(row, viewer, ctx),
    highest_role: 0,
    current_sign_in_ip: row.current_sign_in_ip,
    last_sign_in_ip: row.last_sign_in_ip,
    sign_in_count: row.sign_in_count,
  };
}
