// The command registry: lookup by name or alias, the list a role may see, and "did you mean" for typos.
import type { Command, CommandInfo } from './command.js';
import { atLeast, type Role } from './roles.js';

/** Levenshtein distance (small strings only: command names). */
/**
 * Edit distance counting two swapped neighbours as one edit (optimal string alignment): `/stauts` is one
 * slip from /status, while plain Levenshtein made it two and tied it with /start (help's alias).
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, at(i - 2, j - 2) + 1);
      row[j] = d;
    }
  }
  return at(a.length, b.length);
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
      usageRoles: c.usageRoles,
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
