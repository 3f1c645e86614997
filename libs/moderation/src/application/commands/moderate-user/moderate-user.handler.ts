import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LastActivityLookup } from '@app/activity';
import { CommandPath } from '@app/eventstore';
import { UserLookup, UserNotFoundError } from '@app/identity';
import { ForbiddenError, isInternalUserType } from '@app/kernel';
import { APP_CONFIG, type AppConfig } from '@app/shared';
import { moderationAnswer, USER_STATE_DECIDER, type ModerationAnswer } from '../../../domain/user-state/user-state.decider.js';
import { ModerationErrors } from '../../../domain/user-state/user-state.errors.js';
import { userStateStreamId, type ModerationAction } from '../../../domain/user-state/user-state.events.js';
import { ModerateUser } from './moderate-user.command.js';

/** Approve and reject are checked by their services (bare 403 after the 404); the rest by the route (403 first). */
const SERVICE_CHECKED: ReadonlySet<ModerationAction> = new Set(['approve', 'reject']);

@CommandHandler(ModerateUser)
export class ModerateUserHandler implements ICommandHandler<ModerateUser> {
  constructor(
    private readonly commands: CommandPath,
    private readonly users: UserLookup,
    private readonly activity: LastActivityLookup,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, metadata }: ModerateUser): Promise<ModerationAnswer> {
    const { action, userId, caller } = input;
    if (caller && !caller.isAdmin && !SERVICE_CHECKED.has(action)) throw new ForbiddenError(null, 'auth.admin_required');
    const target = await this.users.identityOf(userId);
    if (!target) throw new UserNotFoundError();
    if (caller && !caller.isAdmin) throw action === 'approve' ? ModerationErrors.notAllowedToApprove() : ModerationErrors.notAllowedToReject();
    const lastActiveAt = action === 'deactivate' ? await this.activity.lastActiveAt(userId) : null;
    const { events } = await this.commands.handle(
      userStateStreamId(userId),
      USER_STATE_DECIDER,
      {
        action,
        userId,
        username: target.username,
        targetIsCaller: caller?.id === userId,
        targetIsInternal: isInternalUserType(target.userType),
        lastActiveAt,
        dormancyDays: this.config.deactivateDormantUsersPeriodDays,
      },
      { metadata },
    );
    return moderationAnswer(action, events.length > 0);
  }
}
