import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../../src/config';
import { LocalTokenIssuer } from '../../../src/auth/local-token-issuer';
import { LocalTokenVerifier } from '../../../src/auth/local-token-verifier';
import { loadLocalSigningKey } from '../../../src/auth/local-signing-key';
import { testConfig } from '../../support/real-services';

/** The key resolution of AUTH_MODE=local: variable first, else a key file made on first use, kept private. */
describe('loadLocalSigningKey', () => {
  let dir: string;
  const base = testConfig();
  const fileOnly = (keyFile: string): Config['auth']['local'] => ({ ...base.auth.local, key: undefined, keyFile });

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mymonit-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses AUTH_LOCAL_KEY when it is set, and touches no file', () => {
    const keyFile = path.join(dir, 'never');
    const key = loadLocalSigningKey({ ...base.auth.local, keyFile });
    expect(Buffer.from(key).toString('utf8')).toBe(base.auth.local.key);
    expect(() => statSync(keyFile)).toThrow(/ENOENT/);
  });

  it('refuses an AUTH_LOCAL_KEY shorter than 32 bytes handed over directly', () => {
    expect(() => loadLocalSigningKey({ ...base.auth.local, key: 'too-short' })).toThrow(ConfigError);
  });

  it('generates the key file with mode 0600 on first use and reuses it on the second', () => {
    const keyFile = path.join(dir, 'nested', 'deeper', 'signing-key');
    const first = loadLocalSigningKey(fileOnly(keyFile));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(keyFile)).mode & 0o077).toBe(0);
    const text = readFileSync(keyFile, 'utf8');
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(Buffer.from(first).toString('utf8')).toBe(text);

    const second = loadLocalSigningKey(fileOnly(keyFile));
    expect(Buffer.from(second)).toEqual(Buffer.from(first));
    expect(readFileSync(keyFile, 'utf8')).toBe(text);
  });

  it('generates a different key on another machine (another file)', () => {
    const a = loadLocalSigningKey(fileOnly(path.join(dir, 'a')));
    const b = loadLocalSigningKey(fileOnly(path.join(dir, 'b')));
    expect(Buffer.from(a)).not.toEqual(Buffer.from(b));
  });

  it('uses the key file loadConfig resolved, whatever the working directory', () => {
    const keyFile = loadConfig({ AUTH_LOCAL_KEY_FILE: path.join(dir, 'k', 'key') }).auth.local.keyFile;
    const first = loadLocalSigningKey(fileOnly(keyFile));
    const cwd = process.cwd();
    try {
      process.chdir(os.tmpdir());
      expect(Buffer.from(loadLocalSigningKey(fileOnly(keyFile)))).toEqual(Buffer.from(first));
    } finally {
      process.chdir(cwd);
    }
    expect(statSync(path.join(dir, 'k', 'key')).mode & 0o777).toBe(0o600);
  });

  it('ignores the newline an editor leaves at the end of a hand-written key file', () => {
    const keyFile = path.join(dir, 'hand-written');
    writeFileSync(keyFile, 'a-hand-written-key-of-more-than-32-bytes\n', { mode: 0o600 });
    expect(Buffer.from(loadLocalSigningKey(fileOnly(keyFile))).toString('utf8')).toBe(
      'a-hand-written-key-of-more-than-32-bytes',
    );
  });

  it('refuses a key file shorter than 32 bytes, naming the file but not the key', () => {
    const keyFile = path.join(dir, 'short');
    writeFileSync(keyFile, 'short-secret\n', { mode: 0o600 });
    let error: unknown;
    try {
      loadLocalSigningKey(fileOnly(keyFile));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('AUTH_LOCAL_KEY_FILE');
    expect((error as Error).message).toContain(keyFile);
    expect((error as Error).message).toContain('32 bytes');
    expect((error as Error).message).not.toContain('short-secret');
  });

  it('lets the issuer create the key file and the verifier read it: one key for both', async () => {
    const keyFile = path.join(dir, 'shared', 'key');
    const config: Config = { ...base, auth: { ...base.auth, local: fileOnly(keyFile) } };
    const token = await new LocalTokenIssuer(config).issue('alice');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await expect(new LocalTokenVerifier(config).verify(token)).resolves.toMatchObject({ username: 'alice' });
  });
});
