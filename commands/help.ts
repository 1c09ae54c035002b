// /help [command]: the commands your role may use, or one command's usage and example.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { note, text } from '../src/chat/core/reply.js';

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
              .map((u) => `/${u}`)
              .join('\n'),
          ),
          note(`Example: /${c.example} · needs ${c.role}`),
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
