// Account and position endpoints: UNIFIED wallet balance, linear positions, leverage, trading-stop (TP/SL).
// https://bybit-exchange.github.io/docs/v5/position/trading-stop
import { toPlain, type Decimal } from '../../domain/decimal.js';
import { roundPrice, type Instrument } from '../../domain/instrument.js';
import type { Balance, PositionReport, SettingResult, TradingStopRequest } from '../port.js';
import { PAGE_LIMITS } from './constants.js';
import { type BybitContext, collectPages, listOf } from './context.js';
import { InvalidOrderError, NotModifiedError, PermanentError } from './errors.js';
import { PRICE_SOURCE_TO_WIRE, toBalance, toPositionReport } from './map.js';

export async function fetchWalletBalance(ctx: BybitContext, coin?: string): Promise<Balance> {
  const result = await ctx.rest.call(
    'account/wallet-balance',
    null,
    () => ctx.client.getWalletBalance({ accountType: 'UNIFIED', ...(coin ? { coin } : {}) }),
    { idempotent: true },
  );
  const [first] = listOf(result, 'account/wallet-balance');
  if (first === undefined) {
    throw new PermanentError({
      code: null,
      endpoint: 'account/wallet-balance',
      detail: 'no UNIFIED account',
    });
  }
  return toBalance(first);
}

export async function fetchPositions(
  ctx: BybitContext,
  q: { symbol?: string; settleCoin?: string } = {},
): Promise<PositionReport[]> {
  const rows = await collectPages('position/list', Number.POSITIVE_INFINITY, (cursor) =>
    ctx.rest.call(
      'position/list',
      'linear',
      () =>
        ctx.client.getPositionInfo({
          category: 'linear',
          ...(q.symbol ? { symbol: q.symbol } : { settleCoin: q.settleCoin ?? ctx.settleCoin }),
          limit: PAGE_LIMITS.positions,
          ...(cursor ? { cursor } : {}),
        }),
      { idempotent: true },
    ),
  );
  const now = ctx.timing.now();
  return rows.map((r) => toPositionReport('linear', r, now));
}

async function setting(run: () => Promise<unknown>): Promise<SettingResult> {
  try {
    await run();
    return { changed: true };
  } catch (e) {
    if (e instanceof NotModifiedError) return { changed: false };
    throw e;
  }
}

export async function setLeverage(
  ctx: BybitContext,
  symbol: string,
  leverage: Decimal,
): Promise<SettingResult> {
  const inst = await ctx.instrument('linear', symbol);
  if (!leverage.isFinite() || leverage.lt(1) || (inst.maxLeverage.gt(0) && leverage.gt(inst.maxLeverage))) {
    throw new InvalidOrderError({
      endpoint: 'position/set-leverage',
      problem: `${symbol}: leverage ${leverage.toFixed()} must be between 1 and ${inst.maxLeverage.toFixed()}`,
    });
  }
  const lev = toPlain(leverage);
  return setting(() =>
    ctx.rest.call(
      'position/set-leverage',
      'linear',
      () => ctx.client.setLeverage({ category: 'linear', symbol, buyLeverage: lev, sellLeverage: lev }),
      { idempotent: true },
    ),
  );
}

function stopPrice(inst: Instrument, v: Decimal | null | undefined, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return '0';
  const p = roundPrice(inst, v, 'nearest');
  if (!p.gt(0)) {
    throw new InvalidOrderError({
      endpoint: 'position/trading-stop',
      problem: `${inst.symbol}: ${what} ${v.toFixed()} is not a positive price at tick ${inst.tickSize.toFixed()}`,
    });
  }
  return toPlain(p);
}

export async function setTradingStop(ctx: BybitContext, req: TradingStopRequest): Promise<SettingResult> {
  const inst = await ctx.instrument('linear', req.symbol);
  const takeProfit = stopPrice(inst, req.takeProfit, 'take-profit');
  const stopLoss = stopPrice(inst, req.stopLoss, 'stop-loss');
  if (takeProfit === undefined && stopLoss === undefined) {
    throw new InvalidOrderError({
      endpoint: 'position/trading-stop',
      problem: 'give a take-profit or a stop-loss (null cancels one)',
    });
  }
  const by = req.triggerBy ? PRICE_SOURCE_TO_WIRE[req.triggerBy] : undefined;
  return setting(() =>
    ctx.rest.call(
      'position/trading-stop',
      'linear',
      () =>
        ctx.client.setTradingStop({
          category: 'linear',
          symbol: req.symbol,
          tpslMode: 'Full',
          positionIdx: req.positionIdx ?? 0,
          ...(takeProfit !== undefined ? { takeProfit } : {}),
          ...(stopLoss !== undefined ? { stopLoss } : {}),
          ...(by && takeProfit !== undefined ? { tpTriggerBy: by } : {}),
          ...(by && stopLoss !== undefined ? { slTriggerBy: by } : {}),
        }),
      { idempotent: true },
    ),
  );
}
