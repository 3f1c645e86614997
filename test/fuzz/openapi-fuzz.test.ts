import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startService, type RunningService, type ServiceProcess } from '../support/process-harness.js';
import { FuzzSession } from './fuzz-session.mjs';
import { operationIds, requestArbitrary } from './request-arbitraries.mjs';
import { contractProblems } from './response-contract.mjs';

/**
 * Property-based requests built from the service's own OpenAPI document (so from the same `@Param`
 * declarations that validate requests), for every operation, as anonymous, a regular user, an admin
 * and an admin using sudo: valid-looking and hostile values, broken and mislabelled bodies. Against
 * the built service in a child process. Every response must be below 500, and every 4xx a GitLab
 * error body served as application/json. `FUZZ_SEED=<n>` replays the random half; `FUZZ_RUNS`
 * changes the number of requests per seed (bench/fuzz.mjs runs 100,000).
 */

const FIXED_SEED = 20_261_202;
const RANDOM_SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS_PER_SEED = Number(process.env.FUZZ_RUNS ?? 2_500);
const ROOT_TOKEN = 'glpat-fuzz-root-token-0123456789';
const UNHANDLED = 'Unhandled error while serving a request';

describe('fuzz: requests generated from the OpenAPI document never get a 5xx, and every 4xx is a GitLab error body', () => {
  let service: RunningService;
  let api: ServiceProcess;
  let session: FuzzSession;
  let document: unknown;

  beforeAll(async () => {
    // The GET /users/:id rate limit is off so that regular-user reads keep reaching the handlers.
    service = await startService('fuzz', { rootToken: ROOT_TOKEN, extra: { USERS_GET_BY_ID_LIMIT: '0' } }, 'api');
    api = service.child;
    session = new FuzzSession({ port: service.port, rootToken: ROOT_TOKEN });
    await session.setUp();
    const openapi = await session.raw({ method: 'GET', path: '/api/v4/openapi.json', headers: {} });
    expect(openapi.status).toBe(200);
    document = openapi.body;
  }, 90_000);

  afterAll(async () => {
    // The figures of the run, for the record (and to replay the random half).
    if (session) process.stdout.write(`\nfuzz: ${session.requests} requests, seeds ${FIXED_SEED} and ${RANDOM_SEED}, statuses ${JSON.stringify(session.histogram())}\n`);
    session?.close();
    await service?.stop();
  });

  it.each([
    ['fixed', FIXED_SEED],
    ['random', RANDOM_SEED],
  ])('%s seed %i: no 5xx, JSON GitLab error bodies on every 4xx', async (_kind, seed) => {
    const property = fc.asyncProperty(requestArbitrary(document), async (template) => {
      const { request, response } = await session.send(template);
      const problems = contractProblems(response);
      if (problems.length === 0) return;
      session.recordFailure(request, response, problems);
      throw new Error(problems.join('; '));
    });
    const details = await fc.check(property, { seed, numRuns: RUNS_PER_SEED });
    if (details.failed) {
      // fast-check's own report prints whole templates (kilobytes of generated text): name the shrunk failure instead.
      const shrunk = session.failures.at(-1);
      const cause = shrunk ? `${shrunk.problems.join('; ')}\n  request: ${shrunk.request}\n  answer: ${shrunk.status} ${shrunk.body}` : String(details.errorInstance).slice(0, 2_000);
      throw new Error(`Failed after ${details.numRuns} requests; replay with FUZZ_SEED=${seed} (fast-check path ${details.counterexamplePath}).\n${cause}`);
    }
  }, 120_000);

  it('then every documented operation was exercised', () => {
    const missing = operationIds(document).filter((id) => !session.operations.has(id));
    expect(missing).toEqual([]);
    expect(session.requests).toBeGreaterThanOrEqual(2 * RUNS_PER_SEED);
  });

  it('then the process is alive, answers GET /api/v4/user, and logged no unhandled error', async () => {
    expect(api.running).toBe(true);
    const me = await session.raw({ method: 'GET', path: '/api/v4/user', headers: { 'PRIVATE-TOKEN': ROOT_TOKEN } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 1, username: 'root', is_admin: true });
    const errorLines = api.stdout.split('\n').filter((line) => line.includes(UNHANDLED) || /"level":(5|6)0\b/.test(line));
    expect(errorLines.map((line) => line.slice(0, 500))).toEqual([]);
  });
});
