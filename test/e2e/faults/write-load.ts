import { CREDENTIALS_AUDIT_MAPPING } from '../../../libs/credentials/src/audit/credentials.audit-mapping.js';
import { IDENTITY_AUDIT_MAPPING } from '../../../libs/identity/src/audit/identity.audit-mapping.js';
import { httpRequest } from '../../support/process-harness.js';

/** One write of the load and how the service answered it. */
export interface WriteOutcome {
  method: 'POST' | 'PUT';
  status: number;
  text: string;
  body: unknown;
  contentType: string | undefined;
  retryAfter: string | undefined;
  /** The stream the write lands in (known for a PUT, and for a POST once it answered 201). */
  streamId: string | null;
  /** A value only this write stores, to find its event. */
  marker: string;
}

/** The event types the running service audits (the load writes no event of an older schema). */
const AUDITED_EVENT_TYPES = [...IDENTITY_AUDIT_MAPPING.eventTypes, ...CREDENTIALS_AUDIT_MAPPING.eventTypes];

/** Audited events that have no audit row yet. */
export const AUDITED_EVENTS_SQL = `SELECT count(*)::text AS missing FROM es_events e
  WHERE e.event_type = ANY('{${AUDITED_EVENT_TYPES.join(',')}}'::text[])
    AND NOT EXISTS (SELECT 1 FROM activity.audit_events a WHERE a.source_event_id = e.event_id)`;

/** Creates `count` users for the load to update; returns their ids. */
export async function loadTargets(port: number, rootToken: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const username = `target${process.pid}x${i}`;
    const res = await httpRequest(port, 'POST', '/api/v4/users', {
      headers: { 'PRIVATE-TOKEN': rootToken },
      body: { username, email: `${username}@example.org`, name: `Target ${i}`, password: 'Vq8!zR2#long-enough', skip_confirmation: true },
    });
    if (res.status !== 201) throw new Error(`creating the load's users failed: ${res.status} ${res.text}`);
    ids.push(res.body.id as number);
  }
  return ids;
}

/**
 * Steady writes through the API for `durationMs`, `perSecond` of them, each carrying a unique
 * marker: one create (POST /users) in four, the rest profile updates (PUT /users/:id) spread
 * over `targets` in turn (give a second's worth of them, so contention on one user plays no part).
 * A request that fails at the socket level is recorded with status 0.
 */
export async function writeLoad(port: number, rootToken: string, targets: number[], options: { durationMs: number; perSecond: number }): Promise<WriteOutcome[]> {
  const headers = { 'PRIVATE-TOKEN': rootToken };
  const tag = `${process.pid}x${Date.now().toString(36)}`;

  const pending: Promise<WriteOutcome>[] = [];
  const started = Date.now();
  let puts = 0;
  for (let n = 0; Date.now() - started < options.durationMs; n += 1) {
    const marker = `m${tag}n${n}z`;
    if (n % 4 === 0) {
      const body = { username: marker, email: `${marker}@example.org`, name: `Load ${n}`, password: 'Vq8!zR2#long-enough', skip_confirmation: true };
      pending.push(send(port, 'POST', '/api/v4/users', headers, body, marker, null));
    } else {
      const id = targets[puts % targets.length];
      puts += 1;
      pending.push(send(port, 'PUT', `/api/v4/users/${id}`, headers, { bio: marker }, marker, `identity.user-${id}`));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 / options.perSecond));
  }
  return Promise.all(pending);
}

async function send(port: number, method: 'POST' | 'PUT', path: string, headers: Record<string, string>, body: unknown, marker: string, streamId: string | null): Promise<WriteOutcome> {
  try {
    const res = await httpRequest(port, method, path, { headers, body, timeoutMs: 30_000 });
    const created = method === 'POST' && res.status === 201 ? `identity.user-${res.body.id}` : null;
    const retryAfter = res.headers['retry-after'];
    return { method, status: res.status, text: res.text, body: res.body, contentType: res.headers['content-type'], retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, streamId: streamId ?? created, marker };
  } catch (error) {
    return { method, status: 0, text: String(error), body: undefined, contentType: undefined, retryAfter: undefined, streamId, marker };
  }
}
