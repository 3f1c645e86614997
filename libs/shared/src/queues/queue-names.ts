/**
 * Queue and job names are stable strings: operators see them in the dashboard and metrics.
 * A queue is listed here only once a job runs on it (see JOBS): a queue nothing works would
 * show in the dashboard as a backlog that never drains.
 */
export enum QueueName {
  Audit = 'audit',
  Activity = 'activity',
  Moderation = 'moderation',
  Mail = 'mail',
  Credentials = 'credentials',
  StatusExpiry = 'status-expiry',
}

export enum JobName {
  AuditRecordEvent = 'audit.record-event',
  AuditReconcile = 'audit.reconcile',
  AuditVerifyChains = 'audit.verify-chains',
  ActivityRecordUserActivity = 'activity.record-user-activity',
  ActivityRollUpActiveUsers = 'activity.roll-up-active-users',
  ModerationDeleteRejectedUser = 'moderation.delete-rejected-user',
  ModerationRecordModerator = 'moderation.record-moderator',
  MailEmailConfirmation = 'mail.email-confirmation',
  CredentialsRecordTokenUse = 'credentials.record-token-use',
  SocialClearExpiredStatus = 'social.clear-expired-status',
  SocialSweepExpiredStatuses = 'social.sweep-expired-statuses',
}

/** Deterministic job id for the job a stored event causes (BullMQ forbids ':' in custom ids). */
export function eventJobId(queue: QueueName, eventId: string): string {
  return `${queue}.${eventId}`;
}

/** The one job recording a user's activity on a day (UTC, `YYYY-MM-DD`): a second request that day adds nothing. */
export function userActivityJobId(userId: number, day: string): string {
  return `${QueueName.Activity}.user-${userId}.${day}`;
}

/**
 * The one job that clears a status when it expires, keyed by the user and the expiry it was set
 * for: scheduling it twice is one job, and a newer status (another expiry) gets a job of its own.
 */
export function statusExpiryJobId(userId: number, clearStatusAt: string): string {
  return `${QueueName.StatusExpiry}.user-${userId}.${Date.parse(clearStatusAt)}`;
}
