// One simulated UNIFIED account: coin balances, one-way linear positions, order books of record and fills.
// Margin is a simple cross model: equity = USDT wallet + unrealised PnL; IM = value / leverage; MMR 0.5%.
// Balances and PnL print exactly; only quotients (margins, averages, rates) are rounded to 8 decimals.
import { Decimal, dec, ONE, ZERO } from '../../domain/decimal.js';
import type { SimInstrument } from './instruments.js';
import type { SimExecution, SimOrder } from './orders.js';

export const SETTLE = 'USDT';
export const MMR = dec('0.005');
export const DEFAULT_LEVERAGE = dec('10');

/** Unified account margin modes (/v5/account/set-margin-mode); cross is Bybit's REGULAR_MARGIN. */
export type MarginMode = 'REGULAR_MARGIN' | 'ISOLATED_MARGIN';

/**
 * Collateral value ratio of non-USDT coins (haircut) counted in the available balance; BTC's first tier is
 * 0.95 in a recorded /v5/account/collateral-info reply. Coins not listed count fully (USDC) or not at all.
 */
const COLLATERAL_RATIO: Readonly<Record<string, string>> = { BTC: '0.95', ETH: '0.95', USDC: '1' };

export function collateralRatio(coin: string): Decimal {
  return dec(COLLATERAL_RATIO[coin] ?? '0');
}

export interface CoinBalance {
  wallet: Decimal;
  /** Held by resting spot orders. */
  locked: Decimal;
  cumRealisedPnl: Decimal;
}

export interface Position {
  readonly inst: SimInstrument;
  /** Signed: positive long, negative short. */
  size: Decimal;
  avgPrice: Decimal;
  leverage: Decimal;
  takeProfit: Decimal | null;
  stopLoss: Decimal | null;
  cumRealisedPnl: Decimal;
  curRealisedPnl: Decimal;
  createdTime: number;
  updatedTime: number;
  openTime: number;
  seq: number;
}

export type MarkFn = (symbol: string) => Decimal;

export class Account {
  readonly coins = new Map<string, CoinBalance>();
  readonly positions = new Map<string, Position>();
  readonly orders = new Map<string, SimOrder>();
  readonly byLinkId = new Map<string, SimOrder>();
  /** Every order in arrival order (history, newest-first listings walk it backwards). */
  readonly history: SimOrder[] = [];
  readonly open = new Set<SimOrder>();
  readonly executions: SimExecution[] = [];
  /** Sum of margin held by resting linear orders. */
  orderIM = ZERO;
  marginMode: MarginMode = 'REGULAR_MARGIN';

  constructor(
    readonly key: string,
    readonly uid: string,
  ) {}

  coin(name: string): CoinBalance {
    let c = this.coins.get(name);
    if (!c) {
      c = { wallet: ZERO, locked: ZERO, cumRealisedPnl: ZERO };
      this.coins.set(name, c);
    }
    return c;
  }

  position(inst: SimInstrument, now: number): Position {
    let p = this.positions.get(inst.symbol);
    if (!p) {
      p = {
        inst,
        size: ZERO,
        avgPrice: ZERO,
        leverage: DEFAULT_LEVERAGE,
        takeProfit: null,
        stopLoss: null,
        cumRealisedPnl: ZERO,
        curRealisedPnl: ZERO,
        createdTime: now,
        updatedTime: now,
        openTime: 0,
        seq: 0,
      };
      this.positions.set(inst.symbol, p);
    }
    return p;
  }

  unrealised(mark: MarkFn): Decimal {
    let u = ZERO;
    for (const p of this.positions.values())
      if (!p.size.isZero()) u = u.add(mark(p.inst.symbol).sub(p.avgPrice).mul(p.size));
    return u;
  }

  positionIM(): Decimal {
    let im = ZERO;
    for (const p of this.positions.values())
      if (!p.size.isZero()) im = im.add(p.size.abs().mul(p.avgPrice).div(p.leverage));
    return im;
  }

  positionMM(): Decimal {
    let mm = ZERO;
    for (const p of this.positions.values()) mm = mm.add(p.size.abs().mul(p.avgPrice).mul(MMR));
    return mm;
  }

  /** USDT that new orders may use: equity minus margin in use and spot holds. */
  availableUsdt(mark: MarkFn): Decimal {
    const usdt = this.coin(SETTLE);
    return usdt.wallet.add(this.unrealised(mark)).sub(this.positionIM()).sub(this.orderIM).sub(usdt.locked);
  }

  /** Margin new linear orders may use: free USDT plus the other coins' free balance at their haircut. */
  availableMargin(mark: MarkFn, usdPrice: (coin: string) => Decimal): Decimal {
    let v = this.availableUsdt(mark);
    for (const [name, c] of this.coins) {
      if (name === SETTLE) continue;
      const free = c.wallet.sub(c.locked);
      if (free.gt(ZERO)) v = v.add(free.mul(usdPrice(name)).mul(collateralRatio(name)));
    }
    return v;
  }

  /** Free balance of a non-settle coin (spot sells). */
  freeCoin(name: string): Decimal {
    const c = this.coin(name);
    return c.wallet.sub(c.locked);
  }
}

const fx = (d: Decimal, dp = 8): string => d.toDecimalPlaces(dp, Decimal.ROUND_HALF_EVEN).toFixed();

export function liqPriceOf(p: Position): Decimal | null {
  if (p.size.isZero()) return null;
  const inv = ONE.div(p.leverage);
  const f = p.size.gt(ZERO) ? inv.neg().add(1).add(MMR) : inv.add(1).sub(MMR);
  return p.avgPrice
    .mul(f)
    .div(p.inst.tickSize)
    .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
    .mul(p.inst.tickSize);
}

export function bustPriceOf(p: Position): Decimal | null {
  if (p.size.isZero()) return null;
  const inv = ONE.div(p.leverage);
  return p.avgPrice.mul(p.size.gt(ZERO) ? inv.neg().add(1) : inv.add(1));
}

export interface PositionRenderOpts {
  /** Cross margin (REGULAR_MARGIN): Bybit prints liqPrice and bustPrice as "". */
  cross: boolean;
  unset: '' | '0';
}

export function renderPosition(
  p: Position,
  mark: Decimal,
  ws: boolean,
  opts: PositionRenderOpts = { cross: true, unset: '' },
): Record<string, unknown> {
  const flat = p.size.isZero();
  const value = p.size.abs().mul(p.avgPrice);
  const im = flat ? ZERO : value.div(p.leverage);
  const liq = opts.cross ? null : liqPriceOf(p);
  const bust = opts.cross ? null : bustPriceOf(p);
  const row: Record<string, unknown> = {
    positionIdx: 0,
    riskId: 1,
    riskLimitValue: '2000000',
    symbol: p.inst.symbol,
    side: flat ? '' : p.size.gt(ZERO) ? 'Buy' : 'Sell',
    size: p.size.abs().toFixed(),
    avgPrice: flat ? '0' : fx(p.avgPrice),
    positionValue: flat ? '0' : fx(value),
    tradeMode: opts.cross ? 0 : 1,
    autoAddMargin: 0,
    positionStatus: 'Normal',
    leverage: p.leverage.toFixed(),
    markPrice: mark.toFixed(),
    liqPrice: liq ? liq.toFixed() : '',
    bustPrice: bust ? fx(bust, p.inst.priceScale) : '',
    positionIM: fx(im),
    positionMM: fx(value.mul(MMR)),
    positionIMByMp: fx(flat ? ZERO : p.size.abs().mul(mark).div(p.leverage)),
    positionMMByMp: fx(p.size.abs().mul(mark).mul(MMR)),
    positionBalance: fx(im),
    tpslMode: 'Full',
    takeProfit: p.takeProfit ? p.takeProfit.toFixed() : opts.unset,
    stopLoss: p.stopLoss ? p.stopLoss.toFixed() : opts.unset,
    trailingStop: '0',
    sessionAvgPrice: '',
    unrealisedPnl: flat ? '0' : fx(mark.sub(p.avgPrice).mul(p.size)),
    curRealisedPnl: p.curRealisedPnl.toFixed(),
    cumRealisedPnl: p.cumRealisedPnl.toFixed(),
    adlRankIndicator: flat ? 0 : 2,
    isReduceOnly: false,
    mmrSysUpdatedTime: '',
    leverageSysUpdatedTime: '',
    createdTime: String(p.createdTime),
    updatedTime: String(p.updatedTime),
    openTime: p.openTime,
    seq: p.seq,
    breakEvenPrice: '',
    delta: '',
    gamma: '',
    vega: '',
    theta: '',
  };
  if (!ws) return row;
  return { category: 'linear', ...row, entryPrice: row['avgPrice'] };
}

/**
 * `usdPrice(coin)` values non-USDT coins at the last trade price of COINUSDT. The total available balance
 * counts them at their collateral ratio; `withdrawable: false` prints availableToWithdraw as "" (unified).
 */
export function renderWallet(
  a: Account,
  mark: MarkFn,
  usdPrice: (coin: string) => Decimal,
  only?: Set<string>,
  withdrawable = false,
) {
  const upl = a.unrealised(mark);
  const posIM = a.positionIM();
  const posMM = a.positionMM();
  const coins: {
    coin: string;
    walletBalance: string;
    equity: string;
    locked: string;
    [k: string]: unknown;
  }[] = [];
  let totalWallet = ZERO;
  let totalEquity = ZERO;
  for (const [name, c] of a.coins) {
    if (only && !only.has(name)) continue;
    if (!only && c.wallet.isZero() && name !== SETTLE) continue;
    const isSettle = name === SETTLE;
    const equity = isSettle ? c.wallet.add(upl) : c.wallet;
    const px = usdPrice(name);
    totalWallet = totalWallet.add(c.wallet.mul(px));
    totalEquity = totalEquity.add(equity.mul(px));
    const free = isSettle ? a.availableUsdt(mark) : c.wallet.sub(c.locked);
    coins.push({
      coin: name,
      equity: equity.toFixed(),
      usdValue: equity.mul(px).toFixed(),
      walletBalance: c.wallet.toFixed(),
      free: '',
      locked: c.locked.toFixed(),
      spotHedgingQty: '0',
      borrowAmount: '0',
      availableToBorrow: '',
      availableToWithdraw: withdrawable ? fx(Decimal.max(free, ZERO)) : '',
      accruedInterest: '0',
      totalOrderIM: isSettle ? fx(a.orderIM) : '0',
      totalPositionIM: isSettle ? fx(posIM) : '0',
      totalPositionMM: isSettle ? fx(posMM) : '0',
      unrealisedPnl: isSettle ? upl.toFixed() : '0',
      cumRealisedPnl: isSettle ? cumRealisedOf(a).toFixed() : c.cumRealisedPnl.toFixed(),
      bonus: '0',
      marginCollateral: true,
      collateralSwitch: true,
      spotBorrow: '0',
    });
  }
  const im = posIM.add(a.orderIM);
  const avail = Decimal.max(a.availableMargin(mark, usdPrice), ZERO);
  return {
    accountType: 'UNIFIED' as const,
    accountLTV: '0',
    accountIMRate: totalEquity.isZero() ? '0' : fx(im.div(totalEquity), 4),
    accountMMRate: totalEquity.isZero() ? '0' : fx(posMM.div(totalEquity), 4),
    accountIMRateByMp: totalEquity.isZero() ? '0' : fx(im.div(totalEquity), 4),
    accountMMRateByMp: totalEquity.isZero() ? '0' : fx(posMM.div(totalEquity), 4),
    totalInitialMarginByMp: fx(im),
    totalMaintenanceMarginByMp: fx(posMM),
    totalEquity: totalEquity.toFixed(),
    totalWalletBalance: totalWallet.toFixed(),
    totalMarginBalance: totalEquity.toFixed(),
    totalAvailableBalance: fx(avail),
    totalPerpUPL: upl.toFixed(),
    totalInitialMargin: fx(im),
    totalMaintenanceMargin: fx(posMM),
    coin: coins,
  };
}

function cumRealisedOf(a: Account): Decimal {
  let r = ZERO;
  for (const p of a.positions.values()) r = r.add(p.cumRealisedPnl);
  return r;
}
