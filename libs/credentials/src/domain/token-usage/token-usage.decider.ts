import type { Decider } from '@app/kernel';
import { PERSONAL_ACCESS_TOKEN_USED, type TokenUsageEvent } from './token-usage.events.js';

export interface RecordTokenUse {
  tokenId: number;
  /** `YYYY-MM-DDTHH:MM` (UTC). */
  minute: string;
}

/** Records a minute of use once, and never one older than the latest recorded (a late job changes nothing). */
export const TOKEN_USAGE_DECIDER: Decider<RecordTokenUse, { lastUsedAt: string | null }, TokenUsageEvent> = {
  initialState: { lastUsedAt: null },
  evolve: (_state, event) => ({ lastUsedAt: event.data.used_at }),
  decide: (command, state) => {
    const usedAt = `${command.minute}:00.000Z`;
    if (state.lastUsedAt !== null && state.lastUsedAt >= usedAt) return [];
    return [{ type: PERSONAL_ACCESS_TOKEN_USED, schemaVersion: 1, data: { id: command.tokenId, used_at: usedAt } }];
  },
  snapshot: { name: 'credentials.token-usage', version: 1 },
};
