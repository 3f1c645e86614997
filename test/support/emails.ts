import { createHmac } from 'node:crypto';
import type { TestContext } from './test-app.js';

/**
 * The confirmation token the service mails for an address: derived, as the service derives it,
 * from the instance secret in the test database (the token itself is stored nowhere; its SHA-256 is, until it is used).
 */
export async function confirmationTokenFor(ctx: TestContext, emailId: number): Promise<string> {
  const [{ value }] = await ctx.db.query<{ value: string }>("SELECT value FROM credentials.instance_secrets WHERE name = 'email_confirmation'");
  return createHmac('sha256', value).update(`email-confirmation:${emailId}`).digest('base64url');
}

/** Adds an unconfirmed secondary address to a user (as root) and answers its id. */
export async function addEmail(ctx: TestContext, userId: number, email: string): Promise<number> {
  const res = await ctx.http.post(`/api/v4/users/${userId}/emails`).set('PRIVATE-TOKEN', ctx.rootToken).send({ email });
  if (res.status !== 201) throw new Error(`adding a fixture e-mail answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}
