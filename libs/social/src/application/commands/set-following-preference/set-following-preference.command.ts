import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

/** Turns a user's `enabled_following` on or off; off also removes their follow edges both ways. Answers the preference now in force. */
export class SetFollowingPreference extends Command<{ enabled_following: boolean }> {
  constructor(
    readonly input: { user: { id: number; username: string }; enabled: boolean },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
