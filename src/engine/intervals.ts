// Kline intervals live in the domain (the kernel and the engine both need them); kept here for old imports.
export { intervalMs } from '../domain/intervals.js';
