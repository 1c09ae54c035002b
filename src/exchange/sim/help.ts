// `bosun sim --help`: every option and every behaviour switch. Kept apart from the simulator so the CLI can
// print it without loading the simulator.
import { BEHAVIOUR_HELP } from './behaviour.js';

export const SIM_HELP = `usage: bosun sim [--port 9100] [--host 127.0.0.1] [--data FILE] [--speed N] [--key K --secret S]
                 [--balance 100000USDT] [--seed N] [--spread-bps N] [--no-rate-limits] [--fault F]...
                 [--behave KEY=VALUE]...

The Bybit V5-compatible simulator on its own: REST at http://127.0.0.1:PORT/v5/..., WebSocket at
ws://127.0.0.1:PORT/v5/public/{spot,linear} and /v5/private. Default key sim-key, secret sim-secret.
Prints one line "listening on http://127.0.0.1:PORT" when ready; Ctrl-C stops it.

  --data FILE   candle file replayed as BTCUSDT (CSV timestamp,open,high,low,close,volume; backtesting.py CSV; JSON)
  --speed N     market seconds per real second (default 1; 0 = paused)
  --fault F     skew=MS | ratelimit=N | http=STATUSxN | lost=N | authfail=N | latepong=MS | partial=N | wsdrop=MS

${BEHAVIOUR_HELP}`;
