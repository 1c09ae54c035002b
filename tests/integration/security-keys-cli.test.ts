// `bosun keys`: credentials come from stdin only, are validated before storing, never show up in output
// or the audit log, stay per environment, and survive a master-key rotation.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/chain.js';
import type { CliIo } from '../../src/cli/io.js';
import { runKeysCli, type KeysCliDeps, type KeyValidator } from '../../src/cli/keys.js';
import { rows } from '../../src/db/client.js';
import { loadEnv } from '../../src/platform/env.js';
import { ConfigError, UsageError } from '../../src/platform/errors.js';
import { generateMasterKey, loadSecret, masterKeyFromBase64 } from '../../src/platform/secrets.js';
import { ROOT, runBosun } from '../helpers/cli.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

const KEY = 'TkEyAbCdEf12345678';
const SECRET = 'SeCrEtXyZ0123456789abcdefGHIJKLmnopq';
let t: TestDb;
let master = generateMasterKey();

beforeAll(async () => {
  t = await freshPgDb();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.execute(sql`truncate secrets, audit_log`);
  master = generateMasterKey();
});

type Stdin = PassThrough & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

async function keys(args: string[], input: string | null, deps: KeysCliDeps = {}, stdin?: Stdin) {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  const inp: Stdin = stdin ?? new PassThrough();
  if (input !== null && !stdin) inp.end(input);
  const io: CliIo = { stdout: out, stderr: err, stdin: inp };
  const env = loadEnv({ DATABASE_URL: t.url, BOSUN_MASTER_KEY: master, BYBIT_ENV: 'testnet' });
  const code = await runKeysCli(args, io, env, { actor: 'cli:test', ...deps });
  return { code, out: o, err: e };
}

const accept: KeyValidator = async () => ({ ok: true });

async function auditText(): Promise<string> {
  return JSON.stringify(rows(await t.db.execute(sql`select * from audit_log order by id`)));
}

describe('bosun keys', () => {
  it('stores validated credentials for the chosen env without echoing them anywhere', async () => {
    const seen: string[] = [];
    const validate: KeyValidator = async (env, key, secret) => {
      seen.push(`${env}/${key}/${secret}`);
      return { ok: true };
    };
    const r = await keys(['set', 'bybit', '--env', 'demo'], `${KEY}\n${SECRET}\n`, { validate });
    expect(r.code).toBe(0);
    expect(seen).toEqual([`demo/${KEY}/${SECRET}`]);
    expect(r.out).toMatch(/^stored bybit credentials for demo \(key …5678, master key id [0-9a-f]{16}\)\n$/);
    const mk = masterKeyFromBase64(master, 'x');
    expect(await loadSecret(t.db, mk, 'bybit', 'demo')).toEqual({ key: KEY, secret: SECRET });
    expect(await loadSecret(t.db, mk, 'bybit', 'testnet')).toBeNull();
    const audit = await auditText();
    expect(audit).toContain('keys.set');
    for (const text of [r.out, r.err, audit]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(KEY);
    }
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('defaults --env to BYBIT_ENV and accepts CRLF input', async () => {
    const r = await keys(['set', 'bybit'], `${KEY}\r\n${SECRET}\r\n`, { validate: accept });
    expect(r.code).toBe(0);
    const mk = masterKeyFromBase64(master, 'x');
    expect(await loadSecret(t.db, mk, 'bybit', 'testnet')).toEqual({ key: KEY, secret: SECRET });
  });

  it('stores nothing when the exchange refuses, and audits the denial without the secret', async () => {
    const validate: KeyValidator = async (_e, key) => ({
      ok: false,
      reason: `API key ${key} is invalid (10003)`,
    });
    const r = await keys(['set', 'bybit', '--env', 'mainnet'], `${KEY}\n${SECRET}\n`, { validate });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'mainnet did not accept these credentials: API key [redacted] is invalid (10003); nothing stored',
    );
    expect(rows(await t.db.execute(sql`select 1 from secrets`))).toHaveLength(0);
    const audit = await auditText();
    expect(audit).toContain('denied');
    expect(audit).not.toContain(KEY);
    expect(audit).not.toContain(SECRET);
  });

  it('scrubs key and secret from a validator that throws a raw SDK-style error', async () => {
    const validate: KeyValidator = async (_e, key, secret) => {
      throw new Error(JSON.stringify({ code: 401, requestOptions: { key, secret } }));
    };
    const r = await keys(['set', 'bybit'], `${KEY}\n${SECRET}\n`, { validate });
    expect(r.code).toBe(1);
    expect(r.err).toContain('validation failed');
    for (const text of [r.out, r.err, await auditText()]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(KEY);
    }
  });

  it('refuses to store anything when no validator is wired', async () => {
    const r = await keys(['set', 'bybit'], `${KEY}\n${SECRET}\n`);
    expect(r.code).toBe(1);
    expect(r.err).toContain('validation unavailable');
    expect(rows(await t.db.execute(sql`select 1 from secrets`))).toHaveLength(0);
  });

  it('on a terminal turns echo off (raw mode), prompts on stderr and prints neither value', async () => {
    const tty: Stdin = new PassThrough();
    const modes: boolean[] = [];
    tty.isTTY = true;
    tty.setRawMode = (raw: boolean) => modes.push(raw);
    const run = keys(['set', 'bybit'], null, { validate: accept }, tty);
    // Typed one character at a time with a typo fixed by backspace, Enter as \r.
    for (const ch of `${KEY}x\u007f\r${SECRET}\r`) tty.write(ch);
    const r = await run;
    expect(r.code).toBe(0);
    expect(modes).toEqual([true, false]);
    expect(r.err).toBe('bybit API key: \nbybit API secret: \n');
    expect(r.out).not.toContain(SECRET);
    expect(await loadSecret(t.db, masterKeyFromBase64(master, 'x'), 'bybit', 'testnet')).toEqual({
      key: KEY,
      secret: SECRET,
    });
  });

  it('Ctrl-C at the prompt stores nothing', async () => {
    const tty: Stdin = new PassThrough();
    tty.isTTY = true;
    tty.setRawMode = () => undefined;
    const run = keys(['set', 'bybit'], null, { validate: accept }, tty);
    tty.write(`${KEY}\r\u0003`);
    await expect(run).rejects.toThrow(/cancelled; nothing stored/);
    expect(rows(await t.db.execute(sql`select 1 from secrets`))).toHaveLength(0);
  });

  it('needs two lines, a master key, a known env, and no key material as arguments', async () => {
    await expect(keys(['set', 'bybit'], `${KEY}\n`, { validate: accept })).rejects.toThrow(
      /expected 2 lines on stdin/,
    );
    await expect(keys(['set', 'bybit', '--env', 'prod'], '')).rejects.toThrow(UsageError);
    await expect(keys(['set', 'bybit', KEY], '')).rejects.toThrow(UsageError);
    await expect(keys(['set', 'bybit', '--key', KEY], '')).rejects.toThrow(UsageError);
    const io: CliIo = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
    await expect(runKeysCli(['set', 'bybit'], io, loadEnv({ DATABASE_URL: t.url }))).rejects.toThrow(
      ConfigError,
    );
  });

  it('lists what is stored by env and last4 only', async () => {
    await keys(['set', 'bybit', '--env', 'testnet'], `${KEY}\n${SECRET}\n`, { validate: accept });
    await keys(['set', 'bybit', '--env', 'mainnet'], `OTHERKEY99990000\n${SECRET}9\n`, { validate: accept });
    const r = await keys(['list'], '');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ENV\s+KEY\s+MASTER KEY ID\s+ADDED\s+LAST USED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'bybit mainnet …0000',
      'bybit testnet …5678',
    ]);
    expect(r.out).not.toContain(SECRET);
    expect(await auditText()).toContain('keys.list');
  });

  it('rotates the master key from BOSUN_NEW_MASTER_KEY and records it in the audit log', async () => {
    await keys(['set', 'bybit', '--env', 'testnet'], `${KEY}\n${SECRET}\n`, { validate: accept });
    const next = generateMasterKey();
    const r = await keys(['rotate-master'], '', { source: { BOSUN_NEW_MASTER_KEY: next } });
    expect(r.code).toBe(0);
    const newMk = masterKeyFromBase64(next, 'x');
    expect(r.out).toContain(`re-encrypted 1 secret(s) under master key id ${newMk.id}`);
    expect(await loadSecret(t.db, newMk, 'bybit', 'testnet')).toEqual({ key: KEY, secret: SECRET });
    const audit = await auditText();
    expect(audit).toContain('keys.rotate-master');
    expect(audit).not.toContain(next);
    expect(audit).not.toContain(master);
    // The old key now gets the clear mismatch error (exit 1), naming the new key id.
    master = next;
    const again = await keys(['rotate-master'], '', {
      source: { BOSUN_NEW_MASTER_KEY: generateMasterKey() },
    });
    expect(again.code).toBe(0);
    await expect(keys(['rotate-master'], '')).rejects.toThrow(/BOSUN_NEW_MASTER_KEY or pass --new-key-file/);
  });
});

// As separate processes: stdin is a real pipe, exit codes are real.
function child(args: string[], input: string, env: Record<string, string>) {
  const script = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8').includes(
    'runKeysCli',
  )
    ? null
    : 'tests/fixtures/ops-cli.ts';
  if (!script)
    return runBosun(['keys', ...args], { env, input }).then((r) => ({
      code: r.code,
      out: r.stdout,
      err: r.stderr,
    }));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', script, 'keys', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, out, err }));
    c.stdin.end(input);
  });
}

describe('bosun keys as a process', () => {
  it('reads the pipe, refuses without a wired validator (exit 1) and lists (exit 0)', async () => {
    const env = { DATABASE_URL: t.url, BOSUN_MASTER_KEY: master, BYBIT_ENV: 'testnet' };
    const set = await child(['set', 'bybit'], `${KEY}\n${SECRET}\n`, env);
    expect(set.err).toMatch(/validation unavailable|did not accept/);
    expect(set.code).toBe(1);
    expect(set.out + set.err).not.toContain(SECRET);
    const list = await child(['list'], '', env);
    expect(list.code).toBe(0);
    expect(list.out).toContain('no credentials stored');
  });
});
