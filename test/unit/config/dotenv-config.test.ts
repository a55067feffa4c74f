import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, withDotenv } from '../../../src/config';
import { PROJECT_ROOT } from '../../../src/project-root';

/** One optional .env file under the real environment, and a signing key at a place that does not follow the shell. */
describe('the .env file and the project root', () => {
  const ROOT = path.resolve(__dirname, '../../..');
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-dotenv-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function envFile(text: string): string {
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, text);
    return file;
  }

  it('fills what the real environment does not set, and the real environment wins, even when empty', () => {
    const file = envFile('REST_PORT=9999\nLOG_LEVEL=debug\n# a comment\nDB_PASSWORD="from file"\nAUTH_LOCAL_KEY=from-file-0123456789abcdef0123456789\n');
    const env = withDotenv({ MYMONIT_ENV_FILE: file, REST_PORT: '8181', DB_PASSWORD: '' });
    const config = loadConfig(env);
    expect(config.rest.port).toBe(8181);
    expect(config.log.level).toBe('debug');
    expect(env.DB_PASSWORD).toBe('');
    expect(config.auth.local.key).toBe('from-file-0123456789abcdef0123456789');
  });

  it('reads .env at the project root (the directory of package.json), not in the working directory', () => {
    const root = path.join(dir, 'root');
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(root);
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(root, '.env'), 'REST_PORT=7777\n');
    fs.writeFileSync(path.join(elsewhere, '.env'), 'REST_PORT=6666\nLOG_LEVEL=debug\n');
    const cwd = process.cwd();
    try {
      process.chdir(elsewhere);
      expect(withDotenv({}, root)).toEqual({ REST_PORT: '7777' });
      fs.rmSync(path.join(root, '.env'));
      expect(withDotenv({ A: 'b' }, root)).toEqual({ A: 'b' });
    } finally {
      process.chdir(cwd);
    }
    expect(PROJECT_ROOT).toBe(ROOT);
  });

  it('refuses a MYMONIT_ENV_FILE that cannot be read, naming the variable', () => {
    expect(() => withDotenv({ MYMONIT_ENV_FILE: path.join(dir, 'missing.env') })).toThrow(ConfigError);
    expect(() => withDotenv({ MYMONIT_ENV_FILE: path.join(dir, 'missing.env') })).toThrow(/^MYMONIT_ENV_FILE: cannot read .*missing\.env \(ENOENT\)$/);
  });

  it('resolves the local signing key file against the project root, whatever the working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(loadConfig({}).auth.local.keyFile).toBe(path.join(ROOT, '.mymonit', 'local-signing-key'));
      expect(loadConfig({ AUTH_LOCAL_KEY_FILE: 'keys/local' }).auth.local.keyFile).toBe(path.join(ROOT, 'keys', 'local'));
      expect(loadConfig({ AUTH_LOCAL_KEY_FILE: path.join(dir, 'k') }).auth.local.keyFile).toBe(path.join(dir, 'k'));
    } finally {
      process.chdir(cwd);
    }
  });
});
