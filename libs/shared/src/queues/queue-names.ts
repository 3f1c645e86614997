/**
 * Queue and job names are stable strings: operators see them in the dashboard and metrics.
 * A queue is listed here only once a job runs on it (see JOBS): a queue nothing works would
 * show in the dashboard as a backlog that never drains.
 */
export enum QueueName {
  Audit = 'audit',
}

export enum JobName {
  AuditRecordEvent = 'audit.record-event',
  AuditReconcile = 'audit.reconcile',
}

/** Deterministic job id for the job a stored event causes (BullMQ forbids ':' in custom ids). */
export function eventJobId(queue: QueueName, eventId: string): string {
  return `${queue}.${eventId}`;
}
