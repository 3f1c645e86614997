import { Param } from '@app/shared';

export class ListAuditEventsParams {
  @Param('string', { values: ['Project', 'User', 'Group', 'Gitlab::Audit::InstanceScope'] }) entity_type?: string | null;
  @Param('integer') entity_id?: number | null;
  @Param('datetime') created_after?: Date | null;
  @Param('datetime') created_before?: Date | null;
}
