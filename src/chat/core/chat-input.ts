// What an adapter hands the chat core (one message or button press) and what it gets back.
import type { ChatPlatform, Reply } from './reply.js';

export interface ChatInput {
  platform: ChatPlatform;
  /** Platform user id; absent (channel posts, anonymous admins) means the update is rejected. */
  userId?: string | undefined;
  userName?: string | undefined;
  chatId: string;
  /** Chat id (Telegram), team id (Slack), '*' (console): where a grant must hold. */
  scope: string;
  text?: string;
  /** Data of a pressed button. */
  callback?: string;
}

export interface ChatResult {
  replies: Reply[];
  /** A short acknowledgement for a button press (Telegram shows it as a toast). */
  notice?: string;
}
