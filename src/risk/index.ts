// The risk module's public API: limits, sizing, the checks, evaluateRisk and breach detection.
export * from './types.js';
export * from './limits.js';
export * from './format.js';
export * from './sizing.js';
export * from './projection.js';
export * from './prepare.js';
export * from './checks/index.js';
export { realizedToday } from './checks/daily-loss.js';
export * from './evaluate.js';
export * from './breaches.js';
