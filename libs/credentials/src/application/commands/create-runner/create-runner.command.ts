import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';
import type { CreateRunner as CreateRunnerData } from '../../../domain/runner/runner.decider.js';

export type CreateRunnerInput = Omit<CreateRunnerData, 'id' | 'token_digest'>;

/** Creates a runner; answers its id and its `glrt-` token (shown this once). */
export class CreateRunner extends Command<{ id: number; token: string; token_expires_at: null }> {
  constructor(
    readonly input: CreateRunnerInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
