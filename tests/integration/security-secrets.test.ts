// Stored exchange credentials on real Postgres: round trip, wrong master key, environment isolation,
// tampering, and a master-key rotation that crashes midway and is run again.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.js';
import {
  generateMasterKey,
  listSecrets,
  loadSecret,
  masterKeyFromBase64,
  rotateMaster,
  SecretError,
  storeSecret,
  type MasterKey,
} from '../../src/platform/secrets.js';
import { freshPgDb, type TestDb } from '../helpers/db.js';

let t: TestDb;
const mk = (): MasterKey => masterKeyFromBase64(generateMasterKey(), 'test');
const creds = (n: number) => ({ key: `KEY${n}abcdEFGH${n}`, secret: `SECRET${n}-0123456789abcdefXYZ${n}` });

beforeAll(async () => {
  t = await freshPgDb();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.execute(sql`truncate secrets`);
});

async function rawRows(): Promise<
  { name: string; env: string; key_id: string; ciphertext: Buffer; wrapped_key: Buffer }[]
> {
  return rows(
    await t.db.execute(sql`select name, env, key_id, ciphertext, wrapped_key from secrets order by id`),
  );
}

describe('stored secrets', () => {
  it('round-trips, stores no plaintext, and lists only last4 and dates', async () => {
    const k = mk();
    const c = creds(1);
    const info = await storeSecret(t.db, k, { name: 'bybit', env: 'testnet', payload: c });
    expect(info).toMatchObject({
      name: 'bybit',
      env: 'testnet',
      keyId: k.id,
      last4: c.key.slice(-4),
      lastUsedAt: null,
    });
    for (const r of await rawRows()) {
      for (const col of [r.ciphertext, r.wrapped_key]) {
        expect(col.includes(c.key)).toBe(false);
        expect(col.includes(c.secret)).toBe(false);
      }
    }
    expect(await loadSecret(t.db, k, 'bybit', 'testnet')).toEqual(c);
    const [listed] = await listSecrets(t.db);
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain(c.secret);
    expect(JSON.stringify(listed)).not.toContain(c.key);
  });

  it('a wrong master key gets a clear error naming the stored key id, and nothing is decrypted', async () => {
    const right = mk();
    await storeSecret(t.db, right, { name: 'bybit', env: 'mainnet', payload: creds(2) });
    const err = await loadSecret(t.db, mk(), 'bybit', 'mainnet').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as Error).message).toBe(
      `the master key does not match the one these secrets were stored with (key id ${right.id}); ` +
        'set BOSUN_MASTER_KEY (or BOSUN_MASTER_KEY_FILE) to that key',
    );
    // Not even a use was recorded.
    expect((await listSecrets(t.db))[0]?.lastUsedAt).toBeNull();
  });

  it('never hands a testnet key out for mainnet, even if the env column is edited', async () => {
    const k = mk();
    await storeSecret(t.db, k, { name: 'bybit', env: 'testnet', payload: creds(3) });
    expect(await loadSecret(t.db, k, 'bybit', 'mainnet')).toBeNull();
    await storeSecret(t.db, k, { name: 'bybit', env: 'mainnet', payload: creds(4) });
    expect(await loadSecret(t.db, k, 'bybit', 'mainnet')).toEqual(creds(4));
    expect(await loadSecret(t.db, k, 'bybit', 'testnet')).toEqual(creds(3));
    // An attacker (or a slip) relabelling the testnet row as demo: the ciphertext is bound to its env.
    await t.db.execute(sql`update secrets set env = 'demo' where env = 'testnet'`);
    await expect(loadSecret(t.db, k, 'bybit', 'demo')).rejects.toThrow(
      /could not be decrypted: the stored record was altered/,
    );
  });

  it('replaces a secret stored again for the same environment', async () => {
    const k = mk();
    await storeSecret(t.db, k, { name: 'bybit', env: 'demo', payload: creds(5) });
    await storeSecret(t.db, k, { name: 'bybit', env: 'demo', payload: creds(6) });
    expect(await listSecrets(t.db)).toHaveLength(1);
    expect(await loadSecret(t.db, k, 'bybit', 'demo')).toEqual(creds(6));
  });

  it('rotation that crashes midway changes nothing; running it again moves every secret to the new key', async () => {
    const oldK = mk();
    const newK = mk();
    const envs = ['sim', 'testnet', 'demo', 'mainnet'] as const;
    for (const [i, env] of envs.entries()) {
      await storeSecret(t.db, oldK, { name: 'bybit', env, payload: creds(10 + i) });
    }
    const before = await rawRows();
    const crash = rotateMaster(t.db, oldK, newK, {
      afterRecord: (done) => {
        if (done === 2) throw new Error('simulated crash after 2 records');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    const after = await rawRows();
    expect(after.map((r) => r.key_id)).toEqual(before.map(() => oldK.id));
    expect(after.map((r) => r.wrapped_key.toString('hex'))).toEqual(
      before.map((r) => r.wrapped_key.toString('hex')),
    );

    expect(await rotateMaster(t.db, oldK, newK)).toEqual({ rotated: 4, skipped: 0 });
    for (const [i, env] of envs.entries()) {
      expect(await loadSecret(t.db, newK, 'bybit', env)).toEqual(creds(10 + i));
    }
    await expect(loadSecret(t.db, oldK, 'bybit', 'sim')).rejects.toThrow(`(key id ${newK.id})`);
    // Re-running after success (e.g. the operator was unsure it finished) is a no-op.
    expect(await rotateMaster(t.db, oldK, newK)).toEqual({ rotated: 0, skipped: 4 });
  });

  it('skips records already under the new key and refuses records under neither, changing nothing', async () => {
    const oldK = mk();
    const newK = mk();
    const stranger = mk();
    await storeSecret(t.db, oldK, { name: 'bybit', env: 'testnet', payload: creds(20) });
    await storeSecret(t.db, newK, { name: 'bybit', env: 'demo', payload: creds(21) });
    expect(await rotateMaster(t.db, oldK, newK)).toEqual({ rotated: 1, skipped: 1 });
    expect(await loadSecret(t.db, newK, 'bybit', 'testnet')).toEqual(creds(20));

    await storeSecret(t.db, stranger, { name: 'bybit', env: 'mainnet', payload: creds(22) });
    const third = mk();
    const err = await rotateMaster(t.db, newK, third).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as Error).message).toContain(`bybit/mainnet is under master key id ${stranger.id}`);
    expect((err as Error).message).toContain('nothing was changed');
    expect((await rawRows()).map((r) => r.key_id).sort()).toEqual([newK.id, newK.id, stranger.id].sort());
    await expect(rotateMaster(t.db, newK, newK)).rejects.toThrow(/same as the current one/);
  });
});
