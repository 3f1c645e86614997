import { describe, expect, it } from '@jest/globals';
import { USER_ACTIVITY_DECIDER } from './user-activity.decider.js';
import { USER_ACTIVITY_RECORDED } from './user-activity.events.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');

describe('the user activity decider', () => {
  it('given no activity, when a day is recorded: one event naming the user and the day', () => {
    expect(USER_ACTIVITY_DECIDER.decide({ userId: 3, day: '2026-12-05' }, USER_ACTIVITY_DECIDER.initialState, NOW)).toEqual([
      { type: USER_ACTIVITY_RECORDED, schemaVersion: 1, data: { user_id: 3, day: '2026-12-05' } },
    ]);
  });

  it('given that day already recorded, or a later one: nothing (a repeated or late job)', () => {
    expect(USER_ACTIVITY_DECIDER.decide({ userId: 3, day: '2026-12-05' }, { lastActivityOn: '2026-12-05' }, NOW)).toEqual([]);
    expect(USER_ACTIVITY_DECIDER.decide({ userId: 3, day: '2026-12-04' }, { lastActivityOn: '2026-12-05' }, NOW)).toEqual([]);
  });

  it('given an earlier day: the new day, and the state moves to it', () => {
    const events = USER_ACTIVITY_DECIDER.decide({ userId: 3, day: '2026-12-06' }, { lastActivityOn: '2026-12-05' }, NOW);
    expect(events).toHaveLength(1);
    expect(USER_ACTIVITY_DECIDER.evolve({ lastActivityOn: '2026-12-05' }, events[0])).toEqual({ lastActivityOn: '2026-12-06' });
  });
});
