// The one Content Security Policy for the renderer, sent as a header by both hosts (Electron's
// session.webRequest and protocol handler, the web host's HTTP responses) and put in index.html as a meta
// tag at build time (vite.config.ts). 'self' covers the web host's same-origin WebSocket (CSP3).
const directives: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['manifest-src', "'self'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['object-src', "'none'"],
];

/** Policy for a <meta http-equiv> tag (frame-ancestors is ignored there, so it is left out). */
export const CSP_META = directives.map(([k, v]) => `${k} ${v}`).join('; ');
/** Policy for the HTTP header. */
export const CSP_HEADER = `${CSP_META}; frame-ancestors 'none'`;

/** Other headers every renderer response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
