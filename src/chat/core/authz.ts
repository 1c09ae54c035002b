// Where roles come from: the chat_users allow-list (deny by default), with the local console trusted
// as admin (it is the operator's own terminal on the bot's machine).
import type { Db } from '../../db/client.js';
import { findRole } from '../../db/repos/chat-users.js';
import type { ChatPlatform } from './reply.js';
import type { Role } from './roles.js';

export interface RoleSource {
  roleOf(platform: ChatPlatform, userId: string, scope: string): Promise<Role | null>;
}

export function dbRoleSource(db: Db, opts: { consoleRole?: Role | null } = {}): RoleSource {
  const consoleRole = opts.consoleRole === undefined ? 'admin' : opts.consoleRole;
  return {
    async roleOf(platform, userId, scope) {
      if (platform === 'console') return consoleRole;
      return findRole(db, platform, userId, scope);
    },
  };
}

/** Telegram's stand-in sender for anonymous group admins: it identifies nobody. */
export const TELEGRAM_ANONYMOUS_ADMIN_ID = '1087968824';
