// The shape of a chat command (one file per command in commands/) and what its handler receives.
// defineCommand() binds the parsed argument type to the handler so the registry needs no casts.
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../domain/clock.js';
import type { Actor, TradingServices } from '../../engine/services.js';
import type { BosunConfig } from '../../platform/config.js';
import type { ChatPlatform, Reply } from './reply.js';
import type { Role } from './roles.js';

export interface HealthReport {
  ok: boolean;
  detail: string;
}

/** A named probe (queue, exchange, …) the composition root injects; it must answer within its own timeout. */
export interface HealthProbe {
  name: string;
  probe: () => Promise<HealthReport>;
}

export interface RuntimeInfo {
  /** paper (simulator) or live (a real Bybit environment). */
  mode: 'paper' | 'live';
  /** sim | testnet | demo | mainnet */
  exchangeEnv: string;
  version: string;
  startedAt: number;
}

/** Re-renders every posted copy of an approval after a vote (see approval-board.ts). */
export interface ApprovalRefresher {
  refresh(approvalId: number): Promise<void>;
  /** Make sure approvers hear about a new approval (idempotent: an alert deduplicated per approval). */
  announce?(approvalId: number): Promise<void>;
}

export interface CommandInfo {
  name: string;
  summary: string;
  usage: string;
  example: string;
  role: Role;
  /** The role each usage line needs, in order (`risk` viewer, `risk set` admin). */
  usageRoles: Role[];
}

export interface CommandDeps {
  db: Db;
  clock: Clock;
  config: BosunConfig;
  info: RuntimeInfo;
  /** Absent in processes that cannot trade (a read-only gateway): mutating commands say so. */
  services?: TradingServices;
  health: HealthProbe[];
  approvals?: ApprovalRefresher;
  /** The commands a role may use, for `help`. */
  catalog: (role: Role) => CommandInfo[];
}

/** Who is asking, from where, with which role. */
export interface CommandContext {
  actor: Actor;
  platform: ChatPlatform;
  chatId: string;
  /** Chat id (Telegram), team id (Slack) or '*' (console). */
  scope: string;
  role: Role;
  /** 1-based page for long lists (set by the Next/Prev buttons). */
  page: number;
  /** The argument tokens as typed, for pagination buttons. */
  rawArgs: string[];
}

export interface CommandInput<A> extends CommandContext {
  args: A;
}

export interface CommandSpec<A> {
  name: string;
  aliases?: string[];
  summary: string;
  /** Without the slash: "buy <symbol> <qty|$notional> [limit price]"; several forms on separate lines. */
  usage: string;
  example: string;
  /** Parses the argument tokens. */
  args: z.ZodType<A>;
  /** The lowest role allowed; a function when a subcommand needs more (e.g. `risk set`). */
  role: Role | ((args: A) => Role);
  /** With a role function: the role each usage line needs, so help does not call `risk set` viewer. */
  usageRoles?: Role[];
  /** A prompt when this invocation must be confirmed first (`kill`, `close all`), else null. */
  confirm?: (args: A) => string | null;
  /**
   * Asked before the confirmation: a reply here answers at once and asks nothing (`/close all` with
   * nothing open has nothing to confirm). Read-only; the handler still checks again when confirmed.
   */
  beforeConfirm?: (input: CommandInput<A>, deps: CommandDeps) => Promise<Reply | null>;
  handler: (input: CommandInput<A>, deps: CommandDeps) => Promise<Reply | Reply[]>;
}

/** A parsed invocation, ready to authorise and run. */
export interface Invocation {
  command: Command;
  role: Role;
  confirmPrompt: string | null;
  /** Answers instead of asking for the confirmation when there is nothing to confirm. */
  beforeConfirm: (ctx: CommandContext, deps: CommandDeps) => Promise<Reply | null>;
  run: (ctx: CommandContext, deps: CommandDeps) => Promise<Reply[]>;
}

export type ParseResult = { ok: true; invocation: Invocation } | { ok: false; error: z.ZodError };

export interface Command {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly example: string;
  /** The role needed for the command's plainest form (shown in help). */
  readonly baseRole: Role;
  /** The role each usage line needs (the base role for every line unless the spec says otherwise). */
  readonly usageRoles: Role[];
  parse(tokens: string[]): ParseResult;
}

export function defineCommand<A>(spec: CommandSpec<A>): Command {
  const roleOf = (a: A): Role => (typeof spec.role === 'function' ? spec.role(a) : spec.role);
  const cmd: Command = {
    name: spec.name,
    aliases: spec.aliases ?? [],
    summary: spec.summary,
    usage: spec.usage,
    example: spec.example,
    baseRole: typeof spec.role === 'string' ? spec.role : 'viewer',
    usageRoles:
      spec.usageRoles ??
      spec.usage.split('\n').map(() => (typeof spec.role === 'string' ? spec.role : 'viewer')),
    parse(tokens) {
      const r = spec.args.safeParse(tokens);
      if (!r.success) return { ok: false, error: r.error };
      const args = r.data;
      return {
        ok: true,
        invocation: {
          command: cmd,
          role: roleOf(args),
          confirmPrompt: spec.confirm ? spec.confirm(args) : null,
          beforeConfirm: async (ctx, deps) =>
            spec.beforeConfirm ? spec.beforeConfirm({ ...ctx, args }, deps) : null,
          run: async (ctx, deps) => {
            const out = await spec.handler({ ...ctx, args }, deps);
            return Array.isArray(out) ? out : [out];
          },
        },
      };
    },
  };
  return cmd;
}
