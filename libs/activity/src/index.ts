export { ActivityCoreModule, ActivityModule } from './activity.module.js';
export { AuditWorker, AUDIT_RELAY_ROUTE } from './application/workers/audit.worker.js';
export { auditEventsFor, AUDITED_EVENT_TYPES, type AuditEventDraft } from './domain/audit-event/audit-event.mapper.js';
