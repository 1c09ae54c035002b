// `bosun tokens create|list|revoke`: API tokens for scripts calling the REST API. A token is printed
// once, at creation; only its hash is stored. Every change is audited.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { appendAudit } from '../audit/chain.js';
import { openDb } from '../db/client.js';
import { USER_ROLES } from '../db/repos/chat-users.js';
import { insertApiToken, listApiTokens, revokeApiToken } from '../db/repos/web-tokens.js';
import type { Env } from '../platform/env.js';
import { UsageError } from '../platform/errors.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../web/secret.js';
import { line, type CliIo } from './io.js';
import { embeddedDir } from './migrate.js';

export const TOKENS_HELP = `usage: bosun tokens create --name NAME --role viewer|trader|approver|admin
       bosun tokens list [--json]
       bosun tokens revoke --name NAME

API tokens for scripts calling the REST API (/api/v1, header "Authorization: Bearer <token>").
The token is printed once, on create; bosun keeps only its hash. Roles are the chat roles.`;

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:local';
  }
}

function flags(args: string[], allowed: string[]): Record<string, string | boolean | undefined> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const a of allowed) options[a] = { type: a === 'json' ? 'boolean' : 'string' };
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}; see \`bosun tokens --help\``);
  }
}

function nameOf(v: string | boolean | undefined): string {
  if (typeof v !== 'string') throw new UsageError('--name is required (1-32 of a-z 0-9 _ -)');
  if (!NAME_RE.test(v))
    throw new UsageError(`--name "${v}" is invalid: expected 1-32 of a-z 0-9 _ - (lower case)`);
  return v;
}

export async function runTokensCli(args: string[], io: CliIo, env: Env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') {
    throw new UsageError(
      `expected create, list or revoke${sub ? `, got "${sub}"` : ''}; see \`bosun tokens --help\``,
    );
  }
  const f = flags(rest, sub === 'create' ? ['name', 'role'] : sub === 'revoke' ? ['name'] : ['json']);
  const name = sub === 'list' ? '' : nameOf(f.name);
  let role = '';
  if (sub === 'create') {
    const r = f.role;
    if (typeof r !== 'string') throw new UsageError(`--role is required (${USER_ROLES.join(', ')})`);
    if (!(USER_ROLES as readonly string[]).includes(r))
      throw new UsageError(`--role "${r}" is invalid: expected one of ${USER_ROLES.join(', ')}`);
    role = r;
  }
  const h = await openDb({ url: env.databaseUrl, dataDir: embeddedDir(env), max: 1 });
  try {
    const actor = operator();
    if (sub === 'list') {
      const all = await listApiTokens(h.db);
      if (f.json) {
        const view = all.map((t) => ({
          name: t.name,
          role: t.role,
          hint: t.hint,
          createdBy: t.createdBy,
          createdAt: t.createdAt.toISOString(),
          lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
          revokedAt: t.revokedAt?.toISOString() ?? null,
        }));
        line(io.stdout, JSON.stringify(view));
      } else if (all.length === 0) {
        line(io.stdout, 'no API tokens (create one with `bosun tokens create --name ci --role viewer`)');
      } else {
        for (const t of all) {
          const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString().slice(0, 16)}` : 'active';
          const used = t.lastUsedAt ? `used ${t.lastUsedAt.toISOString().slice(0, 16)}` : 'never used';
          line(
            io.stdout,
            `${t.name.padEnd(16)}${t.role.padEnd(10)}${`${t.hint}…`.padEnd(14)}${state.padEnd(26)}${used}`,
          );
        }
      }
      return 0;
    }
    if (sub === 'create') {
      const token = newSecret(TOKEN_PREFIX);
      const id = await insertApiToken(h.db, {
        name,
        role,
        tokenHash: hashSecret(token),
        hint: token.slice(0, TOKEN_PREFIX.length + 4),
        createdBy: actor,
      });
      if (id === null) {
        line(io.stderr, `bosun tokens: a token named "${name}" exists; revoke it first or pick another name`);
        return 1;
      }
      await appendAudit(h.db, {
        actor,
        platform: 'cli',
        action: 'tokens create',
        args: { name, role },
        outcome: 'ok',
      });
      line(io.stdout, token);
      line(io.stderr, `token "${name}" (${role}) created; it is shown this once — store it now`);
      return 0;
    }
    const n = await revokeApiToken(h.db, name, new Date());
    await appendAudit(h.db, {
      actor,
      platform: 'cli',
      action: 'tokens revoke',
      args: { name },
      outcome: n ? 'ok' : 'not-found',
    });
    if (n === 0) {
      line(io.stderr, `bosun tokens: no active token named "${name}" (see \`bosun tokens list\`)`);
      return 1;
    }
    line(io.stdout, `revoked token "${name}": it is refused from now on`);
    return 0;
  } finally {
    await h.close();
  }
}
