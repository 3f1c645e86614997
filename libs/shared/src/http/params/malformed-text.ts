import type { MalformedRequestCode } from '@app/kernel';

/**
 * Text PostgreSQL cannot take: a NUL character (refused in `text` and `jsonb`) or a lone UTF-16
 * surrogate (a `\uD800` escape is refused in `jsonb`, where events are stored; in `text` it would
 * silently turn into U+FFFD). JSON bodies can carry both; form, multipart and query strings NUL only
 * (their decoders replace or keep invalid UTF-8 as it came).
 */
export type TextFlaw = Extract<MalformedRequestCode, 'http.null_byte' | 'http.lone_surrogate'>;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textFlaw(text: string): TextFlaw | null {
  if (text.includes('\u0000')) return 'http.null_byte';
  if (LONE_SURROGATE.test(text)) return 'http.lone_surrogate';
  return null;
}

/**
 * The first flaw in any string of a parsed query or body: values and keys, in arrays and objects
 * at any depth. Walked with an explicit stack, so a deeply nested JSON body cannot overflow the
 * call stack; bytes (uploaded files) are not text and are skipped.
 */
export function findTextFlaw(root: unknown): TextFlaw | null {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      const flaw = textFlaw(value);
      if (flaw) return flaw;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
      for (const [key, item] of Object.entries(value)) {
        const flaw = textFlaw(key);
        if (flaw) return flaw;
        pending.push(item);
      }
    }
  }
  return null;
}
