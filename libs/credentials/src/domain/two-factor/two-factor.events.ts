/** Two-factor events (stream `credentials.user-<id>`). The TOTP secret and the recovery codes never appear in them. */

export const TWO_FACTOR_ENROLMENT_STARTED = 'credentials.two_factor_enrolment_started';
export const TWO_FACTOR_ENABLED = 'credentials.two_factor_enabled';
export const TWO_FACTOR_DISABLED = 'credentials.two_factor_disabled';

export interface TwoFactorChangeData {
  user_id: number;
  username: string;
  at: string;
}

export interface TwoFactorEnabledData extends TwoFactorChangeData {
  /** How many recovery codes were issued (their digests are stored beside the log). */
  recovery_codes: number;
}

export type TwoFactorEvent =
  | { type: typeof TWO_FACTOR_ENROLMENT_STARTED; schemaVersion: 1; data: TwoFactorChangeData }
  | { type: typeof TWO_FACTOR_ENABLED; schemaVersion: 1; data: TwoFactorEnabledData }
  | { type: typeof TWO_FACTOR_DISABLED; schemaVersion: 1; data: TwoFactorChangeData & { by_admin: boolean } };
