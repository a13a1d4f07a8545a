/**
 * Builds the web app into dist/web (served by the server, see src/server/routes/web): hashed
 * file names under assets/ (cached for a year), no inline script or style (the page runs under
 * `script-src 'self'; style-src 'self'`), and .br/.gz siblings of every text asset so the
 * server sends them pre-compressed.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import react from '@vitejs/plugin-react';
import { type Plugin, defineConfig } from 'vite';

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
const OUT_DIR = path.resolve(WEB_DIR, '..', 'dist', 'web');
/** Below this, compression saves less than the headers it costs. */
const MIN_COMPRESS_BYTES = 1024;
const COMPRESSIBLE = /\.(?:js|css|html|svg|json|txt|map)$/;

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(full) : Promise.resolve([full]);
    }),
  );
  return nested.flat();
}

/** Writes `x.br` and `x.gz` next to every compressible output file. */
function precompress(): Plugin {
  return {
    name: 'dashport-precompress',
    apply: 'build',
    async closeBundle() {
      const files = (await filesUnder(OUT_DIR)).filter((file) => COMPRESSIBLE.test(file));
      await Promise.all(
        files.map(async (file) => {
          const content = await readFile(file);
          if (content.length < MIN_COMPRESS_BYTES) return;
          const [gz, br] = await Promise.all([
            gzipAsync(content, { level: 9 }),
            brotliAsync(content, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: 11,
                [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
              },
            }),
          ]);
          await Promise.all([writeFile(`${file}.gz`, gz), writeFile(`${file}.br`, br)]);
        }),
      );
    },
  };
}

export default defineConfig({
  root: WEB_DIR,
  base: '/',
  publicDir: path.join(WEB_DIR, 'public'),
  plugins: [react(), precompress()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    assetsDir: 'assets',
    // Inlined assets become data: URLs, which `default-src 'self'` refuses.
    assetsInlineLimit: 0,
    // Chromium, Firefox and Safari support modulepreload; the polyfill is code we never need.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
