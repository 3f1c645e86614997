import type { Decider } from '@app/kernel';
import {
  decideCreateImpersonationToken,
  decideCreateToken,
  decideRevokeToken,
  decideRotateToken,
  evolveTokens,
  type CreatePersonalAccessToken,
  type RotateToken,
  type TokensState,
} from './personal-access-token/personal-access-token.decider.js';
import type { PersonalAccessTokenEvent } from './personal-access-token/personal-access-token.events.js';

export type TokenCommand =
  | ({ kind: 'create_token' } & CreatePersonalAccessToken)
  | ({ kind: 'create_impersonation_token'; impersonatorId: number } & CreatePersonalAccessToken)
  | { kind: 'revoke_token'; tokenId: number; userId: number; username: string }
  | ({ kind: 'rotate_token' } & RotateToken);

/** A user's access tokens, on the user's credentials stream (its other events, keys and e-mails, leave this state as it is). */
export const CREDENTIALS_DECIDER: Decider<TokenCommand, TokensState, PersonalAccessTokenEvent> = {
  initialState: { tokens: {} },
  evolve: evolveTokens,
  decide: (command, state, now) => {
    switch (command.kind) {
      case 'create_token':
        return decideCreateToken(command, now);
      case 'create_impersonation_token':
        return decideCreateImpersonationToken(command, now);
      case 'revoke_token':
        return decideRevokeToken(command, state, now);
      case 'rotate_token':
        return decideRotateToken(command, state, now);
    }
  },
  // v2: the state holds each token's attributes (v1 held ids only).
  snapshot: { name: 'credentials.user', version: 2 },
};
