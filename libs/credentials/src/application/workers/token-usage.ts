import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CommandPath } from '@app/eventstore';
import { JobHandler, JobName, QueueName, QueueRegistry, SYSTEM_METADATA, TokenUsage, WindowedJobs } from '@app/shared';
import { TOKEN_USAGE_DECIDER, type RecordTokenUse } from '../../domain/token-usage/token-usage.decider.js';
import { tokenUsageStreamId } from '../../domain/token-usage/token-usage.events.js';

/**
 * `last_used_at` without a write on the request path: each admitted token queues one job per
 * minute (see WindowedJobs), and the job appends the minute to the token's usage stream, whose
 * projection sets the column.
 */
@Injectable()
export class TokenUsageTracker extends TokenUsage {
  private readonly jobs: WindowedJobs;

  constructor(queues: QueueRegistry) {
    super();
    this.jobs = new WindowedJobs(queues, QueueName.Credentials, JobName.CredentialsRecordTokenUse, 'minute', (tokenId, minute) => {
      const job: RecordTokenUse = { tokenId, minute };
      return { id: `${QueueName.Credentials}.token-${tokenId}.${minute.replace(/:/g, '')}`, data: job };
    });
  }

  used(tokenId: number): void {
    this.jobs.note(tokenId);
  }
}

@Injectable()
export class TokenUsageWorker {
  constructor(private readonly commands: CommandPath) {}

  @JobHandler(QueueName.Credentials, JobName.CredentialsRecordTokenUse)
  async recordTokenUse(job: Job<RecordTokenUse>): Promise<boolean> {
    const { tokenId, minute } = job.data;
    if (!Number.isSafeInteger(tokenId) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(minute)) throw new Error(`Token-use job ${job.id} carries no token id and minute`);
    const { events } = await this.commands.handle(tokenUsageStreamId(tokenId), TOKEN_USAGE_DECIDER, { tokenId, minute }, { metadata: SYSTEM_METADATA });
    return events.length > 0;
  }
}
