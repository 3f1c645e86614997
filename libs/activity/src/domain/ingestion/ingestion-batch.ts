import { ParamsInvalidError } from '@app/kernel';
import { CONTRIBUTION_ACTIONS, PUSH_ACTIONS, REF_TYPES, TARGET_TYPES } from './contribution-vocabulary.js';
import {
  ACCESS_LEVELS,
  MEMBERSHIP_SOURCE_TYPES,
  type ContributionItem,
  type IngestionItem,
  type MembershipItem,
  type MembershipSourceType,
  type UserCountsItem,
} from './ingestion.events.js';

export const MAX_BATCH_ITEMS = 1000;
const MAX_ID_LENGTH = 255;
const MAX_SOURCE_LENGTH = 100;
const MAX_TITLE_LENGTH = 255;
/** A note or wiki page travels as the sender gives it; this bounds what one item may carry. */
const MAX_OBJECT_BYTES = 16 * 1024;
const SOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** PostgreSQL's bigint, but JSON numbers are only exact up to 2^53. */
const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 2_147_483_647;

export interface IngestionBatch {
  source: string;
  items: IngestionItem[];
}

/** The first thing wrong with a batch, in Grape's words, named by its path (`items[3][action]`). */
class Invalid extends Error {
  constructor(readonly problem: string) {
    super(problem);
  }
}

const missing = (path: string) => new Invalid(`${path} is missing`);
const invalid = (path: string) => new Invalid(`${path} is invalid`);
const notAllowed = (path: string) => new Invalid(`${path} does not have a valid value`);

/** Reads the fields of one object by path, each check throwing the first problem it meets. */
class Fields {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly path: string,
  ) {}

  private at(name: string): string {
    return `${this.path}[${name}]`;
  }

  private value(name: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.raw, name) ? this.raw[name] : undefined;
  }

  id(name: string): number {
    const value = this.value(name);
    if (value === undefined || value === null) throw missing(this.at(name));
    if (!isId(value)) throw invalid(this.at(name));
    return value;
  }

  optionalId(name: string): number | null {
    const value = this.value(name);
    if (value === undefined || value === null) return null;
    if (!isId(value)) throw invalid(this.at(name));
    return value;
  }

  count(name: string): number {
    const value = this.value(name);
    if (value === undefined || value === null) throw missing(this.at(name));
    if (!isCount(value)) throw invalid(this.at(name));
    return value;
  }

  oneOf<T>(name: string, values: readonly T[], fallback?: T): T {
    const value = this.value(name);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw missing(this.at(name));
    }
    if (!values.includes(value as T)) throw notAllowed(this.at(name));
    return value as T;
  }

  optionalOneOf<T>(name: string, values: readonly T[]): T | null {
    const value = this.value(name);
    if (value === undefined || value === null) return null;
    if (!values.includes(value as T)) throw notAllowed(this.at(name));
    return value as T;
  }

  text(name: string, max: number, required: boolean): string | null {
    const value = this.value(name);
    if (value === undefined || value === null || value === '') {
      if (required) throw missing(this.at(name));
      return null;
    }
    if (typeof value !== 'string') throw invalid(this.at(name));
    if ([...value].length > max) throw new Invalid(`${this.at(name)} is too long (maximum is ${max} characters)`);
    if (value.includes('\u0000')) throw invalid(this.at(name));
    return value;
  }

  boolean(name: string): boolean {
    const value = this.value(name);
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') throw invalid(this.at(name));
    return value;
  }

  /** An ISO 8601 time with a zone, returned normalised (`toISOString`). */
  time(name: string, required: boolean): string | null {
    const value = this.value(name);
    if (value === undefined || value === null) {
      if (required) throw missing(this.at(name));
      return null;
    }
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) throw invalid(this.at(name));
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw invalid(this.at(name));
    return new Date(time).toISOString();
  }

  object(name: string): Record<string, unknown> | null {
    const value = this.value(name);
    if (value === undefined || value === null) return null;
    if (typeof value !== 'object' || Array.isArray(value)) throw invalid(this.at(name));
    if (JSON.stringify(value).length > MAX_OBJECT_BYTES) throw new Invalid(`${this.at(name)} is too large (maximum is ${MAX_OBJECT_BYTES} bytes)`);
    return value as Record<string, unknown>;
  }

  nested(name: string): Fields | null {
    const value = this.object(name);
    return value ? new Fields(value, this.at(name)) : null;
  }
}

function membership(fields: Fields, id: string, now: string): MembershipItem {
  const user_id = fields.id('user_id');
  const source_type = fields.oneOf<MembershipSourceType>('source_type', MEMBERSHIP_SOURCE_TYPES);
  const source_id = fields.id('source_id');
  const removed = fields.boolean('removed');
  // A removal needs only the membership's key; anything else says what the membership is.
  const source_name = fields.text('source_name', MAX_TITLE_LENGTH, !removed);
  const access_level = removed ? fields.optionalOneOf<number>('access_level', ACCESS_LEVELS) : fields.oneOf<number>('access_level', ACCESS_LEVELS);
  const requested = fields.boolean('requested');
  const occurred_at = fields.time('occurred_at', false) ?? now;
  return { kind: 'membership', id, user_id, source_type, source_id, source_name, access_level, requested, removed, occurred_at };
}

function pushData(fields: Fields | null): Record<string, unknown> | null {
  if (!fields) return null;
  return {
    commit_count: fields.count('commit_count'),
    action: fields.oneOf('action', PUSH_ACTIONS),
    ref_type: fields.oneOf('ref_type', REF_TYPES),
    commit_from: fields.text('commit_from', 64, false),
    commit_to: fields.text('commit_to', 64, false),
    ref: fields.text('ref', MAX_TITLE_LENGTH, false),
    commit_title: fields.text('commit_title', 70, false),
    ref_count: fields.optionalId('ref_count'),
  };
}

function contribution(fields: Fields, id: string, path: string): ContributionItem {
  const author_id = fields.id('author_id');
  const action = fields.oneOf<string>('action', CONTRIBUTION_ACTIONS);
  const project_id = fields.optionalId('project_id');
  const project_visibility = fields.oneOf<'public' | 'internal' | 'private'>('project_visibility', ['public', 'internal', 'private'], 'private');
  const target_type = fields.optionalOneOf<string>('target_type', TARGET_TYPES);
  const target_id = fields.optionalId('target_id');
  const target_iid = fields.optionalId('target_iid');
  const target_title = fields.text('target_title', MAX_TITLE_LENGTH, false);
  const created_at = fields.time('created_at', true)!;
  const push_data = pushData(fields.nested('push_data'));
  if (action === 'pushed' && !push_data) throw missing(`${path}[push_data]`);
  const note = fields.object('note');
  const wiki_page = fields.object('wiki_page');
  return { kind: 'contribution', id, author_id, action, project_id, project_visibility, target_type, target_id, target_iid, target_title, created_at, push_data, note, wiki_page };
}

function userCounts(fields: Fields, id: string, now: string): UserCountsItem {
  return {
    kind: 'user_counts',
    id,
    user_id: fields.id('user_id'),
    assigned_issues: fields.count('assigned_issues'),
    assigned_merge_requests: fields.count('assigned_merge_requests'),
    review_requested_merge_requests: fields.count('review_requested_merge_requests'),
    todos: fields.count('todos'),
    occurred_at: fields.time('occurred_at', false) ?? now,
  };
}

/** The sender's id for an item: a string or a whole number, kept as text. */
function itemId(raw: Record<string, unknown>, path: string): string {
  const value = raw.id;
  if (value === undefined || value === null || value === '') throw missing(`${path}[id]`);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string' || value.includes('\u0000')) throw invalid(`${path}[id]`);
  if (value.length > MAX_ID_LENGTH) throw new Invalid(`${path}[id] is too long (maximum is ${MAX_ID_LENGTH} characters)`);
  return value;
}

/**
 * Reads a batch for the ingestion endpoint, whole or not at all: the first problem found (in
 * the order sent) refuses the batch with a 400 naming it, so a sender can fix that item and
 * send the same batch again. `now` fills an item's missing `occurred_at`.
 */
export function parseIngestionBatch(body: unknown, now: Date): IngestionBatch {
  try {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw missing('source');
    const raw = body as Record<string, unknown>;
    const source = raw.source;
    if (source === undefined || source === null || source === '') throw missing('source');
    if (typeof source !== 'string' || !SOURCE_PATTERN.test(source)) throw invalid('source');
    if (source.length > MAX_SOURCE_LENGTH) throw new Invalid(`source is too long (maximum is ${MAX_SOURCE_LENGTH} characters)`);
    const list = raw.items;
    if (list === undefined || list === null) throw missing('items');
    if (!Array.isArray(list)) throw invalid('items');
    if (list.length === 0) throw new Invalid('items is empty');
    if (list.length > MAX_BATCH_ITEMS) throw new Invalid(`items has too many entries (maximum is ${MAX_BATCH_ITEMS})`);
    const seen = new Map<string, number>();
    const timestamp = now.toISOString();
    const items = list.map((entry: unknown, index): IngestionItem => {
      const path = `items[${index}]`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalid(path);
      const record = entry as Record<string, unknown>;
      const id = itemId(record, path);
      const earlier = seen.get(id);
      if (earlier !== undefined) throw new Invalid(`${path}[id] repeats items[${earlier}][id]`);
      seen.set(id, index);
      const fields = new Fields(record, path);
      const kind = fields.oneOf<string>('kind', ['membership', 'contribution', 'user_counts']);
      if (kind === 'membership') return membership(fields, id, timestamp);
      if (kind === 'contribution') return contribution(fields, id, path);
      return userCounts(fields, id, timestamp);
    });
    return { source, items };
  } catch (error) {
    if (error instanceof Invalid) throw new ParamsInvalidError([error.problem]);
    throw error;
  }
}

/** The users a batch names, each once: they must all exist for the batch to be recorded. */
export function usersNamedBy(items: readonly IngestionItem[]): number[] {
  return [...new Set(items.map((item) => (item.kind === 'contribution' ? item.author_id : item.user_id)))];
}

/** The first item naming a user not in `known`, as the 400 names it, or null when every user exists. */
export function firstUnknownUser(items: readonly IngestionItem[], known: ReadonlySet<number>): string | null {
  const index = items.findIndex((item) => !known.has(item.kind === 'contribution' ? item.author_id : item.user_id));
  if (index < 0) return null;
  const item = items[index];
  return `items[${index}][${item.kind === 'contribution' ? 'author_id' : 'user_id'}] is not a user of this service`;
}
