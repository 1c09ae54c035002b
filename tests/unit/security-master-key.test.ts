// The master key: where it may come from, which key files are refused, and that it never prints itself.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/platform/errors.js';
import {
  generateMasterKey,
  loadMasterKey,
  masterKeyFromBase64,
  readMasterKeyFile,
  seal,
  unseal,
} from '../../src/platform/master-key.js';

const dir = mkdtempSync(join(tmpdir(), 'bosun-mk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string, content: string | Buffer, mode: number): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
}

describe('master key', () => {
  it('refuses a key file readable by group or others, naming the file and the chmod fix', () => {
    const p = keyFile('open.key', generateMasterKey(), 0o644);
    expect(() => readMasterKeyFile(p)).toThrow(ConfigError);
    expect(() => readMasterKeyFile(p)).toThrow(
      `BOSUN_MASTER_KEY_FILE=${p} is readable by group or others (mode 0644)`,
    );
    expect(() => readMasterKeyFile(p)).toThrow(`chmod 600 ${p}`);
    const groupOnly = keyFile('group.key', generateMasterKey(), 0o640);
    expect(() => loadMasterKey({ masterKey: undefined, masterKeyFile: groupOnly })).toThrow(/mode 0640/);
  });

  it('accepts a 0600 file holding base64 text or 32 raw bytes, with the same id as the env form', () => {
    const b64 = generateMasterKey();
    const fromText = readMasterKeyFile(keyFile('text.key', `${b64}\n`, 0o600));
    const fromRaw = readMasterKeyFile(keyFile('raw.key', Buffer.from(b64, 'base64'), 0o400));
    const fromEnv = loadMasterKey({ masterKey: b64, masterKeyFile: undefined });
    expect(fromText.id).toMatch(/^[0-9a-f]{16}$/);
    expect(fromRaw.id).toBe(fromText.id);
    expect(fromEnv.id).toBe(fromText.id);
    expect(masterKeyFromBase64(generateMasterKey(), 'X').id).not.toBe(fromText.id);
  });

  it('names the variable, not the value, when a key is malformed or missing', () => {
    const bad = 'c2hvcnQta2V5LXNlY3JldA==';
    let msg = '';
    try {
      loadMasterKey({ masterKey: bad, masterKeyFile: undefined });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('BOSUN_MASTER_KEY is invalid');
    expect(msg).not.toContain(bad);
    expect(() => loadMasterKey({ masterKey: undefined, masterKeyFile: undefined })).toThrow(
      /BOSUN_MASTER_KEY or BOSUN_MASTER_KEY_FILE is required/,
    );
    expect(() => readMasterKeyFile(join(dir, 'absent.key'))).toThrow(/no such file/);
  });

  it('never shows the key bytes when logged, inspected or JSON-encoded', () => {
    const b64 = generateMasterKey();
    const mk = masterKeyFromBase64(b64, 'X');
    const hex = Buffer.from(b64, 'base64').toString('hex');
    for (const shown of [JSON.stringify({ mk }), inspect(mk), String(mk), inspect({ nested: { mk } })]) {
      expect(shown).toContain(mk.id);
      expect(shown).not.toContain(b64);
      expect(shown).not.toContain(hex);
    }
  });

  it('seals so that another key, other bound data or a flipped byte cannot open it', () => {
    const k1 = masterKeyFromBase64(generateMasterKey(), 'X').bytes();
    const k2 = masterKeyFromBase64(generateMasterKey(), 'X').bytes();
    const box = seal(k1, Buffer.from('payload'), 'bybit:testnet');
    expect(unseal(k1, box, 'bybit:testnet').toString()).toBe('payload');
    expect(() => unseal(k2, box, 'bybit:testnet')).toThrow();
    expect(() => unseal(k1, box, 'bybit:mainnet')).toThrow();
    const flipped = Buffer.from(box);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(() => unseal(k1, flipped, 'bybit:testnet')).toThrow();
    // Two seals of the same plaintext differ (fresh IV each time).
    expect(seal(k1, Buffer.from('payload'), 'a').equals(seal(k1, Buffer.from('payload'), 'a'))).toBe(false);
  });
});
