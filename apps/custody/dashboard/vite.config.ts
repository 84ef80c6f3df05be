import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The dashboard's build (issue 9): React compiled to static files in ./dist (git-ignored), served
 * by the runner (apps/custody/src/dashboard.ts) under a strict CSP: no inline script, no remote
 * origin, hashed file names under /assets/. `npm run dashboard:dev` serves it with live reload,
 * passing /login and /api to a runner on CUSTODY_PORT (3000).
 */
const runner = `http://127.0.0.1:${process.env['CUSTODY_PORT'] ?? '3000'}`;

export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // the runner's CSP (default-src 'self') refuses inline code: no inlined assets, no preload polyfill
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { proxy: { '/login': runner, '/api': runner } },
});
