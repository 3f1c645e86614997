import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { confirmationTokenFor } from '../../support/emails.js';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * The races the read-first checks cannot see: a user created, or a primary address changed, at
 * the same moment another user adds that address as a secondary one. The exclusion constraint of
 * `credentials.user_emails` decides, and whichever side loses gets its own clean refusal.
 */
describe('e-mail addresses: primary and secondary writers racing for one address', () => {
  let ctx: TestContext;
  const adders: CreatedUser[] = [];

  beforeAll(async () => {
    ctx = await startTestApp('email-races');
    for (let i = 0; i < 6; i += 1) adders.push(await createUserWithToken(ctx, {}, ['api']));
  });
  afterAll(async () => ctx?.close());

  const owners = async (address: string) =>
    (await ctx.db.query<{ user_id: string }>('SELECT DISTINCT user_id FROM credentials.user_emails WHERE lower(email) = $1', [address])).map((row) => Number(row.user_id));

  it('POST /users with an address while others add it as secondary: one owner, and every loser gets 409 or 400, never a 500', async () => {
    for (let round = 0; round < 5; round += 1) {
      const address = `${unique('race')}@example.org`;
      const username = unique('racer');
      const answers = await Promise.all([
        ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send({ username, email: address, name: 'Racer', password: 'Vq8!zR2#long-enough', skip_confirmation: true }),
        ...adders.map((adder) => ctx.http.post('/api/v4/user/emails').set('PRIVATE-TOKEN', adder.token).send({ email: address })),
      ]);
      const [create, ...adds] = answers;
      expect(answers.filter((res) => res.status === 201)).toHaveLength(1);
      expect([201, 409]).toContain(create.status);
      if (create.status === 409) expect(create.body).toEqual({ message: 'Email has already been taken' });
      for (const add of adds.filter((res) => res.status !== 201)) expect(add.body).toEqual({ message: { email: ['has already been taken'] } });
      expect(await owners(address)).toHaveLength(1);
    }
  });

  it('PUT /users/:id moving a primary address onto one being added as secondary: one owner, the loser 409 or 400', async () => {
    const mover = await createUserWithToken(ctx, {}, ['api']);
    for (let round = 0; round < 5; round += 1) {
      const address = `${unique('move')}@example.org`;
      const [move, ...adds] = await Promise.all([
        ctx.http.put(`/api/v4/users/${mover.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ email: address, skip_reconfirmation: true }),
        ...adders.map((adder) => ctx.http.post('/api/v4/user/emails').set('PRIVATE-TOKEN', adder.token).send({ email: address })),
      ]);
      expect([move, ...adds].filter((res) => res.status === 200 || res.status === 201)).toHaveLength(1);
      if (move.status !== 200) expect(move).toMatchObject({ status: 409, body: { message: 'Email has already been taken' } });
      expect(await owners(address)).toHaveLength(1);
    }
  });

  it('a used confirmation token leaves no digest behind', async () => {
    const user = adders[0];
    const added = await ctx.http.post('/api/v4/user/emails').set('PRIVATE-TOKEN', user.token).send({ email: `${unique('confirm')}@example.org` });
    expect(added.status).toBe(201);
    const confirmed = await ctx.http.post('/api/v4/user/emails/confirmation').send({ confirmation_token: await confirmationTokenFor(ctx, added.body.id) });
    expect(confirmed.status).toBe(200);
    const [row] = await ctx.db.query<{ confirmation_token_digest: string | null }>('SELECT confirmation_token_digest FROM credentials.user_emails WHERE id = $1', [added.body.id]);
    expect(row.confirmation_token_digest).toBeNull();
  });
});
