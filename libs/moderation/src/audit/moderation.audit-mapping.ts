import type { AuditEntry, AuditMapping, StoredEvent } from '@app/kernel';
import {
  USER_REJECTED,
  USER_STATE_CHANGED,
  type ModerationAction,
  type UserRejectedData,
  type UserStateChangedData,
} from '../domain/user-state/user-state.events.js';

/** GitLab's audit event name for each action, and what the row says was done. */
const ACTIONS: Record<ModerationAction, { eventName: string; verb: string }> = {
  block: { eventName: 'user_blocked', verb: 'Blocked user' },
  unblock: { eventName: 'user_unblocked', verb: 'Unblocked user' },
  deactivate: { eventName: 'user_deactivated', verb: 'Deactivated user' },
  activate: { eventName: 'user_activated', verb: 'Activated user' },
  ban: { eventName: 'user_banned', verb: 'Banned user' },
  unban: { eventName: 'user_unbanned', verb: 'Unbanned user' },
  approve: { eventName: 'user_approved', verb: 'Approved user' },
  reject: { eventName: 'user_rejected', verb: 'Rejected user' },
  request_approval: { eventName: 'user_pending_approval', verb: 'Signed-up user awaits approval' },
  ldap_block: { eventName: 'user_ldap_blocked', verb: 'LDAP blocked user' },
};

/**
 * The rows moderation's events leave: one per transition, naming the target, the action and the
 * states before and after (the author, the admin, comes from the event's metadata).
 */
function moderationAuditEntries(event: StoredEvent): AuditEntry[] {
  if (event.type === USER_STATE_CHANGED) {
    const data = event.data as UserStateChangedData;
    const action = data.action ? ACTIONS[data.action] : { eventName: 'user_state_changed', verb: 'Changed user state' };
    return [
      {
        entity_id: data.user_id,
        event_name: action.eventName,
        target_details: data.username,
        details: {
          custom_message: `${action.verb} ${data.username}: state ${data.from} → ${data.to}`,
          change: 'state',
          from: data.from,
          to: data.to,
          ...(data.reason ? { reason: data.reason } : {}),
        },
      },
    ];
  }
  if (event.type === USER_REJECTED) {
    const data = event.data as UserRejectedData;
    return [
      {
        entity_id: data.user_id,
        event_name: ACTIONS.reject.eventName,
        target_details: data.username,
        details: { custom_message: `Rejected the sign-up of ${data.username}; the user will be deleted`, change: 'state', from: 'blocked_pending_approval', to: 'rejected' },
      },
    ];
  }
  return [];
}

export const MODERATION_AUDIT_MAPPING: AuditMapping = {
  context: 'moderation',
  eventTypes: [USER_STATE_CHANGED, USER_REJECTED],
  entriesFor: moderationAuditEntries,
};
