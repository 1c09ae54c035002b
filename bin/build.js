#!/usr/bin/env node
// Compiles the TypeScript sources into dist/ (tsc -p tsconfig.build.json) and copies the files the
// compiled code reads beside itself (migrations, assets, web pages), then stamps the build time.
// `--lenient` (the prepare script) still succeeds when tsc reports type errors but emitted JavaScript,
// so `npm ci` never fails on them: `npm run typecheck` is where they are reported as failures.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const lenient = process.argv.includes('--lenient');
// Data directories found relative to the compiled modules (`new URL('../../drizzle', import.meta.url)`).
const COPIES = ['drizzle', 'assets', 'src/web/public'];

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  // A production install (--omit=dev) has no compiler: the image builds dist/ in its build stage.
  process.stderr.write('bosun build: typescript is not installed; dist/ was not built\n');
  process.exit(lenient ? 0 : 1);
}
const started = Date.now();
rmSync(join(dist, '.built'), { force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
const emitted = existsSync(join(dist, 'src', 'cli', 'main.js'));
if (r.status !== 0) {
  const errors = (r.stdout.match(/error TS\d+/g) ?? []).length;
  if (!lenient || !emitted) {
    process.stderr.write(r.stdout);
    process.stderr.write(`bosun build: tsc failed (${errors} errors)\n`);
    process.exit(1);
  }
  process.stderr.write(
    `bosun build: tsc reported ${errors} type errors; dist/ was emitted anyway (see npm run typecheck)\n`,
  );
}
for (const rel of COPIES) {
  const from = join(root, rel);
  const to = join(dist, rel);
  if (!existsSync(from)) continue;
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
}
// bin/bosun.js runs dist/ only when no source is newer than this stamp.
writeFileSync(join(dist, '.built'), `${started}\n`);
process.stderr.write(`bosun build: dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
