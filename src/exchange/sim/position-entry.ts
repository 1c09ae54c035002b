// /v5/position/set-leverage, trading-stop and switch-mode (one-way only), with Bybit's "not modified" codes.
// https://bybit-exchange.github.io/docs/v5/position/trading-stop
import { dec, ZERO } from '../../domain/decimal.js';
import { isOnStep } from '../../domain/instrument.js';
import type { Account } from './account.js';
import type { Engine } from './engine.js';
import { RET, fail } from './errors.js';
import { type Params, category, instrument } from './params.js';

const LEVERAGE_STEP = '0.01';

export function setLeverage(e: Engine, a: Account, p: Params): Record<string, never> {
  const inst = instrument(category(p, ['linear']), p.opt('symbol'));
  const buy = p.dec('buyLeverage');
  const sell = p.dec('sellLeverage');
  if (!buy || !sell)
    fail(
      RET.paramError,
      'Missing some parameters that must be filled in, pls check = buyLeverage/sellLeverage',
    );
  if (!buy.eq(sell)) fail(RET.paramError, 'buy leverage must equal sell leverage in one-way mode');
  if (buy.lt(1) || buy.gt(inst.maxLeverage) || !isOnStep(buy, dec(LEVERAGE_STEP))) {
    fail(
      RET.paramError,
      `leverage invalid: must be between 1 and ${inst.maxLeverage.toFixed()} in steps of ${LEVERAGE_STEP}`,
    );
  }
  const pos = a.position(inst, e.deps.now());
  if (pos.leverage.eq(buy)) fail(RET.leverageNotModified, 'leverage not modified');
  if (!pos.size.isZero()) {
    // More margin is needed when leverage goes down: refuse if the account cannot carry it.
    const extra = pos.size
      .abs()
      .mul(pos.avgPrice)
      .div(buy)
      .sub(pos.size.abs().mul(pos.avgPrice).div(pos.leverage));
    if (extra.gt(a.availableMargin(e.mark, e.usdPrice)))
      fail(RET.insufficientBalance, 'ab not enough for new leverage');
  }
  pos.leverage = buy;
  pos.updatedTime = e.deps.now();
  e.touchPosition(a, inst.symbol);
  e.touchWallet(a);
  return {};
}

export function tradingStop(e: Engine, a: Account, p: Params): Record<string, never> {
  const inst = instrument(category(p, ['linear']), p.opt('symbol'));
  const idx = p.opt('positionIdx');
  if (idx === undefined)
    fail(RET.paramError, 'Missing some parameters that must be filled in, pls check = positionIdx');
  if (idx !== '0') fail(RET.paramError, 'position idx not match position mode');
  const mode = p.opt('tpslMode') ?? 'Full';
  if (mode !== 'Full') fail(RET.paramError, 'params error: the simulator supports tpslMode Full only');
  const pos = a.positions.get(inst.symbol);
  if (!pos || pos.size.isZero()) fail(RET.paramError, 'can not set tp/sl/ts for zero position');
  const tp = p.dec('takeProfit');
  const sl = p.dec('stopLoss');
  if (tp === undefined && sl === undefined)
    fail(
      RET.paramError,
      'Missing some parameters that must be filled in, pls check = takeProfit or stopLoss',
    );
  const long = pos.size.gt(ZERO);
  const last = e.deps.last(inst.symbol);
  const side = long ? 'Buy' : 'Sell';
  for (const [name, v] of [
    ['TakeProfit', tp],
    ['StopLoss', sl],
  ] as const) {
    if (!v || v.isZero()) continue;
    if (!isOnStep(v, inst.tickSize)) fail(RET.paramError, `${name} price invalid`);
    const above = v.gt(last);
    const mustBeAbove = (name === 'TakeProfit') === long;
    if (above !== mustBeAbove) {
      fail(
        RET.paramError,
        `${name}:${v.toFixed()} set for ${side} position should be ${mustBeAbove ? 'higher' : 'lower'} than base_price:${last.toFixed()}??LastPrice`,
      );
    }
  }
  const newTp = tp === undefined ? pos.takeProfit : tp.isZero() ? null : tp;
  const newSl = sl === undefined ? pos.stopLoss : sl.isZero() ? null : sl;
  const same = (x: typeof newTp, y: typeof newTp) => (x === null ? y === null : y !== null && x.eq(y));
  if (same(newTp, pos.takeProfit) && same(newSl, pos.stopLoss))
    fail(RET.tradingStopNotModified, 'not modified');
  pos.takeProfit = newTp;
  pos.stopLoss = newSl;
  pos.updatedTime = e.deps.now();
  e.touchPosition(a, inst.symbol);
  return {};
}

export function switchMode(_e: Engine, _a: Account, p: Params): Record<string, never> {
  category(p, ['linear']);
  if (!p.opt('symbol') && !p.opt('coin'))
    fail(RET.paramError, 'Missing some parameters that must be filled in, symbol or coin');
  const mode = p.req('mode');
  if (mode === '0') fail(RET.positionModeNotModified, 'Position mode is not modified');
  fail(RET.paramError, 'hedge mode (3) is not supported by the simulator; it trades one-way (positionIdx 0)');
}

/**
 * /v5/account/set-margin-mode: the unified account's mode for all its positions. Isolated positions get a
 * liquidation price and are liquidated at it; cross positions print liqPrice "" (the simulator does not
 * liquidate a cross account). Portfolio margin is not simulated.
 */
export function setMarginMode(e: Engine, a: Account, p: Params): { reasons: never[] } {
  const mode = p.req('setMarginMode');
  if (mode !== 'REGULAR_MARGIN' && mode !== 'ISOLATED_MARGIN') {
    fail(
      RET.paramError,
      `params error: setMarginMode must be REGULAR_MARGIN or ISOLATED_MARGIN (PORTFOLIO_MARGIN is not simulated), got ${mode}`,
    );
  }
  if (a.marginMode === mode) fail(RET.marginModeNotModified, 'Cross/isolated margin mode is not modified');
  a.marginMode = mode;
  for (const pos of a.positions.values()) if (!pos.size.isZero()) e.touchPosition(a, pos.inst.symbol);
  e.touchWallet(a);
  return { reasons: [] };
}
