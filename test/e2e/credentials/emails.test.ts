import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SMTPServer } from 'smtp-server';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * GitLab's secondary e-mail endpoints (Users API v4: /user/emails, /users/:id/emails) and this
 * service's confirmation extension (POST /user/emails/confirmation), with the token taken from a
 * real mail caught by an SMTP server inside the test.
 */

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const TAKEN = { message: { email: ['has already been taken'] } };
const UNVERIFIED = 'must be an email you have verified';
const OLD_DATE = 'Sat, 01 Jan 2000 00:00:00 GMT';

interface Mail {
  rcpt: string[];
  raw: string;
}

/** The text of a single-part mail, whatever transfer encoding nodemailer chose. */
function bodyOf(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split);
  const body = raw.slice(split).trim();
  if (/^content-transfer-encoding:\s*quoted-printable/im.test(headers)) {
    return body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  if (/^content-transfer-encoding:\s*base64/im.test(headers)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

describe('secondary e-mails: /user/emails, /users/:id/emails and the confirmation extension', () => {
  let ctx: TestContext;
  let smtp: SMTPServer;
  const mails: Mail[] = [];
  let alice: CreatedUser;
  let bob: CreatedUser;
  let admin: CreatedUser;

  const address = (prefix = 'mail') => `${unique(prefix)}@example.org`;
  const call = (method: 'get' | 'post' | 'put' | 'delete', path: string, token: string | null, body?: Record<string, unknown>) => {
    let request = ctx.http[method](`/api/v4${path}`);
    if (token) request = request.set('PRIVATE-TOKEN', token);
    return body === undefined ? request : request.send(body);
  };
  const addOwn = (token: string | null, body: Record<string, unknown>) => call('post', '/user/emails', token, body);
  const addFor = (userId: number | string, token: string | null, body: Record<string, unknown>) => call('post', `/users/${userId}/emails`, token, body);
  /** Adds an address as root (confirmed with skip_confirmation) and answers the entity. */
  const given = async (userId: number, confirmed = false, email = address('given')) => {
    const res = await addFor(userId, ctx.rootToken, { email, skip_confirmation: confirmed });
    if (res.status !== 201) throw new Error(`fixture e-mail: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: number; email: string; confirmed_at: string | null };
  };
  const ownIds = async (token: string) => ((await call('get', '/user/emails?per_page=100', token)).body as { id: number }[]).map((row) => row.id);
  const updateUser = (id: number, body: Record<string, unknown>) => call('put', `/users/${id}`, ctx.rootToken, body);

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push({ rcpt: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const { port } = smtp.server.address() as AddressInfo;
    ctx = await startTestApp('credentials_emails', { smtpUrl: `smtp://127.0.0.1:${port}` });
    await ctx.startWorker();
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    bob = await createUserWithToken(ctx, { username: unique('bob') });
    admin = await createUserWithToken(ctx, { username: unique('admin'), admin: true });
  });
  afterAll(async () => {
    await ctx?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  describe('own addresses', () => {
    it('POST /user/emails: 201 with exactly { id, email, confirmed_at: null }; skip_confirmation is ignored here', async () => {
      const email = address('own');
      const res = await addOwn(alice.token, { email, skip_confirmation: true });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(Number), email, confirmed_at: null });
      const shown = await call('get', `/user/emails/${res.body.id}`, alice.token);
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual({ id: res.body.id, email, confirmed_at: null });
    });

    it('POST /user/emails without email: 400 "email is missing"', async () => {
      const res = await addOwn(alice.token, {});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'email is missing' });
    });

    it('GET /user/emails: only the secondary addresses, by id ascending, with offset pagination headers', async () => {
      const user = await createUserWithToken(ctx, { username: unique('lister') });
      const empty = await call('get', '/user/emails', user.token);
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual([]);
      expect(empty.headers['x-total']).toBe('0');

      const first = (await addOwn(user.token, { email: address('list') })).body;
      const second = await given(user.id, true);
      const third = (await addOwn(user.token, { email: address('list') })).body;
      const all = await call('get', '/user/emails', user.token);
      expect(all.status).toBe(200);
      expect(all.body).toEqual([first, second, third]);
      expect(all.body.map((row: { email: string }) => row.email)).not.toContain(user.email);
      expect(second.confirmed_at).toMatch(ISO_MS);
      expect(all.headers).toMatchObject({ 'x-total': '3', 'x-total-pages': '1', 'x-page': '1', 'x-per-page': '20' });

      const page = await call('get', '/user/emails?per_page=2&page=2', user.token);
      expect(page.status).toBe(200);
      expect(page.body).toEqual([third]);
      expect(page.headers).toMatchObject({ 'x-total': '3', 'x-total-pages': '2', 'x-page': '2', 'x-per-page': '2', 'x-prev-page': '1', 'x-next-page': '' });
      expect(page.headers.link).toContain('rel="first"');
    });

    it('GET /user/emails/:email_id: another user\'s address is 404 (also for an admin); a non-numeric id is 400', async () => {
      const bobs = await given(bob.id);
      for (const token of [alice.token, admin.token, ctx.rootToken]) {
        const res = await call('get', `/user/emails/${bobs.id}`, token);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Email Not Found' });
      }
      expect((await call('get', '/user/emails/999999999', bob.token)).body).toEqual({ message: '404 Email Not Found' });
      const bad = await call('get', '/user/emails/abc', bob.token);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'email_id is invalid' });
    });

    it('DELETE /user/emails/:email_id: 204 then 404; another user\'s is 404; 412 when unmodified since 2000; non-numeric 400', async () => {
      const own = (await addOwn(alice.token, { email: address('del') })).body;
      const old = await call('delete', `/user/emails/${own.id}`, alice.token).set('If-Unmodified-Since', OLD_DATE);
      expect(old.status).toBe(412);
      expect(old.body).toEqual({ message: '412 Precondition Failed' });
      expect((await call('get', `/user/emails/${own.id}`, alice.token)).status).toBe(200);

      const bobs = await given(bob.id);
      const foreign = await call('delete', `/user/emails/${bobs.id}`, alice.token);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual({ message: '404 Email Not Found' });
      expect(await ownIds(bob.token)).toContain(bobs.id);

      const bad = await call('delete', '/user/emails/abc', alice.token);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'email_id is invalid' });

      const done = await call('delete', `/user/emails/${own.id}`, alice.token);
      expect(done.status).toBe(204);
      expect(done.text).toBe('');
      expect(await ownIds(alice.token)).not.toContain(own.id);
      const again = await call('delete', `/user/emails/${own.id}`, alice.token);
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ message: '404 Email Not Found' });
    });
  });

  describe('admin routes: /users/:id/emails', () => {
    it('GET: 401 anonymous, 403 non-admin (even on themself), 404 User, 200 list for an admin', async () => {
      const email = await given(alice.id);
      const anonymous = await call('get', `/users/${alice.id}/emails`, null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ message: '401 Unauthorized' });
      for (const token of [alice.token, bob.token]) {
        const res = await call('get', `/users/${alice.id}/emails`, token);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ message: '403 Forbidden' });
      }
      const missing = await call('get', '/users/999999999/emails', admin.token);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: '404 User Not Found' });
      const listed = await call('get', `/users/${alice.id}/emails?per_page=100`, admin.token);
      expect(listed.status).toBe(200);
      expect(listed.body).toContainEqual(email);
      expect(listed.headers['x-total']).toBe(String(listed.body.length));
      expect(listed.body.map((row: { email: string }) => row.email)).not.toContain(alice.email);
    });

    it('POST: email is checked first (400 even for a missing user or a non-admin), then 401/403/404; skip_confirmation confirms about now', async () => {
      for (const [userId, token] of [[999999999, admin.token], [alice.id, bob.token], [alice.id, alice.token]] as const) {
        const res = await addFor(userId, token, {});
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'email is missing' });
      }
      expect((await addFor(alice.id, null, { email: address() })).status).toBe(401);
      const forbidden = await addFor(alice.id, bob.token, { email: address() });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual({ message: '403 Forbidden' });
      const missing = await addFor(999999999, admin.token, { email: address() });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: '404 User Not Found' });
      expect((await addFor(alice.id, admin.token, { email: address(), skip_confirmation: 'maybe' })).body).toEqual({ error: 'skip_confirmation is invalid' });

      const plain = await addFor(alice.id, admin.token, { email: address('admin') });
      expect(plain.status).toBe(201);
      expect(plain.body).toEqual({ id: expect.any(Number), email: expect.any(String), confirmed_at: null });
      const confirmed = await addFor(alice.id, admin.token, { email: address('admin'), skip_confirmation: true });
      expect(confirmed.status).toBe(201);
      expect(confirmed.body.confirmed_at).toMatch(ISO_MS);
      expect(Math.abs(Date.parse(confirmed.body.confirmed_at) - Date.now())).toBeLessThan(60_000);
      expect(await ownIds(alice.token)).toEqual(expect.arrayContaining([plain.body.id, confirmed.body.id]));
    });

    it('DELETE: 401, 403, 404 User, 404 Email (unknown, or another user\'s), 204', async () => {
      const email = await given(alice.id);
      const path = `/users/${alice.id}/emails/${email.id}`;
      expect((await call('delete', path, null)).body).toEqual({ message: '401 Unauthorized' });
      for (const token of [alice.token, bob.token]) expect((await call('delete', path, token)).body).toEqual({ message: '403 Forbidden' });
      expect((await call('delete', `/users/999999999/emails/${email.id}`, admin.token)).body).toEqual({ message: '404 User Not Found' });
      expect((await call('delete', `/users/${bob.id}/emails/${email.id}`, admin.token)).body).toEqual({ message: '404 Email Not Found' });
      expect((await call('delete', `/users/${alice.id}/emails/999999999`, admin.token)).body).toEqual({ message: '404 Email Not Found' });
      expect(await ownIds(alice.token)).toContain(email.id);
      const done = await call('delete', path, admin.token);
      expect(done.status).toBe(204);
      expect(await ownIds(alice.token)).not.toContain(email.id);
    });
  });

  describe('authorization matrix (anonymous, self, another user, admin)', () => {
    type Who = 'anonymous' | 'self' | 'other' | 'admin';
    const tokenOf = (who: Who) => ({ anonymous: null, self: alice.token, other: bob.token, admin: admin.token })[who];
    const BODIES: Record<number, unknown> = { 401: { message: '401 Unauthorized' }, 403: { message: '403 Forbidden' }, 404: { message: '404 Email Not Found' } };
    const routes: { name: string; expected: Record<Who, number>; run: (token: string | null, emailId: number) => ReturnType<typeof call> }[] = [
      { name: 'GET /user/emails', expected: { anonymous: 401, other: 200, admin: 200, self: 200 }, run: (t) => call('get', '/user/emails', t) },
      { name: 'GET /user/emails/:id', expected: { anonymous: 401, other: 404, admin: 404, self: 200 }, run: (t, id) => call('get', `/user/emails/${id}`, t) },
      { name: 'POST /user/emails', expected: { anonymous: 401, other: 201, admin: 201, self: 201 }, run: (t) => addOwn(t, { email: address('matrix') }) },
      { name: 'DELETE /user/emails/:id', expected: { anonymous: 401, other: 404, admin: 404, self: 204 }, run: (t, id) => call('delete', `/user/emails/${id}`, t) },
      { name: 'GET /users/:id/emails', expected: { anonymous: 401, other: 403, admin: 200, self: 403 }, run: (t) => call('get', `/users/${alice.id}/emails`, t) },
      { name: 'POST /users/:id/emails', expected: { anonymous: 401, other: 403, admin: 201, self: 403 }, run: (t) => addFor(alice.id, t, { email: address('matrix') }) },
      { name: 'DELETE /users/:id/emails/:id', expected: { anonymous: 401, other: 403, self: 403, admin: 204 }, run: (t, id) => call('delete', `/users/${alice.id}/emails/${id}`, t) },
    ];

    it.each(routes)('$name', async ({ name, expected, run }) => {
      const email = await given(alice.id);
      for (const who of Object.keys(expected) as Who[]) {
        const res = await run(tokenOf(who), email.id);
        expect({ who, status: res.status }).toEqual({ who, status: expected[who] });
        if (BODIES[res.status]) expect(res.body).toEqual(BODIES[res.status]);
        if (res.status === 200 && Array.isArray(res.body)) {
          // Each caller sees their own list: alice's address only in alice's (or, for an admin, /users/alice).
          const ids = (res.body as { id: number }[]).map((row) => row.id);
          if (who === 'self' || name.startsWith('GET /users/')) expect(ids).toContain(email.id);
          else expect(ids).not.toContain(email.id);
        }
      }
    });

    it('a read_user token lists its own addresses but may not add or delete one (insufficient_scope)', async () => {
      const reader = await createUserWithToken(ctx, { username: unique('reader') }, ['read_user']);
      const mine = await given(reader.id);
      const listed = await call('get', '/user/emails', reader.token);
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([mine]);
      for (const res of [await addOwn(reader.token, { email: address() }), await call('delete', `/user/emails/${mine.id}`, reader.token)]) {
        expect(res.status).toBe(403);
        expect(res.body.error).toBe('insufficient_scope');
      }
      expect(await ownIds(reader.token)).toEqual([mine.id]);
    });
  });

  describe('validation and uniqueness', () => {
    it('an invalid address: 400 "is invalid"; an address is stripped and lower-cased', async () => {
      const invalid = await addOwn(alice.token, { email: 'not-an-email' });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toEqual({ message: { email: ['is invalid'] } });
      const local = unique('New.Address');
      const res = await addOwn(alice.token, { email: `  ${local}@Example.ORG ` });
      expect(res.status).toBe(201);
      expect(res.body.email).toBe(`${local.toLowerCase()}@example.org`);
      expect((await call('get', `/user/emails/${res.body.id}`, alice.token)).body.email).toBe(`${local.toLowerCase()}@example.org`);
      const [row] = await ctx.db.query<{ email: string }>('SELECT email FROM credentials.user_emails WHERE id = $1', [res.body.id]);
      expect(row.email).toBe(`${local.toLowerCase()}@example.org`);
    });

    it('taken, in any case: another user\'s primary, another user\'s secondary (confirmed or not), one\'s own primary, one\'s own secondary again', async () => {
      const bobsUnconfirmed = (await addOwn(bob.token, { email: address('bobu') })).body.email as string;
      const bobsConfirmed = (await given(bob.id, true)).email;
      const alicesSecondary = (await addOwn(alice.token, { email: address('twice') })).body.email as string;
      const attempts = [bob.email, bob.email.toUpperCase(), bobsUnconfirmed.toUpperCase(), bobsConfirmed, ` ${bobsConfirmed.toUpperCase()}`, alice.email, alice.email.toUpperCase(), alicesSecondary, alicesSecondary.toUpperCase()];
      for (const email of attempts) {
        const res = await addOwn(alice.token, { email });
        expect({ email, status: res.status, body: res.body }).toEqual({ email, status: 400, body: TAKEN });
      }
      const viaAdmin = await addFor(alice.id, admin.token, { email: bobsConfirmed, skip_confirmation: true });
      expect(viaAdmin.status).toBe(400);
      expect(viaAdmin.body).toEqual(TAKEN);
    });

    it('20 users add one new address at once: exactly one 201, the other 19 are 400 "has already been taken"', async () => {
      const racers: CreatedUser[] = [];
      for (let i = 0; i < 20; i += 1) racers.push(await createUserWithToken(ctx, { username: unique('racer') }));
      const email = address('race');
      const results = await Promise.all(racers.map((racer) => addOwn(racer.token, { email })));
      const statuses = results.map((res) => res.status).sort();
      expect(statuses).toEqual([201, ...Array<number>(19).fill(400)]);
      for (const res of results.filter((r) => r.status === 400)) expect(res.body).toEqual(TAKEN);
      const winner = results.find((res) => res.status === 201)!;
      expect(winner.body).toEqual({ id: expect.any(Number), email, confirmed_at: null });
      const rows = await ctx.db.query<{ id: string }>('SELECT id FROM credentials.user_emails WHERE lower(email) = $1', [email]);
      expect(rows.map((row) => Number(row.id))).toEqual([winner.body.id]);
    });

    it('identity meets the rule: POST /users and PUT /users/:id with someone\'s secondary address are 409', async () => {
      const secondary = (await given(bob.id, true)).email;
      const username = unique('clash');
      const created = await call('post', '/users', ctx.rootToken, { username, name: username, email: secondary.toUpperCase(), password: 'Vq8!zR2#long-enough', skip_confirmation: true });
      expect(created.status).toBe(409);
      expect(created.body).toEqual({ message: 'Email has already been taken' });
      const updated = await updateUser(alice.id, { email: secondary, skip_reconfirmation: true });
      expect(updated.status).toBe(409);
      expect(updated.body).toEqual({ message: 'Email has already been taken' });
      expect((await call('get', `/users/${alice.id}`, ctx.rootToken)).body.email).toBe(alice.email);
    });
  });

  describe('primary, public and commit e-mail', () => {
    it('a confirmed secondary may become the primary address; it then cannot be deleted (403)', async () => {
      const carol = await createUserWithToken(ctx, { username: unique('carol') });
      const secondary = await given(carol.id, true);
      const changed = await updateUser(carol.id, { email: secondary.email, skip_reconfirmation: true });
      expect(changed.status).toBe(200);
      expect(changed.body.email).toBe(secondary.email);
      for (const res of [await call('delete', `/user/emails/${secondary.id}`, carol.token), await call('delete', `/users/${carol.id}/emails/${secondary.id}`, admin.token)]) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ message: '403 Forbidden - Cannot delete primary email' });
      }
      expect(await ownIds(carol.token)).toContain(secondary.id);
    });

    it('public_email and commit_email: an own confirmed secondary works; an unconfirmed one or someone else\'s is 400', async () => {
      const dave = await createUserWithToken(ctx, { username: unique('dave') });
      const confirmed = await given(dave.id, true);
      const unconfirmed = (await addOwn(dave.token, { email: address('daveu') })).body as { email: string };
      const othersConfirmed = (await given(bob.id, true)).email;

      const set = await updateUser(dave.id, { public_email: confirmed.email, commit_email: confirmed.email });
      expect(set.status).toBe(200);
      const shown = await call('get', `/users/${dave.id}`, ctx.rootToken);
      expect(shown.body).toMatchObject({ public_email: confirmed.email, commit_email: confirmed.email });

      for (const [field, email] of [['public_email', unconfirmed.email], ['public_email', othersConfirmed], ['commit_email', unconfirmed.email], ['commit_email', othersConfirmed]]) {
        const res = await updateUser(dave.id, { [field]: email });
        expect({ field, email, status: res.status }).toEqual({ field, email, status: 400 });
        expect(res.body.message).toEqual({ [field]: [UNVERIFIED] });
      }
      expect((await call('get', `/users/${dave.id}`, ctx.rootToken)).body).toMatchObject({ public_email: confirmed.email, commit_email: confirmed.email });
    });

    it('deleting the secondary that is the public (and commit) e-mail clears them', async () => {
      const erin = await createUserWithToken(ctx, { username: unique('erin') });
      const confirmed = await given(erin.id, true);
      expect((await updateUser(erin.id, { public_email: confirmed.email, commit_email: confirmed.email })).status).toBe(200);
      expect((await call('delete', `/user/emails/${confirmed.id}`, erin.token)).status).toBe(204);
      const after = await eventually(async () => {
        const res = await call('get', `/users/${erin.id}`, ctx.rootToken);
        return res.body.public_email !== confirmed.email ? res.body : undefined;
      }, 10_000, 'public_email cleared');
      expect([null, '']).toContain(after.public_email);
      expect(after.commit_email).toBe(erin.email);
    });

    it('deleting a user removes their secondary addresses and frees them for someone else', async () => {
      const frank = await createUserWithToken(ctx, { username: unique('frank') });
      const confirmed = await given(frank.id, true);
      const pending = (await addOwn(frank.token, { email: address('frankp') })).body as { email: string };
      expect((await addOwn(bob.token, { email: confirmed.email })).body).toEqual(TAKEN);
      expect((await call('delete', `/users/${frank.id}`, ctx.rootToken)).status).toBe(204);
      await eventually(async () => {
        const [{ count }] = await ctx.db.query<{ count: string }>('SELECT count(*) AS count FROM credentials.user_emails WHERE user_id = $1', [frank.id]);
        return count === '0' ? true : undefined;
      }, 15_000, "the deleted user's addresses gone");
      for (const email of [confirmed.email, pending.email]) {
        const res = await addOwn(bob.token, { email });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ id: expect.any(Number), email, confirmed_at: null });
      }
    });
  });

  describe('confirmation by the mailed token (extension)', () => {
    it('param checks: confirmation_token missing is 400; an unknown token is 404 (anonymous allowed)', async () => {
      const missing = await call('post', '/user/emails/confirmation', null, {});
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ error: 'confirmation_token is missing' });
      for (const token of [null, alice.token]) {
        const unknown = await call('post', '/user/emails/confirmation', token, { confirmation_token: 'no-such-token' });
        expect(unknown.status).toBe(404);
        expect(unknown.body).toEqual({ message: '404 Confirmation Token Not Found' });
      }
    });

    it('the mail carries the token (only its SHA-256 is stored); it confirms once, anonymously; it is in no response, event or audit row', async () => {
      const grace = await createUserWithToken(ctx, { username: unique('grace') });
      const email = address('confirm');
      const added = await addOwn(grace.token, { email });
      expect(added.status).toBe(201);

      const mail = await eventually(async () => mails.find((m) => m.rcpt.includes(email)), 20_000, `a mail to ${email}`);
      expect(mail.raw).toMatch(new RegExp(`^To: .*${email.replace(/[.]/g, '\\.')}`, 'mi'));
      const body = bodyOf(mail.raw);
      expect(body).toContain(email);
      const token = body.match(/confirmation_token=([A-Za-z0-9_-]+)/)?.[1];
      expect(token).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/));
      const secret = token as string;

      const [stored] = await ctx.db.query<{ confirmation_token_digest: string }>('SELECT confirmation_token_digest FROM credentials.user_emails WHERE id = $1', [added.body.id]);
      expect(stored.confirmation_token_digest).toBe(sha256(secret));

      const responses: string[] = [added.text];
      responses.push((await call('get', '/user/emails', grace.token)).text, (await call('get', `/user/emails/${added.body.id}`, grace.token)).text);
      responses.push((await call('get', `/users/${grace.id}/emails`, admin.token)).text);

      const confirmed = await call('post', '/user/emails/confirmation', null, { confirmation_token: secret });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toEqual({ id: added.body.id, email, confirmed_at: expect.stringMatching(ISO_MS) });
      expect(Math.abs(Date.parse(confirmed.body.confirmed_at) - Date.now())).toBeLessThan(60_000);
      responses.push(confirmed.text);
      expect((await call('get', `/user/emails/${added.body.id}`, grace.token)).body).toEqual(confirmed.body);

      const again = await call('post', '/user/emails/confirmation', null, { confirmation_token: secret });
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ message: '404 Confirmation Token Not Found' });
      responses.push(again.text);

      await eventually(async () => {
        const rows = await ctx.db.query('SELECT 1 FROM activity.audit_events WHERE entity_id = $1 AND event_name = $2', [grace.id, 'add_email']);
        return rows.length ? true : undefined;
      }, 15_000, 'the add_email audit row');
      const events = await ctx.db.query<{ text: string }>("SELECT data::text || ' ' || metadata::text AS text FROM es_events");
      const audits = await ctx.db.query<{ text: string }>('SELECT row_to_json(a)::text AS text FROM activity.audit_events a');
      expect(events.length).toBeGreaterThan(0);
      expect(audits.length).toBeGreaterThan(0);
      for (const text of [...responses, ...events.map((row) => row.text), ...audits.map((row) => row.text)]) expect(text).not.toContain(secret);
      // The test harness starts the app with logging off (logLevel 'silent'), so there is no log to search.
    });

    it('an address added confirmed (by an admin) has no token digest and gets no mail', async () => {
      const email = address('preconfirmed');
      const added = await given(alice.id, true, email);
      const [row] = await ctx.db.query<{ confirmation_token_digest: string | null }>('SELECT confirmation_token_digest FROM credentials.user_emails WHERE id = $1', [added.id]);
      expect(row.confirmation_token_digest).toBeNull();
      // Mail for a later unconfirmed address arrives; none for this one came before it.
      const later = address('later');
      await addOwn(alice.token, { email: later });
      await eventually(async () => mails.find((m) => m.rcpt.includes(later)), 20_000, `a mail to ${later}`);
      expect(mails.filter((m) => m.rcpt.includes(email))).toEqual([]);
    });
  });

  describe('audit', () => {
    it('adding and removing an address leaves add_email and remove_email rows for the user', async () => {
      const henry = await createUserWithToken(ctx, { username: unique('henry') });
      const email = address('audited');
      const added = (await addOwn(henry.token, { email })).body as { id: number };
      expect((await call('delete', `/user/emails/${added.id}`, henry.token)).status).toBe(204);
      const rows = await eventually(async () => {
        const res = await ctx.http.get('/api/v4/audit_events').query({ entity_type: 'User', entity_id: henry.id }).set('PRIVATE-TOKEN', ctx.rootToken);
        const names = (res.body as { event_name: string }[]).map((row) => row.event_name);
        return names.includes('add_email') && names.includes('remove_email') ? (res.body as { event_name: string; entity_id: number; details: Record<string, unknown> }[]) : undefined;
      }, 15_000, 'the add_email and remove_email audit rows');
      for (const name of ['add_email', 'remove_email']) {
        const row = rows.find((r) => r.event_name === name)!;
        expect(row.entity_id).toBe(henry.id);
        expect(JSON.stringify(row.details)).toContain(email);
      }
    });
  });
});
