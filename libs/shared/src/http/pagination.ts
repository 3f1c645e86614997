import type { Response } from 'express';
import { ParamsInvalidError } from '@app/kernel';
import { coerceInteger, INVALID } from './params/coercion.js';
import type { GitlabRequest } from './gitlab-request.js';
import { mergedParams } from './gitlab-request.js';

export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 20;
/** Above this count GitLab omits X-Total and X-Total-Pages. */
export const MAX_COUNT_LIMIT = 10_000;

/**
 * The most bytes of request parameters a `Link` URL may repeat, measured as the URL carries them
 * (re-encoded, `toQuery`). GitLab's `Link` repeats the request's params in each of up to four rels
 * (prev, next, first, last), and Node's HTTP parser, so every Node client, refuses a response
 * whose header section passes 16 KiB (`http.maxHeaderSize`). Budget: 4 x 2 KiB of repeated params
 * = 8 KiB; each rel adds its own page, per_page (at most 16 and 3 digits) and rel name, about 50
 * bytes; every other header is under 0.5 KiB (ids, counters, a date). That leaves over 7 KiB for
 * four times EXTERNAL_URL plus the route path, so any base URL up to 1.5 KiB keeps the whole
 * header section under 16 KiB. A keyset `Link` is one rel whose cursor we issue (user-keyset.ts).
 */
export const MAX_LINK_PARAMS_BYTES = 2048;

/** 400: a query string too long to repeat in `Link` headers (see MAX_LINK_PARAMS_BYTES). */
export class LinkParamsTooLongError extends ParamsInvalidError {
  constructor() {
    super([`query parameters are too long; Link headers repeat them, so send at most ${MAX_LINK_PARAMS_BYTES} bytes of them (URL-encoded)`]);
  }
}

export interface OffsetPage {
  page: number;
  perPage: number;
  offset: number;
}

/** `page` and `per_page` as Kaminari reads them (per_page=0 refused, >100 clamped). */
export function readOffsetPage(req: GitlabRequest): OffsetPage {
  const raw = mergedParams(req);
  const page = coerceInteger(raw.page);
  const perPage = coerceInteger(raw.per_page);
  const problems: string[] = [];
  if (page === INVALID) problems.push('page is invalid');
  if (perPage === INVALID) problems.push('per_page is invalid');
  else if (perPage === 0) problems.push('per_page has a value not allowed');
  if (problems.length > 0) throw new ParamsInvalidError(problems);
  // Refused before any work, whatever the result, so whether a request is accepted never depends on the data.
  if (toQuery(linkParams(req)).length > MAX_LINK_PARAMS_BYTES) throw new LinkParamsTooLongError();
  const p = typeof page === 'number' && page > 0 ? page : 1;
  const pp = typeof perPage === 'number' && perPage > 0 ? Math.min(perPage, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
  return { page: p, perPage: pp, offset: (p - 1) * pp };
}

/** Ruby's `CGI.escape`, which `to_query` uses: a space is "+", only `A-Za-z0-9_.-~` stay as they are. */
function cgiEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Rails `to_query`: keys sorted, nested hashes and arrays in bracket form. */
export function toQuery(params: Record<string, unknown>, prefix?: string): string {
  const parts: string[] = [];
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) parts.push(`${cgiEscape(`${name}[]`)}=${cgiEscape(String(item ?? ''))}`);
    } else if (value !== null && typeof value === 'object') {
      const nested = toQuery(value as Record<string, unknown>, name);
      if (nested) parts.push(nested);
    } else {
      parts.push(`${cgiEscape(name)}=${cgiEscape(String(value ?? ''))}`);
    }
  }
  return parts.join('&');
}

/** The request's URL on EXTERNAL_URL with the given params. */
export function externalUrl(externalBase: string, req: GitlabRequest, params: Record<string, unknown>): string {
  const query = toQuery(params);
  return `${externalBase}${req.path}${query ? `?${query}` : ''}`;
}

/**
 * The request params a `Link` URL repeats: all of the query but the token and what each link sets
 * itself (page and per_page; the cursor too under `pagination=keyset`, where the link carries the next one).
 */
export function linkParams(req: GitlabRequest): Record<string, unknown> {
  const params = { ...(req.query as Record<string, unknown>) };
  delete params.private_token;
  delete params.page;
  delete params.per_page;
  if (params.pagination === 'keyset') delete params.cursor;
  return params;
}

/** GitLab's offset pagination headers; `total` null means "too many to count". */
export function setOffsetPaginationHeaders(
  res: Response,
  req: GitlabRequest,
  externalBase: string,
  page: OffsetPage,
  total: number | null,
  hasNextPage: boolean,
): void {
  const params = linkParams(req);
  const link = (n: number) => externalUrl(externalBase, req, { ...params, page: n, per_page: page.perPage });
  const links: string[] = [];
  if (page.page > 1) links.push(`<${link(page.page - 1)}>; rel="prev"`);
  if (hasNextPage) links.push(`<${link(page.page + 1)}>; rel="next"`);
  links.push(`<${link(1)}>; rel="first"`);
  res.setHeader('X-Per-Page', String(page.perPage));
  res.setHeader('X-Page', String(page.page));
  res.setHeader('X-Next-Page', hasNextPage ? String(page.page + 1) : '');
  res.setHeader('X-Prev-Page', page.page > 1 ? String(page.page - 1) : '');
  if (total !== null && total <= MAX_COUNT_LIMIT) {
    const totalPages = Math.max(1, Math.ceil(total / page.perPage));
    links.push(`<${link(totalPages)}>; rel="last"`);
    res.setHeader('X-Total', String(total));
    res.setHeader('X-Total-Pages', String(totalPages));
  }
  res.setHeader('Link', links.join(', '));
}

/**
 * One offset page of a counted list: reads `page`/`per_page`, fetches that slice and the total,
 * sets GitLab's pagination headers and answers the presented rows.
 */
export async function offsetPageOf<Row>(
  req: GitlabRequest,
  res: Response,
  externalBase: string,
  fetch: (offset: number, limit: number) => Promise<{ rows: Row[]; total: number }>,
  present: (row: Row) => unknown,
): Promise<unknown[]> {
  const page = readOffsetPage(req);
  const { rows, total } = await fetch(page.offset, page.perPage);
  setOffsetPaginationHeaders(res, req, externalBase, page, total, page.offset + rows.length < total);
  return rows.map(present);
}

/**
 * GitLab's keyset headers: only `Link: <…cursor=…>; rel="next"` when more rows exist, on
 * EXTERNAL_URL with every other request param kept; no totals and no page numbers.
 */
export function setKeysetPaginationHeaders(res: Response, req: GitlabRequest, externalBase: string, perPage: number, nextCursor: string | null): void {
  if (nextCursor === null) return;
  const url = externalUrl(externalBase, req, { ...linkParams(req), per_page: perPage, cursor: nextCursor });
  res.setHeader('Link', `<${url}>; rel="next"`);
}

/** A keyset cursor over ids alone (`GET /users` ordered by id writes the same): base64url of `{"id":"<id>"}`. */
export function encodeIdCursor(id: number): string {
  return Buffer.from(JSON.stringify({ id: String(id) }), 'utf8').toString('base64url');
}

/** The id in a cursor of encodeIdCursor, or 400 `{"error":"cursor is invalid"}`. */
export function decodeIdCursor(cursor: string): number {
  const text = cursor.trim();
  let id: unknown;
  try {
    if (text.length > 64 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new Error('not base64');
    id = (JSON.parse(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as { id?: unknown }).id;
  } catch {
    throw new ParamsInvalidError(['cursor is invalid']);
  }
  const digits = typeof id === 'number' ? String(id) : id;
  if (typeof digits !== 'string' || !/^\d{1,15}$/.test(digits)) throw new ParamsInvalidError(['cursor is invalid']);
  return Number(digits);
}
