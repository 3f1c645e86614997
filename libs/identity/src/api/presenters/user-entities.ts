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

/*
 * Each tier adds its keys to one object in GitLab's order (no spreading tier into tier:
 * these run on every request and the copies showed up in CPU profiles).
 */
function addBasic(out: Json, row: UserBasicRow, ctx: PresenterContext): Json {
  out.id = row.id;
  out.username = row.username;
  out.name = row.name;
  out.state = row.state;
  out.locked = row.locked;
  out.avatar_url = avatarUrl(row, ctx);
  if (row.custom_attributes) out.custom_attributes = row.custom_attributes.map(({ key, value }) => ({ key, value }));
  out.web_url = `${ctx.externalUrl}/${row.username}`;
  return out;
}

function addUser(out: Json, row: UserRow, viewer: Viewer | null, ctx: PresenterContext, isFollowed: boolean): Json {
  const readable = canReadProfile(row, viewer);
  const self = viewer?.id === row.id;
  // Follow counts need both sides to allow following (GitLab's `following_users_allowed?`); our rule
  // shows them on your own record too. The viewer's side is known where the read asked for it.
  const viewerAllows = !viewer || self || (row as { viewer_enabled_following?: boolean }).viewer_enabled_following !== false;
  const showFollows = readable && row.enabled_following && viewerAllows;
  if (readable) out.created_at = iso(row.created_at);
  out.bio = row.bio;
  out.location = row.location;
  out.public_email = row.public_email;
  out.skype = row.skype;
  out.linkedin = row.linkedin;
  out.twitter = row.twitter;
  out.discord = row.discord;
  out.website_url = row.website_url;
  out.organization = row.organization;
  out.job_title = row.job_title;
  out.pronouns = row.pronouns;
  out.bot = row.user_type !== 'human' && row.user_type !== 'ghost';
  out.work_information = workInformation(row);
  if (showFollows) {
    out.followers = row.followers_count;
    out.following = row.following_count;
    if (viewer && !self) out.is_followed = isFollowed;
  }
  out.local_time = localTime(row.timezone, ctx.now);
  return out;
}

function addPublic(out: Json, row: UserRow, ctx: PresenterContext): Json {
  out.last_sign_in_at = iso(row.last_sign_in_at);
  out.confirmed_at = iso(row.confirmed_at);
  out.last_activity_on = row.last_activity_on;
  out.email = row.email;
  out.theme_id = row.theme_id;
  out.color_scheme_id = row.color_scheme_id;
  out.projects_limit = row.projects_limit;
  out.current_sign_in_at = iso(row.current_sign_in_at);
  out.identities = row.identities.map(({ provider, extern_uid }) => ({ provider, extern_uid }));
  out.can_create_group = row.can_create_group;
  out.can_create_project = row.projects_limit > 0;
  out.two_factor_enabled = row.two_factor_enabled;
  out.external = row.external;
  out.private_profile = row.private_profile;
  out.commit_email = commitEmail(row, ctx);
  out.preferred_language = row.preferred_language;
  return out;
}

function addWithAdmin(out: Json, row: UserRow, ctx: PresenterContext): Json {
  out.is_admin = row.admin;
  out.note = row.note;
  out.namespace_id = row.namespace_id;
  out.created_by = row.created_by ? userBasic(row.created_by, ctx) : null;
  out.email_reset_offered_at = iso(row.email_reset_offered_at);
  return out;
}

export function userBasic(row: UserBasicRow, ctx: PresenterContext): Json {
  return addBasic({}, row, ctx);
}

/** Entity `User`: what any signed-in caller sees of someone. */
export function userEntity(row: UserRow, viewer: Viewer | null, ctx: PresenterContext, isFollowed = false): Json {
  return addUser(addBasic({}, row, ctx), row, viewer, ctx, isFollowed);
}

/** Entity `UserPublic`: your own record. */
export function userPublic(row: UserRow, viewer: Viewer | null, ctx: PresenterContext, isFollowed = false): Json {
  return addPublic(userEntity(row, viewer, ctx, isFollowed), row, ctx);
}

/** Entity `UserWithAdmin`: lists and writes answered to admins. */
export function userWithAdmin(row: UserRow, viewer: Viewer | null, ctx: PresenterContext, isFollowed = false): Json {
  return addWithAdmin(userPublic(row, viewer, ctx, isFollowed), row, ctx);
}

/** Entity `UserDetailsWithAdmin`: a single user as an admin sees it. */
export function userDetailsWithAdmin(row: UserRow, viewer: Viewer | null, ctx: PresenterContext, isFollowed = false): Json {
  const out = userWithAdmin(row, viewer, ctx, isFollowed);
  // No memberships exist in this service yet, so no user has a role above "none".
  out.highest_role = 0;
  out.current_sign_in_ip = row.current_sign_in_ip;
  out.last_sign_in_ip = row.last_sign_in_ip;
  out.sign_in_count = row.sign_in_count;
  return out;
}
