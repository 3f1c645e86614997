import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { WorkerHost } from '../../apps/worker/src/worker.module.js';
import { EventRelay } from '../../libs/eventstore/src/index.js';
import { eventually, startTestApp, unique, type TestContext } from '../support/test-app.js';

/** Two API instances and two workers on one database behave as one of each. */
describe('several instances: stateless APIs, one active relay, audit rows exactly once', () => {
  let ctx: TestContext;
  let api2: NestExpressApplication;
  let http2: TestAgent;
  let worker1: INestApplicationContext;
  let worker2: INestApplicationContext | null;

  beforeAll(async () => {
    ctx = await startTestApp('multi-instance');
    api2 = await createApiApp(ctx.config, { logger: false });
    await api2.init();
    http2 = supertest(api2.getHttpServer());
    worker1 = await ctx.startWorker();
    worker2 = await createWorkerApp(ctx.config, { logger: false });
    worker2.get(WorkerHost).start();
  });
  afterAll(async () => {
    await worker2?.close();
    await api2?.close();
    await ctx?.close();
  });

  const auditRows = (userId: number) =>
    ctx.db.query<{ event_name: string }>('SELECT event_name FROM activity.audit_events WHERE entity_id = $1 ORDER BY event_name', [userId]);

  it('a user written through one API is read identically through the other', async () => {
    const apis = [ctx.http, http2];
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const username = unique('multi');
        return apis[i % 2]
          .post('/api/v4/users')
          .set('PRIVATE-TOKEN', ctx.rootToken)
          .send({ username, email: `${username}@example.org`, name: `Multi ${i}`, password: 'Vq8!zR2#long-enough' });
      }),
    );
    expect(created.map((res) => res.status)).toEqual(Array(12).fill(201));
    for (const res of created) {
      const [one, two] = await Promise.all(apis.map((api) => api.get(`/api/v4/users/${res.body.id}`).set('PRIVATE-TOKEN', ctx.rootToken)));
      expect(one.status).toBe(200);
      expect(two.body).toEqual(one.body);
    }
    const [list1, list2] = await Promise.all(apis.map((api) => api.get('/api/v4/users?per_page=100').set('PRIVATE-TOKEN', ctx.rootToken)));
    expect(list2.body).toEqual(list1.body);
    expect(list2.headers['x-total']).toBe(list1.headers['x-total']);
  });

  it('concurrent updates of one user through both APIs land or answer 409, never a 500, and the last one wins', async () => {
    const username = unique('contended');
    const user = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ username, email: `${username}@example.org`, name: 'Contended', password: 'Vq8!zR2#long-enough' });
    const apis = [ctx.http, http2];
    const updates = await Promise.all(
      Array.from({ length: 10 }, (_, i) => apis[i % 2].put(`/api/v4/users/${user.body.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ bio: `bio ${i}` })),
    );
    // Each write either lands (after retrying its conflicts) or says plainly that it lost: never a 500.
    for (const res of updates) expect([200, 409]).toContain(res.status);
    const landed = updates.filter((res) => res.status === 200).length;
    expect(landed).toBeGreaterThan(0);
    const [{ version }] = await ctx.db.query<{ version: string }>('SELECT version FROM es_streams WHERE stream_id = $1', [`identity.user-${user.body.id}`]);
    // One event for the creation, one per update that changed something.
    expect(Number(version)).toBeLessThanOrEqual(1 + landed);
    expect(Number(version)).toBeGreaterThanOrEqual(2);
    const final = await http2.get(`/api/v4/users/${user.body.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(updates.filter((res) => res.status === 200).map((res) => res.body.bio)).toContain(final.body.bio);
  });

  it('only one relay is active, every audit row is written once, and the other worker takes over', async () => {
    const relays = [worker1.get(EventRelay), worker2!.get(EventRelay)];
    const username = unique('audited');
    const user = await http2
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ username, email: `${username}@example.org`, name: 'Audited', password: 'Vq8!zR2#long-enough' });
    await eventually(async () => ((await auditRows(user.body.id)).length === 1 ? true : undefined), 15_000, 'the audit row');
    // Exactly one of the two relays delivered anything.
    expect(relays.filter((relay) => relay.delivered > 0)).toHaveLength(1);
    const missing = await ctx.db.query(
      `SELECT e.event_id FROM es_events e WHERE e.event_type = 'identity.user_created'
         AND NOT EXISTS (SELECT 1 FROM activity.audit_events a WHERE a.source_event_id = e.event_id)`,
    );
    expect(missing).toHaveLength(0);
    const duplicates = await ctx.db.query('SELECT source_event_id FROM activity.audit_events GROUP BY source_event_id, event_name HAVING count(*) > 1');
    expect(duplicates).toHaveLength(0);

    // Stop the active worker; the standby takes the relay lock and carries on.
    const activeIsFirst = relays[0].delivered > 0;
    if (activeIsFirst) await ctx.stopWorker();
    else {
      await worker2!.close();
      worker2 = null;
    }
    const later = unique('takeover');
    const second = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ username: later, email: `${later}@example.org`, name: 'Takeover', password: 'Vq8!zR2#long-enough' });
    await eventually(async () => ((await auditRows(second.body.id)).length === 1 ? true : undefined), 20_000, 'the standby relay to take over');
    expect(await auditRows(second.body.id)).toEqual([{ event_name: 'user_created' }]);
  });
});
