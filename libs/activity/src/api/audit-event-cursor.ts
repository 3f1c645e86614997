import { ParamsInvalidError } from '@app/shared';
import type { AuditEventPosition } from '../infrastructure/audit-events.repository.js';

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([1-9]\d{0,18})$/;

/** The opaque `cursor` of the next keyset page of the audit log: the last row's time (to the microsecond) and id. */
export function encodeAuditCursor(position: AuditEventPosition): string {
  return Buffer.from(`${position.createdAt}|${position.id}`).toString('base64url');
}

/** A cursor this service made, or 400 `cursor is invalid`. */
export function decodeAuditCursor(cursor: string): AuditEventPosition {
  const match = POSITION.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || Number.isNaN(Date.parse(match[1])) || !Number.isSafeInteger(Number(match[2]))) throw new ParamsInvalidError(['cursor is invalid']);
  return { createdAt: match[1], id: Number(match[2]) };
}
