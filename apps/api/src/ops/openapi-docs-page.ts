import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';

export const API_DOCS_PATH = '/api/v4/docs';

/** The files of swagger-ui-dist the page loads; nothing else of the package is served. */
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png'];

/*
 * Every URL is relative to the page (`/api/v4/docs/`), so the page works behind a proxy that
 * serves the API under a path prefix. Nothing is fetched from anywhere else: no CDN, and
 * `validatorUrl: null` stops Swagger UI from sending the document to its online validator.
 */
const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>GitLab-compatible Users API v4</title>
    <link rel="stylesheet" type="text/css" href="swagger-ui.css">
    <link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="docs-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '../openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/**
 * Swagger UI for the OpenAPI document, served from the swagger-ui-dist package: readable on a
 * machine without internet access. Public, like the document it shows. `externalUrl` is where
 * "Try it out" sends requests (the document's server), so the page's CSP lets it connect there.
 */
export function openApiDocsPage(externalUrl: string): { path: string; router: Router } {
  const assetsDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const lost = ASSETS.filter((asset) => !existsSync(path.join(assetsDir, asset)));
  if (lost.length > 0) throw new Error(`swagger-ui-dist in ${assetsDir} lacks ${lost.join(', ')}`);
  const policy = [
    "default-src 'self'",
    "img-src 'self' data:",
    // Swagger UI (React) sets style attributes.
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self' ${new URL(externalUrl).origin}`,
    "frame-ancestors 'none'",
  ].join('; ');
  const router = express.Router({ strict: true });
  router.get('/', (req: Request, res: Response) => {
    // Relative asset URLs need the trailing slash; a relative Location keeps any path prefix.
    if (!req.originalUrl.split('?')[0].endsWith('/')) return res.redirect(301, 'docs/');
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('html').send(PAGE);
  });
  router.get('/docs-initializer.js', (_req: Request, res: Response) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('application/javascript').send(INITIALIZER);
  });
  for (const asset of ASSETS) {
    router.get(`/${asset}`, (_req: Request, res: Response, next) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.sendFile(path.join(assetsDir, asset), { maxAge: '1h' }, (error?: Error) => error && next(error));
    });
  }
  return { path: API_DOCS_PATH, router };
}
