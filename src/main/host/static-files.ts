// Resolving a request path to a file of the built renderer, shared by the web host and Electron's app://
// protocol. Refuses traversal (.., encoded or not), NUL bytes, backslashes, and anything that does not end
// up inside the root. Directories are never listed.
import { realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

export type StaticLookup =
  { kind: 'file'; path: string; contentType: string } | { kind: 'not-found' } | { kind: 'forbidden' };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** `pathname` is the raw (still percent-encoded) URL path. '/' maps to /index.html. */
export function lookupStatic(root: string, pathname: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'forbidden' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return { kind: 'forbidden' };
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);

  let rootReal: string;
  try {
    rootReal = realpathSync(resolve(root));
  } catch {
    return { kind: 'not-found' };
  }
  const candidate = resolve(join(rootReal, relative));
  if (candidate !== rootReal && !candidate.startsWith(rootReal + sep)) return { kind: 'forbidden' };
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return { kind: 'not-found' };
  }
  // A symlink pointing out of the root is refused like a traversal.
  if (!real.startsWith(rootReal + sep)) return { kind: 'forbidden' };
  try {
    if (!statSync(real).isFile()) return { kind: 'not-found' };
  } catch {
    return { kind: 'not-found' };
  }
  return { kind: 'file', path: real, contentType: contentTypeOf(real) };
}
