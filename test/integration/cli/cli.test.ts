import { execSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalTokenVerifier } from '../../../src/auth/local-token-verifier';
import { createTestDatabase, testConfig, uniqueName, type TestDatabase } from '../../support/real-services';

const root = path.resolve(__dirname, '../../..');
const KEY = 'cli-test-signing-key-0123456789abcdef0123';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin/mymonit <args>` (the compiled CLI) in a child process, as an operator would. */
function mymonit(args: string[], env: Record<string, string>, untilStdout?: RegExp, cwd = root): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/mymonit'), ...args], {
      cwd,
      env: { ...process.env, NODE_ENV: 'test', LOG_FORMAT: 'json', AUTH_LOCAL_KEY: KEY, ...env },
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (untilStdout?.test(stdout) && !signalled) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the mymonit command line', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
    db = await createTestDatabase('mymonit_cli');
    await db.drop(); // `migrate` must create it itself
    env = { DB_DATABASE: db.name, RABBIT_EXCHANGE: uniqueName('cli_ex'), RABBIT_QUEUE: uniqueName('cli_q'), RABBIT_QUEUE_TYPE: 'classic' };
  }, 600_000); // a build (tsc) on a loaded 2-core machine takes minutes, not seconds
  afterAll(() => db.drop());

  it('--version prints the version of package.json and exits 0, from any directory', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-cwd-'));
    try {
      const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
      for (const flag of ['--version', '-V']) {
        expect(await mymonit([flag], {}, undefined, elsewhere)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
      }
      expect(fs.readdirSync(elsewhere)).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('stops at start-up with one line naming a bad variable, exit code 2', async () => {
    const result = await mymonit(['serve'], { REST_PORT: 'eighty' });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n').filter((line) => !line.includes('ExperimentalWarning') && !line.includes('--trace-warnings'));
    expect(lines).toEqual([expect.stringMatching(/^mymonit: configuration error: REST_PORT: .*"eighty"/)]);
  });

  it('migrate creates the database and applies the migrations', async () => {
    const result = await mymonit(['migrate'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^schema at version \d+$/m);
  });

  it('user create bootstraps an ADMIN and token prints a token that verifies as that user', async () => {
    const created = await mymonit(['user', 'create', '--role', 'ADMIN', '--username', 'boot-admin', '--user-id', 'A1', '--name', 'Boot Admin', '--email', 'boot@example.org'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created user \d+ \(ADMIN, pseudonym [0-9a-f-]{36}\)/);
    expect(created.stdout).not.toContain('boot@example.org');

    const token = await mymonit(['token', 'boot-admin', '--ttl', '5m'], env);
    expect(token.code).toBe(0);
    const verifier = new LocalTokenVerifier(testConfig({ AUTH_LOCAL_KEY: KEY }));
    await expect(verifier.verify(token.stdout.trim())).resolves.toMatchObject({
      username: 'boot-admin',
      pseudonym: created.stdout.match(/pseudonym ([0-9a-f-]{36})/)?.[1],
    });
  });

  it('token refuses a ttl above AUTH_MAX_TOKEN_LIFETIME', async () => {
    const token = await mymonit(['token', 'boot-admin', '--ttl', '365000d'], env);
    expect(token.code).toBe(1);
    expect(token.stdout).toBe('');
    expect(token.stderr).toContain('ttl must not exceed AUTH_MAX_TOKEN_LIFETIME');
  });

  describe('run from another directory', () => {
    let elsewhere: string;
    beforeEach(() => {
      elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-cwd-'));
    });
    afterEach(() => fs.rmSync(elsewhere, { recursive: true, force: true }));

    it('token signs with the key file at the project root, so the server (same config) accepts it', async () => {
      // Relative, as the default is: resolved against the project root, never the shell's directory.
      const keyFile = `.mymonit/${uniqueName('cli-test-key')}`;
      try {
        const token = await mymonit(['token', 'boot-admin', '--ttl', '5m'], { ...env, AUTH_LOCAL_KEY: '', AUTH_LOCAL_KEY_FILE: keyFile }, undefined, elsewhere);
        expect(token.code).toBe(0);
        expect(fs.readdirSync(elsewhere)).toEqual([]);
        const verifier = new LocalTokenVerifier(testConfig({ AUTH_LOCAL_KEY: '', AUTH_LOCAL_KEY_FILE: keyFile }));
        await expect(verifier.verify(token.stdout.trim())).resolves.toMatchObject({ username: 'boot-admin' });
      } finally {
        fs.rmSync(path.join(root, keyFile), { force: true });
      }
    });

    it('token reads its settings from the .env file the server reads; the real environment wins over it', async () => {
      const dotenv = path.join(elsewhere, 'mymonit.env');
      const fileKey = 'dotenv-signing-key-0123456789abcdef0123456789';
      fs.writeFileSync(dotenv, `AUTH_LOCAL_KEY=${fileKey}\nDB_DATABASE=${env.DB_DATABASE}\nAUTH_TOKEN_TTL=not-a-duration\n`);
      const real = { ...process.env };
      delete real.AUTH_LOCAL_KEY;
      const result = await new Promise<CliResult>((resolve) => {
        const child = spawn(process.execPath, [path.join(root, 'bin/mymonit'), 'token', 'boot-admin'], {
          cwd: elsewhere,
          env: { ...real, NODE_ENV: 'test', LOG_FORMAT: 'json', MYMONIT_ENV_FILE: dotenv, AUTH_TOKEN_TTL: '5m' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const verifier = new LocalTokenVerifier(testConfig({ AUTH_LOCAL_KEY: fileKey }));
      await expect(verifier.verify(result.stdout.trim())).resolves.toMatchObject({ username: 'boot-admin' });
    });

    it('development logs written to a pipe are plain text, without ANSI colours', async () => {
      const result = await mymonit(['all'], { ...env, NODE_ENV: 'development', LOG_FORMAT: '', REST_PORT: '0', REST_HOST: '127.0.0.1' }, /REST listening/, elsewhere);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/ info mymonit\/\S+ .*REST listening/);
      expect(result.stdout).not.toContain('\u001b[');
    });
  });

  it('all serves and consumes, and on SIGTERM drains and exits 0', async () => {
    const result = await mymonit(['all'], { ...env, REST_PORT: '0', REST_HOST: '127.0.0.1' }, /REST listening/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/"consuming"/);
    expect(result.stdout).toMatch(/"stopped cleanly"/);
  });
});
