import { generateKeyPairSync } from 'node:crypto';
import sshpk from 'sshpk';
import type { TestContext } from './test-app.js';

/** A new Ed25519 public key in OpenSSH's one-line form (`ssh-ed25519 <base64> <comment>`). */
export function newSshPublicKey(comment = 'test@example'): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const [algorithm, blob] = sshpk.parseKey(publicKey.export({ type: 'spki', format: 'pem' }) as string, 'pem').toString('ssh').split(' ');
  return `${algorithm} ${blob} ${comment}`;
}

/** Adds a new key to a user (as root) and answers its id. */
export async function addSshKey(ctx: TestContext, userId: number): Promise<number> {
  const res = await ctx.http.post(`/api/v4/users/${userId}/keys`).set('PRIVATE-TOKEN', ctx.rootToken).send({ title: 'fixture', key: newSshPublicKey() });
  if (res.status !== 201) throw new Error(`adding a fixture SSH key answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}
