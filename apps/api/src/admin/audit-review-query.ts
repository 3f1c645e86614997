import { decodeAuditCursor, type AuditEventFilter, type AuditEventPosition } from '@app/activity';
import { isRecordId } from '@app/shared';

/** The review page's filter fields, as their inputs name them. */
export const FILTER_FIELDS = ['author_id', 'target_user_id', 'event_name', 'created_after', 'created_before'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export type FilterValues = Record<FilterField, string>;

export interface ReviewQuery {
  /** What was entered, to show in the form again and to carry in links (empty fields dropped). */
  values: FilterValues;
  filter: AuditEventFilter;
  /** The page's start (a `cursor` from a "Next page" link), and that cursor as given. */
  after: AuditEventPosition | null;
  cursor: string | null;
  /** One sentence per value that cannot be used; the page answers 400 with them. */
  errors: string[];
}

const LABELS: Record<FilterField | 'cursor', string> = {
  author_id: 'Author',
  target_user_id: 'Target user',
  event_name: 'Event name',
  created_after: 'Created from',
  created_before: 'Created until',
  cursor: 'Page',
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A row id typed by a person (a user id in a field, an event id in a link), or null when it is not one. */
export function parseRecordId(text: string): number | null {
  const id = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  return isRecordId(id) ? id : null;
}
const DAY_MS = 86_400_000;

/** Midnight UTC of a `YYYY-MM-DD` date input's value, or null for a day that does not exist. */
function dayStart(value: string): Date | null {
  const match = DATE.exec(value);
  if (!match) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value || Number(match[1]) < 1970 ? null : date;
}

/**
 * The review page's query string as a filter for the audit log. Empty fields are no filter;
 * anything else that cannot be used is an error the page shows, never a 500. Dates are days in
 * UTC, both ends included: "until" a day is up to the next midnight (the repository's bound is
 * inclusive, so a row at exactly that midnight is shown too).
 */
export function parseReviewQuery(query: Record<string, unknown>): ReviewQuery {
  const errors: string[] = [];
  const text = (name: FilterField | 'cursor'): string => {
    const value = query[name];
    if (value === undefined) return '';
    if (typeof value !== 'string') {
      errors.push(`${LABELS[name]}: give one value, not several.`);
      return '';
    }
    return value.trim();
  };
  const values = Object.fromEntries(FILTER_FIELDS.map((field) => [field, text(field)])) as FilterValues;
  const filter: AuditEventFilter = {};

  const userId = (field: 'author_id' | 'target_user_id'): number | undefined => {
    const value = values[field];
    if (value === '') return undefined;
    const id = parseRecordId(value);
    if (id === null || id === 0) {
      errors.push(`${LABELS[field]}: "${value}" is not a user id. Enter a user's numeric id, such as 42.`);
      return undefined;
    }
    return id;
  };
  const author = userId('author_id');
  if (author !== undefined) filter.authorId = author;
  const target = userId('target_user_id');
  if (target !== undefined) Object.assign(filter, { entityType: 'User', entityId: target });

  if (values.event_name !== '') {
    if (/^[A-Za-z0-9_.:-]{1,100}$/.test(values.event_name)) filter.eventName = values.event_name;
    else errors.push(`${LABELS.event_name}: "${values.event_name}" is not an event name. Pick one from the list, such as user_blocked.`);
  }

  const day = (field: 'created_after' | 'created_before'): Date | undefined => {
    if (values[field] === '') return undefined;
    const start = dayStart(values[field]);
    if (start === null) errors.push(`${LABELS[field]}: "${values[field]}" is not a date. Use the form YYYY-MM-DD, such as 2024-05-31.`);
    return start ?? undefined;
  };
  const from = day('created_after');
  if (from) filter.createdAfter = from;
  const until = day('created_before');
  if (until) filter.createdBefore = new Date(until.getTime() + DAY_MS);
  if (filter.createdAfter && until && filter.createdAfter > until) errors.push(`${LABELS.created_after} is later than ${LABELS.created_before.toLowerCase()}: swap the two dates.`);

  const cursor = text('cursor') || null;
  let after: AuditEventPosition | null = null;
  if (cursor !== null) {
    try {
      after = decodeAuditCursor(cursor);
    } catch {
      errors.push(`${LABELS.cursor}: this page link is damaged. Go back to the first page.`);
    }
  }
  return { values, filter, after, cursor, errors };
}

/** The query string of a review link: the filter's non-empty fields, and `extra` (the cursor). */
export function reviewQueryString(values: FilterValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) if (values[field] !== '') params.set(field, values[field]);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const query = params.toString();
  return query ? `?${query}` : '';
}
