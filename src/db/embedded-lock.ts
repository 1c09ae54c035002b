// One process at a time on an embedded PGlite folder: a second one opening it corrupts nothing visibly
// but sees none of the first one's writes (an accepted /buy never became an order). A lock file holding
// the owner's pid refuses the second process in one line; a lock whose process is gone is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../platform/errors.js';

const held = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock (re-entrant within this process); the returned function releases it. */
export function lockEmbedded(dir: string): () => void {
  const file = join(dir, 'bosun.lock');
  const count = held.get(file) ?? 0;
  if (count === 0) acquire(file, dir);
  held.set(file, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (held.get(file) ?? 1) - 1;
    if (left > 0) return void held.set(file, left);
    held.delete(file);
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
}

function acquire(file: string, dir: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new ConfigError(
        `the embedded database at ${dir} is in use by process ${owner} (a running bosun start or demo); only one process can open it: stop that one, or set DATABASE_URL to a Postgres that several processes share`,
      );
    }
    // The owner is gone (killed, crashed): its lock is stale.
    unlinkSync(file);
  }
  throw new ConfigError(`could not lock the embedded database at ${dir}: ${file} keeps reappearing`);
}
