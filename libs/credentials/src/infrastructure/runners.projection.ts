import { Injectable } from '@nestjs/common';
import type { InlineProjection, ProjectedEvent, Queryable } from '@app/eventstore';
import { RUNNER_CREATED, type RunnerCreatedData } from '../domain/runner/runner.events.js';

/** `credentials.runners`: the runners made through `POST /user/runners`, found by their token's digest. */
@Injectable()
export class RunnersProjection implements InlineProjection {
  readonly name = 'credentials.runners';
  readonly eventTypes = [RUNNER_CREATED];
  readonly tables = ['credentials.runners'];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    const data = event.data as RunnerCreatedData;
    await db.query(
      `INSERT INTO credentials.runners (id, runner_type, description, paused, locked, run_untagged, tag_list, access_level, maximum_timeout, maintenance_note, token_digest, creator_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [data.id, data.runner_type, data.description, data.paused, data.locked, data.run_untagged, data.tag_list, data.access_level, data.maximum_timeout, data.maintenance_note, data.token_digest, data.creator_id, data.created_at],
    );
  }
}
