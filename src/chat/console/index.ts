// The console adapter's public surface.
export {
  runConsole,
  ConsoleSink,
  MessagePrinter,
  type RunConsoleOptions,
  type ConsoleActor,
} from './console.js';
export { renderPlain } from './render.js';
export {
  connectRemoteConsole,
  startConsoleHost,
  NoBotError,
  RemoteConsoleSink,
  type ConsoleEvent,
  type ConsoleHost,
} from './remote.js';
