// The portfolio's public API: valuation, exposure, closed trades and the read-only view for risk.
export * from './types.js';
export * from './time.js';
export * from './equity.js';
export * from './trades.js';
export * from './view.js';
