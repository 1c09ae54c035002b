// The Bybit V5 simulator (`bosun sim`, and in-process for tests and the demo): REST + WebSocket on one port,
// HMAC-checked like Bybit, a matching engine over a replayed or random price path, and fault injection.
export { startSim, parseBalance, type SimHandle, type SimOptions } from './start.js';
export { runSimCli } from './cli.js';
export { SIM_HELP } from './help.js';
export {
  BEHAVIOUR_HELP,
  BYBIT_BEHAVIOUR,
  SimBehaviour,
  parseBehaviourFlag,
  type BehaviourPatch,
  type BehaviourSettings,
} from './behaviour.js';
export { SimFaults, parseFaultFlag, type FaultPatch, type FaultSettings, type WsScope } from './faults.js';
export type { SimCandleInput, SimMarket } from './market.js';
export type {
  SimExecutionView,
  SimOrderView,
  SimPositionView,
  SimStateView,
  SimWalletView,
} from './state-view.js';
export { hmacHex, verifyRestAuth, verifyWsAuth, type AuthResult, type RestAuthInput } from './signing.js';
