import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, setAccountState, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** POST /api/v4/users: tiers, check order, Grape param errors, model errors, conflicts and defaults (reference §1.2, §5). */

const PASSWORD = 'Vq8!zR2#long-enough';
const USERNAME_PATH_MESSAGE = "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'.";
const USERNAME_OCI_MESSAGE =
  "can only include non-accented letters, digits, '_', '-' and '.'. It must not start with '-', '_', or '.', nor end with '-', '_', '.', '.git', or '.atom'.";
const REQUIRED_MESSAGE =
  'email is missing, password, reset_password, force_random_password are missing, at least one parameter must be provided, name is missing, username is missing';

describe('POST /api/v4/users', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let taken: CreatedUser;

  /** Valid attributes for a new user. */
  const fresh = (extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const username = unique('new');
    return { username, email: `${username}@example.org`, name: `New ${username}`, password: PASSWORD, ...extra };
  };
  const post = (body: Record<string, unknown>, token?: string) => {
    const req = ctx.http.post('/api/v4/users');
    return (token ? req.set('PRIVATE-TOKEN', token) : req).send(body);
  };
  const asAdmin = (body: Record<string, unknown>) => post(body, ctx.rootToken);

  beforeAll(async () => {
    ctx = await startTestApp('users_create');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    taken = await createUserWithToken(ctx, { username: unique('Taken'), email: `${unique('taken')}@example.org` });
  });
  afterAll(async () => ctx?.close());

  describe('caller tiers and check order', () => {
    it('anonymous with valid params: 401', async () => {
      const res = await post(fresh());
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('anonymous with no params: 401 before validation', async () => {
      const res = await post({});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('anonymous with invalid params: 401 before validation', async () => {
      const res = await post(fresh({ projects_limit: 'abc', bio: 'x'.repeat(300) }));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('a regular user sending {}: 400 params error, not 403', async () => {
      const res = await post({}, alice.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: REQUIRED_MESSAGE });
    });

    it('a regular user with a bad type: 400, not 403', async () => {
      const res = await post(fresh({ projects_limit: 'abc' }), alice.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'projects_limit is invalid' });
    });

    it('a regular user with valid params: 403', async () => {
      const res = await post(fresh(), alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('a regular user with invalid model values (too long bio): 403, the model is never reached', async () => {
      const res = await post(fresh({ bio: 'x'.repeat(256) }), alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('a regular user re-sending their own username and email: 403, not 409', async () => {
      const res = await post({ username: alice.username, email: alice.email, name: 'Me Again', password: PASSWORD }, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('a regular user creating another (existing) user: 403, not 409', async () => {
      const res = await post({ username: taken.username, email: taken.email, name: 'Other', password: PASSWORD }, alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('an admin token limited to read_user: 403 insufficient_scope', async () => {
      const admin = await createUserWithToken(ctx, { username: unique('readadmin'), admin: true }, ['read_user']);
      const res = await post(fresh(), admin.token);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
    });

    it('another admin (not root) may create users: 201 with created_by = that admin', async () => {
      const admin = await createUserWithToken(ctx, { username: unique('admin2'), admin: true });
      const res = await post(fresh(), admin.token);
      expect(res.status).toBe(201);
      expect(res.body.created_by).toMatchObject({ id: admin.id, username: admin.username, state: 'active', locked: false });
      // The creator's state is their moderation state, read with the user.
      await setAccountState(ctx, admin.id, 'blocked');
      const later = await ctx.http.get(`/api/v4/users/${res.body.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(later.body.created_by).toMatchObject({ id: admin.id, state: 'blocked' });
    });

    it('an admin with valid params: 201', async () => {
      const attrs = fresh();
      const res = await asAdmin(attrs);
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ username: attrs.username, email: attrs.email, name: attrs.name, state: 'active', is_admin: false });
      expect(res.body.created_by).toMatchObject({ id: 1, username: 'root' });
      const fetched = await ctx.http.get(`/api/v4/users/${res.body.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(fetched.status).toBe(200);
      expect(fetched.body.username).toBe(attrs.username);
    });
  });

  describe('Grape parameter errors (400 {"error"})', () => {
    it('{} lists every missing param in declaration order', async () => {
      const res = await asAdmin({});
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ error: REQUIRED_MESSAGE });
    });

    it.each([
      ['email', 'email is missing'],
      ['name', 'name is missing'],
      ['username', 'username is missing'],
      ['password', 'password, reset_password, force_random_password are missing, at least one parameter must be provided'],
    ])('without %s: %s', async (field, error) => {
      const body = fresh();
      delete body[field];
      const res = await asAdmin(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error });
    });

    it('email and name missing: joined in declaration order', async () => {
      const { email: _e, name: _n, ...body } = fresh();
      const res = await asAdmin(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'email is missing, name is missing' });
    });

    it.each([
      ['projects_limit', 'abc'],
      ['projects_limit', '1.5'],
      ['theme_id', 'dark'],
      ['color_scheme_id', 'x1'],
      ['admin', 'maybe'],
      ['external', 'perhaps'],
      ['can_create_group', 'sometimes'],
      ['private_profile', 'kinda'],
      ['skip_confirmation', 'nah'],
      ['reset_password', 'later'],
      ['name', { first: 'a' }],
      ['bio', ['a', 'b']],
    ])('%s=%j: "<param> is invalid"', async (field, value) => {
      const res = await asAdmin(fresh({ [field]: value }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: `${field} is invalid` });
    });

    it('two bad types are joined in declaration order', async () => {
      const res = await asAdmin(fresh({ theme_id: 'x', projects_limit: 'y' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'projects_limit is invalid, theme_id is invalid' });
    });

    it('extern_uid without provider: all or none', async () => {
      const res = await asAdmin(fresh({ extern_uid: '42' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'extern_uid, provider provide all or none of parameters' });
    });

    it('param errors come before conflicts: a taken email with a bad type is 400', async () => {
      const res = await asAdmin(fresh({ email: taken.email, projects_limit: 'abc' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'projects_limit is invalid' });
    });
  });

  describe('model validation errors (400 {"message":{attr:[...]}})', () => {
    it.each([
      ['a weak password', { password: 'password' }, { password: ['must not contain commonly used combinations of words and letters'] }],
      ['a short password', { password: 'Sh0rt!' }, { password: ['is too short (minimum is 8 characters)'] }],
      ['a 129-char password', { password: `Aa1!${'x9'.repeat(62)}yz#` }, { password: ['is too long (maximum is 128 characters)'] }],
      ['reset_password=false alone', { password: undefined, reset_password: false }, { password: ["can't be blank"] }],
      ['a bio of 256 chars', { bio: 'b'.repeat(256) }, { bio: ['is too long (maximum is 255 characters)'] }],
      ['a name of 256 chars', { name: 'n'.repeat(256) }, { name: ['is too long (maximum is 255 characters)'] }],
      ['theme_id=50', { theme_id: 50 }, { theme_id: ['50 is not a valid theme'] }],
      ['color_scheme_id=50', { color_scheme_id: 50 }, { color_scheme_id: ['50 is not a valid color scheme'] }],
      ['projects_limit=-1', { projects_limit: -1 }, { projects_limit: ['must be greater than or equal to 0'] }],
      ['an invalid email', { email: 'not-an-email' }, { email: ['is invalid'] }],
      ['a discord id that is not 17-20 digits', { discord: 'abc' }, { discord: ['must contain only a discord user ID.'] }],
      ['a linkedin of 501 chars', { linkedin: 'l'.repeat(501) }, { linkedin: ['is too long (maximum is 500 characters)'] }],
      ['a username with !', { username: 'test!' }, { username: [USERNAME_PATH_MESSAGE, USERNAME_OCI_MESSAGE] }],
      ['the reserved username admin', { username: 'admin' }, { username: ['admin is a reserved name'] }],
      ['the reserved username Help (any case)', { username: 'Help' }, { username: ['Help is a reserved name'] }],
      ['a username ending in .json', { username: `${unique('file')}.json` }, { username: ['ending with a reserved file extension is not allowed.'] }],
    ])('%s', async (_label, extra, message) => {
      const body = fresh();
      for (const [key, value] of Object.entries(extra)) {
        if (value === undefined) delete body[key];
        else body[key] = value;
      }
      const res = await asAdmin(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message });
    });

    it('a bio of exactly 255 chars is accepted', async () => {
      const res = await asAdmin(fresh({ bio: 'b'.repeat(255) }));
      expect(res.status).toBe(201);
      expect(res.body.bio).toHaveLength(255);
    });

    it('a failed create leaves no user behind', async () => {
      const body = fresh({ theme_id: 50 });
      expect((await asAdmin(body)).status).toBe(400);
      const res = await ctx.http.get('/api/v4/users').query({ username: body.username as string }).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.body).toEqual([]);
    });

    it.each([['username'], ['email'], ['name']])('a JSON null %s: a clean 400, never 500', async (field) => {
      const res = await asAdmin(fresh({ [field]: null }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(JSON.stringify(res.body)).toContain(field);
    });

    it.each([['username'], ['email'], ['name']])('an empty %s: 400, never 500', async (field) => {
      const res = await asAdmin(fresh({ [field]: '' }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
    });
  });

  describe('conflicts (409)', () => {
    it('a taken email: 409 Email has already been taken', async () => {
      const res = await asAdmin(fresh({ email: taken.email }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Email has already been taken' });
    });

    it('a taken email in another case: 409', async () => {
      const res = await asAdmin(fresh({ email: taken.email.toUpperCase() }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Email has already been taken' });
    });

    it('a taken username in another case: 409 Username has already been taken', async () => {
      const res = await asAdmin(fresh({ username: taken.username.toLowerCase() }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Username has already been taken' });
    });

    it('both taken: the email is reported', async () => {
      const res = await asAdmin(fresh({ email: taken.email, username: taken.username }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Email has already been taken' });
    });

    it('a conflict wins over model errors (taken email and a too long bio)', async () => {
      const res = await asAdmin(fresh({ email: taken.email, bio: 'x'.repeat(300) }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ message: 'Email has already been taken' });
    });
  });

  describe('defaults and side rules', () => {
    it('defaults: not admin, not external, public profile, empty profile texts, 100000 projects, unconfirmed', async () => {
      const res = await asAdmin(fresh());
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        is_admin: false,
        external: false,
        private_profile: false,
        can_create_group: true,
        can_create_project: true,
        projects_limit: 100000,
        bio: '',
        location: '',
        skype: '',
        linkedin: '',
        twitter: '',
        discord: '',
        website_url: '',
        organization: '',
        job_title: '',
        public_email: null,
        note: null,
        pronouns: null,
        identities: [],
        confirmed_at: null,
        two_factor_enabled: false,
        state: 'active',
        locked: false,
      });
      expect(typeof res.body.namespace_id).toBe('number');
    });

    it('skip_confirmation=true sets confirmed_at', async () => {
      const res = await asAdmin(fresh({ skip_confirmation: true }));
      expect(res.status).toBe(201);
      expect(typeof res.body.confirmed_at).toBe('string');
      expect(Number.isNaN(Date.parse(res.body.confirmed_at))).toBe(false);
    });

    it('skip_confirmation=false leaves the user unconfirmed', async () => {
      const res = await asAdmin(fresh({ skip_confirmation: false }));
      expect(res.status).toBe(201);
      expect(res.body.confirmed_at).toBeNull();
    });

    it('external=true forces can_create_group=false and projects_limit=0', async () => {
      const res = await asAdmin(fresh({ external: true, can_create_group: true, projects_limit: 10 }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ external: true, can_create_group: false, projects_limit: 0, can_create_project: false });
    });

    it('private_profile=true is kept; explicit null means the default (false)', async () => {
      const priv = await asAdmin(fresh({ private_profile: true }));
      expect(priv.status).toBe(201);
      expect(priv.body.private_profile).toBe(true);
      const nul = await asAdmin(fresh({ private_profile: null }));
      expect(nul.status).toBe(201);
      expect(nul.body.private_profile).toBe(false);
    });

    it('pronouns and commit_email are ignored on create', async () => {
      const attrs = fresh({ pronouns: 'they/them', commit_email: 'other@example.org' });
      const res = await asAdmin(attrs);
      expect(res.status).toBe(201);
      expect(res.body.pronouns).toBeNull();
      expect(res.body.commit_email).toBe(attrs.email);
    });

    it('optional attributes are stored', async () => {
      const res = await asAdmin(
        fresh({
          admin: true,
          bio: 'Hello',
          location: 'Paris',
          skype: 'sk',
          linkedin: 'li',
          twitter: 'tw',
          discord: '12345678901234567',
          website_url: 'https://example.org',
          organization: 'ACME',
          note: 'a note',
          theme_id: 2,
          color_scheme_id: 4,
          projects_limit: 7,
          can_create_group: false,
          view_diffs_file_by_file: true,
        }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        is_admin: true,
        bio: 'Hello',
        location: 'Paris',
        skype: 'sk',
        linkedin: 'li',
        twitter: 'tw',
        discord: '12345678901234567',
        website_url: 'https://example.org',
        organization: 'ACME',
        work_information: 'ACME',
        note: 'a note',
        theme_id: 2,
        color_scheme_id: 4,
        projects_limit: 7,
        can_create_group: false,
      });
    });

    it('extern_uid and provider become an identity', async () => {
      const res = await asAdmin(fresh({ extern_uid: 'uid-1', provider: 'github' }));
      expect(res.status).toBe(201);
      expect(res.body.identities).toEqual([{ provider: 'github', extern_uid: 'uid-1' }]);
    });

    it('HTML tags in the name are replaced by -', async () => {
      const res = await asAdmin(fresh({ name: '<b>Bold</b> Name' }));
      expect(res.status).toBe(201);
      expect(res.body.name).toBe('-Bold- Name');
    });

    it('reset_password=true without a password: 201', async () => {
      const { password: _p, ...body } = fresh({ reset_password: true });
      const res = await asAdmin(body);
      expect(res.status).toBe(201);
    });

    it('force_random_password=true without a password: 201', async () => {
      const { password: _p, ...body } = fresh({ force_random_password: true });
      const res = await asAdmin(body);
      expect(res.status).toBe(201);
    });

    it('force_random_password wins over a weak password', async () => {
      const res = await asAdmin(fresh({ password: 'password', force_random_password: true }));
      expect(res.status).toBe(201);
    });

    it('the username keeps its case; web_url uses it', async () => {
      const username = unique('MixedCase');
      const res = await asAdmin(fresh({ username }));
      expect(res.status).toBe(201);
      expect(res.body.username).toBe(username);
      expect(res.body.web_url).toBe(`http://gitlab.test/${username}`);
    });
  });
});
