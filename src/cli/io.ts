// The streams a CLI command writes to, injected so tests can capture them.
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

export function line(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}
