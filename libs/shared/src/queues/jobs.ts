import { JobName, QueueName } from './queue-names.js';

/**
 * The queue each job runs on. This is static data, not something discovered, so that the API
 * (which runs no workers) knows the same queues as the worker; the worker refuses to start
 * unless every job here has exactly one handler on that queue. Typed as a record over
 * JobName, so a job added to the enum without a queue does not compile.
 */
export const JOBS: Readonly<Record<JobName, QueueName>> = {
  [JobName.AuditRecordEvent]: QueueName.Audit,
  [JobName.AuditReconcile]: QueueName.Audit,
  [JobName.AuditVerifyChains]: QueueName.Audit,
  [JobName.ActivityRecordUserActivity]: QueueName.Activity,
  [JobName.ActivityRollUpActiveUsers]: QueueName.Activity,
  [JobName.ModerationDeleteRejectedUser]: QueueName.Moderation,
  [JobName.ModerationRecordModerator]: QueueName.Moderation,
  [JobName.MailEmailConfirmation]: QueueName.Mail,
  [JobName.CredentialsRecordTokenUse]: QueueName.Credentials,
  [JobName.SocialClearExpiredStatus]: QueueName.StatusExpiry,
  [JobName.SocialSweepExpiredStatuses]: QueueName.StatusExpiry,
};

/** The queues some declared job runs on, in declaration order: the only queues ever created. */
export function declaredQueues(): QueueName[] {
  return [...new Set(Object.values(JOBS))];
}
