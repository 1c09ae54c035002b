// The streams a CLI command writes to, injected so tests can capture them.
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

type Blockable = { _handle?: { setBlocking?: (on: boolean) => unknown } };

/**
 * Node writes to a pipe asynchronously, and `bosun` ends with process.exit, which drops whatever the
 * reader had not taken yet (`bosun backtest --json | jq` got the first 64 KiB). Writing to a pipe
 * blocking makes every byte written reach the reader before the process can exit.
 */
export function blockingWhenPiped(stream: NodeJS.WritableStream): void {
  const handle = (stream as unknown as Blockable)._handle;
  if (!(stream as { isTTY?: boolean }).isTTY && typeof handle?.setBlocking === 'function')
    handle.setBlocking(true);
}

blockingWhenPiped(process.stdout);
blockingWhenPiped(process.stderr);

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

export function line(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}
