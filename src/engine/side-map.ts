// Domain sides ('Buy'/'Sell', Bybit's spelling) to the port's lower-case ones and back.
import type { Side } from '../domain/side.js';

export function toPortSide(s: Side): 'buy' | 'sell' {
  return s === 'Buy' ? 'buy' : 'sell';
}

export function fromPortSide(s: 'buy' | 'sell'): Side {
  return s === 'buy' ? 'Buy' : 'Sell';
}
