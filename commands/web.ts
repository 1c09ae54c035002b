// /web: a one-time link that signs this chat identity in to the dashboard (its role as in chat). Only
// the link's hash is stored; it works once, for web.loginLinkMinutes. On Telegram only in a private chat
// (anyone in a group could open it first); on Slack the answer is ephemeral.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { errorReply, note, text } from '../src/chat/core/reply.js';
import { insertLoginLink } from '../src/db/repos/web-sessions.js';
import { hashSecret, LINK_PREFIX, newSecret } from '../src/web/secret.js';

export default defineCommand({
  name: 'web',
  aliases: ['dashboard'],
  summary: 'a one-time sign-in link to the web dashboard',
  usage: 'web',
  example: 'web',
  args: zNone,
  role: 'viewer',
  async handler(input, deps) {
    const web = deps.config.web;
    if (!web?.enabled || !web.publicUrl) {
      return errorReply(
        'Dashboard off',
        'The web dashboard is not enabled on this bot: set BOSUN_WEB=on or a web: block in bosun.yaml.',
      );
    }
    if (input.platform === 'console') {
      return errorReply(
        'Not here',
        'Sign-in links are for Telegram and Slack identities; scripts use API tokens.',
      );
    }
    if (input.platform === 'telegram' && input.chatId !== input.actor.userId) {
      return {
        ...errorReply(
          'Ask me privately',
          'Send /web in a private chat with me: in a group, anyone could open the link first.',
        ),
        private: true,
      };
    }
    const secret = newSecret(LINK_PREFIX);
    const now = deps.clock.now();
    const minutes = web.loginLinkMinutes;
    await insertLoginLink(deps.db, {
      tokenHash: hashSecret(secret),
      platform: input.platform,
      userId: input.actor.userId,
      scope: input.scope,
      userName: input.actor.name ?? null,
      role: input.role,
      createdAt: new Date(now),
      expiresAt: new Date(now + minutes * 60_000),
    });
    return {
      title: 'Dashboard sign-in',
      tone: 'ok',
      private: true,
      blocks: [
        text(`${web.publicUrl}/login#${secret}`),
        note(
          `Works once, within ${minutes} minutes, and signs you in as ${input.platform}:${input.actor.userId} (${input.role}). Do not forward it.`,
        ),
      ],
    };
  },
});
