// `bosun users add|list|remove`: the chat allow-list from the command line. Changes are audited.
import { userInfo } from 'node:os';
import { appendAudit } from '../audit/chain.js';
import { openDb } from '../db/client.js';
import {
  listChatUsers,
  removeChatUser,
  upsertChatUser,
  USER_PLATFORMS,
  USER_ROLES,
  type UserPlatform,
  type UserRole,
} from '../db/repos/chat-users.js';
import type { Env } from '../platform/env.js';
import { UsageError } from '../platform/errors.js';
import { line, type CliIo } from './io.js';
import { embeddedDir } from './migrate.js';

export const USERS_HELP = `usage: bosun users add --platform telegram|slack --id ID --role viewer|trader|approver|admin [--scope CHAT]
       bosun users list [--json]
       bosun users remove --platform telegram|slack --id ID [--scope CHAT]

The chat allow-list. Nobody else gets an answer from the bot. --scope limits a grant to one
Telegram chat id or Slack team id (default: any). Find your id with /whoami, or in the bot's
refusal message.`;

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

const BOOLEAN_FLAGS = ['json'];

function parseFlags(args: string[], allowed: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new UsageError(`unexpected argument "${a}"; see \`bosun users --help\``);
    const name = m[1] as string;
    if (!allowed.includes(name)) {
      throw new UsageError(`unknown option --${name}; accepted: ${allowed.map((x) => `--${x}`).join(', ')}`);
    }
    if (BOOLEAN_FLAGS.includes(name)) {
      out[name] = 'yes';
      continue;
    }
    const value = m[2] ?? args[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    out[name] = value;
  }
  return out;
}

function need(flags: Record<string, string>, name: string, accepted: string): string {
  const v = flags[name];
  if (v === undefined) throw new UsageError(`--${name} is required (${accepted})`);
  return v;
}

function platformOf(flags: Record<string, string>): UserPlatform {
  const p = need(flags, 'platform', USER_PLATFORMS.join(' or '));
  if (!(USER_PLATFORMS as readonly string[]).includes(p)) {
    throw new UsageError(`--platform "${p}" is invalid: expected ${USER_PLATFORMS.join(' or ')}`);
  }
  return p as UserPlatform;
}

function idOf(flags: Record<string, string>, name: string): string {
  const v = need(flags, name, 'letters, digits, _ or -');
  if (!ID_RE.test(v))
    throw new UsageError(`--${name} "${v}" is invalid: expected letters, digits, _ or - (max 64)`);
  return v;
}

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:local';
  }
}

export async function runUsersCli(args: string[], io: CliIo, env: Env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add' && sub !== 'list' && sub !== 'remove') {
    throw new UsageError(
      `expected add, list or remove${sub ? `, got "${sub}"` : ''}; see \`bosun users --help\``,
    );
  }
  const flags = parseFlags(
    rest,
    sub === 'list'
      ? ['json']
      : sub === 'add'
        ? ['platform', 'id', 'role', 'scope']
        : ['platform', 'id', 'scope'],
  );
  let role: UserRole | undefined;
  if (sub === 'add') {
    const r = need(flags, 'role', USER_ROLES.join(', '));
    if (!(USER_ROLES as readonly string[]).includes(r))
      throw new UsageError(`--role "${r}" is invalid: expected one of ${USER_ROLES.join(', ')}`);
    role = r as UserRole;
  }
  const platform = sub === 'list' ? undefined : platformOf(flags);
  const id = sub === 'list' ? undefined : idOf(flags, 'id');
  const scope = flags.scope === undefined ? undefined : idOf(flags, 'scope');
  const h = await openDb({ url: env.databaseUrl, dataDir: embeddedDir(env), max: 1 });
  try {
    const actor = operator();
    if (sub === 'list') {
      const users = await listChatUsers(h.db);
      if (flags.json !== undefined) {
        line(
          io.stdout,
          JSON.stringify(
            users.map((u) => ({ platform: u.platform, id: u.userId, role: u.role, scope: u.scope })),
          ),
        );
      } else if (users.length === 0) {
        line(io.stdout, 'no chat users: the bot answers nobody (add one with `bosun users add`)');
      } else {
        for (const u of users)
          line(
            io.stdout,
            `${u.platform.padEnd(9)}${u.userId.padEnd(16)}${u.role.padEnd(10)}${u.scope === '*' ? 'any chat' : u.scope}`,
          );
      }
      return 0;
    }
    if (sub === 'add' && platform && id && role) {
      const { previous } = await upsertChatUser(h.db, {
        platform,
        userId: id,
        role,
        scope: scope ?? '*',
        addedBy: actor,
      });
      await appendAudit(h.db, {
        actor,
        platform: 'cli',
        action: 'users add',
        args: { platform, id, role, scope: scope ?? '*' },
        outcome: 'ok',
      });
      line(
        io.stdout,
        `${platform}:${id} is ${role}${previous ? ` (was ${previous})` : ''} in ${scope ?? 'any chat'}`,
      );
      return 0;
    }
    const n = await removeChatUser(h.db, platform as string, id as string, scope);
    await appendAudit(h.db, {
      actor,
      platform: 'cli',
      action: 'users remove',
      args: { platform, id, scope: scope ?? null },
      outcome: n ? 'ok' : 'not-found',
    });
    if (n === 0) {
      line(
        io.stderr,
        `bosun users: ${platform}:${id}${scope ? ` (scope ${scope})` : ''} is not on the allow-list`,
      );
      return 1;
    }
    line(io.stdout, `removed ${platform}:${id} (${n} grant${n === 1 ? '' : 's'})`);
    return 0;
  } finally {
    await h.close();
  }
}
