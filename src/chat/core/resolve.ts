// The pure half of dispatch: a command name and tokens, for a role, become either a runnable invocation
// or the reply that explains why not (unknown command, usage, missing role). No I/O, never throws.
import { explainArgsError } from './args.js';
import type { Invocation } from './command.js';
import type { Registry } from './registry.js';
import type { Reply } from './reply.js';
import { atLeast, type Role } from './roles.js';
import * as std from './standard-replies.js';

export type Resolution =
  | { kind: 'ok'; invocation: Invocation }
  | { kind: 'unknown' | 'invalid' | 'denied'; action: string; reply: Reply; detail: string | null };

export function resolveCommand(registry: Registry, name: string, tokens: string[], role: Role): Resolution {
  const cmd = registry.get(name);
  if (!cmd) {
    const reply = std.unknownReply(name, registry.nearest(name, role));
    return { kind: 'unknown', action: name.slice(0, 40), reply, detail: null };
  }
  const parsed = cmd.parse(tokens);
  if (!parsed.ok) {
    const problem = namedProblem(cmd.usage, explainArgsError(parsed.error, tokens), tokens.length);
    return { kind: 'invalid', action: cmd.name, reply: std.usageReply(cmd, problem), detail: problem };
  }
  const inv = parsed.invocation;
  if (!atLeast(role, inv.role)) {
    const reply = std.needsRoleReply(cmd.name, inv.role, role);
    return { kind: 'denied', action: cmd.name, reply, detail: `needs ${inv.role}, has ${role}` };
  }
  return { kind: 'ok', invocation: inv };
}

/** "missing argument" → "missing <qty|$notional>" when the usage has one form to read names from. */
function namedProblem(usage: string, problem: string, given: number): string {
  if (problem !== 'missing argument' || usage.includes('\n')) return problem;
  const names = usage.match(/<[^>]+>|\[[^\]]+\]/g) ?? [];
  const missing = names[given];
  return missing?.startsWith('<') ? `missing ${missing}` : problem;
}
