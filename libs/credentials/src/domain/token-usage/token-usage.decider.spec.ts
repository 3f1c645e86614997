import { describe, expect, it } from '@jest/globals';
import { TOKEN_USAGE_DECIDER } from './token-usage.decider.js';
import { PERSONAL_ACCESS_TOKEN_USED, tokenUsageStreamId, type TokenUsageEvent } from './token-usage.events.js';

const NOW = new Date('2026-12-05T12:00:30.000Z');
const used = (minute: string): TokenUsageEvent => ({ type: PERSONAL_ACCESS_TOKEN_USED, schemaVersion: 1, data: { id: 9, used_at: `${minute}:00.000Z` } });
const given = (...events: TokenUsageEvent[]) => events.reduce(TOKEN_USAGE_DECIDER.evolve, TOKEN_USAGE_DECIDER.initialState);

describe('token usage decider', () => {
  it('given no use, when a minute is recorded, then personal_access_token_used at the start of that minute', () => {
    expect(TOKEN_USAGE_DECIDER.decide({ tokenId: 9, minute: '2026-12-05T12:00' }, given(), NOW)).toEqual([used('2026-12-05T12:00')]);
  });

  it('given a minute recorded, when the same or an older minute comes (a repeat or a late job), then nothing; a later one is recorded', () => {
    const state = given(used('2026-12-05T12:00'));
    expect(TOKEN_USAGE_DECIDER.decide({ tokenId: 9, minute: '2026-12-05T12:00' }, state, NOW)).toEqual([]);
    expect(TOKEN_USAGE_DECIDER.decide({ tokenId: 9, minute: '2026-12-05T11:59' }, state, NOW)).toEqual([]);
    expect(TOKEN_USAGE_DECIDER.decide({ tokenId: 9, minute: '2026-12-05T12:01' }, state, NOW)).toEqual([used('2026-12-05T12:01')]);
  });

  it('names one stream per token', () => {
    expect(tokenUsageStreamId(9)).toBe('credentials.token-usage-9');
  });
});
