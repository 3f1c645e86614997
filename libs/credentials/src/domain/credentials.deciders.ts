import type { Decider } from '@app/kernel';
import { decideCreateToken, type CreatePersonalAccessToken } from './personal-access-token/personal-access-token.decider.js';
import type { PersonalAccessTokenEvent } from './personal-access-token/personal-access-token.events.js';

/** What a user's credentials stream has recorded so far: the ids of the tokens issued. */
export interface CredentialsState {
  tokenIds: readonly number[];
}

/** A user's credentials stream. Token creation needs nothing from earlier events yet; revocation and rotation will. */
export const CREDENTIALS_DECIDER: Decider<CreatePersonalAccessToken, CredentialsState, PersonalAccessTokenEvent> = {
  initialState: { tokenIds: [] },
  evolve: (state, event) => ({ tokenIds: [...state.tokenIds, event.data.id] }),
  decide: (command, _state, now) => decideCreateToken(command, now),
  snapshot: { name: 'credentials.user', version: 1 },
};
