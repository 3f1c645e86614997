import type { Writable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, Database, isRecordId, MAX_COUNT_LIMIT, RateLimitedError, type AppConfig } from '@app/shared';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { AuditEventDraft } from '../domain/audit-event/audit-event-draft.js';

export interface AuditEventRow {
  id: number;
  author_id: number;
  entity_id: number;
  entity_type: string;
  event_name: string;
  details: Record<string, unknown>;
  created_at: Date;
}

export interface AuditEventFilter {
  entityType?: string;
  entityId?: number;
  authorId?: number;
  eventName?: string;
  createdAfter?: Date;
  createdBefore?: Date;
}

/**
 * Where a keyset page starts: after this row in the log's order (newest first). `createdAt` is the
 * row's time to the microsecond as text: a JavaScript date keeps milliseconds only, and a cursor
 * rounded to them would skip or repeat rows written in the same millisecond.
 */
export interface AuditEventPosition {
  createdAt: string;
  id: number;
}

const COLUMNS = 'id, author_id, entity_id, entity_type, event_name, details, created_at';
const normalize = (row: Record<string, unknown>): AuditEventRow => ({
  ...(row as unknown as AuditEventRow),
  id: Number(row.id),
  author_id: Number(row.author_id),
  entity_id: Number(row.entity_id),
});

/**
 * A text cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return: a user can name themselves `=HYPERLINK(…)`) gets a leading `'`, so it opens as
 * text. The `details` column keeps every value as it is, in JSON, which starts with `{`.
 */
const asText = (expression: string) => `regexp_replace(${expression}, '^([=+@\\t\\r-])', '''\\1')`;

/**
 * The export's columns, named as in its header row: the reviewer's questions first (when, who, to
 * whom, what), then everything as JSON. The time has the API's millisecond ISO form.
 */
const CSV_SELECT = `SELECT id,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  author_id, ${asText("details->>'author_name'")} AS author_name, entity_type, entity_id,
  ${asText("details->>'target_details'")} AS target_details, event_name, ${asText("details->>'custom_message'")} AS message,
  ${asText("details->>'ip_address'")} AS ip_address, details
  FROM activity.audit_events`;

/** COPY takes no bind parameters: a filter's values go in as quoted literals (numbers and dates included, which PostgreSQL casts). */
const literal = (value: unknown) => pg.escapeLiteral(value instanceof Date ? value.toISOString() : String(value));

@Injectable()
export class AuditEventsRepository {
  private exportsRunning = 0;

  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One statement, so an event's rows appear together; idempotent on (source event, event name). */
  async insert(drafts: AuditEventDraft[]): Promise<number> {
    if (drafts.length === 0) return 0;
    const params: unknown[] = [];
    const values = drafts.map((draft) => {
      const at = params.length;
      params.push(draft.author_id, draft.entity_id, draft.entity_type, draft.event_name, JSON.stringify(draft.details), draft.created_at, draft.source_event_id);
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::jsonb, $${at + 6}, $${at + 7})`;
    });
    const rows = await this.db.query(
      `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
       VALUES ${values.join(', ')} ON CONFLICT (source_event_id, event_name) DO NOTHING RETURNING id`,
      params,
    );
    return rows.length;
  }

  async findById(id: number): Promise<AuditEventRow | null> {
    if (!isRecordId(id)) return null;
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM activity.audit_events WHERE id = $1`, [id]);
    return rows.length ? normalize(rows[0]) : null;
  }

  async list(filter: AuditEventFilter & { offset: number; limit: number }): Promise<{ rows: AuditEventRow[]; total: number | null; hasMore: boolean }> {
    const { whereSql, params } = whereOf(filter);
    // Newest first by when it happened: the worker may write rows out of order (concurrency, reconciliation).
    const [rows, counted] = await Promise.all([
      this.db.query(`SELECT ${COLUMNS} FROM activity.audit_events ${whereSql} ORDER BY created_at DESC, id DESC LIMIT ${filter.limit + 1} OFFSET ${filter.offset}`, params),
      this.db.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM activity.audit_events ${whereSql} LIMIT ${MAX_COUNT_LIMIT + 1}) capped`, params),
    ]);
    const total = Number(counted[0].n);
    return { rows: rows.slice(0, filter.limit).map(normalize), total: total > MAX_COUNT_LIMIT ? null : total, hasMore: rows.length > filter.limit };
  }

  /**
   * Every row of a filter, newest first, written to `out` as CSV (with a header row) that PostgreSQL
   * builds (COPY): one statement, so the file is one consistent snapshot of the log, read from the
   * connection only as fast as `out` takes it, so memory stays flat for a log of any size. At most
   * `AUDIT_EXPORT_CONCURRENCY` run at once (each holds a connection for as long as its reader
   * reads); another is refused with 429 before anything is written. When `out` closes before the
   * end, the connection is closed rather than pooled, which ends the statement on the server.
   * Resolves when the file is written or its reader has gone; rejects when the statement fails.
   */
  async copyCsv(filter: AuditEventFilter, out: Writable): Promise<void> {
    if (this.exportsRunning >= this.config.auditExportConcurrency) {
      throw new RateLimitedError(5, `${this.config.auditExportConcurrency} audit exports are running, the most one process runs at once. Retry when one has finished.`);
    }
    this.exportsRunning += 1;
    try {
      const { where } = conditionsOf(filter, [], literal);
      const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
      // Qualified: the output column `created_at` (text) would otherwise be the sort key.
      const sql = `COPY (${CSV_SELECT} ${whereSql} ORDER BY audit_events.created_at DESC, audit_events.id DESC) TO STDOUT WITH (FORMAT csv, HEADER)`;
      await this.db.withClient(async (client, discard) => {
        const copy = client.query(copyTo(sql));
        const outcome = new Promise<'end' | 'closed'>((resolve, reject) => {
          // Kept for the stream's life: an error after the outcome (the discarded connection's) must find a listener.
          copy.on('error', reject);
          copy.once('end', () => resolve('end'));
          out.once('close', () => resolve('closed'));
        });
        copy.pipe(out);
        if ((await outcome) === 'closed' && !copy.readableEnded) {
          copy.unpipe(out);
          discard(new Error('The audit export was left unread; its connection is closed to end the statement.'));
        }
      });
    } finally {
      this.exportsRunning -= 1;
    }
  }

  /** The `limit` rows after `after` (from the newest when null), in the same order; no count, whatever the size of the log. */
  async keysetPage(filter: AuditEventFilter, after: AuditEventPosition | null, limit: number): Promise<{ rows: AuditEventRow[]; positions: AuditEventPosition[] }> {
    const { where, params, bind } = conditionsOf(filter);
    if (after) where.push(`(created_at, id) < (${bind(after.createdAt)}::timestamptz, ${bind(after.id)}::bigint)`);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = await this.db.query<Record<string, unknown> & { position_at: string }>(
      `SELECT ${COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_at
         FROM activity.audit_events ${whereSql} ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
      params,
    );
    return { rows: rows.map(({ position_at: _, ...row }) => normalize(row)), positions: rows.map((row) => ({ createdAt: row.position_at, id: Number(row.id) })) };
  }
}

function conditionsOf(
  filter: AuditEventFilter,
  params: unknown[] = [],
  bind: (value: unknown) => string = (value) => `$${params.push(value)}`,
): { where: string[]; params: unknown[]; bind: (value: unknown) => string } {
  const where: string[] = [];
  if (filter.entityType !== undefined) where.push(`entity_type = ${bind(filter.entityType)}`);
  if (filter.entityId !== undefined) where.push(`entity_id = ${bind(filter.entityId)}`);
  if (filter.authorId !== undefined) where.push(`author_id = ${bind(filter.authorId)}`);
  if (filter.eventName !== undefined) where.push(`event_name = ${bind(filter.eventName)}`);
  if (filter.createdAfter !== undefined) where.push(`created_at >= ${bind(filter.createdAfter)}`);
  if (filter.createdBefore !== undefined) where.push(`created_at <= ${bind(filter.createdBefore)}`);
  return { where, params, bind };
}

function whereOf(filter: AuditEventFilter): { whereSql: string; params: unknown[] } {
  const { where, params } = conditionsOf(filter);
  return { whereSql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
