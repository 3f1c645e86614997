import type { Request, Response } from 'express';
import type { AppConfig } from '@app/shared';
import { ADMIN_PATH } from './admin-paths.js';

/** The value of one cookie the browser sent, or null. Malformed pairs are skipped, never fatal. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    const value = pair.slice(at + 1).trim();
    // Every cookie set here is base64url: anything else was not set by this service.
    return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : null;
  }
  return null;
}

/**
 * `Secure` when the browser reached the service over HTTPS, directly or (EXTERNAL_URL) through a
 * proxy that ends TLS: a cookie set over HTTPS must never travel in clear text afterwards.
 */
function secure(req: Request, config: AppConfig): boolean {
  return req.secure || new URL(config.externalUrl).protocol === 'https:';
}

/**
 * An admin cookie: never readable by a script (`HttpOnly`), never sent with a request another
 * site starts (`SameSite=Strict`), only sent to `/admin` (or `path`). With no `Max-Age` it ends
 * with the browser; the server ends it sooner (the session's expiry, sign-out, a revoked token).
 */
export function setAdminCookie(req: Request, res: Response, config: AppConfig, name: string, value: string, path = ADMIN_PATH): void {
  const attributes = [`${name}=${value}`, `Path=${path}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure(req, config)) attributes.push('Secure');
  res.append('Set-Cookie', attributes.join('; '));
}

/** Tells the browser to drop a cookie set by `setAdminCookie` with the same path. */
export function clearAdminCookie(req: Request, res: Response, config: AppConfig, name: string, path = ADMIN_PATH): void {
  const attributes = [`${name}=`, `Path=${path}`, 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'];
  if (secure(req, config)) attributes.push('Secure');
  res.append('Set-Cookie', attributes.join('; '));
}
