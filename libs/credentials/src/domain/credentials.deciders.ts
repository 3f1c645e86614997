import type { Decider } from '@app/kernel';
import { decideCreateToken, type CreatePersonalAccessToken } from './personal-access-token/personal-access-token.decider.js';
import { PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenEvent } from './personal-access-token/personal-access-token.events.js';

/** What a user's credentials stream has recorded so far: the ids of the tokens issued. */
export interface CredentialsState {
  tokenIds: readonly number[];
}

/** A user's tokens, on the user's credentials stream (its other events, keys and emails, leave this state as it is). */
export const CREDENTIALS_DECIDER: Decider<CreatePersonalAccessToken, CredentialsState, PersonalAccessTokenEvent> = {
  initialState: { tokenIds: [] },
  evolve: (state, event) => (event.type === PERSONAL_ACCESS_TOKEN_CREATED ? { tokenIds: [...state.tokenIds, event.data.id] } : state),
  decide: (command, _state, now) => decideCreateToken(command, now),
  snapshot: { name: 'credentials.user', version: 1 },
};
