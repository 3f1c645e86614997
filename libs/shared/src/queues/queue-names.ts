/** Queue and job names are stable strings: operators see them in the dashboard and metrics. */
export enum QueueName {
  Audit = 'audit',
  StatusExpiry = 'status-expiry',
  Activity = 'activity',
}

export enum JobName {
  AuditRecordEvent = 'audit.record-event',
  AuditReconcile = 'audit.reconcile',
}

/** Deterministic job id for the job a stored event causes (BullMQ forbids ':' in custom ids). */
export function eventJobId(queue: QueueName, eventId: string): string {
  return `${queue}.${eventId}`;
}
