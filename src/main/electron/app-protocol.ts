// The app:// protocol handler: serves the built renderer from disk with the CSP header. Uses only the
// Fetch API's Request/Response (no `electron` import), so it is tested under Node.
import { readFile } from 'node:fs/promises';
import { SECURITY_HEADERS } from '../host/csp.ts';
import { lookupStatic } from '../host/static-files.ts';
import { isAppUrl } from './security.ts';

export async function serveAppRequest(rendererDir: string, request: Request): Promise<Response> {
  const headers = new Headers(SECURITY_HEADERS);
  const reply = (status: number): Response => new Response(null, { status, headers });
  if (!isAppUrl(request.url)) return reply(403);
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405);
  // new URL() has already normalised "/a/../b"; lookupStatic also refuses encoded traversal.
  const rawPath = request.url.slice(request.url.indexOf('/', request.url.indexOf('//') + 2)).split(/[?#]/)[0] || '/';
  const found = lookupStatic(rendererDir, rawPath);
  if (found.kind === 'forbidden') return reply(403);
  if (found.kind === 'not-found') return reply(404);
  const body = await readFile(found.path);
  headers.set('Content-Type', found.contentType);
  return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
}
