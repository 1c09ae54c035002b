// Money in chat at its coin's precision (issue 21, item 9): stablecoins to the cent, other coins to at
// most 8 decimals, and a fill alert's fee rounded like the rest of the card.
import { describe, expect, it } from 'vitest';
import { renderAlert } from '../../src/chat/core/alert-view.js';
import { alertSchema } from '../../src/chat/core/alerts.js';
import { fmtCoin, fmtCoinSigned } from '../../src/chat/core/format.js';
import { blockPlain } from '../../src/chat/core/text-table.js';
import { dec } from '../../src/domain/decimal.js';

describe('money display', () => {
  it('rounds to the coin: cents for stablecoins, 8 decimals otherwise', () => {
    expect(fmtCoin(dec('10023.4212345678901234567890123456789'), 'USDT')).toBe('10,023.42');
    expect(fmtCoin(dec('15.34663405'), 'USDC')).toBe('15.35');
    expect(fmtCoin(dec('0.000123456789'), 'BTC')).toBe('0.00012346');
    expect(fmtCoin(dec('0.001'), 'BTC')).toBe('0.001');
    expect(fmtCoinSigned(dec('5'), 'USDC')).toBe('+5.00');
    expect(fmtCoinSigned(dec('0.0000000001'), 'BTC')).toBe('0');
    expect(fmtCoinSigned(dec('0.25'), 'ETH')).toBe('+0.25');
  });

  it('a fill alert shows its fee at the fee coin precision', () => {
    const r = renderAlert(
      alertSchema.parse({
        kind: 'fill',
        symbol: 'BTCUSDT',
        side: 'Buy',
        qty: '0.001',
        price: '27901.1',
        complete: true,
        fee: '0.015345605',
        feeCurrency: 'USDT',
      }),
    );
    const text = r.blocks.map(blockPlain).join('\n');
    expect(text).toMatch(/Fee +0\.02 USDT/);
    expect(text).toMatch(/Notional +27\.90/);
  });
});
