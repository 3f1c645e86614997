import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Database, JobHandler, JobName, QueueName, type AppConfig, type JobSchedule } from '@app/shared';
import { VERIFICATION_SNAPSHOT, verifyChains, type ChainVerification } from './chain-verifier.js';

/** The worker verifies both chains on this schedule; `npm run audit:verify` does the same on demand. */
export function chainVerificationSchedule(config: AppConfig): JobSchedule {
  return { queue: QueueName.Audit, job: JobName.AuditVerifyChains, everyMs: config.auditVerifyIntervalMs };
}

/** The outcome an operator needs first, as one log line's fields (no event content). */
export function verificationSummary(result: ChainVerification): Record<string, unknown> {
  return {
    intact: result.intact,
    eventsChecked: result.eventsChecked,
    sealsChecked: result.sealsChecked,
    awaitingSeal: result.awaitingSeal,
    breaks: result.breakCount,
    firstBreak: result.breaks[0]?.problem ?? null,
    headSeal: result.headSeal,
    durationMs: result.finishedAt.getTime() - result.startedAt.getTime(),
  };
}

@Injectable()
export class ChainVerifier {
  private readonly logger = new Logger(ChainVerifier.name);

  constructor(private readonly db: Database) {}

  verify(): Promise<ChainVerification> {
    return verifyChains(
      (work) =>
        this.db.transaction(async (sql) => {
          await sql.query(VERIFICATION_SNAPSHOT);
          return work(sql);
        }),
      this.db,
    );
  }

  /** A broken chain is reported as an error (something changed the log behind the service), not as a failed job: retrying would find it again. */
  @JobHandler(QueueName.Audit, JobName.AuditVerifyChains)
  async run(_job: Job): Promise<Record<string, unknown>> {
    const result = await this.verify();
    const summary = verificationSummary(result);
    if (result.intact) this.logger.log(summary, 'The event log verified intact: every stream chain and the seal chain hold');
    else this.logger.error({ ...summary, breaksListed: result.breaks }, 'The event log does not verify: rows were changed or removed behind the service. Run `npm run audit:verify` and see the operator guide (broken links)');
    return summary;
  }
}
