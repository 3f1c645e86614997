// Turns generated request templates into real HTTP requests against a running service, keeps the
// fixtures they name alive, and tallies what came back. Shared by test/fuzz and bench/fuzz.mjs.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { encodePairs, formPairs, VICTIMS } from './request-arbitraries.mjs';

const PASSWORD = 'Vq8!zR2#long-enough';
const BAD_TOKEN = 'glpat-this-token-does-not-exist';

/** One request as sent. */
function describeRequest(request) {
  const body = request.body === undefined ? '' : ` body(${request.body.length} bytes): ${String(request.body).slice(0, 300)}`;
  return `${request.method} ${request.path.slice(0, 400)} headers=${JSON.stringify(request.headers).slice(0, 300)}${body}`;
}

export class FuzzSession {
  /** @param {{ port: number, rootToken: string, label?: string }} options */
  constructor({ port, rootToken, label = 'fuzz' }) {
    this.port = port;
    this.rootToken = rootToken;
    this.label = label;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.user = null;
    this.victims = [];
    this.requests = 0;
    this.statuses = new Map();
    this.operations = new Map();
    /** Responses that broke the contract, with the request that caused them (the first 50). */
    this.failures = [];
    this.failureCount = 0;
  }

  /** The regular user (with an `api` token) and the victims that admin writes may change or delete. */
  async setUp() {
    this.user = await this.createUser('user');
    this.user.token = await this.createToken(this.user.id);
    for (let index = 0; index < VICTIMS; index++) this.victims.push(await this.createUser(`victim${index}`));
  }

  async createUser(kind) {
    const username = `${this.label}-${kind}-${randomBytes(4).toString('hex')}`;
    const res = await this.raw({
      method: 'POST',
      path: '/api/v4/users',
      headers: { 'PRIVATE-TOKEN': this.rootToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@example.org`, name: `Fuzz ${kind}`, password: PASSWORD, skip_confirmation: true }),
    });
    if (res.status !== 201) throw new Error(`creating the fixture ${username} failed: ${res.status} ${res.text}`);
    return { id: res.body.id, username };
  }

  async createToken(userId) {
    return (await this.issueToken(userId)).token;
  }

  async issueToken(userId) {
    const res = await this.raw({
      method: 'POST',
      path: `/api/v4/users/${userId}/personal_access_tokens`,
      headers: { 'PRIVATE-TOKEN': this.rootToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'fuzz', scopes: ['api'] }),
    });
    if (res.status !== 201) throw new Error(`a token for user ${userId} failed: ${res.status} ${res.text}`);
    return { id: res.body.id, token: res.body.token };
  }

  /**
   * Revoking or rotating a token (`DELETE /personal_access_tokens/…`, `…/rotate`) would take the
   * session's own tokens away (root's is token 1): such a request is made with a token minted for
   * it, and names that token when it names one by id.
   */
  async disposable(request, t) {
    if (!/^\/api\/v4\/personal_access_tokens\//.test(request.path) || (request.method !== 'DELETE' && !/\/rotate(\?|$)/.test(request.path))) return request;
    const owner = t.role === 'user' ? this.user.id : 1;
    const spare = await this.issueToken(owner);
    const swap = (value) => (value === this.rootToken || value === this.user.token ? spare.token : value);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, name === 'Authorization' ? value.replace(/\S+$/, swap) : swap(value)]));
    const path = request.path
      .replace(/^(\/api\/v4\/personal_access_tokens\/)\d+/, `$1${spare.id}`)
      // Tokens are URL-safe, so the encoded value is compared as it is: a generated value may not decode at all.
      .replace(/([?&]private_token=)([^&]*)/, (_, name, value) => `${name}${swap(value)}`);
    return { ...request, headers, path };
  }

  resolve(value) {
    if (value === null || typeof value !== 'object' || !('fixture' in value)) return String(value);
    if (value.fixture === 'root') return '1';
    if (value.fixture === 'user') return String(this.user.id);
    if (value.fixture === 'user-name') return this.user.username;
    return String(this.victims[value.index].id);
  }

  /** The concrete request for a template (see requestArbitrary). */
  materialize(t) {
    const path = t.template.replace(/\{(\w+)\}/g, (_, name) => this.resolve(t.pathValues[name]));
    const defined = (params) => Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
    const bodyParams = defined(t.body);
    const queryParams = { ...t.extra, ...defined(t.query), ...(t.encoding === 'query' ? bodyParams : {}) };
    const query = Object.entries(queryParams).flatMap(([name, value]) => formPairs(name, value));
    if (t.duplicate && query.length > 0) query.push([query[0][0], 'duplicate']);
    const headers = { ...t.headers };
    const token = { anonymous: null, user: this.user.token, admin: this.rootToken, 'admin-sudo': this.rootToken, 'bad-token': BAD_TOKEN }[t.role];
    if (token && t.tokenIn === 'header') headers['PRIVATE-TOKEN'] = token;
    if (token && t.tokenIn === 'bearer') headers.Authorization = `Bearer ${token}`;
    if (token && t.tokenIn === 'query') query.push(['private_token', token]);
    const sudo = t.role === 'admin-sudo' ? (t.sudo ?? { in: 'header', value: { fixture: 'user' } }) : t.sudo;
    if (sudo?.in === 'header') headers.Sudo = this.resolve(sudo.value);
    if (sudo?.in === 'query') query.push(['sudo', this.resolve(sudo.value)]);
    const request = { method: t.method, path: query.length > 0 ? `${path}?${encodePairs(query)}` : path, headers };
    if (t.encoding !== 'query' && t.encoding !== 'none') Object.assign(request, encodeBody(t.encoding, bodyParams, headers));
    return request;
  }

  /** Sends one template; returns what happened, and records it. */
  async send(t) {
    const request = await this.disposable(this.materialize(t), t);
    let response;
    try {
      response = await this.raw(request);
    } catch (error) {
      response = { status: 0, headers: {}, text: '', body: undefined, error: error instanceof Error ? error.message : String(error) };
    }
    this.requests += 1;
    this.statuses.set(response.status, (this.statuses.get(response.status) ?? 0) + 1);
    this.operations.set(t.operation, (this.operations.get(t.operation) ?? 0) + 1);
    await this.replenish(t, request, response);
    return { request, response, describe: () => describeRequest(request) };
  }

  /** A victim that was deleted is replaced by a fresh one, so later writes still reach real users. */
  async replenish(t, request, response) {
    if (t.method !== 'DELETE' || response.status !== 204 || !/^\/api\/v4\/users\/\d+(\?|$)/.test(request.path)) return;
    const id = Number(/^\/api\/v4\/users\/(\d+)/.exec(request.path)[1]);
    const index = this.victims.findIndex((victim) => victim.id === id);
    if (index >= 0) this.victims[index] = await this.createUser(`victim${index}`);
  }

  recordFailure(request, response, problems) {
    this.failureCount += 1;
    if (this.failures.length < 50) this.failures.push({ request: describeRequest(request), status: response.status, body: (response.text ?? '').slice(0, 300), problems });
  }

  /** One HTTP exchange on the keep-alive agent. A reused socket the server had just closed is retried once, as Node advises. */
  raw(request, retried = false) {
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
    const headers = { ...request.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) };
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method: request.method, path: request.path, headers, agent: this.agent, timeout: 30_000 }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
      req.on('error', (error) => {
        if (req.reusedSocket && !retried && error.code === 'ECONNRESET') resolve(this.raw(request, true));
        else reject(error);
      });
      req.end(body);
    });
  }

  /** `status: count`, in status order. */
  histogram() {
    return Object.fromEntries([...this.statuses.entries()].sort(([a], [b]) => a - b));
  }

  close() {
    this.agent.destroy();
  }
}

/** The body (and its Content-Type) for one encoding; several are deliberately unreadable. */
function encodeBody(encoding, params, headers) {
  const boundary = `fuzz${randomBytes(6).toString('hex')}`;
  const json = JSON.stringify(params, (_, value) => (value instanceof Uint8Array ? Array.from(value.slice(0, 8)) : value));
  const first = Object.keys(params)[0] ?? 'name';
  const set = (type, body) => {
    headers['Content-Type'] = type;
    return { body };
  };
  switch (encoding) {
    case 'json':
      return set('application/json', json);
    case 'form':
      return set('application/x-www-form-urlencoded', encodePairs(Object.entries(params).flatMap(([name, value]) => formPairs(name, value))));
    case 'multipart':
      return set(`multipart/form-data; boundary=${boundary}`, multipart(params, boundary));
    case 'broken-json':
      return set('application/json', json.slice(0, Math.max(1, json.length - 1)));
    case 'json-array':
      return set('application/json', `[${json}]`);
    case 'json-scalar':
      return set('application/json', '"just a string"');
    case 'json-duplicate-keys':
      return set('application/json', `{"${first}":"a","${first}":{"nested":["b"]}}`);
    case 'broken-multipart': {
      const whole = multipart(params, boundary);
      return set(`multipart/form-data; boundary=${boundary}`, whole.subarray(0, Math.floor(whole.length / 2)));
    }
    case 'multipart-no-boundary':
      return set('multipart/form-data', multipart(params, boundary));
    case 'text':
      return set('text/plain', `${first}=x`);
    case 'xml':
      return set('application/xml', `<user><${first}>x</${first}></user>`);
    case 'gzip-junk':
      headers['Content-Encoding'] = 'gzip';
      return set('application/json', json);
    case 'odd-charset':
      return set('application/json; charset=latin9', json);
    default:
      throw new Error(`unknown body encoding ${encoding}`);
  }
}

function multipart(params, boundary) {
  const parts = [];
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && typeof value === 'object' && 'file' in value) {
      const { filename, contentType, bytes } = value.file;
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${contentType || 'application/octet-stream'}\r\n\r\n`));
      parts.push(Buffer.from(bytes), Buffer.from('\r\n'));
      continue;
    }
    for (const [field, text] of formPairs(name, value)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${text}\r\n`));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}
