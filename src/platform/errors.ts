// Errors that end a command with one clear line (no stack trace): bad configuration and bad usage.

/** A bad environment variable, config file or value: exit status 1. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A bad command line: exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
