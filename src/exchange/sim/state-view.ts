// Read-only view of the simulator's books for tests: the same wire rows the REST API serves, typed on the
// fields tests usually compare with bosun's database.
import type { Engine } from './engine.js';
import { renderExecution } from './orders.js';

export interface SimOrderView {
  category: 'linear' | 'spot';
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: 'Buy' | 'Sell';
  orderType: 'Market' | 'Limit';
  orderStatus: string;
  price: string;
  qty: string;
  cumExecQty: string;
  cumExecValue: string;
  cumExecFee: string;
  avgPrice: string;
  leavesQty: string;
  timeInForce: string;
  reduceOnly: boolean;
  stopOrderType: string;
  createdTime: string;
  updatedTime: string;
  [field: string]: unknown;
}

export interface SimExecutionView {
  category: 'linear' | 'spot';
  symbol: string;
  execId: string;
  orderId: string;
  orderLinkId: string;
  side: 'Buy' | 'Sell';
  execType: 'Trade' | 'Funding';
  execPrice: string;
  execQty: string;
  execValue: string;
  execFee: string;
  feeCurrency: string;
  feeRate: string;
  isMaker: boolean;
  execTime: string;
  [field: string]: unknown;
}

export interface SimPositionView {
  category: 'linear';
  symbol: string;
  side: 'Buy' | 'Sell' | '';
  size: string;
  avgPrice: string;
  leverage: string;
  unrealisedPnl: string;
  curRealisedPnl: string;
  cumRealisedPnl: string;
  liqPrice: string;
  takeProfit: string;
  stopLoss: string;
  [field: string]: unknown;
}

export interface SimWalletView {
  accountType: 'UNIFIED';
  totalEquity: string;
  totalWalletBalance: string;
  totalAvailableBalance: string;
  coin: { coin: string; walletBalance: string; equity: string; locked: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

/** Every method takes the API key of the account (default: the first one configured). */
export interface SimStateView {
  /** All orders, oldest first. */
  orders(key?: string): SimOrderView[];
  /** All executions (trades and funding), oldest first. */
  executions(key?: string): SimExecutionView[];
  /** Linear positions the account has touched, flat ones included. */
  positions(key?: string): SimPositionView[];
  wallet(key?: string): SimWalletView;
}

export function stateView(e: Engine, defaultKey: string): SimStateView {
  const acct = (key?: string) => e.account(key ?? defaultKey);
  return {
    orders: (key) => acct(key).history.map((o) => e.renderOrder(o, true) as SimOrderView),
    executions: (key) => acct(key).executions.map((x) => renderExecution(x, true) as SimExecutionView),
    positions: (key) =>
      [...acct(key).positions.values()].map((p) => e.renderPosition(acct(key), p, true) as SimPositionView),
    wallet: (key) => e.renderWallet(acct(key)) as SimWalletView,
  };
}
