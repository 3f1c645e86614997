import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';
import type { IngestionBatch } from '../../../domain/ingestion/ingestion-batch.js';

export interface IngestActivityResult {
  source: string;
  /** Items in the batch. */
  received: number;
  /** Items recorded by this call. */
  recorded: number;
  /** Items the source had sent before, left as they were. */
  duplicates: number;
}

/** Record a batch that another service sent (already parsed whole; its users are checked here). */
export class IngestActivity extends Command<IngestActivityResult> {
  constructor(
    readonly batch: IngestionBatch,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
