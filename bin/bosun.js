#!/usr/bin/env node
// Entry for the `bosun` bin: runs the compiled CLI from dist/ when it is at least as new as the sources,
// else (a dev checkout with edits since the last build) the TypeScript sources through tsx, never stale code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'commands', 'jobs', 'drizzle', 'assets'];
const CONFIGS = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** Build time from dist/.built, or null when there is no complete build. */
function builtAt() {
  try {
    return Number(readFileSync(join(root, 'dist', '.built'), 'utf8'));
  } catch {
    return null;
  }
}

/** The first source file changed after `t`, or null. An install without sources is never stale. */
function newerSource(t) {
  for (const f of CONFIGS) {
    const p = join(root, f);
    if (existsSync(p) && statSync(p).mtimeMs > t) return f;
  }
  for (const dir of SOURCES) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const e of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const p = join(e.parentPath ?? e.path, e.name);
      if (statSync(p).mtimeMs > t) return p.slice(root.length + 1);
    }
  }
  return null;
}

const t = builtAt();
const hasSources = existsSync(join(root, 'src', 'cli', 'main.ts'));
// An image or package ships dist/ without the sources: nothing to compare against or fall back to.
const why = !hasSources ? null : t === null ? 'dist/ is not built' : newerSource(t);
if (why === null) {
  await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'main.js')).href);
} else {
  // Only a person at a terminal needs the hint; scripts and tests read stderr as the command's own.
  if (process.stderr.isTTY) {
    const what = t === null ? why : `${why} is newer than dist/`;
    process.stderr.write(
      `bosun: ${what}; running the sources through tsx (npm run build for a fast start)\n`,
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
