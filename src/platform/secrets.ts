// Exchange credentials at rest: envelope encryption (a random AES-256-GCM data key per record, wrapped by
// the master key), tagged by environment so a testnet key is never handed out for mainnet.
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { secrets } from '../db/schema/index.js';
import { BYBIT_ENVS, type BybitEnv } from './env.js';
import { type MasterKey, seal, unseal } from './master-key.js';

export {
  MasterKey,
  generateMasterKey,
  loadMasterKey,
  masterKeyFromBase64,
  readMasterKeyFile,
} from './master-key.js';

/** A secret could not be stored, read or rotated; the message says why without revealing anything. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

export interface SecretPayload {
  key: string;
  secret: string;
}

export interface SecretInfo {
  id: number;
  name: string;
  env: BybitEnv;
  keyId: string;
  /** Last four characters of the API key (never of the secret). */
  last4: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const NAME_RE = /^[a-z][a-z0-9-]{0,31}$/;

// Binding name and env into the authenticated data means a row whose env column was edited (or whose
// ciphertext was copied onto another row) fails to decrypt instead of serving the wrong credentials.
const payloadAad = (name: string, env: string): string => `bosun-secret:v1:${name}:${env}`;
const dataKeyAad = (name: string, env: string): string => `bosun-data-key:v1:${name}:${env}`;

function checkTarget(name: string, env: string): asserts env is BybitEnv {
  if (!NAME_RE.test(name)) throw new SecretError(`secret name "${name}" is invalid: expected e.g. "bybit"`);
  if (!(BYBIT_ENVS as readonly string[]).includes(env)) {
    throw new SecretError(`environment "${env}" is invalid: expected one of ${BYBIT_ENVS.join(', ')}`);
  }
}

function checkPayload(p: SecretPayload): void {
  for (const [field, v] of [
    ['key', p.key],
    ['secret', p.secret],
  ] as const) {
    if (v.length === 0 || v.length > 256 || /\s/.test(v)) {
      throw new SecretError(`the API ${field} is invalid: expected 1-256 characters without spaces`);
    }
  }
}

function mismatch(keyId: string): SecretError {
  return new SecretError(
    `the master key does not match the one these secrets were stored with (key id ${keyId}); ` +
      'set BOSUN_MASTER_KEY (or BOSUN_MASTER_KEY_FILE) to that key',
  );
}

/** Encrypt and upsert one record; replaces an existing secret of the same name and environment. */
export async function storeSecret(
  db: Db,
  mk: MasterKey,
  input: { name: string; env: BybitEnv; payload: SecretPayload },
): Promise<SecretInfo> {
  const { name, env, payload } = input;
  checkTarget(name, env);
  checkPayload(payload);
  const dataKey = randomBytes(32);
  try {
    const ciphertext = seal(dataKey, Buffer.from(JSON.stringify(payload), 'utf8'), payloadAad(name, env));
    const wrappedKey = seal(mk.bytes(), dataKey, dataKeyAad(name, env));
    const values = { name, env, keyId: mk.id, wrappedKey, ciphertext, last4: payload.key.slice(-4) };
    const [row] = await db
      .insert(secrets)
      .values(values)
      .onConflictDoUpdate({
        target: [secrets.name, secrets.env],
        set: { ...values, createdAt: new Date(), lastUsedAt: null },
      })
      .returning();
    if (!row) throw new SecretError(`storing ${name}/${env} returned no row`);
    return toInfo(row);
  } finally {
    dataKey.fill(0);
  }
}

function decrypt(
  mk: MasterKey,
  r: { name: string; env: string; keyId: string; wrappedKey: Buffer; ciphertext: Buffer },
): SecretPayload {
  if (r.keyId !== mk.id) throw mismatch(r.keyId);
  let dataKey: Buffer | undefined;
  try {
    dataKey = unseal(mk.bytes(), r.wrappedKey, dataKeyAad(r.name, r.env));
    const parsed: unknown = JSON.parse(
      unseal(dataKey, r.ciphertext, payloadAad(r.name, r.env)).toString('utf8'),
    );
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'key' in parsed &&
      'secret' in parsed &&
      typeof parsed.key === 'string' &&
      typeof parsed.secret === 'string'
    ) {
      return { key: parsed.key, secret: parsed.secret };
    }
    throw new Error('payload shape');
  } catch {
    throw new SecretError(
      `secret ${r.name}/${r.env} could not be decrypted: the stored record was altered or is corrupt; ` +
        `store it again with \`bosun keys set ${r.name} --env ${r.env}\``,
    );
  } finally {
    dataKey?.fill(0);
  }
}

/**
 * Decrypt the secret stored for exactly this environment (null when none) and stamp last_used_at.
 * A master key other than the one it was stored with fails before anything is decrypted.
 */
export async function loadSecret(
  db: Db,
  mk: MasterKey,
  name: string,
  env: BybitEnv,
): Promise<SecretPayload | null> {
  checkTarget(name, env);
  const [row] = await db
    .select()
    .from(secrets)
    .where(and(eq(secrets.name, name), eq(secrets.env, env)))
    .limit(1);
  if (!row) return null;
  const payload = decrypt(mk, row);
  await db.update(secrets).set({ lastUsedAt: new Date() }).where(eq(secrets.id, row.id));
  return payload;
}

function toInfo(r: typeof secrets.$inferSelect): SecretInfo {
  return {
    id: r.id,
    name: r.name,
    env: r.env as BybitEnv,
    keyId: r.keyId,
    last4: r.last4,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
  };
}

/** What is stored, without decrypting anything. */
export async function listSecrets(db: Db): Promise<SecretInfo[]> {
  const rows = await db.select().from(secrets).orderBy(asc(secrets.name), asc(secrets.env));
  return rows.map(toInfo);
}

export interface RotateOptions {
  /** Called after each record is re-wrapped inside the transaction; a throw aborts (tests simulate crashes). */
  afterRecord?: (done: number, total: number) => void | Promise<void>;
}

/**
 * Re-wrap every data key from `oldMk` to `newMk` in one transaction (payload ciphertexts stay as they are).
 * Re-runnable: records already under the new key are skipped; a record under neither key stops the run
 * before anything changes.
 */
export async function rotateMaster(
  db: Db,
  oldMk: MasterKey,
  newMk: MasterKey,
  opts: RotateOptions = {},
): Promise<{ rotated: number; skipped: number }> {
  if (oldMk.id === newMk.id) {
    throw new SecretError(`the new master key is the same as the current one (key id ${oldMk.id})`);
  }
  return db.transaction(async (tx) => {
    const rows = await tx.select().from(secrets).orderBy(asc(secrets.id)).for('update');
    const stray = rows.find((r) => r.keyId !== oldMk.id && r.keyId !== newMk.id);
    if (stray) {
      throw new SecretError(
        `secret ${stray.name}/${stray.env} is under master key id ${stray.keyId}, which is neither the ` +
          `current key (${oldMk.id}) nor the new one (${newMk.id}); nothing was changed`,
      );
    }
    const todo = rows.filter((r) => r.keyId === oldMk.id);
    let done = 0;
    for (const r of todo) {
      let dataKey: Buffer | undefined;
      try {
        dataKey = unseal(oldMk.bytes(), r.wrappedKey, dataKeyAad(r.name, r.env));
      } catch {
        throw new SecretError(
          `secret ${r.name}/${r.env} could not be unwrapped with the current key; nothing was changed`,
        );
      }
      const wrappedKey = seal(newMk.bytes(), dataKey, dataKeyAad(r.name, r.env));
      dataKey.fill(0);
      await tx.update(secrets).set({ keyId: newMk.id, wrappedKey }).where(eq(secrets.id, r.id));
      done++;
      await opts.afterRecord?.(done, todo.length);
    }
    return { rotated: done, skipped: rows.length - todo.length };
  });
}
