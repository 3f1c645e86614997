import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** Free-text profile attributes a PUT may change independently of each other. */
const ATTRIBUTES = ['bio', 'location', 'organization', 'note', 'website_url', 'linkedin', 'twitter', 'discord', 'skype', 'pronouns'] as const;

/**
 * Ordinary contention on one user: GitLab answers every one of these PUTs, so must we. A
 * conflict on the user's stream is re-decided against the new state on the server.
 */
describe('PUT /api/v4/users/:id under contention', () => {
  let ctx: TestContext;
  let target: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('users_update_concurrency');
    target = await createUserWithToken(ctx, { username: unique('contended') });
  });
  afterAll(async () => ctx?.close());

  it('50 concurrent PUTs of different attributes to one user all succeed, and each is stored once, none lost', async () => {
    const sent = Array.from({ length: 50 }, (_, n) => {
      const attribute = ATTRIBUTES[n % ATTRIBUTES.length];
      // A Discord handle is a numeric user id.
      return { attribute, value: attribute === 'discord' ? `1000000000000000${String(n).padStart(2, '0')}` : `value-${n}-${attribute}` };
    });
    const responses = await Promise.all(
      sent.map(({ attribute, value }) => ctx.http.put(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ [attribute]: value })),
    );
    expect(responses.map((res) => res.status)).toEqual(sent.map(() => 200));
    // Each answer shows its own change applied.
    responses.forEach((res, n) => expect(res.body[sent[n].attribute]).toBe(sent[n].value));

    // One event per PUT, in one order; the read model holds, per attribute, the value of the last event that set it.
    const events = await ctx.db.query<{ changes: Record<string, { from: string; to: string }> }>(
      `SELECT data->'changes' AS changes FROM es_events WHERE stream_id = $1 AND event_type = 'identity.user_profile_updated' ORDER BY stream_version`,
      [`identity.user-${target.id}`],
    );
    expect(events.map((event) => Object.values(event.changes)[0].to).sort()).toEqual(sent.map(({ value }) => value).sort());
    const last: Record<string, string> = {};
    for (const event of events) for (const [attribute, change] of Object.entries(event.changes)) last[attribute] = change.to;
    const shown = await ctx.http.get(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(shown.status).toBe(200);
    for (const attribute of ATTRIBUTES) expect({ attribute, value: shown.body[attribute] }).toEqual({ attribute, value: last[attribute] });
  });
});
