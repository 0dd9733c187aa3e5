// Bundles the web UI into OUTDIR (default dist/): app.js, app.css and index.html. Everything the
// page needs is in those files: the service serves them, nothing is loaded from elsewhere.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2] || join(here, 'dist');
mkdirSync(outdir, { recursive: true });
await esbuild.build({
  entryPoints: { app: join(here, 'src/main.js') },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir,
  loader: { '.css': 'css' },
  logLevel: 'warning',
  legalComments: 'linked',
});
copyFileSync(join(here, 'src/index.html'), join(outdir, 'index.html'));
console.log(`web UI built into ${outdir}`);
