import { BadRequestError, ForbiddenError, type Decider } from '@app/kernel';
import { TWO_FACTOR_DISABLED, TWO_FACTOR_ENABLED, TWO_FACTOR_ENROLMENT_STARTED, type TwoFactorEvent } from './two-factor.events.js';

export const RECOVERY_CODE_COUNT = 10;

export interface TwoFactorState {
  enabled: boolean;
  /** A secret was issued and awaits a first code. */
  pending: boolean;
}

export type TwoFactorCommand =
  | { kind: 'start_enrolment'; userId: number; username: string }
  | { kind: 'confirm_enrolment'; userId: number; username: string; codeValid: boolean }
  | { kind: 'disable'; userId: number; username: string; targetIsAdmin: boolean; byAdmin: boolean };

export function decideTwoFactor(command: TwoFactorCommand, state: TwoFactorState, now: Date): TwoFactorEvent[] {
  const base = { user_id: command.userId, username: command.username, at: now.toISOString() };
  switch (command.kind) {
    case 'start_enrolment':
      if (state.enabled) throw new BadRequestError('Two-factor authentication is already enabled', 'credentials.two_factor_already_enabled');
      return [{ type: TWO_FACTOR_ENROLMENT_STARTED, schemaVersion: 1, data: base }];
    case 'confirm_enrolment':
      if (state.enabled) throw new BadRequestError('Two-factor authentication is already enabled', 'credentials.two_factor_already_enabled');
      if (!state.pending) throw new BadRequestError('Start the enrolment first (POST /user/two_factor/totp)', 'credentials.two_factor_not_started');
      if (!command.codeValid) throw new BadRequestError('Invalid two-factor code', 'credentials.two_factor_code_invalid');
      return [{ type: TWO_FACTOR_ENABLED, schemaVersion: 1, data: { ...base, recovery_codes: RECOVERY_CODE_COUNT } }];
    case 'disable':
      // GitLab's API refuses admins before its service looks at the user's factors.
      if (command.targetIsAdmin) throw new ForbiddenError('Two-factor authentication for admins cannot be disabled via the API. Use the Rails console', 'credentials.two_factor_admin');
      if (!state.enabled) throw new BadRequestError('Two-factor authentication is not enabled for this user', 'credentials.two_factor_not_enabled');
      return [{ type: TWO_FACTOR_DISABLED, schemaVersion: 1, data: { ...base, by_admin: command.byAdmin } }];
  }
}

export function evolveTwoFactor(state: TwoFactorState, event: { type: string }): TwoFactorState {
  switch (event.type) {
    case TWO_FACTOR_ENROLMENT_STARTED:
      return { enabled: false, pending: true };
    case TWO_FACTOR_ENABLED:
      return { enabled: true, pending: false };
    case TWO_FACTOR_DISABLED:
      return { enabled: false, pending: false };
    default:
      return state;
  }
}

/** A user's TOTP two-factor authentication, on the user's credentials stream. */
export const TWO_FACTOR_DECIDER: Decider<TwoFactorCommand, TwoFactorState, TwoFactorEvent> = {
  initialState: { enabled: false, pending: false },
  evolve: evolveTwoFactor,
  decide: decideTwoFactor,
};
