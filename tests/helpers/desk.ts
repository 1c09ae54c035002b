// Desk test kit: the venue's signed net on a symbol, and a line typed into the chat core as the local admin.
import type { Reply } from '../../src/chat/core/reply.js';
import type { ChatGateway } from '../../src/cli/chat-gateway.js';
import type { ExchangePort } from '../../src/exchange/port.js';

/** The venue's net position on `symbol` as a signed decimal string ('0' when flat). */
export async function venueNet(ex: ExchangePort, symbol = 'BTCUSDT'): Promise<string> {
  const p = (await ex.positions({ symbol })).find((x) => x.symbol === symbol);
  if (!p || p.side === 'flat') return '0';
  return (p.side === 'long' ? p.size : p.size.neg()).toFixed();
}

/** The first reply to `text` typed in the console as the local admin. */
export async function say(chat: ChatGateway, text: string): Promise<Reply | undefined> {
  const r = await chat.gateway.core.handle({
    platform: 'console',
    userId: 'local',
    userName: 'local admin',
    chatId: 'console',
    scope: '*',
    text,
  });
  return r.replies[0];
}
