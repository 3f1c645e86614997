import { once } from 'node:events';
import { Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import type { AuditEventFilter, AuditEventPosition, AuditEventRow, AuditEventsRepository } from '../infrastructure/audit-events.repository.js';

/** Rows read per round trip while exporting: the export holds no more than this in memory, whatever the log's size. */
const EXPORT_BATCH = 1000;

/** The export's columns: the reviewer's questions first (when, who, to whom, what), then everything else as JSON. */
const CSV_COLUMNS = ['id', 'created_at', 'author_id', 'author_name', 'entity_type', 'entity_id', 'target_details', 'event_name', 'message', 'ip_address', 'details'];

const logger = new Logger('AuditEventsCsv');

function csvRecord(row: AuditEventRow): unknown[] {
  const details = row.details as Record<string, unknown>;
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  return [
    row.id,
    row.created_at.toISOString(),
    row.author_id,
    text(details.author_name),
    row.entity_type,
    row.entity_id,
    text(details.target_details),
    row.event_name,
    text(details.custom_message),
    text(details.ip_address),
    JSON.stringify(details),
  ];
}

/**
 * Every row of a filter as a CSV download, streamed: read in keyset batches and written as the
 * client takes them (a slow reader pauses the reads), so memory stays flat for a log of any size.
 * The API's export and the admin review page both answer with this, so their files are the same.
 */
export async function streamAuditEventsCsv(auditEvents: AuditEventsRepository, filter: AuditEventFilter, res: Response): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="audit-events-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv"`);
  const csv = stringify({ header: true, columns: CSV_COLUMNS });
  csv.pipe(res);
  let closed = false;
  const gone = once(res, 'close').then(() => (closed = true));
  try {
    let after: AuditEventPosition | null = null;
    for (;;) {
      const { rows, positions } = await auditEvents.keysetPage(filter, after, EXPORT_BATCH);
      for (const row of rows) {
        // A reader that went away never drains the stream: stop waiting for it then.
        if (!csv.write(csvRecord(row))) await Promise.race([once(csv, 'drain'), gone]);
        if (closed) break;
      }
      if (rows.length < EXPORT_BATCH || closed) break;
      after = positions[positions.length - 1];
    }
    csv.end();
  } catch (error) {
    // The status and part of the file are sent already: cut the download short so the client sees it failed.
    logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'The audit export failed part way; the download was cut short');
    res.destroy(error instanceof Error ? error : undefined);
  }
}
