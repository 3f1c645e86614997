import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, startTestApp, type TestContext } from '../support/test-app.js';

describe('smoke: a user through the event store, projection, relay and audit worker', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp('smoke');
    await ctx.startWorker();
  });
  afterAll(async () => ctx?.close());

  it('creates a user, reads it back, and leaves an audit row naming the actor', async () => {
    const created = await ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', ctx.rootToken)
      .send({ username: 'smoke1', email: 'smoke1@example.org', name: 'Smoke One', password: 'Vq8!zR2#long-enough' });
    expect(created.status).toBe(201);
    const fetched = await ctx.http.get(`/api/v4/users/${created.body.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(fetched.status).toBe(200);
    expect(fetched.body.username).toBe('smoke1');
    const rows = await eventually(async () => {
      const found = await ctx.db.query<{ author_id: string; event_name: string }>(
        "SELECT author_id, event_name FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_created'",
        [created.body.id],
      );
      return found.length ? found : undefined;
    });
    expect(rows).toEqual([{ author_id: '1', event_name: 'user_created' }]);
  });
});
