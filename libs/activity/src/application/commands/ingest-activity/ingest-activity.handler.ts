import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { GetUserBasics } from '@app/identity';
import { ParamsInvalidError } from '@app/kernel';
import { firstUnknownUser, usersNamedBy } from '../../../domain/ingestion/ingestion-batch.js';
import { INGESTION_DECIDER, type IngestBatch } from '../../../domain/ingestion/ingestion.decider.js';
import { ingestionStreamId } from '../../../domain/ingestion/ingestion.events.js';
import { IngestedItemsRepository } from '../../../infrastructure/ingested-items.repository.js';
import { IngestActivity, type IngestActivityResult } from './ingest-activity.command.js';

/**
 * Appends a batch to its source's stream (`activity.source-<source>`), without the items the
 * source sent before. Which those are is read inside the command path's retry, so a batch sent
 * twice at once, from one process or two, is recorded once.
 */
@CommandHandler(IngestActivity)
export class IngestActivityHandler implements ICommandHandler<IngestActivity> {
  constructor(
    private readonly commands: CommandPath,
    private readonly queries: QueryBus,
    private readonly recorded: IngestedItemsRepository,
  ) {}

  async execute({ batch, metadata }: IngestActivity): Promise<IngestActivityResult> {
    const users = await this.queries.execute(new GetUserBasics(usersNamedBy(batch.items)));
    const unknown = firstUnknownUser(batch.items, new Set(users.map((user) => user.id)));
    if (unknown) throw new ParamsInvalidError([unknown]);
    const itemIds = batch.items.map((item) => item.id);
    const { events } = await this.commands.handle(
      ingestionStreamId(batch.source),
      INGESTION_DECIDER,
      async (): Promise<IngestBatch> => ({ source: batch.source, items: batch.items, ...(await this.recorded.facts(batch.source, itemIds)) }),
      { metadata },
    );
    const recorded = events.reduce((sum, event) => sum + event.data.items.length, 0);
    return { source: batch.source, received: batch.items.length, recorded, duplicates: batch.items.length - recorded };
  }
}
