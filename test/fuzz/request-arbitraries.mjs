// fast-check arbitraries of HTTP requests, generated from the service's own OpenAPI document.
// Plain ESM (no build step) so that the jest fuzz tier and bench/fuzz.mjs share one generator.
import fc from 'fast-check';

/**
 * Values that broke services like this one: NUL, lone surrogates, control characters, escapes
 * that do not decode, ids past bigint, numbers as text that are not integers, injection-looking text.
 */
const NASTY_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'a\udfffb', '\ud83d', '\r\n', '\t', '\u001f\u007f', '\u202e', '\ufeff', '😀', 'é',
  '%', '%00', '%zz', '%ED%A0%80', '..', '../../etc/passwd', "'; DROP TABLE users; --", '<script>alert(1)</script>', '${7*7}',
  'null', 'undefined', 'true', 'NaN', '-0', '1e3', '0x10', '1.5', '-1', '0', '9223372036854775807', '9223372036854775808',
  '99999999999999999999', '18446744073709551616', 'root', 'ghost', 'Root', '[]', '{}', '[object Object]', '__proto__', 'constructor',
];
const LONG_STRINGS = ['x'.repeat(256), 'é'.repeat(300), 'a'.repeat(2100), '9'.repeat(400), '\u0000'.repeat(50), 'x'.repeat(20_000)];

/** Ids as the path, a query or a body may carry them: valid-looking, out of range, or not ids at all. */
const ODD_IDS = ['0', '-1', '1.5', '1e3', '+1', '%201', '9007199254740993', '9223372036854775807', '9223372036854775808', '99999999999999999999', '9'.repeat(400), 'abc', '%00', '%ED%A0%80', '%', '1%00'];

const weirdString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...LONG_STRINGS) },
  // Random, so incompressible: PostgreSQL compresses 'x'.repeat(3000) below its index entry limit.
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 2_800, maxLength: 3_200 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom('\ud800', '\u0000', '\udc00'), fc.string({ maxLength: 6 })).map((parts) => parts.join('')) },
);

/** Any JSON-ish value, nested a little: wrong types for every declared type. */
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    weirdString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER, 1e21, 1.5, -0),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(weirdString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const email = fc.stringMatching(/^[a-z][a-z0-9._-]{0,12}@(example\.org|example\.com)$/);
const dateTime = fc.date({ min: new Date('1999-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
const DAY_MS = 86_400_000;

/**
 * Valid values for parameters whose name says what they hold, so that plausible requests get past
 * validation and reach the handlers (hostile values come from anyValue).
 */
const VALID_BY_NAME = {
  email,
  // Only verified addresses are accepted here, and a new user has none but the primary one.
  public_email: fc.constant(''),
  commit_email: fc.constant(''),
  username: fc.oneof({ weight: 9, arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{2,16}$/) }, { weight: 1, arbitrary: fc.constant('root') }),
  name: fc.string({ minLength: 1, maxLength: 30 }),
  password: fc.constantFrom('Vq8!zR2#long-enough', 'Correct-Horse-42-battery'),
  discord: fc.oneof(fc.stringMatching(/^[0-9]{17,20}$/), fc.constant('')),
  website_url: fc.constantFrom('https://example.org', 'http://example.com/x', ''),
  provider: fc.constantFrom('github', 'google_oauth2', 'ldapmain'),
  // Often the same few, so that two users claim one identity.
  extern_uid: fc.oneof(fc.stringMatching(/^[0-9]{1,8}$/), fc.constantFrom('42', 'UID-42', 'uid-42')),
  // Tokens expire within a year at most: a date in the next 300 days, or today.
  expires_at: fc.nat({ max: 300 }).map((days) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10)),
  theme_id: fc.integer({ min: 1, max: 11 }),
  color_scheme_id: fc.integer({ min: 1, max: 6 }),
  projects_limit: fc.integer({ min: 0, max: 100_000 }),
  per_page: fc.integer({ min: 1, max: 100 }),
  page: fc.integer({ min: 1, max: 5 }),
  entity_id: fc.integer({ min: 1, max: 60 }),
  pagination: fc.constantFrom('keyset', 'offset'),
  // Cursors as we issue them (base64url JSON of the ordering column and the id), with odd payloads too.
  cursor: fc
    .record({ id: fc.oneof(fc.nat({ max: 100 }), fc.constantFrom('9223372036854775807', '1e3', -1)), name: weirdString, username: weirdString, updated_at: fc.constantFrom('2024-01-02 03:04:05.123456+00', '2024-02-30 00:00:00', 'x') }, { requiredKeys: ['id'] })
    .map((payload) => Buffer.from(JSON.stringify(payload)).toString('base64url')),
};

/** `arbitrary` one time in four, otherwise `otherwise`. */
const rarely = (arbitrary, otherwise) => fc.oneof({ weight: 3, arbitrary: fc.constant(otherwise) }, { weight: 1, arbitrary });

/** A valid-looking value for one OpenAPI schema. */
function validValue(name, schema) {
  if (VALID_BY_NAME[name]) return VALID_BY_NAME[name];
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'integer':
      return fc.oneof(fc.integer({ min: -3, max: 50 }), fc.integer({ min: 0, max: 50 }).map(String));
    case 'boolean':
      return fc.constantFrom(true, false, 'true', 'false', 'True', '1', '0', 'yes', 'no', '');
    case 'array':
      return schema.items?.enum ? fc.subarray(schema.items.enum, { minLength: 1, maxLength: Math.min(4, schema.items.enum.length) }) : fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 });
    case 'object':
      return fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 });
    default:
      if (schema.format === 'date-time') return dateTime.map((date) => date.toISOString());
      if (schema.format === 'date') return dateTime.map((date) => date.toISOString().slice(0, 10));
      if (schema.format === 'binary') return fileValue;
      return fc.string({ maxLength: 30 });
  }
}

/** A file part: an image extension or not, bytes that may or may not be an image, names that may hurt. */
const fileValue = fc.record({
  file: fc.record({
    filename: fc.oneof(fc.constantFrom('a.png', 'avatar.jpg', 'x.gif', 'no-extension', '../../x.png', 'a"b.png', 'é😀.png', 'a\u0000.png', '.png', ''), weirdString),
    contentType: fc.constantFrom('image/png', 'application/octet-stream', 'text/plain', ''),
    bytes: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(new Uint8Array(210 * 1024))),
  }),
});

/**
 * The group rules a request body's description states (`Parameter rules: at least one of: a, b;
 * all or none of: c, d.`, written by the OpenAPI builder from the same declarations).
 */
export function bodyRules(description = '') {
  const text = /Parameter rules: (.*)\.$/.exec(description)?.[1] ?? '';
  return text
    .split('; ')
    .filter((rule) => rule !== '')
    .map((rule) => {
      const [kind, params] = rule.split(': ');
      return { kind, params: params.split(', ') };
    });
}

/** Which params a plausible request sends: the required ones, some optional ones, and the group rules kept. */
function keepRules(present, rules) {
  const sent = { ...present };
  for (const { kind, params } of rules) {
    if (kind === 'at least one of' && !params.some((name) => sent[name])) sent[params[0]] = true;
    if (kind === 'all or none of') for (const name of params) sent[name] = sent[params[0]];
    if (kind === 'mutually exclusive') for (const name of params.slice(1)) sent[name] = false;
  }
  return sent;
}

/**
 * Values for declared parameters. Plausible: the required ones and a few optional ones, all valid and
 * within the group rules (so writes get through and reach the database). Hostile: each one absent,
 * valid, or anything at all.
 */
function paramValues(parameters, rules = []) {
  const values = fc.record(Object.fromEntries(parameters.map(({ name, schema }) => [name, validValue(name, schema)])));
  const present = fc.record(Object.fromEntries(parameters.map(({ name, required }) => [name, required ? fc.constant(true) : fc.nat({ max: 3 }).map((n) => n === 0)])));
  const plausible = fc.tuple(values, present).map(([valid, sent]) => {
    const kept = keepRules(sent, rules);
    return Object.fromEntries(parameters.map(({ name }) => [name, kept[name] ? valid[name] : undefined]));
  });
  const hostile = parameters.map(({ name, schema }) => [
    name,
    fc.option(fc.oneof({ weight: 3, arbitrary: validValue(name, schema) }, { weight: 1, arbitrary: anyValue }), { nil: undefined, freq: 2 }),
  ]);
  return fc.oneof({ weight: 2, arbitrary: plausible }, { weight: 1, arbitrary: fc.record(Object.fromEntries(hostile)) });
}

/** Now and then, parameters no operation declares, and ones every operation reads (pagination, sudo) sent where they do not belong. */
const extraParams = rarely(fc.dictionary(
  fc.oneof(fc.constantFrom('page', 'per_page', 'sudo', 'private_token', 'pagination', 'cursor', 'order_by', 'id', 'a[b][c][d][e][f][g]', 'x[]', '__proto__', 'constructor'), weirdString),
  anyValue,
  { minKeys: 1, maxKeys: 3 },
), {});

/** How many victim users the fixtures keep alive for writes (fuzz-session.mjs recreates deleted ones). */
export const VICTIMS = 16;

/**
 * Ids for path parameters. Writes never name root or the regular user, not even as a raw number
 * (ODD_IDS has no plain small id), so root is never deleted or demoted mid-run: they go to victims.
 */
function idArbitrary(write) {
  const victim = fc.nat({ max: VICTIMS - 1 }).map((index) => ({ fixture: 'victim', index }));
  if (write) return fc.oneof({ weight: 5, arbitrary: victim }, { weight: 2, arbitrary: fc.constantFrom(...ODD_IDS) });
  const anyone = fc.oneof(fc.constantFrom({ fixture: 'root' }, { fixture: 'user' }), victim, fc.integer({ min: 1, max: 80 }).map(String), fc.constant('007'));
  return fc.oneof({ weight: 5, arbitrary: anyone }, { weight: 2, arbitrary: fc.constantFrom(...ODD_IDS) });
}

const textSegment = fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[a-z_]{1,12}$/) }, { weight: 2, arbitrary: weirdString.map(percentEncode) }, { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%ED%A0%80', '%00', 'a.png') });

/** encodeURIComponent, except that a lone surrogate becomes the (invalid) UTF-8 bytes a broken client would send. */
export function percentEncode(text) {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0);
    if (code >= 0xd800 && code <= 0xdfff) out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(char);
  }
  return out;
}

/** `name=value` pairs the way Rack and qs read them: arrays as `name[]`, hashes as `name[key]`. */
export function formPairs(name, value, pairs = []) {
  if (value === undefined) return pairs;
  if (Array.isArray(value)) for (const item of value) formPairs(`${name}[]`, item, pairs);
  else if (value !== null && typeof value === 'object' && !('file' in value)) for (const [key, item] of Object.entries(value)) formPairs(`${name}[${key}]`, item, pairs);
  else pairs.push([name, value === null ? '' : typeof value === 'object' ? '[file]' : String(value)]);
  return pairs;
}

export const encodePairs = (pairs) => pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');

/** How a write sends its parameters, including bodies that cannot be read. */
const BODY_ENCODINGS = ['json', 'json', 'json', 'form', 'form', 'multipart', 'multipart', 'query', 'broken-json', 'json-array', 'json-scalar', 'json-duplicate-keys', 'broken-multipart', 'multipart-no-boundary', 'text', 'xml', 'gzip-junk', 'odd-charset', 'none'];

/** Who sends the request (admins most often: their writes reach the deepest code), and how the token travels. */
const ROLES = ['anonymous', 'user', 'user', 'admin', 'admin', 'admin', 'admin-sudo', 'bad-token'];

/** Headers that must not matter, and some that do (Sudo, If-Unmodified-Since, X-Request-Id). */
const extraHeaders = fc.record(
  {
    'If-Unmodified-Since': fc.constantFrom('Wed, 21 Oct 2015 07:28:00 GMT', 'garbage', '0', 'Thu, 01 Jan 2099 00:00:00 GMT'),
    'X-Request-Id': fc.constantFrom('fuzz-1', 'x'.repeat(200), 'has spaces', '<id>'),
    Accept: fc.constantFrom('application/xml', '*/*', 'text/html'),
  },
  { requiredKeys: [] },
);

const sudoValue = fc.oneof(
  fc.constantFrom({ fixture: 'user' }, { fixture: 'root' }, { fixture: 'user-name' }, { fixture: 'victim', index: 1 }),
  fc.constantFrom(...ODD_IDS),
  weirdString.filter((text) => /^[\x21-\x7e]*$/.test(text)),
);

/**
 * One request template per run: an operation from the document (or, rarely, a route or method it
 * does not have), a role, path and query parameters, maybe a body, maybe extra headers. Fixture ids
 * (`{ fixture: 'victim', index }`) are resolved when the request is sent (fuzz-session.mjs), since
 * victims are deleted and recreated along the way.
 */
export function requestArbitrary(document) {
  const operations = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) operations.push({ path, method: method.toUpperCase(), operation });
  }
  const perOperation = operations.map(({ path, method, operation }) => {
    const write = method !== 'GET';
    const pathParams = (operation.parameters ?? []).filter((param) => param.in === 'path');
    const queryParams = (operation.parameters ?? []).filter((param) => param.in === 'query');
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    const bodyParams = bodySchema ? Object.entries(bodySchema.properties ?? {}).map(([name, schema]) => ({ name, schema, required: (bodySchema.required ?? []).includes(name) })) : [];
    const segments = Object.fromEntries(pathParams.map((param) => [param.name, param.schema.type === 'integer' ? idArbitrary(write) : textSegment]));
    return fc.record({
      operation: fc.constant(operation.operationId),
      method: fc.constant(method),
      template: fc.constant(path),
      pathValues: fc.record(segments),
      query: paramValues(queryParams),
      body: paramValues(bodyParams, bodyRules(operation.requestBody?.description)),
      extra: extraParams,
      encoding: fc.constantFrom(...(write ? BODY_ENCODINGS : ['query', 'query', 'query', 'json'])),
      role: fc.constantFrom(...ROLES),
      tokenIn: fc.constantFrom('header', 'header', 'bearer', 'query'),
      sudo: rarely(fc.record({ in: fc.constantFrom('header', 'query'), value: sudoValue }), undefined),
      duplicate: rarely(fc.constant(true), false),
      headers: extraHeaders,
    });
  });
  const offTheMap = fc.record({
    operation: fc.constant('(undocumented)'),
    method: fc.constantFrom('GET', 'POST', 'PATCH', 'OPTIONS', 'DELETE'),
    template: fc.constantFrom('/api/v4/nope', '/api/v4/users/{id}/nope', '/api/v3/users', '/api/v4/users/{id}', '/api/v4/user/{id}', '/%00', '/api/v4/%ED%A0%80'),
    pathValues: fc.record({ id: idArbitrary(true) }),
    query: fc.constant({}),
    body: fc.constant({}),
    extra: extraParams,
    encoding: fc.constantFrom('json', 'query', 'broken-json'),
    role: fc.constantFrom(...ROLES),
    tokenIn: fc.constant('header'),
    sudo: fc.constant(undefined),
    duplicate: fc.boolean(),
    headers: extraHeaders,
  });
  return fc.oneof({ weight: 20, arbitrary: fc.oneof(...perOperation) }, { weight: 1, arbitrary: offTheMap });
}

/** Every operation of the document, as `METHOD /path` with its operationId (to check that each was exercised). */
export function operationIds(document) {
  return Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
}
