// Public surface of the Bybit adapter: construction, the orderLinkId rule and the error classes.
export { BybitExchange, createBybitExchange, type BybitExchangeOptions } from './exchange.js';
export { BYBIT_ENVS, type BybitEnv } from './constants.js';
export {
  AuthError,
  ClockSkewError,
  DuplicateOrderError,
  ERROR_KINDS,
  ExchangeError,
  InvalidOrderError,
  isExchangeError,
  NotModifiedError,
  OrderNotFoundError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type Consequence,
  type ErrorKind,
} from './errors.js';
export { classOfRetCode, RET_CODES } from './error-map.js';
