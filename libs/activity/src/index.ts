export { ActivityCoreModule, ActivityModule } from './activity.module.js';
export { AUDIT_RECONCILE_SUBSCRIPTION_ID, AuditWorker, auditRelayRoute, auditReconcileSchedule } from './application/workers/audit.worker.js';
export { auditEventDraft, auditEventDrafts, type AuditEventDraft } from './domain/audit-event/audit-event-draft.js';
export { LastActivityLookup } from './infrastructure/last-activity.lookup.js';
export { activeUsersRollupSchedule } from './application/workers/active-users-rollup.worker.js';
export { AuditEventsRepository, type AuditEventFilter, type AuditEventPosition, type AuditEventRow } from './infrastructure/audit-events.repository.js';
export { decodeAuditCursor, encodeAuditCursor } from './api/audit-event-cursor.js';
export { streamAuditEventsCsv } from './api/audit-events-csv.js';
export { AUDIT_EVENT_NAMES } from './audit/audit-event-names.js';
