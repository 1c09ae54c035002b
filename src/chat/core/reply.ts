// The Reply model: what a command answers, independent of any chat platform. Adapters render it
// (Telegram HTML, Slack Block Kit, plain text); handlers never produce markup themselves.
export const CHAT_PLATFORMS = ['telegram', 'slack', 'console'] as const;
export type ChatPlatform = (typeof CHAT_PLATFORMS)[number];

export interface Button {
  label: string;
  /** Opaque callback data (≤ 64 bytes for Telegram), authorised like a typed command when pressed. */
  data: string;
  style?: 'primary' | 'danger';
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export type Block =
  | { kind: 'text'; text: string }
  /** Secondary information (hints, timestamps), shown smaller or dimmed where the platform can. */
  | { kind: 'note'; text: string }
  | { kind: 'fields'; rows: { key: string; value: string }[] }
  | { kind: 'table'; columns: Column[]; rows: string[][] };

export interface ImageAttachment {
  png: Buffer;
  filename: string;
  caption?: string;
}

/** A document sent with a reply (an export): Telegram document, Slack file, file saved by a terminal. */
export interface FileAttachment {
  data: Buffer;
  filename: string;
  /** e.g. text/csv; platforms that sniff the type ignore it. */
  mime: string;
  caption?: string;
}

/** A message already posted on a platform, so it can be edited later. */
export interface MessageRef {
  platform: ChatPlatform;
  chatId: string;
  messageId: string;
}

/** ok/info: normal; warn: accepted with caveats; error: failed; denied: refused by authz or policy. */
export type Tone = 'info' | 'ok' | 'warn' | 'error' | 'denied';

export interface Reply {
  title?: string;
  tone?: Tone;
  blocks: Block[];
  /** Rows of buttons. */
  buttons?: Button[][];
  image?: ImageAttachment;
  file?: FileAttachment;
  /** Replace a message instead of sending a new one: the one whose button was pressed, or a given one. */
  edit?: 'origin' | MessageRef;
  /** Only the asker should see it where the platform allows (Slack ephemeral). */
  private?: boolean;
}

export function text(t: string): Block {
  return { kind: 'text', text: t };
}

export function note(t: string): Block {
  return { kind: 'note', text: t };
}

export function fields(rows: [string, string][]): Block {
  return { kind: 'fields', rows: rows.map(([key, value]) => ({ key, value })) };
}

export function table(columns: (string | Column)[], rows: string[][]): Block {
  return {
    kind: 'table',
    columns: columns.map((c) => (typeof c === 'string' ? { header: c } : c)),
    rows,
  };
}

export function simpleReply(title: string, body: string, tone: Tone = 'info'): Reply {
  return { title, tone, blocks: body ? [text(body)] : [] };
}

export function errorReply(title: string, body: string): Reply {
  return simpleReply(title, body, 'error');
}

export function deniedReply(title: string, body: string): Reply {
  return { ...simpleReply(title, body, 'denied'), private: true };
}
