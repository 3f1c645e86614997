import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

export interface ChangeFollowInput {
  action: 'follow' | 'unfollow';
  follower: { id: number; username: string };
  /** The user to follow, as the caller found them (a missing user is a 404 before this command). */
  followee: { id: number; username: string };
}

/** Follow or unfollow a user; answers whether an edge was added or removed (false: GitLab's 304). */
export class ChangeFollow extends Command<{ changed: boolean }> {
  constructor(
    readonly input: ChangeFollowInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
