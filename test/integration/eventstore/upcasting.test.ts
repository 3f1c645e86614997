import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AUDIT_RECONCILE_SUBSCRIPTION_ID, AuditWorker } from '../../../libs/activity/src/index.js';
import { EventStore, ProjectionRebuilder } from '../../../libs/eventstore/src/index.js';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** Metadata as the service recorded it for a request by root. */
const LEGACY_METADATA = {
  actor_id: 1,
  actor_username: 'root',
  actor_name: 'Administrator',
  impersonator_id: null,
  ip: '10.1.2.3',
  user_agent: 'curl/7',
  request_id: 'legacy-request',
  correlation_id: 'legacy-request',
  causation_id: null,
};
const LEGACY_UPDATED_AT = '2026-03-04T05:06:07.000Z';
const LEGACY_EXPIRES_AT = '2026-03-04T05:06:07.000Z';

interface AuditRow {
  event_name: string;
  author_id: string;
  details: Record<string, unknown>;
}

/**
 * Databases hold events written before a schema changed: `identity.user_updated` v1 (one bag of
 * changes, since split into intent-named events) and `credentials.personal_access_token_created`
 * v1 (without the owner's username). Rows written by SQL exactly as the service once wrote them
 * must load, rebuild, decide and audit as the current events do.
 */
describe('upcasting: stored v1 events are read as the current events', () => {
  let ctx: TestContext;
  let user: CreatedUser;
  let renamed: string;
  let newEmail: string;
  let uid: string;
  let legacyUpdateId: string;
  let legacyTokenEventId: string;
  let legacyTokenId: number;
  let legacyVersion: number;

  /** Appends a raw row to a stream, bumping the stream's version as an append does. */
  async function appendRaw(streamId: string, type: string, schemaVersion: number, data: unknown): Promise<{ eventId: string; version: number }> {
    return ctx.db.transaction(async (tx) => {
      const [{ version }] = await tx.query<{ version: string }>('UPDATE es_streams SET version = version + 1 WHERE stream_id = $1 RETURNING version', [streamId]);
      const [{ event_id: eventId }] = await tx.query<{ event_id: string }>(
        `INSERT INTO es_events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::jsonb, $6::jsonb) RETURNING event_id::text`,
        [streamId, version, type, schemaVersion, JSON.stringify(data), JSON.stringify(LEGACY_METADATA)],
      );
      return { eventId, version: Number(version) };
    });
  }

  const auditRowsOf = (eventId: string) =>
    ctx.db.query<AuditRow>('SELECT event_name, author_id::text, details FROM activity.audit_events WHERE source_event_id = $1 ORDER BY id', [eventId]);

  beforeAll(async () => {
    ctx = await startTestApp('es_upcasting');
    user = await createUserWithToken(ctx, { bio: 'before' });
    renamed = unique('renamed');
    newEmail = `${renamed}@example.org`;
    uid = unique('gh');
    // What the single update event recorded for a PUT of name, admin, email (skip_reconfirmation),
    // username, bio, theme_id, an identity and a password, by root for another user.
    const update = await appendRaw(`identity.user-${user.id}`, 'identity.user_updated', 1, {
      id: user.id,
      username: renamed,
      changes: { bio: 'from v1', name: 'Legacy Name', admin: true, email: newEmail, theme_id: 2, username: renamed },
      previous: { bio: 'before', name: `Name ${user.username}`, admin: false, email: user.email, theme_id: 3, username: user.username },
      identities: [{ provider: 'github', extern_uid: uid }],
      password_changed: true,
      password_expires_at: LEGACY_EXPIRES_AT,
      updated_at: LEGACY_UPDATED_AT,
    });
    legacyUpdateId = update.eventId;
    legacyVersion = update.version;
    const [{ id }] = await ctx.db.query<{ id: string }>("SELECT nextval('credentials.personal_access_tokens_id_seq') AS id");
    legacyTokenId = Number(id);
    const token = await appendRaw(`credentials.user-${user.id}`, 'credentials.personal_access_token_created', 1, {
      id: legacyTokenId,
      user_id: user.id,
      name: 'legacy',
      description: null,
      scopes: ['read_api'],
      expires_at: '2027-01-01',
      token_digest: 'legacy-digest',
      created_at: LEGACY_UPDATED_AT,
    });
    legacyTokenEventId = token.eventId;
  });
  afterAll(async () => ctx?.close());

  it('loading the stream gives the intent-named events in place of the v1 update, at its position and version', async () => {
    const { version, events } = await ctx.api.get(EventStore).readStream(`identity.user-${user.id}`);

    expect(version).toBe(legacyVersion);
    expect(events.some((event) => event.type === 'identity.user_updated')).toBe(false);
    const split = events.filter((event) => event.eventId === legacyUpdateId);
    expect(split.map((event) => event.type)).toEqual([
      'identity.user_name_changed',
      'identity.user_admin_changed',
      'identity.user_email_changed',
      'identity.user_username_changed',
      'identity.user_password_changed',
      'identity.user_profile_updated',
    ]);
    expect(split.every((event) => event.streamVersion === legacyVersion && event.schemaVersion === 1)).toBe(true);
    expect(split[2].data).toEqual({
      id: user.id,
      username: renamed,
      email: { from: user.email, to: newEmail },
      unconfirmed_email: null,
      updated_at: LEGACY_UPDATED_AT,
    });
    expect(split[5].data).toEqual({
      id: user.id,
      username: renamed,
      changes: { bio: { from: 'before', to: 'from v1' }, theme_id: { from: 3, to: 2 } },
      identities: [{ provider: 'github', extern_uid: uid }],
      updated_at: LEGACY_UPDATED_AT,
    });
  });

  it('reading by event id gives the split events, and the v1 token event as v2 with no username', async () => {
    const store = ctx.api.get(EventStore);

    expect((await store.readByEventId(legacyUpdateId)).map((event) => event.type)).toHaveLength(6);
    const [token] = await store.readByEventId(legacyTokenEventId);
    expect(token).toMatchObject({ type: 'credentials.personal_access_token_created', schemaVersion: 2, eventId: legacyTokenEventId });
    expect(token.data).toMatchObject({ id: legacyTokenId, user_id: user.id, username: null, name: 'legacy' });
  });

  it('rebuilding the projections applies the v1 events: users, identities, token owners and tokens', async () => {
    const rebuilder = ctx.api.get(ProjectionRebuilder);
    for (const name of ['identity.users', 'credentials.token_owners', 'credentials.personal_access_tokens']) await rebuilder.rebuild(name);

    const [row] = await ctx.db.query<Record<string, unknown>>(
      `SELECT username, name, admin, email, unconfirmed_email, bio, theme_id, password_expires_at, updated_at, stream_version::int AS stream_version
         FROM identity.users WHERE id = $1`,
      [user.id],
    );
    expect(row).toEqual({
      username: renamed,
      name: 'Legacy Name',
      admin: true,
      email: newEmail,
      unconfirmed_email: null,
      bio: 'from v1',
      theme_id: 2,
      password_expires_at: new Date(LEGACY_EXPIRES_AT),
      updated_at: new Date(LEGACY_UPDATED_AT),
      stream_version: legacyVersion,
    });
    expect(await ctx.db.query('SELECT provider, extern_uid FROM identity.user_identities WHERE user_id = $1', [user.id])).toEqual([{ provider: 'github', extern_uid: uid }]);
    expect(await ctx.db.query('SELECT username, name, admin FROM credentials.token_owners WHERE user_id = $1', [user.id])).toEqual([
      { username: renamed, name: 'Legacy Name', admin: true },
    ]);
    expect(await ctx.db.query('SELECT name, scopes FROM credentials.personal_access_tokens WHERE id = $1', [legacyTokenId])).toEqual([{ name: 'legacy', scopes: ['read_api'] }]);

    const shown = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ username: renamed, name: 'Legacy Name', bio: 'from v1', is_admin: true });
  });

  it('a write after the v1 event decides on the folded state and appends at the next version', async () => {
    const res = await ctx.http.put(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ bio: 'after' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: renamed, name: 'Legacy Name', bio: 'after' });

    const events = await ctx.db.query<{ event_type: string; stream_version: string; data: { changes: unknown } }>(
      'SELECT event_type, stream_version, data FROM es_events WHERE stream_id = $1 AND stream_version > $2',
      [`identity.user-${user.id}`, legacyVersion],
    );
    expect(events).toEqual([{ event_type: 'identity.user_profile_updated', stream_version: String(legacyVersion + 1), data: expect.objectContaining({ changes: { bio: { from: 'from v1', to: 'after' } } }) }]);
  });

  it('the audit worker writes the rows of the v1 events as the current mappings do', async () => {
    await ctx.startWorker();
    const rows = await eventually(async () => {
      const found = await auditRowsOf(legacyUpdateId);
      return found.length >= 6 ? found : undefined;
    }, 20_000, 'the audit rows of the v1 update');
    const common = { author_id: '1' };
    const envelope = { author_name: 'Administrator', author_class: 'User', target_id: user.id, target_type: 'User', target_details: renamed, entity_path: renamed, ip_address: '10.1.2.3', request_id: 'legacy-request' };
    const byName = Object.fromEntries(rows.map((row) => [row.event_name, row]));

    expect(Object.keys(byName).sort()).toEqual(
      ['user_admin_status_updated', 'user_email_address_updated', 'user_name_updated', 'user_password_updated', 'user_settings_updated', 'user_username_updated'],
    );
    expect(byName.user_name_updated).toMatchObject({
      ...common,
      details: { ...envelope, change: 'name', from: `Name ${user.username}`, to: 'Legacy Name', custom_message: `Changed name from Name ${user.username} to Legacy Name` },
    });
    expect(byName.user_admin_status_updated.details).toMatchObject({ change: 'admin', from: 'false', to: 'true' });
    expect(byName.user_email_address_updated.details).toMatchObject({ change: 'email', from: user.email, to: newEmail });
    expect(byName.user_username_updated.details).toMatchObject({ change: 'username', from: user.username, to: renamed });
    expect(byName.user_password_updated.details).toEqual({ ...envelope, event_name: 'user_password_updated', change: 'password', custom_message: 'Password changed' });
    expect(byName.user_settings_updated.details).toEqual({
      ...envelope,
      event_name: 'user_settings_updated',
      changes: { bio: { from: 'before', to: 'from v1' }, theme_id: { from: 3, to: 2 }, identities: { from: null, to: [{ provider: 'github', extern_uid: uid }] } },
      custom_message: 'Changed bio, theme_id, identities',
    });

    // A v1 token event names its owner as user-<id>; a token created now, by username.
    const [legacyToken] = await eventually(async () => {
      const found = await auditRowsOf(legacyTokenEventId);
      return found.length ? found : undefined;
    }, 20_000, 'the audit row of the v1 token event');
    expect(legacyToken.details).toMatchObject({ target_details: `user-${user.id}`, entity_path: `user-${user.id}`, token_id: legacyTokenId, token_name: 'legacy' });
    // The audit worker runs jobs concurrently, so the older event's row may land after the v1 one's.
    const [current] = await eventually(async () => {
      const found = await ctx.db.query<{ details: Record<string, unknown> }>(
        "SELECT details FROM activity.audit_events WHERE event_name = 'personal_access_token_created' AND entity_id = $1 AND source_event_id <> $2",
        [user.id, legacyTokenEventId],
      );
      return found.length ? found : undefined;
    }, 20_000, 'the audit row of the current token event');
    expect(current.details).toMatchObject({ target_details: user.username, entity_path: user.username, token_name: 'test' });
  });

  it('reconciliation finds a v1 event by its stored type and writes its rows again', async () => {
    await ctx.db.query('DELETE FROM activity.audit_events WHERE source_event_id = $1', [legacyUpdateId]);
    // Runs read only the log after their checkpoint, which has passed this event: start it again, as after a restore.
    await ctx.db.query('DELETE FROM es_subscriptions WHERE subscription_id = $1', [AUDIT_RECONCILE_SUBSCRIPTION_ID]);

    expect(await ctx.api.get(AuditWorker).reconcile(0)).toBe(6);
    expect((await auditRowsOf(legacyUpdateId)).map((row) => row.event_name).sort()).toEqual(
      ['user_admin_status_updated', 'user_email_address_updated', 'user_name_updated', 'user_password_updated', 'user_settings_updated', 'user_username_updated'],
    );
  });
});
