// Splits a command line into its name and argument tokens. Quotes group words ("…", '…', and the curly
// quotes phone keyboards insert) when they open a word; a backslash escapes inside double quotes. Never throws.
export const MAX_INPUT_CHARS = 1000;
export const MAX_TOKENS = 32;

export type TokenizeResult = { ok: true; tokens: string[] } | { ok: false; error: string };

const OPENERS: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '«': '»' };

export function tokenize(input: string): TokenizeResult {
  if (input.length > MAX_INPUT_CHARS) {
    return {
      ok: false,
      error: `that message is too long (${input.length} characters; the limit is ${MAX_INPUT_CHARS})`,
    };
  }
  const tokens: string[] = [];
  let cur = '';
  let inToken = false;
  let close: string | null = null;
  const chars = [...input];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (close !== null) {
      if (c === '\\' && close === '"' && i + 1 < chars.length) {
        cur += chars[++i] as string;
      } else if (c === close) {
        close = null;
      } else {
        cur += c;
      }
      continue;
    }
    if (/\s/u.test(c)) {
      if (inToken) tokens.push(cur);
      cur = '';
      inToken = false;
      continue;
    }
    // Only at the start of a word: an apostrophe inside one ("don't") is just a character.
    const closer = inToken ? undefined : OPENERS[c];
    if (closer !== undefined) {
      close = closer;
      inToken = true;
      continue;
    }
    cur += c;
    inToken = true;
  }
  if (close !== null) return { ok: false, error: `a quote is not closed (expected ${close})` };
  if (inToken) tokens.push(cur);
  if (tokens.length > MAX_TOKENS) {
    return { ok: false, error: `too many words (${tokens.length}; the limit is ${MAX_TOKENS})` };
  }
  return { ok: true, tokens };
}

export interface CommandLine {
  /** Lower-case command name without the slash or a Telegram @bot suffix. */
  name: string;
  args: string[];
}

export type ParseLineResult =
  { ok: true; line: CommandLine } | { ok: false; error: string } | { ok: 'empty' };

/** "/Buy@bosun_bot BTCUSDT $500" → { name: 'buy', args: ['BTCUSDT', '$500'] }. A leading slash is optional. */
export function parseCommandLine(input: string): ParseLineResult {
  const t = tokenize(input.trim());
  if (!t.ok) return t;
  const [first, ...args] = t.tokens;
  if (first === undefined) return { ok: 'empty' };
  const name = first
    .replace(/^\/+/, '')
    .replace(/@[A-Za-z0-9_]+$/, '')
    .toLowerCase();
  if (name === '') return { ok: 'empty' };
  return { ok: true, line: { name, args } };
}
