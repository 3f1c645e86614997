import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { AuditEventFilter, AuditEventsRepository } from '../infrastructure/audit-events.repository.js';

/** A reader that takes nothing for this long is dropped, so a stalled download does not hold its connection for ever. */
const STALLED_READER_MS = 60_000;

const logger = new Logger('AuditEventsCsv');

/**
 * Every row of a filter as a CSV download, streamed at the pace the client reads. The API's
 * export and the admin review page both answer with this, so their files are the same. A refusal
 * that comes before the first byte (too many exports, no database) is thrown for the caller's
 * error handling to answer, without the CSV headers.
 */
export async function streamAuditEventsCsv(auditEvents: AuditEventsRepository, filter: AuditEventFilter, res: Response): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="audit-events-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv"`);
  res.setTimeout(STALLED_READER_MS, () => res.destroy());
  try {
    await auditEvents.copyCsv(filter, res);
  } catch (error) {
    if (!res.headersSent) {
      // Not a download after all: the error handlers set their own content type, but not this.
      res.removeHeader('Content-Disposition');
      throw error;
    }
    // The status and part of the file are sent already: cut the download short so the client sees it failed.
    logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'The audit export failed part way; the download was cut short');
    res.destroy(error instanceof Error ? error : undefined);
  }
}
