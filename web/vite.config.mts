import path from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The web console (README "Web console"): built into dist/web and served by the REST process at /ui/.
 * Heavy libraries (CodeMirror, uPlot, oidc-client-ts, firebase) are reached only through dynamic import()
 * from the pages that use them, so each lands in its own lazy chunk; scripts/web-size.js checks the
 * first load (the entry chunk and its static imports) stays within 200 KB gzipped.
 */
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/ui/',
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: path.resolve(here, '../dist/web'),
    emptyOutDir: true,
    manifest: true,
    // The polyfill would be bundled anyway; modern Chromium/Firefox/Safari support modulepreload.
    modulePreload: { polyfill: false },
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run dev:web` serves the console at /ui/ and proxies everything else (the API) to a local
    // `mymonit all` on REST_PORT 8080.
    proxy: { '^/(?!ui(/|$)).*': 'http://127.0.0.1:8080' },
  },
});
