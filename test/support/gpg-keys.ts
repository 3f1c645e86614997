import * as openpgp from 'openpgp';
import type { TestContext } from './test-app.js';

/** A new armored Ed25519 public key (with its encryption subkey) for one user id. */
export async function newGpgPublicKey(email = 'test@example.org'): Promise<string> {
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Test', email }], format: 'armored' });
  return publicKey;
}

/** Adds a new GPG key to a user (as root) and answers its id. */
export async function addGpgKey(ctx: TestContext, userId: number): Promise<number> {
  const res = await ctx.http.post(`/api/v4/users/${userId}/gpg_keys`).set('PRIVATE-TOKEN', ctx.rootToken).send({ key: await newGpgPublicKey() });
  if (res.status !== 201) throw new Error(`adding a fixture GPG key answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}
