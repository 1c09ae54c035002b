// Which coins a symbol trades: the cached instrument list first, else a split on a known quote suffix.
import type { PositionInstrument } from '../domain/position.js';
import { splitSymbol } from '../domain/symbol-coins.js';
import type { CoinsOf } from './types.js';

export { splitSymbol };

export function coinsResolver(known: readonly PositionInstrument[]): CoinsOf {
  const byKey = new Map(known.map((i) => [`${i.category}\u0000${i.symbol}`, i]));
  return (category, symbol) => byKey.get(`${category}\u0000${symbol}`) ?? splitSymbol(category, symbol);
}
