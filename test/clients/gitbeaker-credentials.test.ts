import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Gitlab } from '@gitbeaker/rest';
import { newGpgPublicKey } from '../support/gpg-keys.js';
import { newSshPublicKey } from '../support/ssh-keys.js';
import { failure } from './support/gitbeaker-failure.js';
import { startClientService, type ClientService } from './support/client-service.js';

/**
 * @gitbeaker/rest's credential resources against the built service, unmodified: SSH keys, GPG
 * keys, e-mails, personal access tokens (list, show, self, rotate, revoke) and impersonation tokens.
 */

describe('@gitbeaker/rest credentials against the built service', () => {
  let service: ClientService;
  let root: InstanceType<typeof Gitlab<false>>;
  let userId: number;
  let user: InstanceType<typeof Gitlab<false>>;
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    service = await startClientService('gitbeaker-credentials');
    root = new Gitlab({ host: service.url, token: service.rootToken });
    const created = await root.Users.create({ email: 'creds@example.com', username: 'creds', name: 'Cred Entials', password: 'Correct-Horse-Battery-42', skipConfirmation: true });
    userId = created.id;
    const token = await root.PersonalAccessTokens.create(userId, 'client', ['api']);
    user = new Gitlab({ host: service.url, token: token.token as string });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('UserSSHKeys: create, all, show, remove for yourself and (admin) for a user; a duplicate is a 400 the client reports', async () => {
    const key = newSshPublicKey('me@laptop');
    const mine = await user.UserSSHKeys.create('laptop', key, { usageType: 'auth' } as never);
    expect(mine).toMatchObject({ title: 'laptop', usage_type: 'auth', key: `${key.split(' ').slice(0, 2).join(' ')} Cred Entials (${new URL(service.url).host})` });
    expect((await user.UserSSHKeys.all()).map((k) => k.id)).toEqual([mine.id]);
    expect(await user.UserSSHKeys.show(mine.id)).toMatchObject({ id: mine.id, title: 'laptop' });
    expect((await root.UserSSHKeys.all({ userId })).map((k) => k.id)).toEqual([mine.id]);
    expect(await root.UserSSHKeys.show(mine.id, { userId })).toMatchObject({ id: mine.id });
    expect(await failure(root.UserSSHKeys.create('again', key, { userId: 1 }))).toMatchObject({ status: 400 });
    const given = await root.UserSSHKeys.create('given', newSshPublicKey(), { userId });
    await root.UserSSHKeys.remove(given.id, { userId });
    await user.UserSSHKeys.remove(mine.id);
    expect(await user.UserSSHKeys.all()).toEqual([]);
  });

  it('UserGPGKeys: create, all, show, remove for yourself and (admin) for a user', async () => {
    const armored = await newGpgPublicKey('creds@example.com');
    const mine = await user.UserGPGKeys.create(armored);
    expect(mine).toEqual({ id: expect.any(Number), key: armored.trim(), created_at: expect.any(String) });
    expect((await user.UserGPGKeys.all()).map((k) => k.id)).toEqual([mine.id]);
    expect(await user.UserGPGKeys.show(mine.id)).toMatchObject({ id: mine.id });
    expect(await root.UserGPGKeys.show(mine.id, { userId })).toMatchObject({ id: mine.id });
    const given = await root.UserGPGKeys.create(await newGpgPublicKey(), { userId });
    expect((await root.UserGPGKeys.all({ userId })).map((k) => k.id)).toEqual([mine.id, given.id]);
    await root.UserGPGKeys.remove(given.id, { userId });
    await user.UserGPGKeys.remove(mine.id);
    expect(await failure(user.UserGPGKeys.show(mine.id))).toMatchObject({ status: 404, description: '404 GPG Key Not Found' });
  });

  it('UserEmails: create, all, show, remove; an admin may skip confirmation; a taken address is a 400', async () => {
    const mine = await user.UserEmails.create('second@example.com');
    expect(mine).toEqual({ id: expect.any(Number), email: 'second@example.com', confirmed_at: null });
    expect(await user.UserEmails.all()).toEqual([mine]);
    expect(await user.UserEmails.show(mine.id)).toEqual(mine);
    const confirmed = await root.UserEmails.create('third@example.com', { userId, skipConfirmation: true });
    expect(confirmed.confirmed_at).toEqual(expect.any(String));
    expect((await root.UserEmails.all({ userId })).map((e) => e.email)).toEqual(['second@example.com', 'third@example.com']);
    expect(await failure(user.UserEmails.create('admin@example.com'))).toMatchObject({ status: 400 });
    await root.UserEmails.remove(confirmed.id, { userId });
    await user.UserEmails.remove(mine.id);
    expect(await user.UserEmails.all()).toEqual([]);
  });

  it('PersonalAccessTokens: all, show (by id and self), rotate, remove (by id and self)', async () => {
    const made = await root.PersonalAccessTokens.create(userId, 'rotating', ['read_api'], { expiresAt: inDays(20) });
    const mineOnly = await user.PersonalAccessTokens.all();
    expect(mineOnly.map((t) => t.user_id)).toEqual(mineOnly.map(() => userId));
    expect(mineOnly.map((t) => t.name)).toEqual(expect.arrayContaining(['client', 'rotating']));
    expect(await user.PersonalAccessTokens.show({ tokenId: made.id })).toMatchObject({ id: made.id, name: 'rotating', active: true });
    const self = await new Gitlab({ host: service.url, token: made.token as string }).PersonalAccessTokens.show();
    expect(self).toMatchObject({ id: made.id, scopes: ['read_api'] });
    const rotated = await user.PersonalAccessTokens.rotate(made.id, { expiresAt: inDays(5) });
    expect(rotated).toMatchObject({ name: 'rotating', scopes: ['read_api'], expires_at: inDays(5), token: expect.stringMatching(/^glpat-/) });
    expect(await user.PersonalAccessTokens.show({ tokenId: made.id })).toMatchObject({ revoked: true, active: false });
    await user.PersonalAccessTokens.remove({ tokenId: rotated.id as number });
    const spare = await root.PersonalAccessTokens.create(userId, 'spare', ['api']);
    await new Gitlab({ host: service.url, token: spare.token as string }).PersonalAccessTokens.remove();
    expect(await user.PersonalAccessTokens.show({ tokenId: spare.id })).toMatchObject({ revoked: true });
  });

  it('UserImpersonationTokens: create, all by state, show, revoke; the token acts as the user', async () => {
    const made = await root.UserImpersonationTokens.create(userId, 'support', ['api'], { expiresAt: inDays(3) } as never);
    expect(made).toMatchObject({ impersonation: true, active: true, token: expect.stringMatching(/^glpat-/) });
    const asUser = await new Gitlab({ host: service.url, token: made.token as string }).Users.showCurrentUser();
    expect(asUser).toMatchObject({ id: userId, username: 'creds' });
    expect((await root.UserImpersonationTokens.all(userId, { state: 'active' } as never)).map((t) => t.id)).toEqual([made.id]);
    expect(await root.UserImpersonationTokens.show(userId, made.id)).toMatchObject({ id: made.id, impersonation: true });
    await root.UserImpersonationTokens.revoke(userId, made.id);
    expect(await root.UserImpersonationTokens.all(userId, { state: 'active' } as never)).toEqual([]);
    expect((await root.UserImpersonationTokens.all(userId, { state: 'inactive' } as never)).map((t) => t.id)).toEqual([made.id]);
  });
});
