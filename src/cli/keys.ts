// `bosun keys set bybit | list | rotate-master`: exchange credentials read from stdin (never argv, never
// echoed), checked against the exchange, stored encrypted per environment; every operation is audited.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { appendAudit, type AuditEntry } from '../audit/chain.js';
import { openDb, type Db, type DbHandle } from '../db/client.js';
import { BYBIT_ENVS, type BybitEnv, type Env } from '../platform/env.js';
import { UsageError } from '../platform/errors.js';
import {
  listSecrets,
  loadMasterKey,
  masterKeyFromBase64,
  readMasterKeyFile,
  rotateMaster,
  SecretError,
  storeSecret,
  type MasterKey,
} from '../platform/secrets.js';
import { line, type CliIo } from './io.js';
import { embeddedDir } from './migrate.js';

export const KEYS_HELP = `usage: bosun keys set bybit [--env testnet|demo|mainnet|sim]
       bosun keys list
       bosun keys rotate-master [--new-key-file FILE]

set            reads two lines from stdin, the API key then the secret (typed without echo on a
               terminal; never pass them as arguments), checks them against the exchange for that
               environment and stores them encrypted with the master key. --env defaults to BYBIT_ENV.
list           what is stored: environment, last 4 characters of the key, when added and last used.
rotate-master  re-encrypts every stored secret under a new master key, taken from
               BOSUN_NEW_MASTER_KEY or --new-key-file; then point BOSUN_MASTER_KEY at the new key.
               Safe to re-run if it was interrupted.

The master key comes from BOSUN_MASTER_KEY (base64, 32 bytes: \`openssl rand -base64 32\`) or
BOSUN_MASTER_KEY_FILE (a file only its owner can read: chmod 600).`;

export type KeyValidation = { ok: true } | { ok: false; reason: string };
/** Checks credentials against the exchange for `env` (wired by the composition root). */
export type KeyValidator = (env: BybitEnv, key: string, secret: string) => Promise<KeyValidation>;

export interface KeysCliDeps {
  validate?: KeyValidator;
  openDb?: (env: Env) => Promise<DbHandle>;
  /** Where BOSUN_NEW_MASTER_KEY is read from (default process.env). */
  source?: Record<string, string | undefined>;
  actor?: string;
}

const unavailable: KeyValidator = async () => ({
  ok: false,
  reason: 'validation unavailable: this build cannot check keys against the exchange',
});

function actorName(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function redactIn(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (v.length >= 4) out = out.split(v).join('[redacted]');
  return out.replace(/\s+/g, ' ').slice(0, 200);
}

type Stdin = CliIo['stdin'] & { setRawMode?: (raw: boolean) => unknown };

/**
 * Read `prompts.length` lines. On a terminal the prompts go to stderr and raw mode keeps the typed
 * characters off the screen; from a pipe nothing is printed.
 */
export function readSecretLines(io: CliIo, prompts: readonly string[]): Promise<string[]> {
  const stdin = io.stdin as Stdin;
  const tty = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  const want = prompts.length;
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let cur = '';
    let lastCr = false;
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      if (tty) stdin.setRawMode?.(false);
      stdin.pause();
      cur = '';
      if (err) reject(err);
      else resolve(lines);
    };
    const endLine = (): boolean => {
      lines.push(cur);
      cur = '';
      if (tty) io.stderr.write('\n');
      if (lines.length === want) return true;
      if (tty) io.stderr.write(prompts[lines.length] ?? '');
      return false;
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (done) return;
        if (ch === '\n' && lastCr) {
          lastCr = false;
          continue;
        }
        lastCr = ch === '\r';
        if (ch === '\r' || ch === '\n') {
          if (endLine()) return finish();
        } else if (tty && ch === '\u0003') {
          return finish(new UsageError('cancelled; nothing stored'));
        } else if (tty && ch === '\u0004') {
          return onEnd();
        } else if (tty && (ch === '\u007f' || ch === '\b')) {
          cur = cur.slice(0, -1);
        } else {
          cur += ch;
        }
      }
    };
    const onEnd = (): void => {
      if (cur !== '') lines.push(cur);
      if (lines.length >= want) return finish();
      finish(
        new UsageError(`expected ${want} lines on stdin (the API key, then the secret); got ${lines.length}`),
      );
    };
    const onError = (e: Error): void => finish(new UsageError(`cannot read stdin: ${e.message}`));
    if (tty) stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    if (tty) io.stderr.write(prompts[0] ?? '');
    stdin.resume();
  });
}

function parse(args: string[]): { positionals: string[]; env?: string; newKeyFile?: string } {
  try {
    const p = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { env: { type: 'string' }, 'new-key-file': { type: 'string' } },
    });
    return { positionals: p.positionals, env: p.values.env, newKeyFile: p.values['new-key-file'] };
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n\n${KEYS_HELP}`);
  }
}

interface Ctx {
  io: CliIo;
  deps: KeysCliDeps;
  db: Db;
  audit: (e: Omit<AuditEntry, 'actor' | 'platform'>) => Promise<unknown>;
}

async function set(
  c: Ctx,
  target: BybitEnv,
  mk: MasterKey,
  creds: { key: string; secret: string },
): Promise<number> {
  const { key, secret } = creds;
  const shape = (v: string): boolean => v.length > 0 && v.length <= 256 && !/\s/.test(v);
  if (!shape(key) || !shape(secret)) {
    line(
      c.io.stderr,
      'bosun keys: the API key and secret must each be one line of 1-256 characters without spaces',
    );
    return 1;
  }
  let v: KeyValidation;
  try {
    v = await (c.deps.validate ?? unavailable)(target, key, secret);
  } catch (e) {
    v = { ok: false, reason: `validation failed: ${e instanceof Error ? e.message : 'unknown error'}` };
  }
  const args = { name: 'bybit', env: target, last4: key.slice(-4) };
  if (!v.ok) {
    const reason = redactIn(v.reason, [key, secret]);
    await c.audit({ action: 'keys.set', args, outcome: 'denied', detail: reason });
    line(c.io.stderr, `bosun keys: ${target} did not accept these credentials: ${reason}; nothing stored`);
    return 1;
  }
  const info = await storeSecret(c.db, mk, { name: 'bybit', env: target, payload: { key, secret } });
  await c.audit({ action: 'keys.set', args: { ...args, keyId: info.keyId }, outcome: 'ok' });
  line(
    c.io.stdout,
    `stored bybit credentials for ${target} (key …${info.last4}, master key id ${info.keyId})`,
  );
  return 0;
}

async function list(c: Ctx): Promise<number> {
  const rows = await listSecrets(c.db);
  await c.audit({ action: 'keys.list', args: { count: rows.length }, outcome: 'ok' });
  if (rows.length === 0) {
    line(c.io.stdout, 'no credentials stored; add some with `bosun keys set bybit --env testnet`');
    return 0;
  }
  const when = (d: Date | null): string => (d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : 'never');
  const table = [
    ['NAME', 'ENV', 'KEY', 'MASTER KEY ID', 'ADDED', 'LAST USED'],
    ...rows.map((r) => [r.name, r.env, `…${r.last4}`, r.keyId, when(r.createdAt), when(r.lastUsedAt)]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table)
    line(
      c.io.stdout,
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  return 0;
}

async function rotate(c: Ctx, oldMk: MasterKey, newMk: MasterKey): Promise<number> {
  const ids = { fromKeyId: oldMk.id, toKeyId: newMk.id };
  try {
    const r = await rotateMaster(c.db, oldMk, newMk);
    await c.audit({ action: 'keys.rotate-master', args: { ...ids, ...r }, outcome: 'ok' });
    line(
      c.io.stdout,
      `re-encrypted ${r.rotated} secret(s) under master key id ${newMk.id}` +
        (r.skipped ? ` (${r.skipped} already were)` : '') +
        `; now set BOSUN_MASTER_KEY (or BOSUN_MASTER_KEY_FILE) to the new key: the old one (${oldMk.id}) no longer opens them`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof SecretError)) throw e;
    await c.audit({ action: 'keys.rotate-master', args: ids, outcome: 'error', detail: e.message });
    throw e;
  }
}

function newMasterKey(p: { newKeyFile?: string }, source: Record<string, string | undefined>): MasterKey {
  if (p.newKeyFile !== undefined) return readMasterKeyFile(p.newKeyFile, '--new-key-file');
  const v = source.BOSUN_NEW_MASTER_KEY;
  if (v !== undefined && v.trim() !== '') return masterKeyFromBase64(v, 'BOSUN_NEW_MASTER_KEY');
  throw new UsageError(
    'rotate-master needs the new key: set BOSUN_NEW_MASTER_KEY or pass --new-key-file FILE',
  );
}

export async function runKeysCli(
  args: string[],
  io: CliIo,
  env: Env,
  deps: KeysCliDeps = {},
): Promise<number> {
  const p = parse(args);
  const [sub, ...rest] = p.positionals;
  // Everything that can be refused without touching the database or stdin is checked first.
  let action: (c: Ctx) => Promise<number>;
  if (sub === 'set') {
    if (rest.length !== 1 || rest[0] !== 'bybit') {
      throw new UsageError(`expected \`bosun keys set bybit [--env ${BYBIT_ENVS.join('|')}]\``);
    }
    const target = p.env ?? env.bybitEnv;
    if (!(BYBIT_ENVS as readonly string[]).includes(target)) {
      throw new UsageError(`--env "${target}" is invalid: expected one of ${BYBIT_ENVS.join(', ')}`);
    }
    const mk = loadMasterKey(env);
    action = async (c) => {
      const [key = '', secret = ''] = await readSecretLines(io, ['bybit API key: ', 'bybit API secret: ']);
      return set(c, target as BybitEnv, mk, { key: key.trim(), secret: secret.trim() });
    };
  } else if (sub === 'list' && rest.length === 0) {
    action = list;
  } else if (sub === 'rotate-master' && rest.length === 0) {
    const oldMk = loadMasterKey(env);
    const newMk = newMasterKey(p, deps.source ?? process.env);
    action = (c) => rotate(c, oldMk, newMk);
  } else {
    throw new UsageError(
      `${sub === undefined ? 'missing subcommand' : `unknown subcommand "${p.positionals.join(' ')}"`}: expected set, list or rotate-master\n\n${KEYS_HELP}`,
    );
  }
  const h = await (
    deps.openDb ?? ((e: Env) => openDb({ url: e.databaseUrl, dataDir: embeddedDir(e), max: 1 }))
  )(env);
  const actor = deps.actor ?? actorName();
  try {
    const ctx: Ctx = {
      io,
      deps,
      db: h.db,
      audit: (e) => appendAudit(h.db, { ...e, actor, platform: 'cli' }),
    };
    return await action(ctx);
  } catch (e) {
    if (!(e instanceof SecretError)) throw e;
    line(io.stderr, `bosun keys: ${e.message}`);
    return 1;
  } finally {
    await h.close();
  }
}
