import { Param, ParamGroup } from '@app/shared';
import type { UserListFilters } from '../../infrastructure/users-read.repository.js';

export const USER_ORDER_BY = ['id', 'name', 'username', 'created_at', 'updated_at'] as const;

/**
 * `GET /users` (reference §3), declared in Grape's order so errors join the same way.
 * `with_custom_attributes` and `custom_attributes[key]=value` are admin-only (GitLab's `read_custom_attribute`).
 */
@ParamGroup('all_or_none_of', 'extern_uid', 'provider', { after: 'exclude_internal' })
export class ListUsersParams {
  @Param('string') username?: string | null;
  @Param('string') extern_uid?: string | null;
  @Param('string') provider?: string | null;
  @Param('string') search?: string | null;
  @Param('boolean') active?: boolean | null;
  @Param('boolean') humans?: boolean | null;
  @Param('boolean') external?: boolean | null;
  @Param('boolean') blocked?: boolean | null;
  @Param('datetime') created_after?: Date | null;
  @Param('datetime') created_before?: Date | null;
  @Param('boolean') without_projects?: boolean | null;
  @Param('boolean') without_project_bots?: boolean | null;
  @Param('boolean') admins?: boolean | null;
  // A String in GitLab: values other than enabled/disabled are ignored, not refused.
  @Param('string') two_factor?: string | null;
  @Param('boolean') exclude_active?: boolean | null;
  @Param('boolean') exclude_external?: boolean | null;
  @Param('boolean') exclude_humans?: boolean | null;
  @Param('boolean') exclude_internal?: boolean | null;
  @Param('string', { values: USER_ORDER_BY }) order_by?: (typeof USER_ORDER_BY)[number] | null;
  @Param('string', { values: ['asc', 'desc'] }) sort?: 'asc' | 'desc' | null;
  // Grape's `use :pagination` comes after the sort params: declared here so errors join in that order.
  @Param('integer') page?: number | null;
  @Param('integer', { exceptValues: [0] }) per_page?: number | null;
  // Grape's `use :with_custom_attributes` and `:custom_attributes` helpers come after pagination.
  @Param('boolean', { default: false }) with_custom_attributes?: boolean | null;
  @Param('string_hash') custom_attributes?: Record<string, string> | null;
  /** `keyset` switches to keyset pagination; anything else is offset pagination (GitLab reads it raw). */
  @Param('string') pagination?: string | null;
  /** The opaque keyset cursor from a previous page's `Link: rel="next"`. */
  @Param('string') cursor?: string | null;
}

const present = (text: string | null | undefined): text is string => typeof text === 'string' && text.trim() !== '';

/** Whether the admin-only identity lookup applies (both `extern_uid` and `provider` non-blank). */
export function wantsIdentityLookup(params: ListUsersParams): boolean {
  return present(params.extern_uid) && present(params.provider);
}

/**
 * The filters GitLab's UsersFinder applies for this caller. Admin-only params
 * (`created_after`, `created_before`, `two_factor`, `without_projects`, `admins`)
 * are silently dropped for everyone else, as `lib/api/users.rb` does.
 */
export function listFilters(params: ListUsersParams, isAdmin: boolean): UserListFilters {
  const filters: UserListFilters = {};
  if (wantsIdentityLookup(params)) filters.identity = { provider: params.provider as string, externUid: params.extern_uid as string };
  if (isAdmin && params.custom_attributes && Object.keys(params.custom_attributes).length > 0) filters.customAttributes = params.custom_attributes;
  if (params.active) filters.active = true;
  if (params.humans) filters.humans = true;
  if (params.external) filters.external = true;
  if (params.exclude_external) filters.excludeExternal = true;
  if (params.blocked) filters.blocked = true;
  if (params.without_project_bots) filters.withoutProjectBots = true;
  if (params.exclude_active) filters.excludeActive = true;
  if (params.exclude_humans) filters.excludeHumans = true;
  if (params.exclude_internal) filters.excludeInternal = true;
  if (isAdmin) {
    if (params.admins) filters.admins = true;
    if (params.two_factor === 'enabled' || params.two_factor === 'disabled') filters.twoFactor = params.two_factor;
    if (params.created_after) filters.createdAfter = params.created_after;
    if (params.created_before) filters.createdBefore = params.created_before;
    // `without_projects` keeps users with no project authorizations. This service has no
    // projects, so every user matches and the parameter narrows nothing.
  }
  return filters;
}
