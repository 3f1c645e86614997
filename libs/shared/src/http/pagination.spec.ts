import { describe, it, expect } from '@jest/globals';
import type { Response } from 'express';
import { ParamsInvalidError } from '@app/kernel';
import type { GitlabRequest } from './gitlab-request.js';
import { externalUrl, LinkParamsTooLongError, linkParams, MAX_LINK_PARAMS_BYTES, readOffsetPage, setOffsetPaginationHeaders, toQuery, type OffsetPage } from './pagination.js';

const BASE = 'https://gitlab.example.com';

/** Just what the pagination helpers read from a request. */
function fakeRequest(query: Record<string, unknown> = {}, body?: unknown, path = '/api/v4/users'): GitlabRequest {
  return { query, body, params: {}, path, headers: {}, id: 'req-1' } as unknown as GitlabRequest;
}

/** A response that only collects headers. */
function fakeResponse(): { res: Response; headers: Map<string, string> } {
  const headers = new Map<string, string>();
  const res = {
    setHeader(name: string, value: string) {
      headers.set(name, value);
      return res;
    },
  };
  return { res: res as unknown as Response, headers };
}

function paginate(query: Record<string, unknown>, page: OffsetPage, total: number | null, hasNextPage: boolean) {
  const { res, headers } = fakeResponse();
  setOffsetPaginationHeaders(res, fakeRequest(query), BASE, page, total, hasNextPage);
  return headers;
}

const links = (headers: Map<string, string>) => (headers.get('Link') ?? '').split(', ');

describe('toQuery', () => {
  it('given flat params, then keys are sorted and joined with &', () => {
    expect(toQuery({ per_page: 20, page: 2, active: true })).toBe('active=true&page=2&per_page=20');
  });

  it('given an array, then it is repeated in bracket form', () => {
    expect(toQuery({ scopes: ['api', 'read_user'] })).toBe('scopes%5B%5D=api&scopes%5B%5D=read_user');
  });

  it('given a nested hash, then keys are bracketed and sorted inside too', () => {
    expect(toQuery({ custom_attributes: { zeta: '1', alpha: '2' }, a: 'x' })).toBe('a=x&custom_attributes%5Balpha%5D=2&custom_attributes%5Bzeta%5D=1');
  });

  it('given an array inside a hash, then both bracket levels are used', () => {
    expect(toQuery({ filter: { ids: [1, 2] } })).toBe('filter%5Bids%5D%5B%5D=1&filter%5Bids%5D%5B%5D=2');
  });

  it('given special characters, then names and values are escaped as Ruby\'s CGI.escape does (space as "+")', () => {
    expect(toQuery({ search: 'a b&c=d/é+', 'we ird': '#' })).toBe('search=a+b%26c%3Dd%2F%C3%A9%2B&we+ird=%23');
  });

  it('given the characters encodeURIComponent leaves alone, then only _ . - ~ stay unescaped', () => {
    expect(toQuery({ q: "a_b.c-d~e!f*g'h(i)" })).toBe('q=a_b.c-d~e%21f%2Ag%27h%28i%29');
  });

  it('given null, then the key is kept with an empty value; undefined is dropped', () => {
    expect(toQuery({ a: null, b: undefined, c: '' })).toBe('a=&c=');
  });

  it('given nothing, then an empty string', () => {
    expect(toQuery({})).toBe('');
  });
});

describe('externalUrl', () => {
  it('puts the request path on the external base, with the query when there is one', () => {
    expect(externalUrl(BASE, fakeRequest(), { page: 1 })).toBe(`${BASE}/api/v4/users?page=1`);
    expect(externalUrl(BASE, fakeRequest(), {})).toBe(`${BASE}/api/v4/users`);
  });
});

describe('setOffsetPaginationHeaders', () => {
  it('given the first of three pages, then no prev, a next, first and last', () => {
    const headers = paginate({ per_page: '2' }, { page: 1, perPage: 2, offset: 0 }, 5, true);

    expect(headers.get('X-Page')).toBe('1');
    expect(headers.get('X-Per-Page')).toBe('2');
    expect(headers.get('X-Next-Page')).toBe('2');
    expect(headers.get('X-Prev-Page')).toBe('');
    expect(headers.get('X-Total')).toBe('5');
    expect(headers.get('X-Total-Pages')).toBe('3');
    expect(links(headers)).toEqual([
      `<${BASE}/api/v4/users?page=2&per_page=2>; rel="next"`,
      `<${BASE}/api/v4/users?page=1&per_page=2>; rel="first"`,
      `<${BASE}/api/v4/users?page=3&per_page=2>; rel="last"`,
    ]);
  });

  it('given a middle page, then prev, next, first, last in that order', () => {
    const headers = paginate({ page: '2', per_page: '2' }, { page: 2, perPage: 2, offset: 2 }, 5, true);

    expect(headers.get('X-Next-Page')).toBe('3');
    expect(headers.get('X-Prev-Page')).toBe('1');
    expect(links(headers).map((link) => link.split('; ')[1])).toEqual(['rel="prev"', 'rel="next"', 'rel="first"', 'rel="last"']);
    expect(links(headers)[0]).toBe(`<${BASE}/api/v4/users?page=1&per_page=2>; rel="prev"`);
  });

  it('given the last page, then X-Next-Page is empty and there is no next link', () => {
    const headers = paginate({ page: '3', per_page: '2' }, { page: 3, perPage: 2, offset: 4 }, 5, false);

    expect(headers.get('X-Next-Page')).toBe('');
    expect(headers.get('X-Prev-Page')).toBe('2');
    expect(headers.get('Link')).not.toContain('rel="next"');
    expect(links(headers)).toEqual([
      `<${BASE}/api/v4/users?page=2&per_page=2>; rel="prev"`,
      `<${BASE}/api/v4/users?page=1&per_page=2>; rel="first"`,
      `<${BASE}/api/v4/users?page=3&per_page=2>; rel="last"`,
    ]);
  });

  it('given an empty result, then X-Total is 0 but X-Total-Pages is 1, and last is page 1', () => {
    const headers = paginate({}, { page: 1, perPage: 20, offset: 0 }, 0, false);

    expect(headers.get('X-Total')).toBe('0');
    expect(headers.get('X-Total-Pages')).toBe('1');
    expect(links(headers)).toEqual([`<${BASE}/api/v4/users?page=1&per_page=20>; rel="first"`, `<${BASE}/api/v4/users?page=1&per_page=20>; rel="last"`]);
  });

  it('given exactly 10,000 rows, then the totals are still shown', () => {
    const headers = paginate({}, { page: 1, perPage: 100, offset: 0 }, 10_000, true);

    expect(headers.get('X-Total')).toBe('10000');
    expect(headers.get('X-Total-Pages')).toBe('100');
  });

  it('given more than 10,000 rows, then X-Total, X-Total-Pages and rel="last" are omitted', () => {
    const headers = paginate({}, { page: 1, perPage: 20, offset: 0 }, 10_001, true);

    expect(headers.has('X-Total')).toBe(false);
    expect(headers.has('X-Total-Pages')).toBe(false);
    expect(headers.get('Link')).not.toContain('rel="last"');
    expect(headers.get('X-Next-Page')).toBe('2');
  });

  it('given a total too large to count (null), then the totals are omitted too', () => {
    const headers = paginate({}, { page: 2, perPage: 20, offset: 20 }, null, false);

    expect(headers.has('X-Total')).toBe(false);
    expect(headers.get('Link')).not.toContain('rel="last"');
  });

  it('then the links keep the other query params (sorted), drop private_token, and use the clamped per_page', () => {
    const headers = paginate(
      { private_token: 'glpat-secret', search: 'jo hn', per_page: '500', active: 'true' },
      { page: 1, perPage: 100, offset: 0 },
      1,
      false,
    );

    expect(headers.get('X-Per-Page')).toBe('100');
    expect(headers.get('Link')).not.toContain('private_token');
    expect(headers.get('Link')).not.toContain('glpat-secret');
    expect(links(headers)[0]).toBe(`<${BASE}/api/v4/users?active=true&page=1&per_page=100&search=jo+hn>; rel="first"`);
  });
});

describe('readOffsetPage', () => {
  function refusal(query: Record<string, unknown>): string[] {
    try {
      readOffsetPage(fakeRequest(query));
    } catch (error) {
      expect(error).toBeInstanceOf(ParamsInvalidError);
      return (error as ParamsInvalidError).messages;
    }
    throw new Error('expected readOffsetPage to throw');
  }

  it('given no params, then page 1 of 20', () => {
    expect(readOffsetPage(fakeRequest())).toEqual({ page: 1, perPage: 20, offset: 0 });
  });

  it('given page and per_page, then the offset follows', () => {
    expect(readOffsetPage(fakeRequest({ page: '3', per_page: '10' }))).toEqual({ page: 3, perPage: 10, offset: 20 });
  });

  it('given per_page above 100, then it is clamped to 100', () => {
    expect(readOffsetPage(fakeRequest({ per_page: '500' })).perPage).toBe(100);
  });

  it('given per_page 0, then 400 "per_page has a value not allowed"', () => {
    expect(refusal({ per_page: '0' })).toEqual(['per_page has a value not allowed']);
  });

  it('given page=abc, then 400 "page is invalid"', () => {
    expect(refusal({ page: 'abc' })).toEqual(['page is invalid']);
  });

  it('given both bad, then both messages, page first', () => {
    expect(refusal({ page: '1.5', per_page: 'x' })).toEqual(['page is invalid', 'per_page is invalid']);
  });

  it('given page 0 or negative, then page 1', () => {
    expect(readOffsetPage(fakeRequest({ page: '0' })).page).toBe(1);
    expect(readOffsetPage(fakeRequest({ page: '-4' })).page).toBe(1);
  });

  it('given the params in a JSON body, then they are read too (body wins over query)', () => {
    expect(readOffsetPage(fakeRequest({ page: '2' }, { page: 4, per_page: 5 }))).toEqual({ page: 4, perPage: 5, offset: 15 });
  });

  it('given empty values, then the defaults', () => {
    expect(readOffsetPage(fakeRequest({ page: '', per_page: '' }))).toEqual({ page: 1, perPage: 20, offset: 0 });
  });
});

describe('linkParams', () => {
  it('then the token, page and per_page are left out (each link sets its own page)', () => {
    expect(linkParams(fakeRequest({ private_token: 't', page: '2', per_page: '5', search: 'jo' }))).toEqual({ search: 'jo' });
  });

  it('given keyset pagination, then the cursor is left out too (the link carries the next one); offset links keep it', () => {
    expect(linkParams(fakeRequest({ pagination: 'keyset', cursor: 'abc', order_by: 'name' }))).toEqual({ pagination: 'keyset', order_by: 'name' });
    expect(linkParams(fakeRequest({ cursor: 'abc' }))).toEqual({ cursor: 'abc' });
  });
});

describe('the Link budget (MAX_LINK_PARAMS_BYTES)', () => {
  it('given parameters that re-encode to exactly the budget, then the page is read', () => {
    // `x=` + 2,046 bytes; page and per_page do not count, each link sets its own.
    expect(readOffsetPage(fakeRequest({ x: 'a'.repeat(MAX_LINK_PARAMS_BYTES - 2), page: '2', per_page: '9' })).page).toBe(2);
  });

  it('given one byte more, or fewer characters that re-encode longer, then LinkParamsTooLongError', () => {
    expect(() => readOffsetPage(fakeRequest({ x: 'a'.repeat(MAX_LINK_PARAMS_BYTES - 1) }))).toThrow(LinkParamsTooLongError);
    // 683 characters of "é" are 4,098 bytes once escaped as %C3%A9.
    expect(() => readOffsetPage(fakeRequest({ q: 'é'.repeat(683) }))).toThrow(LinkParamsTooLongError);
  });

  it('then the worst accepted offset Link, on a 1.5 KiB base URL with 16-digit pages, leaves room for every other header under 16 KiB', () => {
    const base = `https://gitlab.example.com/${'p'.repeat(1_500)}`;
    const page = 9_007_199_254_740_990;
    const { res, headers } = fakeResponse();
    const query = { x: 'a'.repeat(MAX_LINK_PARAMS_BYTES - 2), page: String(page), per_page: '100' };
    readOffsetPage(fakeRequest(query));
    setOffsetPaginationHeaders(res, fakeRequest(query), base, { page, perPage: 100, offset: 0 }, 0, true);
    // Measured on a paginated response: 293 bytes of status line and headers besides Link; 512 also
    // covers a 64-character request id and 16-digit X-Page, X-Next-Page and X-Prev-Page.
    const otherHeaders = 512;
    expect(`Link: ${headers.get('Link')}\r\n`.length + otherHeaders).toBeLessThan(16 * 1024);
  });
});
