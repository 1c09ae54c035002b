// `bosun audit verify`: walks the audit hash chain; exit 0 when intact, 1 naming the first broken row.
import { parseArgs } from 'node:util';
import { checkAudit, formatAnchor, parseAnchor, type HeadAnchor } from '../audit/verify-cli.js';
import { openDb, type DbHandle } from '../db/client.js';
import type { Env } from '../platform/env.js';
import { UsageError } from '../platform/errors.js';
import { line, type CliIo } from './io.js';
import { embeddedDir } from './migrate.js';

export const AUDIT_HELP = `usage: bosun audit verify [--expect-head ID:HASH] [--json]

Checks the audit log's hash chain in DATABASE_URL (or the embedded database): every row must
follow from the one before it. Exit status 0 and "audit log intact: N rows" when it does; 1 and
the first broken row (edited, inserted or deleted) when it does not.

The chain cannot show that its newest rows were deleted. Each run prints the head as ID:HASH:
keep it outside the database (a ticket, a log shipper) and pass it back with --expect-head to
detect truncation or a rebuilt log.

options:
  --expect-head ID:HASH   also require row ID to exist with this hash
  --json                  print one JSON document instead of text`;

export interface AuditCliDeps {
  openDb?: (env: Env) => Promise<DbHandle>;
}

function parse(args: string[]): { expectHead: HeadAnchor | undefined; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { 'expect-head': { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n\n${AUDIT_HELP}`);
  }
  const [sub, ...extra] = parsed.positionals;
  if (sub !== 'verify' || extra.length > 0) {
    throw new UsageError(
      `${sub === undefined ? 'missing subcommand' : `unknown subcommand "${[sub, ...extra].join(' ')}"`}: expected \`verify\`\n\n${AUDIT_HELP}`,
    );
  }
  const raw = parsed.values['expect-head'];
  let expectHead: HeadAnchor | undefined;
  if (raw !== undefined) {
    const a = parseAnchor(raw);
    if (!a)
      throw new UsageError(
        `--expect-head "${raw}" is invalid: expected ID:HASH (a row id and 64 hex digits)`,
      );
    expectHead = a;
  }
  return { expectHead, json: parsed.values.json === true };
}

export async function runAuditCli(
  args: string[],
  io: CliIo,
  env: Env,
  deps: AuditCliDeps = {},
): Promise<number> {
  const opts = parse(args);
  const h = await (
    deps.openDb ?? ((e: Env) => openDb({ url: e.databaseUrl, dataDir: embeddedDir(e), max: 1 }))
  )(env);
  try {
    const r = await checkAudit(h.db, opts.expectHead ? { expectHead: opts.expectHead } : {});
    if (opts.json) {
      line(io.stdout, JSON.stringify({ ...r, head: r.head ? formatAnchor(r.head) : null }));
    } else {
      line(r.ok ? io.stdout : io.stderr, r.message);
      if (r.ok && r.head) line(io.stdout, `head: ${formatAnchor(r.head)}`);
    }
    return r.ok ? 0 : 1;
  } finally {
    await h.close();
  }
}
