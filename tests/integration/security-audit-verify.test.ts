// `bosun audit verify` against a real Postgres audit log that was edited, cut or padded behind our back.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/audit/chain.js';
import { runAuditCli } from '../../src/cli/audit.js';
import type { CliIo } from '../../src/cli/io.js';
import { loadEnv } from '../../src/platform/env.js';
import { UsageError } from '../../src/platform/errors.js';
import { ROOT, runBosun } from '../helpers/cli.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await freshPgDb();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.execute(sql`truncate audit_log`);
  for (let i = 1; i <= 6; i++) {
    await appendAudit(t.db, {
      actor: `telegram:${100 + i}`,
      action: 'trade.buy',
      args: { qty: `0.00${i}` },
      outcome: 'ok',
    });
  }
});

/** In-process run: the CLI opens its own handle from DATABASE_URL, like the real command. */
async function verify(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  const io: CliIo = { stdout: out, stderr: err, stdin: new PassThrough() };
  const code = await runAuditCli(['verify', ...args], io, loadEnv({ DATABASE_URL: t.url }));
  return { code, out: o, err: e };
}

/** Same, as a child process (tests/fixtures/ops-cli.ts stands in for bin/bosun until main.ts routes `audit`). */
function verifyInChild(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/fixtures/ops-cli.ts', 'audit', 'verify', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: t.url },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('audit verify', () => {
  it('passes an untouched chain and prints its head', async () => {
    const r = await verify();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^audit log intact: 6 rows\nhead: 6:[0-9a-f]{64}\n$/);
  });

  it('names an edited row', async () => {
    await t.db.execute(sql`update audit_log set args = '{"qty":"5"}'::jsonb where id = 3`);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'audit log broken at row 3: row 3 (trade.buy by telegram:103) was edited after it was written',
    );
  });

  it('names a deleted row', async () => {
    await t.db.execute(sql`delete from audit_log where id = 4`);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.err).toContain('audit log broken at row 4: row 4 is missing (next row is 5)');
  });

  it('names a row inserted directly in SQL', async () => {
    await t.db.execute(sql`insert into audit_log (id, ts, actor, action, args, outcome, prev_hash, hash)
      values (7, 0, 'mallory', 'trade.sell', '{}'::jsonb, 'ok', ${'f'.repeat(64)}, ${'e'.repeat(64)})`);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.err).toContain('audit log broken at row 7: row 7 does not follow row 6');
  });

  it('reports as JSON a row whose stored hash was overwritten', async () => {
    await t.db.execute(sql`update audit_log set hash = ${'a'.repeat(64)} where id = 2`);
    const r = await verify('--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, badId: 2, problem: 'edited' });
  });

  it('detects truncation of the newest rows only against a head anchor recorded earlier', async () => {
    const first = await verify();
    const anchor = /head: (\S+)/.exec(first.out)?.[1] ?? '';
    await t.db.execute(sql`delete from audit_log where id >= 5`);
    // The chain alone cannot see it...
    expect((await verify()).code).toBe(0);
    // ...the anchor can.
    const r = await verify('--expect-head', anchor);
    expect(r.code).toBe(1);
    expect(r.err).toContain('audit log truncated: the anchor names row 6 but the log ends at row 4');
  });

  it('detects a log rebuilt with consistent hashes against an anchor', async () => {
    const anchor = /head: (\S+)/.exec((await verify()).out)?.[1] ?? '';
    // Rebuild the whole log from scratch with different content: a valid chain, but not the anchored one.
    await t.db.execute(sql`truncate audit_log`);
    for (let i = 1; i <= 6; i++) await appendAudit(t.db, { actor: 'mallory', action: 'noop', outcome: 'ok' });
    expect((await verify()).code).toBe(0);
    const r = await verify('--expect-head', anchor);
    expect(r.code).toBe(1);
    expect(r.err).toContain('audit log rewritten: row 6 no longer has the anchored hash');
  });

  it('accepts a still-valid anchor after more rows were appended', async () => {
    const anchor = /head: (\S+)/.exec((await verify()).out)?.[1] ?? '';
    await appendAudit(t.db, { actor: 'cli:ops', action: 'keys.list', outcome: 'ok' });
    const r = await verify('--expect-head', anchor);
    expect(r.code).toBe(0);
    expect(r.out).toContain('audit log intact: 7 rows (anchor at row 6 matches)');
  });

  it('rejects bad usage with a UsageError (exit 2 through main)', async () => {
    const io: CliIo = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
    const env = loadEnv({ DATABASE_URL: t.url });
    await expect(runAuditCli(['check'], io, env)).rejects.toThrow(UsageError);
    await expect(runAuditCli(['verify', '--expect-head', '6:abc'], io, env)).rejects.toThrow(
      /expected ID:HASH/,
    );
  });

  it('exits 0 / 1 as a separate process', async () => {
    const ok = await verifyInChild();
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('audit log intact: 6 rows');
    await t.db.execute(sql`update audit_log set actor = 'someone-else' where id = 2`);
    const bad = await verifyInChild();
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('audit log broken at row 2');
  });
});

// The real `bosun` binary: runs once src/cli/main.ts routes `audit` to runAuditCli.
const wired = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8').includes('runAuditCli');
describe.runIf(wired)('bosun audit verify (bin/bosun.js)', () => {
  it('exits 0 on an intact chain and 1 naming the row after tampering', async () => {
    const ok = await runBosun(['audit', 'verify'], { env: { DATABASE_URL: t.url } });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('audit log intact: 6 rows');
    await t.db.execute(sql`delete from audit_log where id = 5`);
    const bad = await runBosun(['audit', 'verify'], { env: { DATABASE_URL: t.url } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('audit log broken at row 5');
  });
});
