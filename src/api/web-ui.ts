import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';

/** The UI's files: `web/` at the repository root (plain ES modules and CSS; nothing is built). */
export const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

/**
 * The page's Content-Security-Policy: only our own scripts, styles and connections; no inline script or
 * style, no plugins, no framing, no <base> tricks; Trusted Types required, so even a mistaken assignment
 * of a string to innerHTML throws instead of parsing markup. Every value from the API goes through
 * textContent (web/assets/dom.js), so nothing here needs to be relaxed.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types',
].join('; ');

const UI_HEADERS: Record<string, string> = {
  'Content-Security-Policy': UI_CSP,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** Paths the page itself handles (client-side routing); each gets index.html. `/releases/<id>` is what the CLI links to. */
const PAGES = [/^\/$/, /^\/sign-in$/, /^\/releases$/, /^\/releases\/[A-Za-z0-9_-]{1,80}$/, /^\/exceptions$/];

/**
 * Serves the web UI: index.html for the page paths and the files under /assets/, GET and HEAD only, with
 * the security headers above. Caching: the files have stable names (no bundler, no content hashes), so
 * they are served `no-cache` with ETag and Last-Modified — browsers keep them and revalidate cheaply, and
 * an upgrade of raygate is seen at once. Anything else falls through to the API's 404.
 */
export function createWebUi(root: string = WEB_ROOT): express.Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const assets = express.static(path.join(root, 'assets'), {
    index: false,
    dotfiles: 'ignore',
    etag: true,
    lastModified: true,
    redirect: false,
    setHeaders: (res) => res.set('Cache-Control', 'no-cache'),
  });
  const onlyReads = (req: Request, _res: Response, next: NextFunction) =>
    req.method === 'GET' || req.method === 'HEAD' ? next() : next('router');
  router.use(
    '/assets',
    onlyReads,
    (_req: Request, res: Response, next: NextFunction) => {
      res.set(UI_HEADERS);
      next();
    },
    assets,
  );
  router.use(onlyReads, (req: Request, res: Response, next: NextFunction) => {
    if (!PAGES.some((page) => page.test(req.path))) return next();
    res.set(UI_HEADERS);
    res.set('Cache-Control', 'no-cache');
    res.sendFile(path.join(root, 'index.html'), { dotfiles: 'deny', lastModified: true }, (error) => {
      if (error) next(error);
    });
  });
  return router;
}
