import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';

const FILE = 'admin.css';

/**
 * The style sheet's file: beside this module (`npm run build` copies it into `dist/`), or in the
 * sources when running from a `dist/` built by plain `tsc`.
 */
function stylesheetFile(): string {
  const here = fileURLToPath(new URL(`./assets/${FILE}`, import.meta.url));
  const candidates = [here, here.replace(`${sep}dist${sep}apps${sep}`, `${sep}apps${sep}`)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`The admin pages' style sheet is missing: looked for ${candidates.join(' and ')}. Restore apps/api/src/admin/assets/${FILE} from the repository.`);
  return found;
}

/** `GET /admin/assets/admin.css`: public, as it holds nothing about anyone. */
export function adminStylesheet() {
  const file = stylesheetFile();
  return (_req: Request, res: Response, next: (error?: unknown) => void) => {
    res.sendFile(file, { maxAge: '1h', headers: { 'Content-Type': 'text/css; charset=utf-8' } }, (error?: Error) => error && next(error));
  };
}
