import qs from 'qs';

/**
 * GitLab reads parameters with Rack: a plain name given twice (`a=1&a=2`) keeps its last value,
 * while `a[]=1&a[]=2` is a list and `a[b]=1` a hash. qs, which Express uses, would combine the
 * repeated plain name into a list, which every scalar parameter then refuses with a 400.
 */
const RACK_DUPLICATES = { duplicates: 'last' } as const;

/** The query string, as Express's extended parser reads it except for repeated plain names. */
export function parseQueryString(text: string): qs.ParsedQs {
  return qs.parse(text, { allowPrototypes: true, ...RACK_DUPLICATES });
}

/**
 * A form body, with the options body-parser's extended parser uses (it has checked the charset,
 * the depth and the number of parameters by the time this runs) except for repeated plain names.
 */
export function parseFormBody(text: string, charset: 'utf-8' | 'iso-8859-1'): qs.ParsedQs {
  const parameters = text === '' ? 0 : text.split('&').length;
  return qs.parse(text, { allowPrototypes: true, arrayLimit: Math.max(100, parameters), depth: 32, strictDepth: true, parameterLimit: 1000, charset, ...RACK_DUPLICATES });
}

/** Whether a parsed value holds a list anywhere: only then can a name have been repeated. */
export function containsList(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  return value !== null && typeof value === 'object' && Object.values(value).some(containsList);
}
