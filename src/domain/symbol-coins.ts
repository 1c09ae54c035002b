// A symbol's coins when no instrument record says: split on a known quote-coin suffix.
import { CATEGORIES, type Category } from './instrument.js';
import type { PositionInstrument } from './position.js';

/** Longest first, so "USDE" wins over a shorter suffix that also matches. */
const QUOTES = ['USDT', 'USDC', 'USDE', 'FDUSD', 'DAI', 'EUR', 'BRL', 'BTC', 'ETH'].sort(
  (a, b) => b.length - a.length,
);

export function isCategory(c: string): c is Category {
  return (CATEGORIES as readonly string[]).includes(c);
}

export function splitSymbol(category: string, symbol: string): PositionInstrument | null {
  if (!isCategory(category)) return null;
  const quote = QUOTES.find((q) => symbol.length > q.length && symbol.endsWith(q));
  if (!quote) return null;
  return { category, symbol, baseCoin: symbol.slice(0, -quote.length), quoteCoin: quote };
}
