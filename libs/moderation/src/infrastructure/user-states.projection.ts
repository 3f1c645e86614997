import { Injectable } from '@nestjs/common';
import type { Queryable, ProjectedEvent } from '@app/kernel';
import { PerUserRowProjection } from '@app/eventstore';
import { USER_LIFECYCLE } from '@app/identity/events';
import { USER_STATE_CHANGED, type UserStateChangedData } from '../domain/user-state/user-state.events.js';

/** `moderation.user_states`: each user's state (active until a transition says otherwise). */
@Injectable()
export class UserStatesProjection extends PerUserRowProjection {
  constructor() {
    super('moderation.user_states', 'moderation.user_states', USER_LIFECYCLE, [USER_STATE_CHANGED]);
  }

  protected override async applyOwn(event: ProjectedEvent, db: Queryable): Promise<void> {
    if (event.type !== USER_STATE_CHANGED) return;
    const data = event.data as UserStateChangedData;
    await db.query('UPDATE moderation.user_states SET state = $2 WHERE user_id = $1', [data.user_id, data.to]);
  }
}
