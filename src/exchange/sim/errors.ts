// Bybit V5 business errors as the simulator returns them: HTTP 200 with a retCode, never a thrown HTTP error.
// Codes and messages follow https://bybit-exchange.github.io/docs/v5/error (see shared/reference/bybit-v5.md §3).

export const RET = {
  ok: 0,
  paramError: 10001,
  timestamp: 10002,
  badKey: 10003,
  badSign: 10004,
  rateLimited: 10006,
  orderNotFound: 110001,
  insufficientBalance: 110007,
  orderFinished: 110008,
  reduceOnlyZero: 110017,
  leverageNotModified: 110043,
  positionModeNotModified: 110025,
  marginModeNotModified: 110026,
  duplicateLinkId: 110072,
  triggerExpectRising: 110092,
  triggerExpectFalling: 110093,
  notionalTooLow: 110094,
  tradingStopNotModified: 34040,
  spotBadParam: 170130,
  spotInsufficientBalance: 170131,
  spotPriceDecimals: 170134,
  spotQtyTooLow: 170136,
  spotQtyDecimals: 170137,
  spotValueTooLow: 170140,
  spotDuplicateLinkId: 170141,
  spotBuyPriceTooHigh: 170193,
  spotSellPriceTooLow: 170194,
  spotOrderNotFound: 170213,
} as const;

/** A rejection the routes turn into `{retCode, retMsg}`; thrown only inside the simulator. */
export class SimError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export function fail(code: number, message: string): never {
  throw new SimError(code, message);
}
