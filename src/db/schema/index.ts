// The whole Drizzle schema; drizzle-kit generates ./drizzle migrations from this file.
export * from './market.js';
export * from './trading.js';
export * from './ops.js';
export * from './web.js';
export * from './paper.js';
