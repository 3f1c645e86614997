import { Param } from '@app/shared';

/** What an audit log reader narrows by: the target, the author, the kind of event and a time window. */
export class AuditEventFilterParams {
  @Param('string', { values: ['Project', 'User', 'Group', 'Gitlab::Audit::InstanceScope'] }) entity_type?: string | null;
  @Param('integer') entity_id?: number | null;
  @Param('integer') author_id?: number | null;
  @Param('string') event_name?: string | null;
  @Param('datetime') created_after?: Date | null;
  @Param('datetime') created_before?: Date | null;
}

/** `GET /audit_events`: the filters, and offset pages or (`pagination=keyset`) keyset pages by `cursor`. */
export class ListAuditEventsParams extends AuditEventFilterParams {
  @Param('string', { values: ['keyset', 'offset'] }) pagination?: string | null;
  @Param('string') cursor?: string | null;
}
