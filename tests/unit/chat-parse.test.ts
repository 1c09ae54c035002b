// The command-line tokenizer and the argument schemas: what an operator types on a phone becomes exact
// tokens and Decimals, and mistakes get a message that names the bad word.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { explainArgsError, parsePositiveDecimal, zAmount, zId, zSymbol } from '../../src/chat/core/args.js';
import { parseCommandLine, tokenize } from '../../src/chat/core/tokenize.js';
import { Decimal } from '../../src/domain/decimal.js';

describe('tokenize', () => {
  it('splits on whitespace and keeps quoted words together', () => {
    expect(tokenize('kill  "exchange is down" now')).toEqual({
      ok: true,
      tokens: ['kill', 'exchange is down', 'now'],
    });
    expect(tokenize("kill 'single quoted'")).toEqual({ ok: true, tokens: ['kill', 'single quoted'] });
  });

  it('understands the curly quotes phone keyboards insert', () => {
    expect(tokenize('kill “feed froze”')).toEqual({ ok: true, tokens: ['kill', 'feed froze'] });
  });

  it('leaves apostrophes inside words alone', () => {
    expect(tokenize("kill don't trade")).toEqual({ ok: true, tokens: ['kill', "don't", 'trade'] });
  });

  it('reports an unclosed quote instead of guessing', () => {
    const r = tokenize('kill "oops');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/not closed/);
  });

  it('escapes inside double quotes', () => {
    expect(tokenize('say "a \\"b\\" c"')).toEqual({ ok: true, tokens: ['say', 'a "b" c'] });
  });

  it('refuses very long input', () => {
    expect(tokenize('x'.repeat(5000)).ok).toBe(false);
  });
});

describe('parseCommandLine', () => {
  it('strips the slash and a Telegram @bot suffix, lower-cases the name', () => {
    expect(parseCommandLine('/Buy@bosun_bot BTCUSDT $500')).toEqual({
      ok: true,
      line: { name: 'buy', args: ['BTCUSDT', '$500'] },
    });
    expect(parseCommandLine('status')).toEqual({ ok: true, line: { name: 'status', args: [] } });
    expect(parseCommandLine('   ')).toEqual({ ok: 'empty' });
  });
});

describe('argument schemas', () => {
  it('reads quantities as exact Decimals, never through a float', () => {
    const d = parsePositiveDecimal('0.1');
    expect(d).toBeInstanceOf(Decimal);
    expect((d as Decimal).add(parsePositiveDecimal('0.2') as Decimal).toFixed()).toBe('0.3');
    expect((parsePositiveDecimal('123456789.123456789012345678') as Decimal).toFixed()).toBe(
      '123456789.123456789012345678',
    );
  });

  it('refuses signs, exponents, zero and thousands separators with a reason', () => {
    expect(parsePositiveDecimal('-1')).toMatch(/not a number/);
    expect(parsePositiveDecimal('1e3')).toMatch(/not a number/);
    expect(parsePositiveDecimal('0')).toMatch(/greater than zero/);
    expect(parsePositiveDecimal('1,000')).toMatch(/dot and no separators/);
    expect(parsePositiveDecimal('0,5')).toMatch(/dot and no separators/);
  });

  it('tells a notional ($500, 500$, 500usdt) from a quantity', () => {
    expect(zAmount.parse('$500')).toEqual({ kind: 'notional', value: new Decimal('500') });
    expect(zAmount.parse('250.5$')).toEqual({ kind: 'notional', value: new Decimal('250.5') });
    expect(zAmount.parse('100USDT')).toEqual({ kind: 'notional', value: new Decimal('100') });
    expect(zAmount.parse('0.01')).toEqual({ kind: 'qty', value: new Decimal('0.01') });
    expect(zAmount.safeParse('$abc').success).toBe(false);
  });

  it('normalises symbols and expands a bare coin to its USDT pair', () => {
    expect(zSymbol.parse('btcusdt')).toBe('BTCUSDT');
    expect(zSymbol.parse('eth')).toBe('ETHUSDT');
    expect(zSymbol.parse('BTC/USDT')).toBe('BTCUSDT');
    expect(zSymbol.safeParse('BTC USDT!').success).toBe(false);
  });

  it('accepts ids as 12 or #12', () => {
    expect(zId.parse('#12')).toBe(12);
    expect(zId.parse('12')).toBe(12);
    expect(zId.safeParse('twelve').success).toBe(false);
  });

  it('explains missing and extra arguments', () => {
    const t = z.tuple([zSymbol, zAmount]);
    const missing = t.safeParse(['BTCUSDT']);
    const extra = t.safeParse(['BTCUSDT', '1', 'x']);
    const bad = t.safeParse(['BTCUSDT', 'lots']);
    expect(missing.success || explainArgsError(missing.error, ['BTCUSDT'])).toBe('missing argument');
    expect(extra.success || explainArgsError(extra.error, ['BTCUSDT', '1', 'x'])).toBe('too many arguments');
    expect(bad.success || explainArgsError(bad.error, ['BTCUSDT', 'lots'])).toMatch(/"lots" is not a number/);
  });
});
