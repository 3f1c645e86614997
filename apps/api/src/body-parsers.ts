import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { containsList, malformedRequestError, MalformedRequestError, parseFormBody, PayloadTooLargeError, type AppConfig } from '@app/shared';

/**
 * What a body parser's failure tells the client. Every parser failure is about the bytes the client
 * sent (syntax, charset, a multipart body without its boundary or cut short, too many parts), so it
 * is a 400 or a 413, never a 500; only a parser's own fault (status 5xx) stays one.
 */
function bodyParseFailure(error: unknown): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 500) return error;
  const multerLimit = error instanceof multer.MulterError && error.code.startsWith('LIMIT_') && error.code !== 'LIMIT_UNEXPECTED_FILE';
  if (status === 413 || multerLimit) return new PayloadTooLargeError();
  return new MalformedRequestError('http.body_unparsable');
}

/** HTTP's own rule (RFC 9112 §6.3, and the parsers' `type-is`): a request has a body when it declares one. */
function declaresBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && !Number.isNaN(Number(length)));
}

/**
 * Express 5 parses the query string again on every read of `req.query` (a getter), and the guard,
 * the parameter parsing and the malformed-request check all read it: parse it once, here.
 */
function keepParsedQuery(req: Request): void {
  Object.defineProperty(req, 'query', { value: req.query, writable: true, enumerable: true, configurable: true });
}

/** The bytes and charset of a form body, kept by the form parser's `verify` hook for readFormLikeRack. */
const FORM_SOURCE = Symbol('form source');
type FormRequest = Request & { [FORM_SOURCE]?: { bytes: Buffer; charset: 'utf-8' | 'iso-8859-1' } };

/**
 * A form body whose parse holds a list is read again with Rack's rule for a repeated plain name
 * (its last value, see parseFormBody); body-parser has no option for it. Other forms are left as
 * they are, so the second read costs nothing for them.
 */
function readFormLikeRack(req: Request, _res: Response, next: NextFunction): void {
  const source = (req as FormRequest)[FORM_SOURCE];
  if (source && containsList(req.body)) {
    // body-parser decodes with iconv-lite, which drops a leading byte order mark.
    const text = source.bytes.toString(source.charset === 'utf-8' ? 'utf8' : 'latin1').replace(/^\uFEFF/, '');
    req.body = parseFormBody(text, source.charset);
  }
  next();
}

/**
 * Reads the request before routing. Clients send JSON, form and multipart bodies on every write, a
 * JSON body on DELETE included; a request that declares no body (every GET and HEAD clients send)
 * skips the parsers. Like GitLab's Rack middleware, this layer refuses unreadable requests (a body
 * that does not parse, a NUL byte or a lone surrogate anywhere in the path or the parameters) before
 * authentication: a request that cannot be read has no parameters to authenticate or validate.
 * One middleware, not one per parser: each would be a router layer matched on every request.
 */
export function readRequest(config: AppConfig): RequestHandler {
  const parsers: RequestHandler[] = [
    express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({
      extended: true,
      limit: config.bodyLimitBytes,
      // Called only for the charsets the parser accepts (utf-8, iso-8859-1), before it parses.
      verify: (req, _res, bytes, charset) => ((req as FormRequest)[FORM_SOURCE] = { bytes, charset: charset as 'utf-8' | 'iso-8859-1' }),
    }),
    readFormLikeRack,
    // Clients (gitbeaker, python-gitlab) send file names as UTF-8; multer would read them as latin1.
    multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: config.bodyLimitBytes, files: 5 } }).any(),
  ];
  return (req: Request, res: Response, next: NextFunction) => {
    keepParsedQuery(req);
    if (!declaresBody(req)) {
      next(malformedRequestError(req) ?? undefined);
      return;
    }
    let parsed = 0;
    const parseNext = (error?: unknown): void => {
      if (error !== undefined && error !== null) next(bodyParseFailure(error));
      else if (parsed < parsers.length) parsers[parsed++](req, res, parseNext);
      else next(malformedRequestError(req) ?? undefined);
    };
    parseNext();
  };
}
