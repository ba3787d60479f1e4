import { fileURLToPath } from 'node:url';
import { compression } from 'vite-plugin-compression2';
import solid from 'vite-plugin-solid';
import { defineConfig } from 'vitest/config';

/** Text assets served precompressed; images and fonts are compressed already. */
export const COMPRESSIBLE_ASSETS = /\.(js|mjs|css|html|svg|json|txt)$/;
/** Below this size a compressed copy saves less than the response headers cost. */
export const COMPRESSION_THRESHOLD_BYTES = 512;

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.SATVACH_API_URL ?? 'http://127.0.0.1:8000';
const apiProxy = { '/api': apiTarget, '/health': apiTarget };

export default defineConfig({
  root: projectRoot,
  plugins: [
    solid(),
    compression({
      include: COMPRESSIBLE_ASSETS,
      threshold: COMPRESSION_THRESHOLD_BYTES,
      algorithms: ['brotliCompress', 'gzip'],
      deleteOriginalAssets: false,
    }),
  ],
  build: {
    outDir: '../../dist/apps/frontend',
    emptyOutDir: true,
    // MapLibre alone is ~1 MB minified; App loads it as its own chunk after the list.
    chunkSizeWarningLimit: 1200,
  },
  server: { host: '127.0.0.1', port: 4200, strictPort: true, proxy: apiProxy },
  preview: { host: '127.0.0.1', port: 4300, strictPort: true, proxy: apiProxy },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts', 'src/**/*.spec.tsx'],
  },
});
