// The command registry: lookup by name or alias, the list a role may see, and "did you mean" for typos.
import type { Command, CommandInfo } from './command.js';
import { atLeast, type Role } from './roles.js';

/** Levenshtein distance (small strings only: command names). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] ?? 0;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j] ?? 0;
      d[j] = Math.min((d[j] ?? 0) + 1, (d[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length] ?? 0;
}

export class Registry {
  private readonly byName = new Map<string, Command>();
  private readonly ordered: Command[] = [];

  constructor(commands: readonly Command[]) {
    for (const c of commands) this.add(c);
  }

  add(c: Command): void {
    for (const n of [c.name, ...c.aliases]) {
      if (this.byName.has(n)) throw new Error(`duplicate chat command name "${n}"`);
      this.byName.set(n, c);
    }
    this.ordered.push(c);
  }

  get(name: string): Command | undefined {
    return this.byName.get(name.toLowerCase());
  }

  all(): readonly Command[] {
    return this.ordered;
  }

  visibleTo(role: Role): Command[] {
    return this.ordered.filter((c) => atLeast(role, c.baseRole));
  }

  catalog(role: Role): CommandInfo[] {
    return this.visibleTo(role).map((c) => ({
      name: c.name,
      summary: c.summary,
      usage: c.usage,
      example: c.example,
      role: c.baseRole,
    }));
  }

  /** The closest command name the role may use, if it is plausibly what was meant. */
  nearest(name: string, role: Role): string | undefined {
    const lower = name.toLowerCase().slice(0, 40);
    let best: { name: string; d: number } | undefined;
    for (const c of this.visibleTo(role)) {
      for (const n of [c.name, ...c.aliases]) {
        const d = n.startsWith(lower) && lower.length >= 2 ? 0.5 : editDistance(lower, n);
        if (best === undefined || d < best.d) best = { name: c.name, d };
      }
    }
    if (best === undefined) return undefined;
    return best.d <= Math.max(2, Math.floor(lower.length / 3)) ? best.name : undefined;
  }
}
