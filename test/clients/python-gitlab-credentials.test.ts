import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startClientService, type ClientService } from './support/client-service.js';
import { runPythonScript, type CaseResults } from './support/python-scripts.js';

/** python-gitlab 3.12 (Debian's, unmodified) running test/clients/python/credentials.py against the built service. */
describe('python-gitlab: credentials (credentials.py)', () => {
  let service: ClientService;
  let cases: CaseResults;

  beforeAll(async () => {
    service = await startClientService('python-credentials');
    cases = await runPythonScript('credentials.py', service);
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('user.keys and users.keys: create, list, get, delete; the published comment names the user and host; a duplicate is GitlabCreateError 400', () => {
    expect(cases.ssh_keys).toEqual({
      title: 'laptop',
      published_comment: `Cred Ivy (${new URL(service.url).host})`,
      listed_is_mine: true,
      shown_title: 'laptop',
      duplicate: { type: 'GitlabCreateError', code: 400, message: expect.objectContaining({ fingerprint: ['has already been taken'] }) },
      of_user: ['given', 'laptop'],
      one_of_user: 'given',
      after_delete: [],
    });
  });

  it('user.gpgkeys and users.gpgkeys: create (gpg-made key), get, list, delete; garbage is GitlabCreateError 400', () => {
    expect(cases.gpg_keys).toEqual({ key_round_trips: true, of_user: true, garbage: { type: 'GitlabCreateError', code: 400 }, after_delete: [] });
  });

  it('user.emails and users.emails: normalised, unconfirmed unless an admin skips it, a taken address is GitlabCreateError 400', () => {
    expect(cases.emails).toEqual({
      email: 'ivy.second@example.org',
      confirmed_at: null,
      shown: 'ivy.second@example.org',
      admin_confirmed: true,
      listed: ['ivy.second@example.org', 'ivy.third@example.org'],
      taken: { type: 'GitlabCreateError', code: 400, message: { email: ['has already been taken'] } },
      after_delete: [],
    });
  });

  it('personal_access_tokens: list (own, and by user_id for admins), self, rotate, delete; a revoked token is GitlabAuthenticationError 401', () => {
    expect(cases.personal_access_tokens).toEqual({
      listed: ['client', 'rotating'],
      by_admin: ['client', 'rotating'],
      self: { name: 'rotating', scopes: ['read_api'] },
      rotated: { name: 'rotating', expires_at: true, token_prefix: 'glpat-' },
      old_after: { revoked: true, active: false },
      revoked_use: { type: 'GitlabAuthenticationError', code: 401 },
    });
  });

  it('impersonationtokens: create, acts as the user, list by state, get, delete; an unknown scope is GitlabCreateError 400 with the model hash', () => {
    expect(cases.impersonation_tokens).toEqual({
      impersonation: true,
      acts_as: 'cred-ivy',
      active: true,
      shown: 'support',
      bad: { type: 'GitlabCreateError', code: 400, body: { message: { scopes: ['can only contain available scopes'] } } },
      inactive: true,
    });
  });
});
