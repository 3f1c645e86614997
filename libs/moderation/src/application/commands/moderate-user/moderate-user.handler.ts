import { Inject, Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LastActivityLookup } from '@app/activity';
import { CommandPath } from '@app/eventstore';
import { SetCustomAttribute, UserLookup, UserNotFoundError } from '@app/identity';
import { ForbiddenError, isInternalUserType } from '@app/kernel';
import { APP_CONFIG, type AppConfig, type CallerUser } from '@app/shared';
import { moderationAnswer, USER_STATE_DECIDER, type ModerationAnswer } from '../../../domain/user-state/user-state.decider.js';
import { ModerationErrors } from '../../../domain/user-state/user-state.errors.js';
import { userStateStreamId, type ModerationAction } from '../../../domain/user-state/user-state.events.js';
import { ModerateUser } from './moderate-user.command.js';

/** Approve and reject are checked by their services (bare 403 after the 404); the rest by the route (403 first). */

/** GitLab records who blocked and unblocked a user in custom attributes (`UserCustomAttribute::BLOCKED_BY`). */
const WHO_DID_IT: Partial<Record<ModerationAction, string>> = { block: 'blocked_by', unblock: 'unblocked_by' };

/** Ruby's `Time.current.to_s` in UTC: `2026-12-05 09:12:28 UTC`. */
const rubyTime = (at: Date) => `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const SERVICE_CHECKED: ReadonlySet<ModerationAction> = new Set(['approve', 'reject']);

@CommandHandler(ModerateUser)
export class ModerateUserHandler implements ICommandHandler<ModerateUser> {
  private readonly logger = new Logger(ModerateUserHandler.name);

  constructor(
    private readonly bus: CommandBus,
    private readonly commands: CommandPath,
    private readonly users: UserLookup,
    private readonly activity: LastActivityLookup,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, metadata }: ModerateUser): Promise<ModerationAnswer> {
    const { action, userId, caller } = input;
    if (caller && !caller.isAdmin && !SERVICE_CHECKED.has(action)) throw new ForbiddenError(null, 'auth.admin_required');
    const target = await this.users.byId(userId);
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
    if (events.length > 0 && caller && WHO_DID_IT[action]) await this.recordWhoDidIt(WHO_DID_IT[action], userId, caller, metadata);
    return moderationAnswer(action, events.length > 0);
  }

  /**
   * `blocked_by` / `unblocked_by` = `<admin username>/<admin id>+<time>`, as GitLab keeps them: a
   * second command, on identity's custom attributes, after the transition committed. Failing it
   * does not undo the transition (it is recorded, with its own audit row); it is logged instead.
   */
  private async recordWhoDidIt(key: string, userId: number, caller: CallerUser, metadata: ModerateUser['metadata']): Promise<void> {
    try {
      await this.bus.execute(new SetCustomAttribute({ userId, key, value: `${caller.username}/${caller.id}+${rubyTime(new Date())}` }, metadata));
    } catch (error) {
      this.logger.warn({ userId, key, reason: error instanceof Error ? error.message : String(error) }, 'The state changed, but the custom attribute naming who changed it was not written');
    }
  }
}
