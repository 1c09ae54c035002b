// /buy <symbol> <qty|$notional> [limit price]
import { makeTradeCommand } from '../src/chat/core/trade-command.js';

export default makeTradeCommand('Buy');
