// Chat roles, ordered: each role may do everything the roles below it may (CONTRACT.md "Chat commands").
export const ROLES = ['viewer', 'trader', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function roleRank(r: Role): number {
  return ROLES.indexOf(r);
}

export function atLeast(have: Role, need: Role): boolean {
  return roleRank(have) >= roleRank(need);
}

/** The higher of two roles (null = no grant). */
export function higherRole(a: Role | null, b: Role | null): Role | null {
  if (a === null) return b;
  if (b === null) return a;
  return roleRank(a) >= roleRank(b) ? a : b;
}
