import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { EventStore, ProjectionRebuilder } from '../../../libs/eventstore/src/index.js';
import { USER_ACTIVITY_RECORDED, userActivityStreamId } from '../../../libs/activity/src/events.js';
import { ActiveUsersRollupWorker, type RollUpActiveUsersJob } from '../../../libs/activity/src/application/workers/active-users-rollup.worker.js';
import { SYSTEM_METADATA } from '../../../libs/shared/src/index.js';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/*
 * Daily and monthly active users: a deterministic month and a half of activity is seeded on the
 * users' activity streams (as the activity worker records it), the worker's rollup job is run
 * directly, and GET /api/v4/admin/active_users and /-/metrics must give the figures computed here
 * from the same pattern. No worker runs in this suite, so the callers' own requests record no
 * activity for today; the assertions stay in 2026-09..2026-11 anyway, which today's activity
 * (the suite was written in December 2026) cannot touch.
 */

const RANGE_FROM = '2026-09-01';
const RANGE_TO = '2026-11-30';
const MONTHS = ['2026-09-01', '2026-10-01', '2026-11-01'];
const SEEDED_USERS = 60;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;
const today = () => new Date().toISOString().slice(0, 10);

/** Every day from `from` to `to`, both included. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  return days;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The seeded pattern, per user index (days in order):
 * - users 0..49: in October, day d when (i*7 + d) % k == 0 with k = 2 + i % 9 (from every other day
 *   to every tenth); users with i % 10 == 0 also on 2026-09-30 and 2026-11-01 (each month counts them once);
 * - users 50..54: September only, day d in 20..30 when (i + d) % 3 == 0;
 * - users 55..59: November only, day d in 1..30 when (i*3 + d) % 4 == 0.
 * So 2026-09-01..19 have no activity at all.
 */
function activeDaysOf(i: number): string[] {
  const days: string[] = [];
  if (i < 50) {
    if (i % 10 === 0) days.push('2026-09-30');
    const k = 2 + (i % 9);
    for (let d = 1; d <= 31; d += 1) if ((i * 7 + d) % k === 0) days.push(dayOf(2026, 10, d));
    if (i % 10 === 0) days.push('2026-11-01');
  } else if (i < 55) {
    for (let d = 20; d <= 30; d += 1) if ((i + d) % 3 === 0) days.push(dayOf(2026, 9, d));
  } else {
    for (let d = 1; d <= 30; d += 1) if ((i * 3 + d) % 4 === 0) days.push(dayOf(2026, 11, d));
  }
  return days;
}

interface Figure {
  period: 'day' | 'month';
  period_start: string;
  active_users: number;
  computed_at: string;
}

describe('active-user rollups: GET /admin/active_users, the rollup job and the metrics', () => {
  let ctx: TestContext;
  let admin: CreatedUser;
  let regular: CreatedUser;
  let rollups: ActiveUsersRollupWorker;
  const seededIds: number[] = [];
  /** Expected users per day and per month (`YYYY-MM-01`), from the seeded pattern. */
  const dau = new Map<string, Set<number>>();
  const mau = new Map<string, Set<number>>();
  let firstSeededDay = '9999-12-31';
  /** The scheduled run's answer on a new deployment, before anyone was active. */
  let runBeforeAnyActivity: unknown;

  const get = (query: string, token?: string) => {
    const request = ctx.http.get(`/api/v4/admin/active_users${query}`);
    return token ? request.set('PRIVATE-TOKEN', token) : request;
  };
  const rollUp = (data: RollUpActiveUsersJob, id = 'test') => rollups.rollUp({ id, data } as Job<RollUpActiveUsersJob>);

  /** Every figure of a period over the seeded range, following the pagination. */
  async function allFigures(period: 'day' | 'month', perPage = 40): Promise<Figure[]> {
    const figures: Figure[] = [];
    for (let page = 1; ; page += 1) {
      const res = await get(`?period=${period}&from=${RANGE_FROM}&to=${RANGE_TO}&per_page=${perPage}&page=${page}`, admin.token);
      expect(res.status).toBe(200);
      figures.push(...(res.body as Figure[]));
      if (res.headers['x-next-page'] === '') return figures;
    }
  }
  const withoutTimes = (figures: Figure[]) => figures.map(({ period, period_start, active_users }) => ({ period, period_start, active_users }));
  const expectedDays = () => daysBetween(RANGE_FROM, RANGE_TO).map((day) => ({ period: 'day', period_start: day, active_users: dau.get(day)?.size ?? 0 }));
  const expectedMonths = () => MONTHS.map((month) => ({ period: 'month', period_start: month, active_users: mau.get(month)?.size ?? 0 }));
  const rowsInRange = async () =>
    (
      await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM activity.active_user_rollups WHERE period_start BETWEEN $1 AND $2', [RANGE_FROM, RANGE_TO])
    )[0].n;

  beforeAll(async () => {
    ctx = await startTestApp('active_users_rollup');
    admin = await createUserWithToken(ctx, { admin: true });
    regular = await createUserWithToken(ctx);
    rollups = ctx.api.get(ActiveUsersRollupWorker);
    runBeforeAnyActivity = await rollUp({}, 'scheduled-0');
    const store = ctx.api.get(EventStore);
    // These users never call the API: a user (no token) is all the activity stream needs. Created
    // ten at a time (password hashing dominates); the expectations follow the ids they get.
    const createUser = async (i: number) => {
      const username = unique(`dau${i}x`);
      const created = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ username, email: `${username}@example.org`, name: `Name ${username}`, password: 'Vq8!zR2#long-enough', skip_confirmation: true });
      if (created.status !== 201) throw new Error(`creating ${username} failed: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body.id as number;
    };
    for (let i = 0; i < SEEDED_USERS; i += 10) {
      seededIds.push(...(await Promise.all(Array.from({ length: Math.min(10, SEEDED_USERS - i) }, (_, n) => createUser(i + n)))));
    }
    for (const [i, userId] of seededIds.entries()) {
      const days = activeDaysOf(i);
      // In day order, as the stream's decider would record them (a direct append bypasses it).
      await store.append(
        userActivityStreamId(userId),
        days.map((day) => ({ type: USER_ACTIVITY_RECORDED, schemaVersion: 1, data: { user_id: userId, day } })),
        { expectedVersion: 'any', metadata: SYSTEM_METADATA },
      );
      for (const day of days) {
        if (!dau.has(day)) dau.set(day, new Set());
        dau.get(day)!.add(userId);
        const month = `${day.slice(0, 7)}-01`;
        if (!mau.has(month)) mau.set(month, new Set());
        mau.get(month)!.add(userId);
        if (day < firstSeededDay) firstSeededDay = day;
      }
    }
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('the seeded pattern is what the test means (guards the expectations themselves)', () => {
    // Today is past the seeded months, so the callers' own activity cannot land in them.
    expect(today() >= '2026-12-01').toBe(true);
    expect(firstSeededDay).toBe('2026-09-20');
    expect(mau.get('2026-09-01')!.size).toBe(5 + 5); // users 0,10,..,40 on the 30th + users 50..54
    expect(mau.get('2026-10-01')!.size).toBe(50);
    expect(mau.get('2026-11-01')!.size).toBe(5 + 5); // users 0,10,..,40 on the 1st + users 55..59
    expect(dau.get('2026-09-01')).toBeUndefined();
    // A user active on many October days counts once in October.
    expect([...dau.entries()].filter(([day]) => day.startsWith('2026-10')).reduce((sum, [, users]) => sum + users.size, 0)).toBeGreaterThan(50);
  });

  describe('the scheduled run (no from/to)', () => {
    it('with no activity recorded at all, does nothing', () => {
      expect(runBeforeAnyActivity).toBeNull();
    });

    it('on an empty rollup table starts at the first active day and runs to today, days and months', async () => {
      expect(await ctx.db.query('SELECT 1 FROM activity.active_user_rollups')).toHaveLength(0);
      const now = today();
      const result = await rollUp({}, 'scheduled-1');
      const months = new Set(daysBetween(firstSeededDay, now).map((day) => day.slice(0, 7))).size;
      expect(result).toEqual({ from: firstSeededDay, to: now, days: daysBetween(firstSeededDay, now).length, months });
      // Nothing before the first active day was written; from it on, the figures are the seeded ones.
      const days = await allFigures('day');
      expect(days[0].period_start).toBe(firstSeededDay);
      expect(withoutTimes(days)).toEqual(expectedDays().filter((row) => row.period_start >= firstSeededDay));
      expect(withoutTimes(await allFigures('month'))).toEqual(expectedMonths());
    });

    it('the next run recomputes only the last computed day and the two before it', async () => {
      const now = today();
      const result = await rollUp({}, 'scheduled-2');
      const from = addDays(now, -2);
      expect(result).toEqual({ from, to: now, days: 3, months: new Set([from.slice(0, 7), now.slice(0, 7)]).size });
    });
  });

  describe('a rollup of the seeded range', () => {
    beforeAll(async () => {
      // From scratch: only what this rollup writes.
      await ctx.db.query('DELETE FROM activity.active_user_rollups');
    });

    it('writes one figure per day of the range and one per month it touches', async () => {
      expect(await rollUp({ from: RANGE_FROM, to: RANGE_TO })).toEqual({ from: RANGE_FROM, to: RANGE_TO, days: 91, months: 3 });
      expect(await rowsInRange()).toBe(91 + 3);
    });

    it('period=day: each day has its count of distinct active users, days without activity 0, oldest first', async () => {
      const days = await allFigures('day');
      expect(withoutTimes(days)).toEqual(expectedDays());
      for (const figure of days) {
        expect(figure.computed_at).toMatch(ISO_TIME);
        expect(Number.isNaN(Date.parse(figure.computed_at))).toBe(false);
      }
    });

    it('period=day pages: 91 days are two pages of 50 with GitLab headers', async () => {
      const first = await get(`?period=day&from=${RANGE_FROM}&to=${RANGE_TO}&per_page=50`, admin.token);
      expect(first.status).toBe(200);
      expect(first.body).toHaveLength(50);
      expect(first.headers).toMatchObject({ 'x-total': '91', 'x-total-pages': '2', 'x-per-page': '50', 'x-page': '1', 'x-next-page': '2', 'x-prev-page': '' });
      expect(first.headers.link).toContain('rel="next"');
      const second = await get(`?period=day&from=${RANGE_FROM}&to=${RANGE_TO}&per_page=50&page=2`, admin.token);
      expect(second.body).toHaveLength(41);
      expect(second.headers).toMatchObject({ 'x-page': '2', 'x-next-page': '', 'x-prev-page': '1' });
      expect(withoutTimes([...first.body, ...second.body])).toEqual(expectedDays());
    });

    it('period=month: each month counts a user once however many days they were active', async () => {
      const months = await allFigures('month');
      expect(withoutTimes(months)).toEqual(expectedMonths());
      expect(months.map((figure) => figure.active_users)).toEqual([10, 50, 10]);
      for (const figure of months) expect(figure.computed_at).toMatch(ISO_TIME);
    });

    it('the metrics show the newest day and month figures', async () => {
      // The newest figures in the table are 2026-11-30's and 2026-11's (nothing later was rolled up).
      const res = await ctx.http.get('/-/metrics');
      expect(res.status).toBe(200);
      const day = dau.get('2026-11-30')?.size ?? 0;
      const month = mau.get('2026-11-01')!.size;
      expect(day).not.toBe(month); // so that a swapped label would show
      expect(res.text).toMatch(new RegExp(`^gitlab_users_active_users\\{period="day"\\} ${day}$`, 'm'));
      expect(res.text).toMatch(new RegExp(`^gitlab_users_active_users\\{period="month"\\} ${month}$`, 'm'));
    });

    it('running it again for the same range rewrites the figures in place', async () => {
      const before = await allFigures('day');
      expect(await rollUp({ from: RANGE_FROM, to: RANGE_TO })).toEqual({ from: RANGE_FROM, to: RANGE_TO, days: 91, months: 3 });
      expect(await rowsInRange()).toBe(91 + 3);
      const after = await allFigures('day');
      expect(withoutTimes(after)).toEqual(withoutTimes(before));
      expect(after.every((figure, n) => figure.computed_at >= before[n].computed_at)).toBe(true);
      expect(withoutTimes(await allFigures('month'))).toEqual(expectedMonths());
    });

    it('after a rebuild of activity.user_activity and an emptied rollup table, the same figures', async () => {
      const before = withoutTimes([...(await allFigures('day')), ...(await allFigures('month'))]);
      const { events } = await ctx.api.get(ProjectionRebuilder).rebuild('activity.user_activity');
      expect(events).toBeGreaterThan(0);
      await ctx.db.query('DELETE FROM activity.active_user_rollups');
      expect(await allFigures('day')).toEqual([]);
      await rollUp({ from: RANGE_FROM, to: RANGE_TO }, 'rebuild');
      const after = withoutTimes([...(await allFigures('day')), ...(await allFigures('month'))]);
      expect(after).toEqual(before);
      expect(after).toEqual([...expectedDays(), ...expectedMonths()]);
    });
  });

  describe('the endpoint', () => {
    it('anonymous: 401; a regular user: 403', async () => {
      const anonymous = await get('');
      expect([anonymous.status, anonymous.body]).toEqual([401, { message: '401 Unauthorized' }]);
      const refused = await get('', regular.token);
      expect([refused.status, refused.body]).toEqual([403, { message: '403 Forbidden' }]);
    });

    it('a period other than day or month, or a bad date, is 400', async () => {
      const week = await get('?period=week', admin.token);
      expect([week.status, week.body]).toEqual([400, { error: 'period does not have a valid value' }]);
      const from = await get('?from=not-a-date', admin.token);
      expect([from.status, from.body]).toEqual([400, { error: 'from is invalid' }]);
      const to = await get('?period=month&to=2026-13-01', admin.token);
      expect([to.status, to.body]).toEqual([400, { error: 'to is invalid' }]);
    });

    it('by default: the last 30 days (and 12 months), oldest first, with pagination headers', async () => {
      // A scheduled run now carries the figures on from the seeded range to today.
      const now = today();
      await rollUp({}, 'scheduled-3');
      const res = await get('?per_page=100', admin.token);
      expect(res.status).toBe(200);
      const window = daysBetween(addDays(now, -29), now);
      expect((res.body as Figure[]).map((figure) => figure.period_start)).toEqual(window);
      expect((res.body as Figure[]).every((figure) => figure.period === 'day')).toBe(true);
      expect(res.headers).toMatchObject({ 'x-total': '30', 'x-total-pages': '1', 'x-per-page': '100', 'x-page': '1', 'x-next-page': '', 'x-prev-page': '' });
      // The seeded November days in the window keep their figures.
      for (const figure of res.body as Figure[]) {
        if (figure.period_start <= RANGE_TO) expect(figure.active_users).toBe(dau.get(figure.period_start)?.size ?? 0);
      }
      const months = await get('?period=month', admin.token);
      expect(months.status).toBe(200);
      const monthStarts = (months.body as Figure[]).map((figure) => figure.period_start);
      // The month 11 months before this one, to this one.
      const since = new Date(`${now.slice(0, 7)}-01T00:00:00Z`);
      since.setUTCMonth(since.getUTCMonth() - 11);
      const expectedStarts = [...MONTHS, `${now.slice(0, 7)}-01`].filter((month) => month >= since.toISOString().slice(0, 10));
      expect(monthStarts).toEqual(expectedStarts);
      expect(months.headers['x-total']).toBe(String(expectedStarts.length));
    });
  });
});
