import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { poll } from '../support/process-harness.js';
import { startClientService, type ClientService } from './support/client-service.js';
import { runCommand, systemPythonEnv, type CommandResult } from './support/run-command.js';

/** Debian's python-gitlab 3.12 command line tool, unmodified. */
const CLI = '/usr/bin/python-gitlab';
const PASSWORD = 'Correct-Horse-Battery-42';

interface CliResult extends CommandResult {
  /** stdout parsed as JSON (`-o json`), or undefined when it is empty or not JSON. */
  json: any;
}

describe('python-gitlab CLI (-o json) against the built service', () => {
  let service: ClientService;
  let configPath: string;

  beforeAll(async () => {
    service = await startClientService('cli');
    // Two instances in one config file: the real root token (default) and one that does not exist.
    configPath = path.join(service.scratchDir, 'python-gitlab.cfg');
    writeFileSync(
      configPath,
      [
        '[global]',
        'default = service',
        'timeout = 15',
        '',
        '[service]',
        `url = ${service.url}`,
        `private_token = ${service.rootToken}`,
        '',
        '[broken]',
        `url = ${service.url}`,
        'private_token = glpat-this-token-does-not-exist',
        '',
      ].join('\n'),
    );
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  /** `python-gitlab -c <config> -o json <args>`; leading global options go before the resource. */
  async function cli(...args: string[]): Promise<CliResult> {
    const result = await runCommand(CLI, ['-c', configPath, '-o', 'json', ...args], systemPythonEnv({}), 30_000);
    let json: any;
    try {
      json = result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
    } catch {
      json = undefined;
    }
    return { ...result, json };
  }

  async function createUser(username: string, ...extra: string[]): Promise<CliResult> {
    const name = username.replace(/-/g, ' ');
    return cli('user', 'create', '--email', `${username}@example.com`, '--username', username, '--name', name, '--password', PASSWORD, '--skip-confirmation', 'true', ...extra);
  }

  let ann: { id: number; username: string; email: string };

  it('current-user get: root, with the admin view', async () => {
    const result = await cli('current-user', 'get');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ id: 1, username: 'root', is_admin: true, email: 'admin@example.com', web_url: `${service.url}/root` });
  });

  it('user create: the new user, confirmed because --skip-confirmation true (a string) was understood', async () => {
    const result = await createUser('cli-ann', '--bio', 'From the CLI');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ id: expect.any(Number), username: 'cli-ann', email: 'cli-ann@example.com', name: 'cli ann', bio: 'From the CLI', state: 'active' });
    expect(result.json.confirmed_at).toEqual(expect.any(String));
    ann = { id: result.json.id, username: result.json.username, email: result.json.email };
  });

  it('user get --id', async () => {
    const result = await cli('user', 'get', '--id', String(ann.id));
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ id: ann.id, username: 'cli-ann', bio: 'From the CLI', is_admin: false });
  });

  it('user list: --get-all with --per-page 1 follows every page; without it, one page', async () => {
    expect((await createUser('cli-bob')).code).toBe(0);
    const [all, firstPage] = await Promise.all([
      cli('user', 'list', '--search', 'cli-', '--per-page', '1', '--get-all'),
      cli('user', 'list', '--search', 'cli-', '--per-page', '1'),
    ]);
    expect(all.code).toBe(0);
    expect(all.json.map((user: { username: string }) => user.username)).toEqual(['cli-ann', 'cli-bob']);
    expect(firstPage.code).toBe(0);
    expect(firstPage.json.map((user: { username: string }) => user.username)).toEqual(['cli-ann']);
  });

  it('user list with the global --pagination keyset --order-by id: the same users as offset pages', async () => {
    const [keyset, offset] = await Promise.all([
      cli('--per-page', '2', '--pagination', 'keyset', '--order-by', 'id', 'user', 'list', '--get-all'),
      cli('--per-page', '100', 'user', 'list'),
    ]);
    expect(keyset.code).toBe(0);
    const ids = (result: CliResult) => result.json.map((user: { id: number }) => user.id);
    expect(ids(keyset).length).toBeGreaterThanOrEqual(3);
    expect(ids(keyset)).toEqual(ids(offset));
  });

  it('user update: the changed attributes (the CLI insists on --email/--username/--name)', async () => {
    const result = await cli('user', 'update', '--id', String(ann.id), '--email', ann.email, '--username', ann.username, '--name', 'Ann Renamed', '--bio', 'Updated by the CLI');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ id: ann.id, name: 'Ann Renamed', bio: 'Updated by the CLI', email: ann.email });
    const fresh = await cli('user', 'get', '--id', String(ann.id));
    expect(fresh.json).toMatchObject({ name: 'Ann Renamed', bio: 'Updated by the CLI' });
  });

  it('user-personal-access-token create: scopes from a comma list, the token once; it then works as --private-token', async () => {
    const created = await cli('user-personal-access-token', 'create', '--user-id', String(ann.id), '--name', 'cli', '--scopes', 'api,read_user', '--expires-at', '2027-06-30');
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ name: 'cli', scopes: ['api', 'read_user'], expires_at: '2027-06-30', user_id: ann.id, active: true });
    expect(created.json.token).toMatch(/^glpat-/);
    const asAnn = await cli('--private-token', created.json.token, 'current-user', 'get');
    expect(asAnn.code).toBe(0);
    expect(asAnn.json).toMatchObject({ id: ann.id, username: 'cli-ann' });
    expect(asAnn.json).not.toHaveProperty('is_admin');
  });

  it('user-custom-attribute list and get (the CLI has no set): none yet, then a 404 with the server message', async () => {
    const [list, missing] = await Promise.all([
      cli('user-custom-attribute', 'list', '--user-id', String(ann.id)),
      cli('user-custom-attribute', 'get', '--user-id', String(ann.id), '--key', 'team'),
    ]);
    expect(list.code).toBe(0);
    expect(list.json).toEqual([]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('404: 404 Custom Attribute Not Found');
  });

  it('audit-event list --entity-type User --entity-id, and audit-event get --id', async () => {
    // The worker writes audit rows after the request: poll until both of ann's rows are there.
    const rows = await poll(
      async () => {
        const result = await cli('audit-event', 'list', '--entity-type', 'User', '--entity-id', String(ann.id), '--get-all');
        const names = (result.json ?? []).map((row: { event_name: string }) => row.event_name);
        return names.includes('user_created') && names.includes('personal_access_token_created') ? result.json : undefined;
      },
      20_000,
      () => `the audit rows of user ${ann.id}`,
    );
    for (const row of rows) expect(row).toMatchObject({ entity_type: 'User', entity_id: ann.id, author_id: 1 });
    const created = rows.find((row: { event_name: string }) => row.event_name === 'user_created');
    const one = await cli('audit-event', 'get', '--id', String(created.id));
    expect(one.code).toBe(0);
    expect(one.json).toEqual(created);
  });

  it('user create with a taken email: exit 1 and the 409 message on stderr', async () => {
    const result = await createUser('cli-ann-again', '--email', 'cli-ann@example.com');
    // The later --email wins in argparse, so this really reuses ann's address.
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Impossible to create object (409: Email has already been taken)');
  });

  it('user delete: exit 0, then user get is a 404 and a second delete too', async () => {
    const deleted = await cli('user', 'delete', '--id', String(ann.id));
    expect(deleted.code).toBe(0);
    const [get, again] = await Promise.all([cli('user', 'get', '--id', String(ann.id)), cli('user', 'delete', '--id', String(ann.id))]);
    expect(get.code).toBe(1);
    expect(get.stderr).toContain('Impossible to get object (404: 404 User Not Found)');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Impossible to destroy object (404: 404 User Not Found)');
  });

  it('user block / user unblock --id: exit 0 with no output (the CLI prints no true, null or false); user get shows the state', async () => {
    const created = await createUser('cli-cleo');
    expect(created.code).toBe(0);
    const id = String(created.json.id);
    // block (true), block again (null), unblock (true), unblock again (false): each followed by the state.
    const steps: [string, string][] = [
      ['block', 'blocked'],
      ['block', 'blocked'],
      ['unblock', 'active'],
      ['unblock', 'active'],
    ];
    const observed = [];
    for (const [action] of steps) {
      const result = await cli('user', action, '--id', id);
      observed.push([action, { code: result.code, stdout: result.stdout, state: (await cli('user', 'get', '--id', id)).json.state }]);
    }
    expect(observed).toEqual(steps.map(([action, state]) => [action, { code: 0, stdout: '', state }]));
  });

  it('user block --id of root itself: exit 1, GitlabBlockError with the 403 message', async () => {
    const result = await cli('user', 'block', '--id', '1');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('GitlabBlockError: 403: 403 Forbidden - The API initiating user cannot be blocked by the API');
    expect((await cli('user', 'get', '--id', '1')).json.state).toBe('active');
  });

  it('a token that does not exist: exit 1 with 401 invalid_token', async () => {
    const result = await cli('-g', 'broken', 'current-user', 'get');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401: invalid_token');
  });
});
