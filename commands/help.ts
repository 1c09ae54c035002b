// /help [command]: the commands your role may use, or one command's usage and example.
import { z } from 'zod';
import { defineCommand, type CommandInfo } from '../src/chat/core/command.js';
import type { Role } from '../src/chat/core/roles.js';
import { note, text } from '../src/chat/core/reply.js';

/** The role of the usage line the example is a case of: `/risk set maxLeverage 2` needs admin. */
function exampleRole(c: CommandInfo): Role {
  let best = { len: -1, role: c.role };
  for (const [i, u] of c.usage.split('\n').entries()) {
    const literal = u.split(/\s+/).filter((w, j, all) => !all.slice(0, j + 1).some((x) => /^[<[]/.test(x)));
    const words = c.example.split(/\s+/);
    if (literal.every((w, j) => words[j] === w) && literal.length > best.len)
      best = { len: literal.length, role: c.usageRoles[i] ?? c.role };
  }
  return best.role;
}

export default defineCommand({
  name: 'help',
  aliases: ['start'],
  summary: 'list commands, or show how to use one',
  usage: 'help [command]',
  example: 'help buy',
  args: z.tuple([z.string().optional()]),
  role: 'viewer',
  async handler({ args: [name], role }, deps) {
    const cmds = deps.catalog(role);
    if (name !== undefined) {
      const want = name.replace(/^\//, '').toLowerCase();
      const c = cmds.find((x) => x.name === want);
      if (!c)
        return {
          title: 'Help',
          tone: 'error',
          blocks: [text(`No command /${want.slice(0, 40)} for your role (${role}).`)],
        };
      return {
        title: `/${c.name}`,
        blocks: [
          text(c.summary),
          text(
            c.usage
              .split('\n')
              .map((u, i, all) => {
                const r = c.usageRoles[i] ?? c.role;
                // One form: the note says who may use it; several: each line says, as they differ.
                return all.length > 1 && c.usageRoles.some((x) => x !== c.role) ? `/${u}  (${r})` : `/${u}`;
              })
              .join('\n'),
          ),
          note(`Example: /${c.example} · needs ${exampleRole(c)}`),
        ],
      };
    }
    return {
      title: 'Commands',
      blocks: [
        text(cmds.map((c) => `/${c.name}: ${c.summary}`).join('\n')),
        note(`You are ${role}. /help <command> shows its usage.`),
      ],
    };
  },
});
