// Loading strategy files the user owns: a broken file is a result naming the file and the problem,
// with file:line where the error has one, and never a throw that would stop other instances.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStrategyFile } from '../../src/sdk/loader.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/strategies/', import.meta.url));

function userDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-strategies-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

describe('loadStrategyFile', () => {
  it('reports a syntax error with file:line:col and what the parser expected', async () => {
    const dir = userDir();
    writeFileSync(join(dir, 'broken.ts'), 'export default {\n  create(setup { return {}; },\n};\n');
    const r = await loadStrategyFile('broken.ts', dir);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toBe(`${join(dir, 'broken.ts')}:2:15: cannot load: Expected ")" but found "{"`);
  });

  // Under vitest its own stack rewriting hides tsx's source maps, so the exact .ts line is checked
  // through the real CLI (tests/integration/strategy-cli.test.ts); here: a file:line is there.
  it('reports a throw in create with a file:line', async () => {
    const r = await loadStrategyFile(join(FIXTURES, 'throws-in-create.ts'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/throws-in-create\.ts:\d+:\d+: create threw: indicator setup failed$/);
      expect(r.name).toBe('throws-in-create');
    }
  });

  it('reports a bad params declaration naming the param and the range', async () => {
    const r = await loadStrategyFile(join(FIXTURES, 'bad-params.ts'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/bad-params\.ts: param period: default 500 is outside 1\.\.100$/);
  });

  it('reports a throw at load time with a file:line', async () => {
    const dir = userDir();
    writeFileSync(join(dir, 'boom.ts'), '// header\nconst x: number = 1;\nthrow new Error(`bad ${x}`);\n');
    const r = await loadStrategyFile(join(dir, 'boom.ts'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/boom\.ts:\d+:\d+: cannot load: bad 1$/);
  });

  it('refuses a file without a definition, a missing file and a wrong extension', async () => {
    const dir = userDir();
    writeFileSync(join(dir, 'empty.js'), 'export const x = 1;\n');
    const empty = await loadStrategyFile(join(dir, 'empty.js'));
    expect(empty.ok ? '' : empty.error).toMatch(/empty\.js: the file must export default/);
    const missing = await loadStrategyFile(join(dir, 'nope.ts'));
    expect(missing.ok ? '' : missing.error).toBe(`${join(dir, 'nope.ts')}: no such file`);
    const ext = await loadStrategyFile(join(dir, 'strategy.py'));
    expect(ext.ok ? '' : ext.error).toMatch(/must end in \.ts or \.js$/);
  });

  it('loads a plain .js file exporting `strategy`, and a .ts file outside an ES module package', async () => {
    const dir = userDir();
    writeFileSync(
      join(dir, 'up.js'),
      "export const strategy = { name: 'up', create: () => ({ onBar(ctx) { ctx.enterLong(); } }) };\n",
    );
    const js = await loadStrategyFile(join(dir, 'up.js'));
    expect(js.ok && js.name).toBe('up');
    const bare = mkdtempSync(join(tmpdir(), 'bosun-bare-'));
    writeFileSync(join(bare, 'plain.ts'), 'export default { create: () => ({ onBar() {} }) };\n');
    const ts = await loadStrategyFile(join(bare, 'plain.ts'));
    expect(ts.ok && ts.name).toBe('plain');
  });
});
