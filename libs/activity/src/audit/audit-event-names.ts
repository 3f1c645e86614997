/**
 * The event names the contexts' audit mappings give their rows, for the review page's event name
 * suggestions. Kept by hand, and checked against the names the mappings give every sample in
 * `audit-details-coverage.spec.ts`: a mapping with a new name fails that test until it is here.
 */
export const AUDIT_EVENT_NAMES: readonly string[] = [
  // identity
  'user_created',
  'user_destroyed',
  'user_name_updated',
  'user_admin_status_updated',
  'user_email_address_updated',
  'user_username_updated',
  'user_password_updated',
  'user_settings_updated',
  'user_identity_removed',
  'custom_attribute_created',
  'custom_attribute_updated',
  'custom_attribute_destroyed',
  // moderation
  'user_blocked',
  'user_unblocked',
  'user_deactivated',
  'user_activated',
  'user_banned',
  'user_unbanned',
  'user_approved',
  'user_rejected',
  'user_pending_approval',
  'user_ldap_blocked',
  'user_state_changed',
  // credentials
  'personal_access_token_created',
  'personal_access_token_revoked',
  'personal_access_token_rotated',
  'impersonation_token_created',
  'add_ssh_key',
  'remove_ssh_key',
  'add_gpg_key',
  'revoke_gpg_key',
  'remove_gpg_key',
  'add_email',
  'confirm_email',
  'remove_email',
  'user_two_factor_enrolment_started',
  'user_enable_two_factor',
  'user_disable_two_factor',
  'ci_runner_created',
  // social
  'user_followed',
  'user_unfollowed',
  'user_following_preference_changed',
  'user_status_set',
  'user_status_cleared',
  // activity
  'activity_batch_ingested',
].sort();
