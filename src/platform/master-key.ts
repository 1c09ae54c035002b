// The master key that wraps every stored secret's data key: loading it from BOSUN_MASTER_KEY or a 0600
// key file, its fingerprint (the key id stored beside each record), and the AES-256-GCM primitive.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { ConfigError } from './errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HOW_TO_MAKE = 'a 32-byte key in base64 (e.g. `openssl rand -base64 32`)';

/** The key bytes stay in a private field, so logging or JSON-encoding a MasterKey shows only its id. */
export class MasterKey {
  readonly #key: Buffer;
  /** First 16 hex of HMAC-SHA256(key, 'bosun-key-id'): identifies the key without revealing it. */
  readonly id: string;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new ConfigError(`master key must be 32 bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
    this.id = createHmac('sha256', this.#key).update('bosun-key-id').digest('hex').slice(0, 16);
  }

  /** Raw bytes, for the envelope code in secrets.ts only. */
  bytes(): Buffer {
    return this.#key;
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }

  toString(): string {
    return `MasterKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** A fresh random key in the base64 form BOSUN_MASTER_KEY takes. */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** Parse a base64 key; `source` names where it came from (never the value) for the error message. */
export function masterKeyFromBase64(text: string, source: string): MasterKey {
  const t = text.trim();
  const bytes = BASE64_RE.test(t) ? Buffer.from(t, 'base64') : Buffer.alloc(0);
  if (bytes.length !== KEY_BYTES) throw new ConfigError(`${source} is invalid: expected ${HOW_TO_MAKE}`);
  return new MasterKey(bytes);
}

/**
 * Read a key file: base64 text, or exactly 32 raw bytes. Refuses a file that group or others can read,
 * as ssh does for private keys: a key readable by every local account protects nothing.
 */
export function readMasterKeyFile(path: string, varName = 'BOSUN_MASTER_KEY_FILE'): MasterKey {
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ConfigError(`${varName}=${path} is not a regular file`);
    mode = st.mode & 0o777;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `${varName}=${path} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`,
    );
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ConfigError(
      `${varName}=${path} is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); ` +
        `a master key file must be private: run \`chmod 600 ${path}\``,
    );
  }
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${varName}=${path} cannot be read (${code})`);
  }
  if (raw.length === KEY_BYTES) return new MasterKey(raw);
  return masterKeyFromBase64(raw.toString('utf8'), `the key in ${varName}=${path}`);
}

/** The configured master key, or a ConfigError saying how to set one. */
export function loadMasterKey(env: {
  masterKey: string | undefined;
  masterKeyFile: string | undefined;
}): MasterKey {
  if (env.masterKey !== undefined) return masterKeyFromBase64(env.masterKey, 'BOSUN_MASTER_KEY');
  if (env.masterKeyFile !== undefined) return readMasterKeyFile(env.masterKeyFile);
  throw new ConfigError(
    `BOSUN_MASTER_KEY or BOSUN_MASTER_KEY_FILE is required to store or read secrets: expected ${HOW_TO_MAKE}`,
  );
}

/** AES-256-GCM; the result packs iv ‖ tag ‖ ciphertext. `aad` binds the box to its record. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]);
}

/** Inverse of seal; throws if the key, the aad or a single byte differs. */
export function unseal(key: Buffer, packed: Buffer, aad: string): Buffer {
  if (packed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is too short');
  const d = createDecipheriv('aes-256-gcm', key, packed.subarray(0, IV_BYTES));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([d.update(packed.subarray(IV_BYTES + TAG_BYTES)), d.final()]);
}
