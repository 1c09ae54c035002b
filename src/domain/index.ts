// The domain's public API: pure model, no I/O. Import from here rather than from individual files.
export * from './decimal.js';
export * from './instrument.js';
export * from './clock.js';
export * from './side.js';
export * from './events.js';
export * from './order-status.js';
export * from './order-transitions.js';
export * from './order.js';
export * from './fill.js';
export * from './position.js';
export * from './ids.js';
