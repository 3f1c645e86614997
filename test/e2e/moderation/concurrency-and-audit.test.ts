import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import type { UserStateName } from '../../../libs/moderation/src/events.js';
import { createUserWithToken, eventually, startTestApp, type TestContext } from '../../support/test-app.js';

type Action = 'block' | 'unblock' | 'ban' | 'unban' | 'deactivate' | 'activate';

const AUDIT_NAMES: Record<Action, string> = {
  block: 'user_blocked',
  unblock: 'user_unblocked',
  ban: 'user_banned',
  unban: 'user_unbanned',
  deactivate: 'user_deactivated',
  activate: 'user_activated',
};
const MODERATION_AUDIT_NAMES = [...Object.values(AUDIT_NAMES), 'user_approved', 'user_rejected', 'user_pending_approval', 'user_ldap_blocked', 'user_state_changed'];

interface StateEvent {
  event_id: string;
  stream_version: string;
  event_type: string;
  data: { user_id: number; from: UserStateName; to: UserStateName; action: Action };
}

describe('conflicting moderation of one user: one consistent state, one event and one audit row per transition', () => {
  let ctx: TestContext;
  let api2: NestExpressApplication;
  let http2: TestAgent;

  beforeAll(async () => {
    ctx = await startTestApp('moderation_concurrency');
    // Commands on one stream wait for each other within a process; a second process makes them really race.
    api2 = await createApiApp(ctx.config, { logger: false });
    await api2.init();
    http2 = supertest(api2.getHttpServer());
  });
  afterAll(async () => {
    await api2?.close();
    await ctx?.close();
  });

  it('20 parallel transitions answer 2xx, 403 or 409, and every read model, the log and the audit trail agree', async () => {
    // Never active, so deactivate is allowed whenever the user is active.
    const target = await createUserWithToken(ctx);
    const cycle: Action[] = ['block', 'unblock', 'ban', 'unban', 'deactivate', 'activate'];
    const actions = Array.from({ length: 20 }, (_, i) => cycle[(i * 5 + Math.floor(i / 6)) % cycle.length]);
    expect(new Set(actions)).toEqual(new Set(cycle));
    const apis = [ctx.http, http2];
    const responses = await Promise.all(
      actions.map((action, i) => apis[i % 2].post(`/api/v4/users/${target.id}/${action}`).set('PRIVATE-TOKEN', ctx.rootToken)),
    );
    for (const [i, res] of responses.entries()) {
      expect([actions[i], [200, 201, 403, 409].includes(res.status)]).toEqual([actions[i], true]);
      expect(res.headers['content-type']).toBe('application/json');
    }

    const events = await ctx.db.query<StateEvent>(
      'SELECT event_id, stream_version::text, event_type, data FROM es_events WHERE stream_id = $1 ORDER BY es_events.stream_version',
      [`moderation.user-${target.id}`],
    );
    // The fold of the log: gap-free versions, each transition starting where the previous one ended.
    expect(events.map((event) => Number(event.stream_version))).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((event) => event.event_type))).toEqual(new Set(events.length ? ['moderation.user_state_changed'] : []));
    events.forEach((event, i) => {
      expect(event.data.user_id).toBe(target.id);
      expect(event.data.from).toBe(i === 0 ? 'active' : events[i - 1].data.to);
      expect(event.data.to).not.toBe(event.data.from);
    });
    const folded: UserStateName = events.length ? events[events.length - 1].data.to : 'active';

    // Each answer that says it changed something is one event of its action, and nothing else left one
    // (activate answers `true` on an active user too, so it bounds its events from above only).
    const changedBy = (action: Action) => responses.filter((res, i) => actions[i] === action && res.status === 201 && res.text === 'true').length;
    const eventsBy = (action: Action) => events.filter((event) => event.data.action === action).length;
    for (const action of ['block', 'unblock', 'ban', 'unban', 'deactivate'] as Action[]) expect([action, eventsBy(action)]).toEqual([action, changedBy(action)]);
    expect(eventsBy('activate')).toBeLessThanOrEqual(changedBy('activate'));
    expect(events.length).toBeGreaterThan(0);

    const [identity] = await ctx.db.query<{ state: string }>('SELECT state FROM identity.user_entities WHERE id = $1', [target.id]);
    const [moderation] = await ctx.db.query<{ state: string }>('SELECT state FROM moderation.user_states WHERE user_id = $1', [target.id]);
    const [owner] = await ctx.db.query<{ state: string }>('SELECT state FROM credentials.token_owners WHERE user_id = $1', [target.id]);
    expect({ identity: identity.state, moderation: moderation.state, credentials: owner.state }).toEqual({ identity: folded, moderation: folded, credentials: folded });
    const shown = await http2.get(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect([shown.status, shown.body.state]).toEqual([200, folded]);

    await ctx.startWorker();
    const auditRows = () =>
      ctx.db.query<{ event_name: string; source_event_id: string; author_id: string; details: { from: string; to: string; change: string } }>(
        `SELECT event_name, source_event_id::text, author_id::text, details FROM activity.audit_events
          WHERE entity_id = $1 AND event_name = ANY($2) ORDER BY id`,
        [target.id, MODERATION_AUDIT_NAMES],
      );
    await eventually(async () => ((await auditRows()).length >= events.length ? true : undefined), 15_000, 'an audit row for every transition');
    // Later relay passes must not add to them; a user created afterwards being audited shows they are over.
    const later = await createUserWithToken(ctx);
    await eventually(
      async () => ((await ctx.db.query("SELECT 1 FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_created'", [later.id])).length ? true : undefined),
      15_000,
      'the relay to pass a later event',
    );
    const rows = await auditRows();
    expect(rows).toHaveLength(events.length);
    const rowFor = new Map(rows.map((row) => [row.source_event_id, row]));
    expect(rowFor.size).toBe(events.length);
    for (const event of events) {
      const row = rowFor.get(event.event_id);
      expect(row).toBeDefined();
      expect([row!.event_name, row!.author_id, row!.details.change, row!.details.from, row!.details.to]).toEqual([
        AUDIT_NAMES[event.data.action],
        '1',
        'state',
        event.data.from,
        event.data.to,
      ]);
    }
  });
});
