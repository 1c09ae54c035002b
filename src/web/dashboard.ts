// The dashboard's files, served by the same process: a page shell, its styles, its scripts (TypeScript
// in src/web/public, type-checked and linted with the rest, turned into browser modules by esbuild — the
// one tsx already runs bosun on — once at start) and the charting library straight from node_modules.
// The files hold no data; everything shown comes from /api/v1 with the visitor's own session.
import { readFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZApp } from './app-type.js';

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), 'public');

function chartsLibrary(): string {
  const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.js');
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export async function dashboardRoutes(app: ZApp): Promise<void> {
  const files = new Map<string, { type: string; body: Buffer }>();
  const add = (url: string, path: string) => {
    const ext = path.split('.').pop() ?? '';
    files.set(url, { type: TYPES[ext] ?? 'application/octet-stream', body: readFileSync(path) });
  };
  add('/', join(PUBLIC, 'index.html'));
  add('/login', join(PUBLIC, 'login.html'));
  add('/assets/style.css', join(PUBLIC, 'style.css'));
  add('/assets/vendor/lightweight-charts.js', chartsLibrary());
  for (const name of ['app', 'charts', 'login']) {
    const source = readFileSync(join(PUBLIC, `${name}.ts`), 'utf8');
    const js = await transform(source, {
      loader: 'ts',
      format: 'esm',
      target: 'es2022',
      sourcefile: `${name}.ts`,
    });
    files.set(`/assets/${name}.js`, { type: TYPES.js as string, body: Buffer.from(js.code) });
  }
  for (const [url, f] of files) {
    app.get(
      url,
      { config: { access: 'public', rateLimit: false }, schema: { hide: true } },
      async (_req, reply) =>
        reply
          .type(f.type)
          // The shell may change with a release; the library only with an install.
          .header('cache-control', url.startsWith('/assets/vendor/') ? 'public, max-age=86400' : 'no-cache')
          .send(f.body),
    );
  }
}
