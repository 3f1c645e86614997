import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { UserNotFoundError } from '@app/identity';
import { SOCIAL_USER_DECIDER, type SocialCommand } from '../../../domain/social-user.decider.js';
import { socialStreamId } from '../../../domain/follow/follow.events.js';
import { FollowGraphRepository } from '../../../infrastructure/follow-graph.repository.js';
import { ChangeFollow } from './change-follow.command.js';

/**
 * `POST /users/:id/follow` and `/unfollow`, on the follower's stream. The graph is read inside the
 * command path's retry (after the stream is loaded), so two follows by one user that race, in one
 * process or two, are decided one after the other: the 300 limit and the duplicate rule hold.
 */
@CommandHandler(ChangeFollow)
export class ChangeFollowHandler implements ICommandHandler<ChangeFollow> {
  constructor(
    private readonly commands: CommandPath,
    private readonly graph: FollowGraphRepository,
  ) {}

  async execute({ input, metadata }: ChangeFollow): Promise<{ changed: boolean }> {
    const { action, follower, followee } = input;
    const { events } = await this.commands.handle(
      socialStreamId(follower.id),
      SOCIAL_USER_DECIDER,
      async (): Promise<SocialCommand> => {
        const facts = await this.graph.facts(follower.id, followee.id);
        if (!facts.followeeExists) throw new UserNotFoundError();
        return action === 'follow'
          ? { kind: 'follow', follower, followee, followeeEnabled: facts.followeeEnabled, alreadyFollowing: facts.alreadyFollowing, followeeCount: facts.followeeCount }
          : { kind: 'unfollow', follower, followee, following: facts.alreadyFollowing };
      },
      { metadata },
    );
    return { changed: events.length > 0 };
  }
}
