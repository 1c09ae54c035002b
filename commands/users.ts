// /users (admin): the allow-list; `users add <platform> <id> <role> [scope]`, `users remove <platform>
// <id> [scope]`. The last admin cannot be removed or demoted from chat.
import { z } from 'zod';
import { zWord } from '../src/chat/core/args.js';
import { defineCommand } from '../src/chat/core/command.js';
import { pageButtons, paginate } from '../src/chat/core/callback-data.js';
import { note, table, text } from '../src/chat/core/reply.js';
import { ROLES } from '../src/chat/core/roles.js';
import {
  countAdmins,
  findRole,
  listChatUsers,
  removeChatUser,
  upsertChatUser,
  USER_PLATFORMS,
} from '../src/db/repos/chat-users.js';

const zUserId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a user id is letters, digits, _ or -');
const args = z.union([
  z.tuple([]),
  z.tuple([z.literal('list')]),
  z.tuple([z.literal('add'), zWord(USER_PLATFORMS), zUserId, zWord(ROLES), zUserId.optional()]),
  z.tuple([z.literal('remove'), zWord(USER_PLATFORMS), zUserId, zUserId.optional()]),
]);

const PER_PAGE = 15;

export default defineCommand({
  name: 'users',
  summary: 'who may use the bot (admin)',
  usage: 'users\nusers add <telegram|slack> <id> <role> [scope]\nusers remove <telegram|slack> <id> [scope]',
  example: 'users add telegram 12345 viewer',
  args,
  role: 'admin',
  async handler(input, deps) {
    const a = input.args;
    const by = `${input.platform}:${input.actor.userId}`;
    if (a[0] === 'add') {
      const [, platform, userId, role, scope] = a;
      if (
        role !== 'admin' &&
        (await findRole(deps.db, platform, userId, '*')) === 'admin' &&
        (await countAdmins(deps.db)) <= 1
      ) {
        return {
          title: 'Not changed',
          tone: 'error',
          blocks: [text('That is the last admin; add another admin first.')],
        };
      }
      const { previous } = await upsertChatUser(deps.db, {
        platform,
        userId,
        role,
        scope: scope ?? '*',
        addedBy: by,
      });
      return {
        title: previous ? 'User changed' : 'User added',
        tone: 'ok',
        blocks: [
          text(
            `${platform}:${userId} is ${role}${previous ? ` (was ${previous})` : ''} in ${scope ?? 'every chat'}.`,
          ),
        ],
      };
    }
    if (a[0] === 'remove') {
      const [, platform, userId, scope] = a;
      if (
        (await findRole(deps.db, platform, userId, scope ?? '*')) === 'admin' &&
        (await countAdmins(deps.db)) <= 1
      ) {
        return {
          title: 'Not removed',
          tone: 'error',
          blocks: [text('That is the last admin; add another admin first.')],
        };
      }
      const n = await removeChatUser(deps.db, platform, userId, scope);
      return n
        ? {
            title: 'User removed',
            tone: 'ok',
            blocks: [text(`${platform}:${userId} removed (${n} grant${n === 1 ? '' : 's'}).`)],
          }
        : {
            title: 'No such user',
            tone: 'error',
            blocks: [text(`${platform}:${userId} is not on the allow-list.`)],
          };
    }
    const all = await listChatUsers(deps.db);
    const { items, page, pages } = paginate(all, input.page, PER_PAGE);
    return {
      title: `Users (${all.length})`,
      blocks: [
        table(
          ['Platform', 'Id', 'Role', 'Scope'],
          items.map((u) => [u.platform, u.userId, u.role, u.scope]),
        ),
        note('/users add <platform> <id> <role> [scope] · /users remove <platform> <id>'),
      ],
      buttons: [pageButtons('users', input.rawArgs, page, pages)],
    };
  },
});
