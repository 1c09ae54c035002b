// Every chat command bosun ships, in the order /help lists them. `backtest` is not listed here: it needs
// the job queue, so the composition root adds backtestCommand({ enqueue }) through extraCommands.
import type { Command } from '../src/chat/core/command.js';
import approve from './approve.js';
import balance from './balance.js';
import buy from './buy.js';
import cancel from './cancel.js';
import close from './close.js';
import exportTrades from './export.js';
import health from './health.js';
import help from './help.js';
import kill from './kill.js';
import orders from './orders.js';
import pause from './pause.js';
import pending from './pending.js';
import performance from './performance.js';
import pnl from './pnl.js';
import positions from './positions.js';
import reject from './reject.js';
import resume from './resume.js';
import risk from './risk.js';
import sell from './sell.js';
import status from './status.js';
import strategies from './strategies.js';
import trades from './trades.js';
import users from './users.js';
import web from './web.js';
import whoami from './whoami.js';

export const COMMANDS: readonly Command[] = [
  help,
  status,
  positions,
  orders,
  balance,
  pnl,
  trades,
  performance,
  strategies,
  pending,
  risk,
  health,
  whoami,
  web,
  buy,
  sell,
  close,
  cancel,
  pause,
  resume,
  kill,
  approve,
  reject,
  users,
  exportTrades,
];
