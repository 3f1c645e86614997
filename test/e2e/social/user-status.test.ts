import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** GitLab's UserStatus entity of a user without a status. */
const EMPTY = { emoji: null, message: null, availability: null, message_html: '', clear_status_at: null };
const COFFEE_HTML = '<gl-emoji title="hot beverage" data-name="coffee">☕</gl-emoji>';
const DAY_MS = 86_400_000;

interface StatusValue {
  emoji: string;
  message: string | null;
  availability: string;
  clear_status_at: string | null;
}
interface StreamEvent {
  event_id: string;
  event_type: string;
  data: Record<string, unknown> & { previous?: StatusValue | null };
}

describe('user status: GET, PUT and PATCH /user/status and GET /users/:id_or_username/status', () => {
  let ctx: TestContext;
  /** Has a fixed status, set once: the read tests only look at it. */
  let publisher: CreatedUser;
  /** Never sets a status. */
  let blank: CreatedUser;
  /** The user most tests change; each starts from a PUT of its own, so none depends on the one before. */
  let me: CreatedUser;
  let other: CreatedUser;
  let hidden: CreatedUser;
  let historian: CreatedUser;

  const put = (user: CreatedUser, body: Record<string, unknown>) => ctx.http.put('/api/v4/user/status').set('PRIVATE-TOKEN', user.token).send(body);
  const patch = (user: CreatedUser, body: Record<string, unknown>) => ctx.http.patch('/api/v4/user/status').set('PRIVATE-TOKEN', user.token).send(body);
  const own = (user: CreatedUser) => ctx.http.get('/api/v4/user/status').set('PRIVATE-TOKEN', user.token);
  const events = (userId: number) =>
    ctx.db.query<StreamEvent>(
      "SELECT event_id::text, event_type, data FROM es_events WHERE stream_id = $1 AND event_type LIKE 'social.user_status_%' ORDER BY stream_version",
      [`social.user-${userId}`],
    );
  const eventCount = async (userId: number) => (await ctx.db.query('SELECT 1 FROM es_events WHERE stream_id = $1', [`social.user-${userId}`])).length;
  const statusRows = (userId: number) =>
    ctx.db.query<{ emoji: string; message: string | null; availability: string; clear_status_at: Date | null }>(
      'SELECT emoji, message, availability, clear_status_at FROM social.user_statuses WHERE user_id = $1',
      [userId],
    );
  const fresh = () => createUserWithToken(ctx, { username: unique('status') });
  /** `me` without a status, however the previous test left it. */
  const cleared = async () => {
    const res = await put(me, {});
    if (res.status !== 200 || res.text !== 'null') throw new Error(`clearing the status failed: ${res.status} ${res.text}`);
    return me;
  };

  beforeAll(async () => {
    ctx = await startTestApp('social_user_status');
    // The worker writes the audit rows; nothing here expires within the run.
    await ctx.startWorker();
    // Creating a user hashes a password: a handful made together, and shared, keep the file fast.
    [publisher, blank, me, other, hidden, historian] = await Promise.all([
      fresh(),
      fresh(),
      fresh(),
      fresh(),
      createUserWithToken(ctx, { username: unique('private'), private_profile: true }),
      fresh(),
    ]);
    const res = await put(publisher, { emoji: 'thumbsup', message: 'Shipping', availability: 'busy' });
    if (res.status !== 200) throw new Error(`setting the publisher's status failed: ${res.status} ${res.text}`);
  });
  afterAll(async () => ctx?.close());

  const PUBLISHED = { emoji: 'thumbsup', message: 'Shipping', availability: 'busy', message_html: 'Shipping', clear_status_at: null };

  describe('GET /user/status', () => {
    it('anonymous: 401', async () => {
      const res = await ctx.http.get('/api/v4/user/status');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('without a status: 200 and the empty entity, every key present', async () => {
      const res = await own(blank);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(JSON.stringify(EMPTY));
    });

    it('after a PUT: the status set', async () => {
      const res = await own(publisher);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(PUBLISHED);
    });
  });

  describe('GET /users/:id_or_username/status', () => {
    it('anonymous, by id: 200 and the status', async () => {
      const res = await ctx.http.get(`/api/v4/users/${publisher.id}/status`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(PUBLISHED);
    });

    it('by username in upper case: the same status (usernames match case-insensitively)', async () => {
      const res = await ctx.http.get(`/api/v4/users/${publisher.username.toUpperCase()}/status`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(PUBLISHED);
    });

    it('a user without a status: the empty entity', async () => {
      const res = await ctx.http.get(`/api/v4/users/${blank.username}/status`);
      expect(res.status).toBe(200);
      expect(res.text).toBe(JSON.stringify(EMPTY));
    });

    it.each(['987654', 'no-such-user-anywhere'])('a missing user (%s): 404 User Not Found', async (key) => {
      const res = await ctx.http.get(`/api/v4/users/${key}/status`).set('PRIVATE-TOKEN', publisher.token);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it("a private profile does not hide the user's status", async () => {
      expect((await put(hidden, { emoji: 'coffee', message: 'Hidden profile' })).status).toBe(200);
      const profile = await ctx.http.get(`/api/v4/users/${hidden.id}/followers`).set('PRIVATE-TOKEN', publisher.token);
      expect(profile.status).toBe(404);
      const res = await ctx.http.get(`/api/v4/users/${hidden.id}/status`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ emoji: 'coffee', message: 'Hidden profile', availability: 'not_set', message_html: 'Hidden profile', clear_status_at: null });
    });
  });

  describe('PUT /user/status: a full replace', () => {
    it('sets every field; a second PUT with only a message resets the others to their defaults', async () => {
      const user = await cleared();
      const before = Date.now();
      const first = await put(user, { emoji: 'coffee', message: 'At lunch', availability: 'busy', clear_status_after: '1_day' });
      const after = Date.now();
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe('application/json');
      const { clear_status_at: clearAt, ...rest } = first.body as Record<string, unknown> & { clear_status_at: string };
      expect(rest).toEqual({ emoji: 'coffee', message: 'At lunch', availability: 'busy', message_html: 'At lunch' });
      expect(Object.keys(first.body)).toEqual(['emoji', 'message', 'availability', 'message_html', 'clear_status_at']);
      expect(clearAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(clearAt)).toBeGreaterThanOrEqual(before + DAY_MS - 3_000);
      expect(Date.parse(clearAt)).toBeLessThanOrEqual(after + DAY_MS + 3_000);
      expect((await own(user)).body).toEqual(first.body);

      const second = await put(user, { message: 'Only a message' });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ emoji: 'speech_balloon', message: 'Only a message', availability: 'not_set', message_html: 'Only a message', clear_status_at: null });
      expect(await statusRows(user.id)).toEqual([{ emoji: 'speech_balloon', message: 'Only a message', availability: 'not_set', clear_status_at: null }]);
    });

    it('with only availability busy: a status of its own (speech_balloon, no message)', async () => {
      const user = await cleared();
      const res = await put(user, { availability: 'busy' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ emoji: 'speech_balloon', message: null, availability: 'busy', message_html: '', clear_status_at: null });
    });

    it('with no params: 200 `null`, the status is gone (read model row and all)', async () => {
      const user = await cleared();
      expect((await put(user, { emoji: 'coffee', message: 'Brb' })).status).toBe(200);
      expect(await statusRows(user.id)).toHaveLength(1);
      const res = await put(user, {});
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe('null');
      expect((await own(user)).text).toBe(JSON.stringify(EMPTY));
      expect(await statusRows(user.id)).toEqual([]);
    });

    it('with only availability not_set: also a clear (200 `null`)', async () => {
      const user = await cleared();
      expect((await put(user, { message: 'Brb' })).status).toBe(200);
      const res = await put(user, { availability: 'not_set' });
      expect([res.status, res.text]).toEqual([200, 'null']);
      expect(await statusRows(user.id)).toEqual([]);
    });

    it('with no params and no status: 200 `null` and no event', async () => {
      const user = await cleared();
      const eventsBefore = await eventCount(user.id);
      const res = await put(user, {});
      expect([res.status, res.text]).toEqual([200, 'null']);
      expect(await eventCount(user.id)).toBe(eventsBefore);
    });

    it('anonymous: 401', async () => {
      const res = await ctx.http.put('/api/v4/user/status').send({ message: 'x' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });
  });

  describe('PATCH /user/status: only the fields sent change', () => {
    it('a message alone: emoji, availability and clear_status_at are kept', async () => {
      const user = await cleared();
      const set = await put(user, { emoji: 'coffee', message: 'Lunch', availability: 'busy', clear_status_after: '1_day' });
      expect(set.status).toBe(200);
      const res = await patch(user, { message: 'Back soon' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ emoji: 'coffee', message: 'Back soon', availability: 'busy', message_html: 'Back soon', clear_status_at: set.body.clear_status_at });
    });

    it('no params: 200 `null`, nothing changes and no event is appended', async () => {
      const user = await cleared();
      const set = await put(user, { emoji: 'coffee', message: 'Lunch', clear_status_after: '8_hours' });
      expect(set.status).toBe(200);
      const eventsBefore = await eventCount(user.id);
      const res = await patch(user, {});
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe('null');
      expect((await own(user)).body).toEqual(set.body);
      expect(await eventCount(user.id)).toBe(eventsBefore);
    });

    it('clear_status_after: null, explicitly: the expiry is removed, the rest kept', async () => {
      const user = await cleared();
      const set = await put(user, { emoji: 'coffee', message: 'Lunch', availability: 'busy', clear_status_after: '3_hours' });
      expect(set.body.clear_status_at).not.toBeNull();
      const res = await patch(user, { clear_status_after: null });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ emoji: 'coffee', message: 'Lunch', availability: 'busy', message_html: 'Lunch', clear_status_at: null });
    });

    it('blanking every field that was set: the status is cleared (200 `null`)', async () => {
      const user = await cleared();
      expect((await put(user, { message: 'Lunch' })).status).toBe(200);
      const res = await patch(user, { message: '', emoji: '' });
      expect([res.status, res.text]).toEqual([200, 'null']);
      expect(await statusRows(user.id)).toEqual([]);
    });
  });

  describe('validation', () => {
    const EMOJI_ERROR = { emoji: ['is not a valid emoji name'] };
    const MESSAGE_ERROR = { message: ['is too long (maximum is 100 characters)'] };

    it('an unknown emoji: 400, nothing stored', async () => {
      const user = await cleared();
      const eventsBefore = await eventCount(user.id);
      const res = await put(user, { emoji: 'not_an_emoji', message: 'x' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: EMOJI_ERROR });
      expect(await statusRows(user.id)).toEqual([]);
      expect(await eventCount(user.id)).toBe(eventsBefore);
    });

    it('a message of 101 characters: 400', async () => {
      const user = await cleared();
      const res = await put(user, { message: 'a'.repeat(101) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: MESSAGE_ERROR });
    });

    it('both: both keys, emoji first', async () => {
      const user = await cleared();
      const res = await put(user, { message: 'a'.repeat(101), emoji: 'nope_nope' });
      expect(res.status).toBe(400);
      expect(res.text).toBe(JSON.stringify({ message: { ...EMOJI_ERROR, ...MESSAGE_ERROR } }));
    });

    it.each([
      ['☕ (one UTF-16 unit)', '☕'],
      ['😀 (two UTF-16 units)', '😀'],
    ])('100 emoji characters %s are 100 characters: accepted', async (_, char) => {
      const user = await cleared();
      const res = await put(user, { message: char.repeat(100) });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe(char.repeat(100));
    });

    it('101 astral emoji characters: 400 too long', async () => {
      const user = await cleared();
      const res = await put(user, { message: '😀'.repeat(101) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: MESSAGE_ERROR });
    });

    it('clear_status_after not among the quick options: 400', async () => {
      const user = await cleared();
      const eventsBefore = await eventCount(user.id);
      const res = await put(user, { message: 'x', clear_status_after: '2_days' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'clear_status_after does not have a valid value' });
      expect(await eventCount(user.id)).toBe(eventsBefore);
    });

    it('an unknown availability is stored as not_set', async () => {
      const user = await cleared();
      const res = await put(user, { message: 'x', availability: 'away' });
      expect(res.status).toBe(200);
      expect(res.body.availability).toBe('not_set');
      expect((await statusRows(user.id))[0].availability).toBe('not_set');
    });

    it.each([
      ['an array', ['coffee']],
      ['an object', { name: 'coffee' }],
    ])('emoji as %s in a JSON body: 400 with an error body, never a 500', async (_, emoji) => {
      const user = await cleared();
      const eventsBefore = await eventCount(user.id);
      const res = await put(user, { emoji, message: 'x' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'emoji is invalid' });
      expect(await eventCount(user.id)).toBe(eventsBefore);
    });

    it('message as an object in a PATCH: 400 message is invalid', async () => {
      const user = await cleared();
      const res = await patch(user, { message: { text: 'x' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'message is invalid' });
    });
  });

  describe('message_html', () => {
    it.each([
      ['HTML is escaped', `<b>&"'`, '&lt;b&gt;&amp;&quot;&#39;'],
      ['a known :name: becomes a gl-emoji', 'Need :coffee: now', `Need ${COFFEE_HTML} now`],
      ['a raw emoji character becomes a gl-emoji', 'Need ☕ now', `Need ${COFFEE_HTML} now`],
      ['an unknown :name: stays as it is', 'a :nope: b', 'a :nope: b'],
      ['all of them together', `<i>:coffee:</i> & ☕ :nope:`, `&lt;i&gt;${COFFEE_HTML}&lt;/i&gt; &amp; ${COFFEE_HTML} :nope:`],
    ])('%s', async (_, message, html) => {
      const user = await cleared();
      const res = await put(user, { message });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe(message);
      expect(res.body.message_html).toBe(html);
      expect((await ctx.http.get(`/api/v4/users/${user.id}/status`)).body.message_html).toBe(html);
    });
  });

  it("a second user's PUT and PATCH change only their own status", async () => {
    const first = other;
    const second = await cleared();
    const set = await put(first, { emoji: 'coffee', message: 'Mine' });
    expect(set.status).toBe(200);
    const eventsBefore = await eventCount(first.id);
    expect((await put(second, { emoji: 'thumbsup', message: 'Theirs' })).body.message).toBe('Theirs');
    expect((await patch(second, { message: 'Still theirs' })).body.message).toBe('Still theirs');
    expect([(await put(second, {})).text]).toEqual(['null']);
    expect((await own(first)).body).toEqual(set.body);
    expect((await ctx.http.get(`/api/v4/users/${first.id}/status`)).body).toEqual(set.body);
    expect(await eventCount(first.id)).toBe(eventsBefore);
  });

  describe('the status history: events and audit rows', () => {
    let user: CreatedUser;
    let history: StreamEvent[];
    const ONE = { emoji: 'coffee', message: 'one', availability: 'not_set', clear_status_at: null };
    const TWO = { emoji: 'thumbsup', message: 'two', availability: 'busy', clear_status_at: null };

    beforeAll(async () => {
      user = historian;
      for (const [body, expected] of [
        [{ emoji: 'coffee', message: 'one' }, 200],
        [{ emoji: 'thumbsup', message: 'two', availability: 'busy' }, 200],
        // A refused and an unchanging request leave no event.
        [{ emoji: 'nope_nope' }, 400],
        [{ emoji: 'thumbsup', message: 'two', availability: 'busy' }, 200],
        [{}, 200],
      ] as const) {
        const res = await put(user, body);
        if (res.status !== expected) throw new Error(`PUT ${JSON.stringify(body)}: ${res.status} ${res.text}`);
      }
      history = await events(user.id);
    });

    it('every change appended one event to social.user-<id>: set, set, cleared, each with the previous status', () => {
      expect(history.map((event) => event.event_type)).toEqual(['social.user_status_set', 'social.user_status_set', 'social.user_status_cleared']);
      const [first, second, cleared] = history.map((event) => event.data);
      expect(first).toEqual({ user_id: user.id, username: user.username, ...ONE, previous: null, set_at: expect.any(String) });
      expect(second).toEqual({ user_id: user.id, username: user.username, ...TWO, previous: ONE, set_at: expect.any(String) });
      expect(cleared).toEqual({ user_id: user.id, username: user.username, previous: TWO, reason: 'user', cleared_at: expect.any(String) });
    });

    it('the worker leaves one audit row per event: user_status_set twice, then user_status_cleared', async () => {
      type AuditRow = { event_name: string; entity_id: string; author_id: string | null; source_event_id: string; details: Record<string, unknown> };
      const rows = await eventually(
        async () => {
          const found = await ctx.db.query<AuditRow>(
            `SELECT event_name, entity_id::text, author_id::text, source_event_id::text, details FROM activity.audit_events
              WHERE entity_id = $1 AND event_name IN ('user_status_set', 'user_status_cleared')`,
            [user.id],
          );
          return found.length >= 3 ? found : undefined;
        },
        15_000,
        'the status audit rows',
      );
      expect(rows).toHaveLength(3);
      const bySource = new Map(rows.map((row) => [row.source_event_id, row]));
      const [first, second, cleared] = history.map((event) => bySource.get(event.event_id));
      expect(first).toMatchObject({
        event_name: 'user_status_set',
        entity_id: String(user.id),
        author_id: String(user.id),
        details: { custom_message: `Set the status of ${user.username} to :coffee: "one"` },
      });
      expect(second).toMatchObject({
        event_name: 'user_status_set',
        entity_id: String(user.id),
        author_id: String(user.id),
        details: { custom_message: `Changed the status of ${user.username} from :coffee: "one" to :thumbsup: "two" (busy)` },
      });
      expect(cleared).toMatchObject({ event_name: 'user_status_cleared', entity_id: String(user.id), author_id: String(user.id), details: { reason: 'user' } });
    });
  });
});
