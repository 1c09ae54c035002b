// /whoami: the identity and role the bot sees, so operators can fix their allow-list entry.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { fields } from '../src/chat/core/reply.js';

export default defineCommand({
  name: 'whoami',
  summary: 'your platform id, chat and role',
  usage: 'whoami',
  example: 'whoami',
  args: zNone,
  role: 'viewer',
  async handler(input) {
    return {
      title: 'You',
      blocks: [
        fields([
          ['Platform', input.platform],
          ['User id', input.actor.userId],
          ['Name', input.actor.name ?? '—'],
          ['Chat', input.chatId],
          ['Scope', input.scope],
          ['Role', input.role],
        ]),
      ],
    };
  },
});
