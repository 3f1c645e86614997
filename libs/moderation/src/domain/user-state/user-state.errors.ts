import { ConflictError, ForbiddenError } from '@app/kernel';
import type { UserStateName } from './user-state.events.js';

/**
 * Moderation's refusals, worded as GitLab words them. API-level guards carry GitLab's
 * `403 Forbidden - ` prefix; its moderation services answer bare sentences (`bare`).
 */
export const ModerationErrors = {
  ldapBlockedNotModifiable: () => new ForbiddenError('LDAP blocked users cannot be modified by the API', 'moderation.ldap_blocked_not_modifiable'),
  ldapBlockedNotUnblockable: () => new ForbiddenError('LDAP blocked users cannot be unblocked by the API', 'moderation.ldap_blocked_not_unblockable'),
  deactivatedNotUnblockable: () => new ForbiddenError('Deactivated users cannot be unblocked by the API', 'moderation.deactivated_not_unblockable'),
  selfBlock: () => new ForbiddenError('The API initiating user cannot be blocked by the API', 'moderation.self_block'),
  /** GitLab has no such guard; refused here in the words of the block guard (see the README). */
  selfBan: () => new ForbiddenError('The API initiating user cannot be banned by the API', 'moderation.self_ban'),
  internalNotBlockable: () => new ForbiddenError('An internal user cannot be blocked', 'moderation.internal_not_blockable', true),
  internalNotDeactivatable: () => new ForbiddenError('Internal users cannot be deactivated', 'moderation.internal_not_deactivatable', true),
  blockedNotDeactivatable: () => new ForbiddenError('Error occurred. A blocked user cannot be deactivated', 'moderation.blocked_not_deactivatable', true),
  blockedNotActivatable: () => new ForbiddenError('Error occurred. A blocked user must be unblocked to be activated', 'moderation.blocked_not_activatable', true),
  recentlyActive: (days: number) =>
    new ForbiddenError(
      `The user you are trying to deactivate has been active in the past ${days} days and cannot be deactivated`,
      'moderation.recently_active',
      true,
    ),
  notBannable: (state: UserStateName) => new ForbiddenError(`You cannot ban ${state} users.`, 'moderation.not_bannable', true),
  notUnbannable: (state: UserStateName) => new ForbiddenError(`You cannot unban ${state} users.`, 'moderation.not_unbannable', true),
  notAllowedToApprove: () => new ForbiddenError('You are not allowed to approve a user', 'moderation.approve_forbidden', true),
  notAllowedToReject: () => new ForbiddenError('You are not allowed to reject a user', 'moderation.reject_forbidden', true),
  notPendingApproval: () => new ConflictError('The user you are trying to approve is not pending approval', 'moderation.not_pending_approval'),
  noPendingRequest: () => new ConflictError('User does not have a pending request', 'moderation.no_pending_request'),
  notRequestable: (state: UserStateName) => new ConflictError(`A ${state} user cannot be made to wait for approval`, 'moderation.not_requestable'),
};
