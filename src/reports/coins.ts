// Which coins a symbol trades: the cached instrument list first, else a split on a known quote suffix.
import { CATEGORIES, type Category } from '../domain/instrument.js';
import type { PositionInstrument } from '../domain/position.js';
import type { CoinsOf } from './types.js';

/** Longest first, so "USDE" wins over a shorter suffix that also matches. */
const QUOTES = ['USDT', 'USDC', 'USDE', 'FDUSD', 'DAI', 'EUR', 'BRL', 'BTC', 'ETH'].sort(
  (a, b) => b.length - a.length,
);

function isCategory(c: string): c is Category {
  return (CATEGORIES as readonly string[]).includes(c);
}

export function splitSymbol(category: string, symbol: string): PositionInstrument | null {
  if (!isCategory(category)) return null;
  const quote = QUOTES.find((q) => symbol.length > q.length && symbol.endsWith(q));
  if (!quote) return null;
  return { category, symbol, baseCoin: symbol.slice(0, -quote.length), quoteCoin: quote };
}

export function coinsResolver(known: readonly PositionInstrument[]): CoinsOf {
  const byKey = new Map(known.map((i) => [`${i.category}\u0000${i.symbol}`, i]));
  return (category, symbol) => byKey.get(`${category}\u0000${symbol}`) ?? splitSymbol(category, symbol);
}
