// Builds the renderer (src/renderer) to dist/renderer. The CSP meta tag is injected at build time from the
// same policy both hosts send as a header (src/main/host/csp.ts).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CSP_META } from './src/main/host/csp.ts';

const root = fileURLToPath(new URL('./src/renderer', import.meta.url));
export const rendererOutDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

function cspMeta(): Plugin {
  return {
    name: 'shikaku-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), cspMeta()],
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: false,
    // One small app: no inline module-preload polyfill script (CSP has no 'unsafe-inline').
    modulePreload: { polyfill: false },
  },
  logLevel: 'warn',
});
