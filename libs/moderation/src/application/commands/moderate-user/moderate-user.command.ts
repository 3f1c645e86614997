import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';
import type { CallerUser } from '@app/shared';
import type { ModerationAnswer } from '../../../domain/user-state/user-state.decider.js';
import type { ModerationAction } from '../../../domain/user-state/user-state.events.js';

export interface ModerateUserInput {
  action: ModerationAction;
  userId: number;
  /** Who asks: null for the system (a sign-up), whose requests skip the admin checks. */
  caller: CallerUser | null;
}

/** One moderation action on one user; answers GitLab's status and body for it. */
export class ModerateUser extends Command<ModerationAnswer> {
  constructor(
    readonly input: ModerateUserInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
