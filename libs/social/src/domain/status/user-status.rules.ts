import type { Availability } from './user-status.events.js';

/** GitLab's `UserStatus::DEFAULT_EMOJI`: what a status without an emoji shows. */
export const DEFAULT_STATUS_EMOJI = 'speech_balloon';
export const MAX_STATUS_MESSAGE_LENGTH = 100;
export const AVAILABILITIES: readonly Availability[] = ['not_set', 'busy'];

/** GitLab's `UserStatus::CLEAR_STATUS_QUICK_OPTIONS`: the seven `clear_status_after` values and their length. */
export const CLEAR_STATUS_AFTER: Readonly<Record<string, number>> = {
  '30_minutes': 30 * 60_000,
  '3_hours': 3 * 3_600_000,
  '8_hours': 8 * 3_600_000,
  '1_day': 86_400_000,
  '3_days': 3 * 86_400_000,
  '7_days': 7 * 86_400_000,
  '30_days': 30 * 86_400_000,
};
export const CLEAR_STATUS_AFTER_VALUES = Object.keys(CLEAR_STATUS_AFTER);

/** Ruby's `blank?` for a string parameter: absent, null, or only whitespace. */
export function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}
